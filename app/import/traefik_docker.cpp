// Traefik's Docker provider (doc.traefik.io/traefik/providers/docker/): whether the static
// configuration enables it, its constraints over the containers' labels, its defaultRule, and
// what its other options would do.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "import/compose_internal.hpp"
#include "import/traefik_tree.hpp"

namespace deploysim::import {

// A namespace of its own: the unity build compiles this file with others that have helpers too.
namespace traefik_docker {
namespace {

std::optional<bool> parse_bool(const std::string& v) {  // Go's strconv.ParseBool, as paerser reads
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

// The constraints expression (pkg/provider/constraints: Label(`k`, `v`), LabelRegex(`k`, `re`),
// !, &&, ||, parentheses) over one container's labels. Nullopt when it cannot be read (Traefik
// then keeps no container: "Error matching constraints expression"); `unknown` when a regular
// expression is not one this reader can run.
class Constraint {
 public:
  Constraint(const std::string& text, const std::map<std::string, std::string>& labels) : t_(text), labels_(labels) {}
  std::optional<bool> eval(bool& unknown) {
    const auto v = binary(false);
    space();
    unknown = unknown_;
    if (!v || i_ != t_.size()) return std::nullopt;
    return v;
  }

 private:
  void space() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  bool eat(const std::string& s) {
    space();
    if (t_.compare(i_, s.size(), s) != 0) return false;
    i_ += s.size();
    return true;
  }
  std::optional<std::string> quoted() {
    space();
    if (i_ >= t_.size() || (t_[i_] != '`' && t_[i_] != '"')) return std::nullopt;
    const char q = t_[i_];
    const size_t end = t_.find(q, i_ + 1);
    if (end == std::string::npos) return std::nullopt;
    std::string out = t_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return out;
  }
  // `||` over `&&` terms (conj: one term, `&&` over unary ones), Go's precedence.
  std::optional<bool> binary(bool conj) {
    const auto operand = [&] { return conj ? unary() : binary(true); };
    auto v = operand();
    while (v && eat(conj ? "&&" : "||")) {
      const auto w = operand();
      if (!w) return std::nullopt;
      v = conj ? (*v && *w) : (*v || *w);
    }
    return v;
  }
  std::optional<bool> unary() {
    if (eat("!")) {
      const auto v = unary();
      return v ? std::optional(!*v) : std::nullopt;
    }
    if (eat("(")) {
      const auto v = binary(false);
      return v && eat(")") ? v : std::nullopt;
    }
    const bool regex = eat("LabelRegex(");
    if (!regex && !eat("Label(")) return std::nullopt;
    const auto key = quoted();
    if (!key || !eat(",")) return std::nullopt;
    const auto value = quoted();
    if (!value || !eat(")")) return std::nullopt;
    const auto it = labels_.find(*key);
    if (it == labels_.end()) return false;
    if (!regex) return it->second == *value;
    try {  // Go's regexp.MatchString: a match anywhere in the value
      return std::regex_search(it->second, std::regex(*value));
    } catch (const std::regex_error&) {
      unknown_ = true;
      return true;
    }
  }

  const std::string& t_;
  const std::map<std::string, std::string>& labels_;
  size_t i_ = 0;
  bool unknown_ = false;
};

}  // namespace
}  // namespace traefik_docker

void ComposeCtx::docker_provider_option(const std::string& option, const std::string& key, const std::string& value,
                                        const SourcePos& pos) {
  using namespace traefik_docker;
  if (option.empty()) {
    const auto on = parse_bool(value);
    if (!on) {
      r.error(pos, r.w.format("import.bad_value", key, value, "true, false"));
      return;
    }
    docker.enabled = *on;
    docker.enabled_pos = pos;
    r.mapped(pos, r.w.format(*on ? "import.traefik_docker_provider" : "import.traefik_docker_provider_off",
                             value == "true" ? key : key + "=" + value));
    return;
  }
  if (!docker.enabled) {  // an option of the provider enables it (paerser fills in the section)
    docker.enabled = true;
    docker.enabled_pos = pos;
  }
  if (option == "exposedbydefault") {
    set_exposed_by_default(key, value, pos);
  } else if (option == "constraints") {
    docker.constraints = value;
    docker.constraints_pos = pos;
    r.mapped(pos, r.w.format("import.traefik_constraints", key + "=" + value));
  } else if (option == "defaultrule") {
    docker.default_rule = value;
    docker.default_rule_pos = pos;
    r.mapped(pos, r.w.format("import.traefik_default_rule", key + "=" + value));
  } else {
    const char* why = option == "network"              ? "import.why_traefik_docker_network"
                      : option == "watch"              ? "import.why_traefik_docker_watch"
                      : option == "endpoint"           ? "import.why_traefik_docker_endpoint"
                      : option == "usebindportip"      ? "import.why_traefik_docker_bindportip"
                      : option == "allowemptyservices" ? "import.why_traefik_docker_allowempty"
                                                       : "import.why_not_modelled";
    r.ignored(pos, r.w.format("import.ignored_key", key + (value.empty() ? "" : "=" + value), r.w(why)));
  }
}

bool ComposeCtx::docker_provider_on() const { return !traefik_config_known || docker.enabled.value_or(false); }

std::string ComposeCtx::project_name() const {
  if (!env_project_name.empty()) return env_project_name;
  std::string name = scalar(child(root, "name"));
  if (name.empty()) {
    std::error_code ec;
    const auto abs = std::filesystem::absolute(std::filesystem::path(file), ec);
    name = abs.parent_path().filename().string();
  }
  std::string out;
  for (const char ch : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::isalnum(static_cast<unsigned char>(l)) || l == '-' || l == '_') out += l;
  }
  // compose-go's NormalizeProjectName (loader/loader.go) trims leading - and _.
  return out.substr(std::min(out.size(), out.find_first_not_of("-_")));
}

std::optional<bool> ComposeCtx::constraints_keep(const std::string& service) const {
  using namespace traefik_docker;
  if (docker.constraints.empty()) return true;
  std::map<std::string, std::string> l;
  if (const auto it = labels.find(service); it != labels.end()) l = it->second;
  // docker compose labels each container with its project and service.
  l.emplace("com.docker.compose.project", project_name());
  l.emplace("com.docker.compose.service", service);
  bool unknown = false;
  const auto v = Constraint(docker.constraints, l).eval(unknown);
  if (unknown) return std::nullopt;
  return v.value_or(false);
}

void ComposeCtx::add_default_routers(Deployment& d) {
  using namespace traefik_docker;
  if (proxy_service.empty() || !docker_provider_on()) return;
  // The template's values: .Name is the provider's service name, service_project normalized
  // (getServiceName); .ContainerName Compose's container name; .Labels the labels.
  const std::string project = project_name();
  for (const auto& kv : services) {
    const std::string service = scalar(kv.first);
    if (service == proxy_service || !find_service(d, node_name(service)) || !exposed(service) ||
        constraints_keep(service) == false)
      continue;
    std::vector<std::string> unruled;
    bool declared = false;
    for (const auto& [rname, router] : routers)
      if (router.owner == service && router.key_prefix == "traefik.http.routers.") {
        declared = true;
        if (!router.rule_written) unruled.push_back(rname);
      }
    const std::string name = traefik_normalize(service + "_" + project);
    if (!declared) unruled.push_back(name);
    if (unruled.empty()) continue;
    std::string container = scalar(child(kv.second, "container_name"));
    if (container.empty()) container = project + "-" + service + "-1";
    std::string rule = docker.default_rule;
    bool readable = true;
    for (size_t at = rule.find("{{"); at != std::string::npos; at = rule.find("{{", at)) {
      const size_t end = rule.find("}}", at);
      if (end == std::string::npos) {
        readable = false;
        break;
      }
      std::string expr = rule.substr(at + 2, end - at - 2);
      while (!expr.empty() && (expr.front() == ' ' || expr.front() == '-')) expr.erase(0, 1);
      while (!expr.empty() && (expr.back() == ' ' || expr.back() == '-')) expr.pop_back();
      std::string out;
      const bool norm = expr.starts_with("normalize ");
      if (norm) expr = expr.substr(10);
      if (expr == ".Name")
        out = name;
      else if (expr == ".ContainerName")
        out = container;
      else if (expr.starts_with("index .Labels ") && expr.size() > 16 && expr[14] == '"' && expr.back() == '"') {
        const auto l = labels.find(service);
        if (l != labels.end())
          if (const auto v = l->second.find(expr.substr(15, expr.size() - 16)); v != l->second.end()) out = v->second;
      } else {
        readable = false;
        break;
      }
      if (norm) out = traefik_normalize(out);
      rule.replace(at, end + 2 - at, out);
      at += out.size();
    }
    const SourcePos rule_pos = docker.default_rule_pos.line ? docker.default_rule_pos : service_pos(service, kv.second);
    for (const std::string& rname : unruled) {
      auto it = routers.find(rname);
      const SourcePos at = it != routers.end() ? it->second.rule_pos : service_pos(service, kv.second);
      if (!readable) {
        r.ignored(at, r.w.format("import.traefik_default_rule_unread", rname, docker.default_rule));
        continue;
      }
      const std::vector<std::string> hosts = traefik_rule_hosts(rule);
      // Host(`api-shop`), a bare name as the default template gives: no client on the Internet
      // resolves it, so no route of the model's clients reaches the app through it.
      if (std::none_of(hosts.begin(), hosts.end(),
                       [](const std::string& h) { return h.find('.') != std::string::npos; })) {
        r.ignored(at,
                  r.w.format("import.traefik_default_router_bare", rname, service, rule,
                             docker.default_rule_pos.line ? where(rule_pos) : r.w("import.traefik_default_rule_v3")));
        continue;
      }
      if (it == routers.end()) {
        TraefikRouter fresh;
        fresh.owner = service;
        fresh.rule_pos = at;
        it = routers.emplace(rname, fresh).first;
      }
      it->second.hosts = hosts;
      it->second.rule_written = true;
      r.mapped(at, r.w.format("import.traefik_default_router", rname, service, rule,
                              docker.default_rule_pos.line ? where(rule_pos) : r.w("import.traefik_default_rule_v3")));
    }
  }
}

}  // namespace deploysim::import
