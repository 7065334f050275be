// Traefik's static configuration file (traefik.yml, .yaml, .toml) that a Traefik container of a
// Compose file mounts: its certificate resolvers and TLS entry points, as the flags give them
// (compose_proxy.cpp, read_traefik_flags), each value naming the file's line.
#include <set>
#include <string>
#include <vector>

#include "import/compose_internal.hpp"
#include "import/traefik_tree.hpp"

namespace deploysim::import {

// A namespace of its own: the unity build (DEPLOYSIM_UNITY_BUILD) compiles this file with others
// whose unnamed namespaces hold an Entry too.
namespace traefik_file {
namespace {

using Entry = TraefikEntry;

// Applies the leaves of the file (a scalar, a list, a null, an empty map) as read_traefik_flags
// applies flags: the path of keys down to the leaf stands for the flag's dotted name.
class Apply {
 public:
  explicit Apply(ComposeCtx& c) : c_(c), r_(c.r) {}

  void walk(const std::vector<Entry>& entries, std::vector<const Entry*>& path) {
    for (const Entry& e : entries) {
      path.push_back(&e);
      if (e.kind == Entry::Kind::map && !e.children.empty())
        walk(e.children, path);
      else
        leaf(path);
      path.pop_back();
    }
  }

 private:
  void leaf(const std::vector<const Entry*>& path) {
    std::vector<std::string> k;
    for (const Entry* e : path) k.push_back(lowercase(e->key));
    const Entry& last = *path.back();
    const std::string dotted = joined(path, path.size());
    // yaml.v3 gives a key without a value as nil, and paerser's decodeRaw skips a nil value
    // (traefik/paerser file/raw_node.go): Traefik sees no such key.
    if (last.kind == Entry::Kind::null) {
      r_.ignored(last.pos, r_.w.format("import.traefik_file_null", dotted));
      return;
    }
    if (k[0] == "certificatesresolvers" && k.size() >= 2) {
      resolver(path, k);
      return;
    }
    if (k[0] == "entrypoints" && k.size() >= 4 && k[2] == "http" && k[3] == "tls") {
      entrypoint_tls(path, k);
      return;
    }
    if (k[0] == "providers" && k.size() >= 2 && k[1] == "docker") {
      std::string option;
      for (size_t i = 2; i < k.size(); ++i) option += (i > 2 ? "." : "") + k[i];
      c_.docker_provider_option(option, dotted, last.kind == Entry::Kind::scalar ? last.value : "true", last.pos);
      return;
    }
    if (k[0] == "providers" && k.size() >= 2 && k[1] == "file") {
      c_.file_provider_option(k.size() == 3 && last.kind == Entry::Kind::scalar ? k[2] : "", dotted, last.value,
                              last.pos);
      return;
    }
    not_modelled(last.pos, dotted);
  }

  void resolver(const std::vector<const Entry*>& path, const std::vector<std::string>& k) {
    const Entry& last = *path.back();
    const std::string& name = path[1]->key;
    TraefikResolver& res = c_.resolvers[name];
    res.in_static_file = true;
    if (!res.pos.line) res.pos = path[1]->pos;
    if (k.size() < 3 || k[2] != "acme") {  // Tailscale's resolver, or a key Traefik does not know
      not_modelled(last.pos, joined(path, path.size()));
      return;
    }
    if (!res.issuer_pos.line) {  // Let's Encrypt's production CA unless caServer says otherwise
      res.issuer_pos = path[2]->pos;
      res.issuer_key = joined(path, 3);
    }
    if (k.size() < 4) return;  // `acme: {}`: a resolver with no challenge, said where a router uses it
    const std::string& option = k[3];
    const std::string key = joined(path, 4);
    if (option == "storage" && k.size() == 4 && last.kind == Entry::Kind::scalar) {
      res.storage = last.value;
      res.storage_pos = last.pos;
    } else if (option == "httpchallenge" || option == "tlschallenge" || option == "dnschallenge") {
      // `tlsChallenge: false` turns the challenge off: paerser marks an allowEmpty option whose
      // value is not "true" as disabled (parser/nodes_metadata.go).
      if (k.size() == 4 && last.kind == Entry::Kind::scalar && lowercase(last.value) != "true") {
        r_.ignored(last.pos, r_.w.format("import.traefik_challenge_off", key, last.value));
        return;
      }
      res.challenge = option == "httpchallenge" ? "http-01" : option == "tlschallenge" ? "tls-alpn-01" : "dns-01";
      res.challenge_pos = path[3]->pos;
      res.challenge_key = key;
    } else if (option == "caserver" && k.size() == 4) {
      res.staging = last.value.find("staging") != std::string::npos;
      res.issuer_pos = last.pos;
      res.issuer_key = key;
      if (res.staging) r_.mapped(last.pos, r_.w.format("import.traefik_staging", name));
    } else {
      not_modelled(last.pos, joined(path, path.size()));
    }
  }

  // An entry point's http.tls (a map, even an empty one, or true) is TLS for every router on it
  // (doc.traefik.io, EntryPoints, "http.tls"); its certResolver is their resolver.
  void entrypoint_tls(const std::vector<const Entry*>& path, const std::vector<std::string>& k) {
    const Entry& last = *path.back();
    const Entry& tls = *path[3];
    const std::string& ep = path[1]->key;
    if (k.size() == 4 && tls.kind == Entry::Kind::scalar && lowercase(tls.value) != "true") {
      not_modelled(tls.pos, joined(path, 4) + "=" + tls.value);  // TLS off, as paerser reads it
      return;
    }
    if (!tls_said_.count(ep)) {
      tls_said_.insert(ep);
      c_.tls_entrypoint = ep;
      c_.tls_entrypoint_pos = tls.pos;
      r_.mapped(tls.pos, r_.w.format("import.traefik_entrypoint_tls", joined(path, 4), ep));
    }
    if (k.size() == 5 && k[4] == "certresolver" && last.kind == Entry::Kind::scalar) {
      c_.default_resolver = last.value;
      c_.default_resolver_pos = last.pos;
      r_.mapped(last.pos, r_.w.format("import.traefik_entrypoint_resolver", joined(path, 5), last.value, ep));
    } else if (k.size() > 4) {
      not_modelled(last.pos, joined(path, path.size()));
    }
  }

  void not_modelled(const SourcePos& pos, const std::string& key) {
    r_.ignored(pos, r_.w.format("import.ignored_key", key, r_.w("import.why_not_modelled")));
  }

  static std::string joined(const std::vector<const Entry*>& path, size_t n) {
    std::string out;
    for (size_t i = 0; i < n && i < path.size(); ++i) out += (i ? "." : "") + path[i]->key;
    return out;
  }

  ComposeCtx& c_;
  Report& r_;
  std::set<std::string> tls_said_;
};

bool read_file(ComposeCtx& c, const std::string& name, const std::string& text, const std::string& container_path) {
  const auto root = read_traefik_tree(name, text, lowercase(container_path).ends_with(".toml"), c.r);
  if (!root) return false;
  Apply apply(c);
  std::vector<const Entry*> path;
  apply.walk(*root, path);
  return true;
}

}  // namespace
}  // namespace traefik_file

bool read_traefik_static_file(ComposeCtx& c, const std::string& name, const std::string& text,
                              const std::string& container_path) {
  return traefik_file::read_file(c, name, text, container_path);
}

}  // namespace deploysim::import
