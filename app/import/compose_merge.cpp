// Compose files merged as docker compose merges them: an override file over its base
// (compose.override.yaml over compose.yaml, which `docker compose up` reads together when no -f
// is given), and a service's `extends:` of another service of its file. The rules are the
// Compose specification's "Merge" section (docs.docker.com/reference/compose-file/merge/).
#include <set>
#include <string>
#include <vector>

#include "import/compose_internal.hpp"

namespace deploysim::import {

namespace {

// A mapping key's text, or "" for any other key.
std::string key_text(const YAML::Node& k) { return k.IsScalar() ? k.Scalar() : std::string(); }

// The name of an environment or label entry in list form ("KEY=value" or "KEY").
std::string entry_name(const YAML::Node& item) {
  const std::string s = scalar(item);
  return s.substr(0, s.find('='));
}

// What makes an item of a "unique resource" sequence the same item in both files: a volume's
// and a secret's or config's target, a port's whole text. A later file's item replaces the
// earlier one with the same key.
std::string unique_key(const std::string& attribute, const YAML::Node& item) {
  if (item.IsMap()) {
    if (attribute == "ports")
      return scalar(child(item, "host_ip")) + "|" + scalar(child(item, "published")) + "|" +
             scalar(child(item, "target")) + "|" + scalar(child(item, "protocol"));
    const std::string target = scalar(child(item, "target"));
    return target.empty() ? scalar(child(item, "source")) : target;
  }
  const std::string s = scalar(item);
  if (attribute == "volumes") {
    // SOURCE:TARGET[:MODE], or TARGET alone (an anonymous volume).
    const size_t first = s.find(':');
    if (first == std::string::npos) return s;
    const size_t second = s.find(':', first + 1);
    return s.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  }
  return s;
}

// A sequence merged with a later one: appended, but for the unique resources (ports, volumes,
// secrets, configs: an item with the same key replaced) and the list forms of environment and
// labels (an entry of the same name replaced).
YAML::Node merged_sequence(const YAML::Node& base, const YAML::Node& over, const std::string& attribute) {
  const bool named = attribute == "environment" || attribute == "labels";
  const bool unique =
      attribute == "ports" || attribute == "volumes" || attribute == "secrets" || attribute == "configs";
  const auto key = [&](const YAML::Node& item) { return named ? entry_name(item) : unique_key(attribute, item); };
  std::set<std::string> replaced;
  if (named || unique)
    for (const YAML::Node& item : over) replaced.insert(key(item));
  YAML::Node out(YAML::NodeType::Sequence);
  for (const YAML::Node& item : base)
    if (!replaced.count(key(item))) out.push_back(item);
  for (const YAML::Node& item : over) out.push_back(item);
  return out;
}

// environment or labels, one side a map and the other a list: Compose merges the expanded form,
// so the result is a map (the list's entries as new values, without a place in the file).
YAML::Node as_map(const YAML::Node& entries) {
  if (!entries.IsSequence()) return entries;
  YAML::Node out(YAML::NodeType::Map);
  for (const YAML::Node& item : entries) {
    const std::string s = scalar(item);
    const size_t eq = s.find('=');
    if (eq == std::string::npos)
      out[s] = YAML::Node(YAML::NodeType::Null);
    else
      out[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return out;
}

// `over` merged over `base` into a new tree; neither is changed, and the nodes of either that
// the result keeps are theirs (with their marks: the report cites the line each came from).
YAML::Node merged(const YAML::Node& base, const YAML::Node& over, const std::vector<std::string>& path, int depth) {
  const std::string attribute = path.empty() ? std::string() : path.back();
  const bool service_key = path.size() == 3 && path[0] == "services";
  // services.NAME.command, .entrypoint and .healthcheck.test: the later file's value replaces.
  const bool shell = (service_key && (attribute == "command" || attribute == "entrypoint")) ||
                     (path.size() == 4 && path[0] == "services" && path[2] == "healthcheck" && attribute == "test");
  if (shell || depth > 64) return over;
  const bool named = service_key && (attribute == "environment" || attribute == "labels");
  if (named && base.IsMap() != over.IsMap() && (base.IsMap() || base.IsSequence()) &&
      (over.IsMap() || over.IsSequence()))
    return merged(as_map(base), as_map(over), path, depth);
  if (base.IsSequence() && over.IsSequence()) return merged_sequence(base, over, attribute);
  if (!base.IsMap() || !over.IsMap()) return over;
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : base) {
    const std::string key = key_text(kv.first);
    const YAML::Node later = child(over, key.c_str());
    if (key.empty() || !later.IsDefined()) {
      out.force_insert(kv.first, kv.second);
      continue;
    }
    std::vector<std::string> at = path;
    at.push_back(key);
    // Two maps merged keep the first file's key (a service is where it was defined); a value
    // replaced takes the later file's key with it (key_pos reads a block value's place there).
    for (const auto& okv : over)
      if (key_text(okv.first) == key)
        out.force_insert(kv.second.IsMap() && later.IsMap() ? kv.first : okv.first,
                         merged(kv.second, later, at, depth + 1));
  }
  for (const auto& kv : over)
    if (const std::string key = key_text(kv.first); key.empty() || !child(base, key.c_str()).IsDefined())
      out.force_insert(kv.first, kv.second);
  return out;
}

}  // namespace

YAML::Node merge_compose(const YAML::Node& base, const YAML::Node& over) { return merged(base, over, {}, 0); }

YAML::Node merge_service(const YAML::Node& base, const YAML::Node& local) {
  return merged(base, local, {"services", "_"}, 0);
}

namespace {

// One service's `extends:` (after its base's own): the base's keys with the service's merged
// over them, in the service's place.
bool extend(ComposeCtx& c, const std::string& name, std::set<std::string>& done, std::set<std::string>& open) {
  if (done.count(name)) return true;
  YAML::Node svc = child(c.services, name.c_str());
  const YAML::Node ext = child(svc, "extends");
  if (!ext.IsDefined()) {
    done.insert(name);
    return true;
  }
  Report& r = c.r;
  const SourcePos at = c.pos(ext);
  const std::string base = ext.IsScalar() ? scalar(ext) : scalar(child(ext, "service"));
  if (const std::string file = scalar(child(ext, "file")); !file.empty()) {
    r.ignored(at, r.w.format("import.compose_extends_file", base, file));
    done.insert(name);
    return true;
  }
  if (open.count(base) || base == name) {
    r.error(at, r.w.format("import.compose_extends_cycle", name, base));
    return false;
  }
  if (!child(c.services, base.c_str()).IsMap()) {
    r.error(at, r.w.format("import.compose_extends_missing", base));
    return false;
  }
  open.insert(name);
  const bool ok = extend(c, base, done, open);
  open.erase(name);
  if (!ok) return false;
  YAML::Node local(YAML::NodeType::Map);
  for (const auto& kv : svc)
    if (key_text(kv.first) != "extends") local.force_insert(kv.first, kv.second);
  svc = merge_service(child(c.services, base.c_str()), local);  // the same node, its content replaced
  r.mapped(at, r.w.format("import.compose_extends", base));
  done.insert(name);
  return true;
}

}  // namespace

bool resolve_extends(ComposeCtx& c) {
  std::set<std::string> done, open;
  std::vector<std::string> names;
  for (const auto& kv : c.services) names.push_back(scalar(kv.first));
  for (const std::string& name : names)
    if (!extend(c, name, done, open)) return false;
  return true;
}

}  // namespace deploysim::import
