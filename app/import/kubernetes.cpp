// Kubernetes manifests: Deployments (replicas, strategy, the app container's command, memory
// limit, probes, preStop, grace period, init containers) and Jobs (a migration run once). The
// Services, Ingresses and cert-manager resources are in kubernetes_ingress.cpp. Defaults are
// Kubernetes' own (domain-facts.md, "Restart supervisors").
#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <string>

#include <fmt/format.h>

#include "import/asgi_command.hpp"
#include "import/kubernetes_internal.hpp"

namespace deploysim::import {

int rollout_percent(const YAML::Node& value, int replicas, bool round_up) {
  std::string s = scalar(value);
  if (s.ends_with("%")) {
    s.pop_back();
    try {
      return std::clamp(std::stoi(s), 0, 100);
    } catch (...) {
      return -1;
    }
  }
  const auto n = as_int(value);
  if (!n || *n < 0) return -1;
  const int r = std::max(1, replicas);
  const long long p = round_up ? (100 * *n) / r : (100 * *n + r - 1) / r;
  return static_cast<int>(std::min<long long>(100, p));
}

namespace {

// The image without its tag or digest ("registry.example.com/shop/api:1.4.2" -> ".../api").
std::string image_repo(const std::string& image) {
  std::string s = image.substr(0, image.find('@'));
  const size_t slash = s.rfind('/');
  const size_t colon = s.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) s.resize(colon);
  return s;
}

// The container's variables with a value in the file (valueFrom is read at run time).
std::map<std::string, std::string> env_of(const YAML::Node& container) {
  std::map<std::string, std::string> env;
  for (const auto& e : child(container, "env"))
    if (!child(e, "valueFrom").IsDefined()) env[scalar(child(e, "name"))] = scalar(child(e, "value"));
  return env;
}

std::map<std::string, SourcePos> env_pos_of(const Manifest& m, const YAML::Node& container) {
  std::map<std::string, SourcePos> out;
  for (const auto& e : child(container, "env")) out[scalar(child(e, "name"))] = m.pos(e);
  return out;
}

// Kubernetes expands $(NAME) in command and args from the container's environment, leaves a
// name it cannot resolve as written, and reads $$ as one $ (so "$$(NAME)" stays "$(NAME)"):
// https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/.
// Only `value:` entries are known here (valueFrom is read at run time); `used` gets each name
// that was filled in.
std::string expand_k8s_refs(const std::string& word, const std::map<std::string, std::string>& env,
                            std::vector<std::string>& used) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '$' || i + 1 >= word.size()) {
      out += word[i];
    } else if (word[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (const size_t close = word.find(')', i); word[i + 1] == '(' && close != std::string::npos) {
      const std::string name = word.substr(i + 2, close - i - 2);
      if (env.count(name)) {
        out += env.at(name);
        if (std::find(used.begin(), used.end(), name) == used.end()) used.push_back(name);
      } else {
        out += word.substr(i, close + 1 - i);
      }
      i = close;
    } else {
      out += word[i];
    }
  }
  return out;
}

std::vector<std::string> expanded_words(const YAML::Node& container, const char* key, std::vector<std::string>& used,
                                        const std::map<std::string, std::string>& env) {
  std::vector<std::string> words = as_words(child(container, key));
  for (std::string& w : words) w = expand_k8s_refs(w, env, used);
  return words;
}

// The container's command line; $(NAME) filled in from `env` (by default its `value:` entries).
std::vector<std::string> argv_of(const YAML::Node& container, const std::map<std::string, std::string>* env = nullptr) {
  std::vector<std::string> used;
  const std::map<std::string, std::string> own = env ? std::map<std::string, std::string>{} : env_of(container);
  const std::map<std::string, std::string>& vars = env ? *env : own;
  std::vector<std::string> argv = expanded_words(container, "command", used, vars);
  for (const std::string& a : expanded_words(container, "args", used, vars)) argv.push_back(a);
  return argv;
}

const char* scenario_probe(const std::string& key) {
  return key == "livenessProbe" ? "liveness" : key == "readinessProbe" ? "readiness" : "startup";
}

void read_probe(const Manifest& m, const YAML::Node& container, const std::string& key, Table& t, Report& r) {
  const YAML::Node probe = child(container, key.c_str());
  // What the scenario's probe takes (scenario_service.cpp): a value outside it is an error here,
  // at the manifest's line, not in the scenario the import writes.
  struct Field {
    const char* file_key;
    const char* scenario_key;
    bool seconds;
    long long min, max;
  };
  static const Field fields[] = {{"initialDelaySeconds", "initial_delay", true, 0, max_file_seconds},
                                 {"periodSeconds", "period", true, 1, max_file_seconds},
                                 {"timeoutSeconds", "timeout", true, 1, max_file_seconds},
                                 {"failureThreshold", "failure_threshold", false, 1, 100},
                                 {"successThreshold", "success_threshold", false, 1, 100}};
  const std::string probe_key = std::string("supervisor.") + scenario_probe(key);
  r.mapped(m.key(container, key.c_str()), r.w.format("import.mapped", key, probe_key, "{}"));
  std::set<std::string> zero;  // written as 0: the API server puts its default there (SetDefaults_Probe)
  for (const auto& kv : probe) {
    const std::string k = scalar(kv.first);
    const Field* f = nullptr;
    for (const Field& field : fields)
      if (k == field.file_key) f = &field;
    if (!f) {
      r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", key + "." + k, r.w("import.why_probe_handler")));
      continue;
    }
    const auto v = as_int(kv.second);
    if (!v || *v < 0) {
      r.error(m.pos(kv.second), r.w.format("import.bad_value", k, scalar(kv.second), "0, 1, 10"));
      continue;
    }
    if (*v == 0 && k != "initialDelaySeconds") {
      zero.insert(k);
      continue;
    }
    // Kubernetes accepts only 1 for these two, and the scenario's probe likewise.
    if (k == "successThreshold" && key != "readinessProbe" && *v != 1) {
      r.error(m.pos(kv.second), r.w.format("import.bad_value", k, scalar(kv.second), "1"));
      continue;
    }
    if (*v < f->min || *v > f->max) {
      r.error(m.pos(kv.second), r.w.format("import.out_of_range", k, scalar(kv.second), f->min, f->max));
      continue;
    }
    const std::string toml = f->seconds ? duration_text(static_cast<uint64_t>(*v) * 1000) : std::to_string(*v);
    t.set(f->scenario_key, r.from(m.pos(kv.first), key + "." + k, probe_key + "." + f->scenario_key, toml));
  }
  // The fields left out take Kubernetes' defaults (the Probe API reference: periodSeconds 10,
  // timeoutSeconds 1, failureThreshold 3), which the report says were assumed.
  // Durations are shown in the report's language ("10 s", "10초").
  for (const auto& [file_key, scenario_key, toml, secs, shown] :
       {std::tuple{"periodSeconds", "period", "\"10s\"", 10, ""},
        std::tuple{"timeoutSeconds", "timeout", "\"1s\"", 1, ""},
        std::tuple{"failureThreshold", "failure_threshold", "3", 0, "3"}})
    if ((!child(probe, file_key).IsDefined() || zero.count(file_key)) && !t.get(scenario_key)) {
      const std::string value = secs > 0 ? fmt::format(fmt::runtime(r.w.time_units().s), secs) : std::string(shown);
      t.set(scenario_key, zero.count(file_key)
                              ? r.assume(m.pos(child(probe, file_key)), probe_key + "." + scenario_key, toml,
                                         r.w.format("import.why_k8s_zero", key + "." + file_key, value))
                              : r.assume(m.key(container, key.c_str()), probe_key + "." + scenario_key, toml,
                                         r.w.format("import.why_k8s_default", key + "." + file_key, value)));
    }
  if (zero.count("successThreshold"))
    r.assumed(m.pos(child(probe, "successThreshold")),
              r.w.format("import.why_k8s_zero", key + ".successThreshold", "1"));
}

// The preStop hook's pause: `sleep: {seconds: 5}` (1.30+) or `exec: {command: [sleep, "5"]}`
// (also inside `sh -c "sleep 5"`). `from` is set to the key it was read from.
std::optional<long long> pre_stop_seconds(const Manifest& m, const YAML::Node& pre_stop, SourcePos& from) {
  if (const auto s = as_int(child(child(pre_stop, "sleep"), "seconds"))) {
    from = m.key(child(pre_stop, "sleep"), "seconds");
    return s;
  }
  from = m.key(child(pre_stop, "exec"), "command");
  std::vector<std::string> words = as_words(child(child(pre_stop, "exec"), "command"));
  if (words.size() >= 3 && (words[1] == "-c")) {
    std::vector<std::string> inner;
    split_shell_words(words[2], inner, true);
    words = inner;
  }
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == "sleep" || words[i].ends_with("/sleep")) {
      try {
        return std::stoll(words[i + 1]);
      } catch (...) {
        return std::nullopt;
      }
    }
  return std::nullopt;
}

// A ConfigMap of the files by name, or null.
const Manifest* config_map(const K8s& k, const std::string& name) {
  for (const Manifest& m : k.manifests)
    if (m.kind == "ConfigMap" && m.name == name) return &m;
  return nullptr;
}

// What a container's environment holds from ConfigMaps in the files: `envFrom: - configMapRef`
// (every key, under the container's own env entries, as Kubernetes orders them) and env entries
// `valueFrom: configMapKeyRef`. Each value names its line in the ConfigMap.
void config_map_env(const K8s& k, const YAML::Node& c, std::map<std::string, std::string>& env,
                    std::map<std::string, SourcePos>& env_pos) {
  for (const YAML::Node& from : child(c, "envFrom")) {
    const Manifest* cm = config_map(k, scalar(child(child(from, "configMapRef"), "name")));
    if (!cm) continue;
    const std::string prefix = scalar(child(from, "prefix"));
    for (const auto& kv : child(cm->doc, "data")) {
      const std::string name = prefix + scalar(kv.first);
      if (env.count(name)) continue;  // the container's own env entry wins
      env[name] = scalar(kv.second);
      env_pos[name] = cm->pos(kv.first);
    }
  }
  for (const YAML::Node& e : child(c, "env")) {
    const YAML::Node ref = child(child(e, "valueFrom"), "configMapKeyRef");
    const Manifest* cm = config_map(k, scalar(child(ref, "name")));
    if (!cm) continue;
    const std::string key = scalar(child(ref, "key"));
    for (const auto& kv : child(cm->doc, "data"))
      if (scalar(kv.first) == key) {
        env[scalar(child(e, "name"))] = scalar(kv.second);
        env_pos[scalar(child(e, "name"))] = cm->pos(kv.first);
      }
  }
}

void read_container(const Manifest& m, const K8s& k, const YAML::Node& c, ServiceModel& s, Report& r) {
  // The container's environment: its `value:` entries, and what ConfigMaps of these files give
  // (envFrom, configMapKeyRef). Kubernetes fills $(NAME) in command and args from all of it; a
  // Secret's values and a ConfigMap not in the files stay unknown.
  std::map<std::string, std::string> env = env_of(c);
  std::map<std::string, SourcePos> env_pos = env_pos_of(m, c);
  config_map_env(k, c, env, env_pos);
  const std::vector<std::string> argv = argv_of(c, &env);
  // command and args are two keys, usually on two lines: a value names the one it was read from.
  std::vector<CommandPart> parts;
  std::vector<std::string> refs;  // $(NAME) filled in from env
  for (const char* key : {"command", "args"})
    if (child(c, key).IsDefined()) parts.push_back({key, m.key(c, key), expanded_words(c, key, refs, env)});
  const SourcePos cmd_pos = parts.empty() ? m.pos(c) : parts.front().pos;
  int container_port = 8000;
  if (const YAML::Node ports = child(c, "ports"); ports.IsSequence() && ports.size() > 0) {
    if (const YAML::Node p = child(ports[0], "containerPort"); p.IsDefined()) {
      if (const auto port = port_number(scalar(p)))
        container_port = *port;
      else
        r.error(m.pos(p), r.w.format("import.out_of_range", "containerPort", scalar(p), 1, 65535));
    }
  }
  bool known = !argv.empty() && apply_asgi_command(parts, cmd_pos, s, r, env, env_pos);
  if (known)
    for (const std::string& name : refs) {
      if (std::find(s.env_read.begin(), s.env_read.end(), name) == s.env_read.end()) s.env_read.push_back(name);
      r.mapped(env_pos[name], r.w.format("import.k8s_env_ref", name, env[name]));
    }
  if (!known) {
    if (!argv.empty()) r.ignored(cmd_pos, r.w.format("import.unknown_command", command_text(argv)));
    assume_asgi_defaults(m.pos(c), container_port, s, r, !argv.empty());
  }
  s.image = scalar(child(c, "image"));
  const YAML::Node mem = child(child(child(c, "resources"), "limits"), "memory");
  if (mem.IsDefined()) {
    const auto bytes = parse_k8s_quantity(scalar(mem));
    if (!bytes || *bytes == 0)
      r.error(m.pos(mem), r.w.format("import.bad_value", "resources.limits.memory", scalar(mem), "512Mi, 1Gi"));
    else
      s.supervisor.set("memory_limit",
                       r.from(m.pos(mem), "resources.limits.memory", "supervisor.memory_limit", size_text(*bytes)));
  }
  static const std::set<std::string> handled = {"name",      "image",         "command",        "args",
                                                "resources", "livenessProbe", "readinessProbe", "startupProbe",
                                                "lifecycle", "ports"};
  if (child(c, "livenessProbe").IsMap()) {
    read_probe(m, c, "livenessProbe", s.liveness, r);
    s.has_liveness = true;
  }
  if (child(c, "readinessProbe").IsMap()) {
    read_probe(m, c, "readinessProbe", s.readiness, r);
    s.has_readiness = true;
  }
  if (child(c, "startupProbe").IsMap()) {
    read_probe(m, c, "startupProbe", s.startup, r);
    s.has_startup = true;
  }
  const YAML::Node lifecycle = child(c, "lifecycle");
  if (const YAML::Node pre_stop = child(lifecycle, "preStop"); pre_stop.IsDefined()) {
    SourcePos from;
    if (const auto secs = pre_stop_seconds(m, pre_stop, from)) {
      if (const auto text = seconds_text(*secs, 0, from, "lifecycle.preStop", std::to_string(*secs) + "s", r))
        s.supervisor.set("pre_stop", r.from(from, "lifecycle.preStop", "supervisor.pre_stop", *text));
    } else
      r.ignored(m.key(lifecycle, "preStop"),
                r.w.format("import.ignored_key", "lifecycle.preStop", r.w("import.why_pre_stop")));
  }
  for (const auto& kv : child(c, "resources"))
    for (const auto& q : kv.second)
      if (!(scalar(kv.first) == "limits" && scalar(q.first) == "memory"))
        r.ignored(m.pos(q.first),
                  r.w.format("import.ignored_key", "resources." + scalar(kv.first) + "." + scalar(q.first),
                             r.w("import.why_not_modelled")));
  // envFrom: the ConfigMaps in the files give variables (a Secret's are not in the files).
  bool from_config_map = false;
  for (const YAML::Node& from : child(c, "envFrom"))
    from_config_map |= config_map(k, scalar(child(child(from, "configMapRef"), "name"))) != nullptr;
  for (const auto& kv : c)
    if (scalar(kv.first) == "envFrom" && from_config_map)
      r.mapped(m.pos(kv.first), r.w("import.k8s_env_from"));
    else if (scalar(kv.first) == "env" && !s.env_read.empty())
      r.mapped(m.pos(kv.first), r.w.format("import.env_partly", "env", join_words(s.env_read)));
    else if (!handled.count(scalar(kv.first)))
      r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", scalar(kv.first), r.w("import.why_not_modelled")));
}

// The HorizontalPodAutoscaler of these files whose scaleTargetRef names the workload (its kind
// and name; namespaces are told apart only where both write one), or null.
const Manifest* autoscaler_of(const K8s& k, const Manifest& workload) {
  const auto namespace_of = [](const Manifest& m) { return scalar(child(child(m.doc, "metadata"), "namespace")); };
  for (const Manifest& m : k.manifests) {
    if (m.kind != "HorizontalPodAutoscaler") continue;
    const YAML::Node ref = child(child(m.doc, "spec"), "scaleTargetRef");
    const std::string ns = namespace_of(m), workload_ns = namespace_of(workload);
    if (scalar(child(ref, "kind")) == workload.kind && scalar(child(ref, "name")) == workload.name &&
        (ns.empty() || workload_ns.empty() || ns == workload_ns))
      return &m;
  }
  return nullptr;
}

// The replicas a HorizontalPodAutoscaler gives its workload. Its controller keeps the scale
// between minReplicas (1 when absent) and maxReplicas and moves it on its metrics' load
// (kubernetes.io, "Horizontal Pod Autoscaling"; the HPA controller's replica_calculator): with
// no spec.replicas (Kubernetes' advice when an HPA manages a workload, "Migrating Deployments and
// StatefulSets to horizontal autoscaling") it runs minReplicas at the least, and a spec.replicas
// outside the range is moved into it. The model does not simulate the load that scales it: the
// run keeps that count, said at the HPA. `written`: spec.replicas, when the workload has one.
void read_autoscaler(const Manifest& m, const Manifest& autoscaler, K8s& k, std::optional<long long> written,
                     ServiceModel& s, Report& r) {
  const Manifest* hpa = &autoscaler;
  k.autoscalers_read.insert(hpa->name);
  const YAML::Node spec = child(hpa->doc, "spec");
  const YAML::Node min_node = child(spec, "minReplicas"), max_node = child(spec, "maxReplicas");
  long long min = 1;
  if (min_node.IsDefined()) {
    const auto n = as_int(min_node);
    if (!n || *n < 1 || *n > 64) {
      r.error(hpa->pos(min_node), r.w.format("import.bad_value", "minReplicas", scalar(min_node), "1-64"));
      return;
    }
    min = *n;
  }
  // maxReplicas is required and at least minReplicas (the API server refuses the HPA otherwise).
  const long long max = std::max(min, as_int(max_node).value_or(min));
  const long long n = written ? std::clamp(*written, min, max) : min;
  const std::string hpa_key = "HorizontalPodAutoscaler " + hpa->name;
  const YAML::Node replicas = child(child(m.doc, "spec"), "replicas");
  if (written && n == *written) {
    s.replicas = r.from(m.pos(replicas), "spec.replicas", "hosts", std::to_string(n));
  } else if (written) {
    const bool up = n == min;
    r.ignored(m.pos(replicas),
              r.w.format("import.k8s_hpa_moves_replicas", *written, hpa->name, up ? "minReplicas" : "maxReplicas", n));
    s.replicas = r.from(up                     ? hpa->pos(min_node)
                        : max_node.IsDefined() ? hpa->pos(max_node)
                                               : hpa->kind_pos(),
                        hpa_key + (up ? " minReplicas" : " maxReplicas"), "hosts", std::to_string(n));
  } else if (min_node.IsDefined()) {
    s.replicas = r.from(hpa->pos(min_node), hpa_key + " minReplicas", "hosts", std::to_string(n));
  } else {
    s.replicas =
        r.assume(hpa->key(spec, "scaleTargetRef"), "hosts", "1", r.w.format("import.why_k8s_hpa_min", hpa->name));
  }
  s.replica_count = static_cast<int>(n);
  r.ignored(hpa->at(), r.w.format("import.k8s_hpa", hpa->name, m.kind, m.name, min, max, n));
}

// A StatefulSet's spec.updateStrategy. RollingUpdate, its default, replaces one pod at a time
// (the highest ordinal first, each Running and Ready before the next) and never starts an extra
// one (Kubernetes docs, "StatefulSets", Rolling Updates); OnDelete replaces a pod only when
// someone deletes it.
void read_statefulset_update(const Manifest& m, const YAML::Node& spec, ServiceModel& s, Report& r) {
  const YAML::Node strategy = child(spec, "updateStrategy");
  const YAML::Node type_node = child(strategy, "type");
  const std::string type = scalar(type_node);
  if (type == "OnDelete") {
    r.ignored(m.pos(type_node), r.w("import.k8s_ondelete"));
    return;
  }
  if (!type.empty() && type != "RollingUpdate") {  // the API server refuses it: Unsupported value
    r.error(m.pos(type_node), r.w.format("import.bad_value", "updateStrategy.type", type, "RollingUpdate, OnDelete"));
    return;
  }
  const SourcePos at = type.empty() ? m.at() : m.pos(type_node);
  s.keys.set("rollout", type.empty() ? r.assume(at, "rollout", toml_str("rolling"), r.w("import.why_sts_strategy"))
                                     : r.from(at, "updateStrategy.type", "rollout", toml_str("rolling")));
  // One pod of the replicas, as the percentages the scenario takes (rounded up: at least one).
  const int replicas = std::max(1, s.replica_count);
  s.keys.set("max_surge", r.assume(at, "max_surge", "0", r.w("import.why_sts_one_at_a_time")));
  s.keys.set("max_unavailable", r.assume(at, "max_unavailable", std::to_string((100 + replicas - 1) / replicas),
                                         r.w("import.why_sts_one_at_a_time")));
  for (const auto& kv : child(strategy, "rollingUpdate"))
    r.ignored(m.pos(kv.first),
              r.w.format("import.ignored_key", "rollingUpdate." + scalar(kv.first), r.w("import.why_not_modelled")));
}

void read_deployment(const Manifest& m, K8s& k, Deployment& d, Report& r) {
  const YAML::Node spec = child(m.doc, "spec");
  const YAML::Node pod = child(child(spec, "template"), "spec");
  ServiceModel s;
  s.name = node_name(m.name);
  s.pos = m.name_pos();  // the service's name is metadata.name
  s.host_stem = "node";
  for (const auto& kv : child(child(child(spec, "template"), "metadata"), "labels"))
    k.pod_labels[m.name][scalar(kv.first)] = scalar(kv.second);
  k.workload_kind[m.name] = m.kind;

  // The app container: the first whose command is an ASGI server, else the first.
  const YAML::Node containers = child(pod, "containers");
  if (!containers.IsSequence() || containers.size() == 0) {
    r.error(m.at(), r.w.format("import.k8s_no_containers", m.name));
    return;
  }
  const auto runs_asgi = [](const std::vector<std::string>& argv) {
    return std::any_of(argv.begin(), argv.end(), [](const std::string& a) {
      return a.find("uvicorn") != std::string::npos || a.find("gunicorn") != std::string::npos ||
             a.find("hypercorn") != std::string::npos;
    });
  };
  size_t app = 0;
  for (size_t i = 0; i < containers.size(); ++i)
    if (runs_asgi(argv_of(containers[i]))) {
      app = i;
      break;
    }
  // A database or cache (a StatefulSet of redis:7.2) is no app: named, and left out.
  if (const std::string image = scalar(child(containers[app], "image"));
      is_backing_image(image) && !runs_asgi(argv_of(containers[app]))) {
    r.ignored(m.name_pos(), r.w.format("import.k8s_not_asgi", m.kind, m.name, image));
    k.left_out.insert(m.name);
    return;
  }
  s.supervisor.set("kind", r.from(m.kind_pos(), "kind: " + m.kind, "supervisor.kind", toml_str("kubernetes")));
  read_container(m, k, containers[app], s, r);
  for (size_t i = 0; i < containers.size(); ++i)
    if (i != app)
      r.ignored(m.pos(containers[i]), r.w.format("import.k8s_sidecar", scalar(child(containers[i], "name"))));

  const YAML::Node replicas = child(spec, "replicas");
  std::optional<long long> written;
  if (replicas.IsDefined()) {
    written = as_int(replicas);
    if (!written || *written < 1 || *written > 64) {
      r.error(m.pos(replicas), r.w.format("import.bad_value", "spec.replicas", scalar(replicas), "1-64"));
      written.reset();
    }
  }
  // A HorizontalPodAutoscaler of this workload sets its replicas (what a Helm chart's
  // `autoscaling.enabled` leaves spec.replicas out for); read before the rollout's percentages,
  // which count its pods.
  if (replicas.IsDefined() && !written) {
    // said above
  } else if (const Manifest* hpa = autoscaler_of(k, m)) {
    read_autoscaler(m, *hpa, k, written, s, r);
  } else if (written) {
    s.replica_count = static_cast<int>(*written);
    s.replicas = r.from(m.pos(replicas), "spec.replicas", "hosts", std::to_string(*written));
  } else {
    s.replicas = r.assume(m.at(), "hosts", "1", r.w("import.why_k8s_replicas"));
  }
  const YAML::Node strategy = child(spec, "strategy");
  const std::string type = scalar(child(strategy, "type"));
  if (m.kind == "StatefulSet") {
    read_statefulset_update(m, spec, s, r);
  } else if (type == "Recreate") {
    s.keys.set("rollout", r.from(m.pos(child(strategy, "type")), "strategy.type", "rollout", toml_str("recreate")));
  } else {
    if (type == "RollingUpdate")
      s.keys.set("rollout", r.from(m.pos(child(strategy, "type")), "strategy.type", "rollout", toml_str("rolling")));
    else if (!type.empty())  // the API server refuses it: Unsupported value
      r.error(m.pos(child(strategy, "type")),
              r.w.format("import.bad_value", "strategy.type", type, "RollingUpdate, Recreate"));
    else if (strategy.IsDefined())  // the API server fills in the type
      s.keys.set("rollout", r.assume(m.key(spec, "strategy"), "rollout", toml_str("rolling"),
                                     r.w("import.why_k8s_strategy_type")));
    else
      s.keys.set("rollout", r.assume(m.at(), "rollout", toml_str("rolling"), r.w("import.why_k8s_strategy")));
    const YAML::Node ru = child(strategy, "rollingUpdate");
    // Both 0: Kubernetes' validation refuses the Deployment (its rollout could never move).
    const YAML::Node surge = child(ru, "maxSurge"), unavailable = child(ru, "maxUnavailable");
    const bool both_zero = surge.IsDefined() && unavailable.IsDefined() &&
                           rollout_percent(surge, s.replica_count, true) == 0 &&
                           rollout_percent(unavailable, s.replica_count, false) == 0;
    if (both_zero) r.error(m.pos(ru), r.w("import.k8s_rollout_zero"));
    for (const auto& [file_key, scenario_key, up] :
         {std::tuple{"maxSurge", "max_surge", true}, std::tuple{"maxUnavailable", "max_unavailable", false}}) {
      const YAML::Node v = child(ru, file_key);
      if (both_zero) continue;
      if (!v.IsDefined()) {  // Kubernetes' default for both is 25% (the Deployment API reference)
        s.keys.set(scenario_key,
                   r.assume(ru.IsDefined()         ? m.pos(ru)
                            : strategy.IsDefined() ? m.key(spec, "strategy")
                                                   : m.at(),
                            scenario_key, "25",
                            r.w.format("import.why_k8s_default", std::string("rollingUpdate.") + file_key, "25%")));
        continue;
      }
      const int p = rollout_percent(v, s.replica_count, up);
      if (p < 0)
        r.error(m.pos(v), r.w.format("import.bad_value", file_key, scalar(v), "25%, 1"));
      else
        s.keys.set(scenario_key,
                   r.from(m.pos(v), std::string("rollingUpdate.") + file_key, scenario_key, std::to_string(p)));
    }
  }
  // Kubernetes' restartPolicy: a Deployment's or StatefulSet's pod template allows Always only;
  // the API server refuses any other ("spec.template.spec.restartPolicy: Unsupported value").
  if (const YAML::Node rp = child(pod, "restartPolicy"); rp.IsDefined()) {
    if (scalar(rp) == "Always")
      s.supervisor.set("restart", r.from(m.pos(rp), "restartPolicy", "supervisor.restart", toml_str(scalar(rp))));
    else
      r.error(m.pos(rp), r.w.format("import.k8s_restart_policy", scalar(rp), m.kind));
  }
  const YAML::Node grace = child(pod, "terminationGracePeriodSeconds");
  if (const auto g = as_int(grace))
    if (const auto text = seconds_text(*g, 0, m.pos(grace), "terminationGracePeriodSeconds", scalar(grace), r))
      s.supervisor.set("grace_period",
                       r.from(m.pos(grace), "terminationGracePeriodSeconds", "supervisor.grace_period", *text));
  // Init containers run to completion in every pod before the app (once per pod, so several
  // replicas starting together run a migration concurrently: domain-facts.md).
  for (const auto& ic : child(pod, "initContainers")) {
    Table step;
    const std::string name = scalar(child(ic, "name"));
    if (name.empty()) {  // the API server refuses such a pod too
      r.error(m.pos(ic), r.w("import.k8s_no_name"));
      continue;
    }
    step.set("name", r.from(m.pos(ic), "initContainers." + name, "pre_start.name", toml_str(name)));
    step.set("mode", r.from(m.pos(ic), "initContainers", "pre_start.mode", toml_str("per-replica")));
    step.set("duration", r.assume(m.pos(ic), "pre_start.duration", "\"4s\"", r.w("import.why_step_duration")));
    s.pre_start.push_back(std::move(step));
  }
  static const std::set<std::string> pod_handled = {"containers", "initContainers", "restartPolicy",
                                                    "terminationGracePeriodSeconds"};
  for (const auto& kv : pod)
    if (!pod_handled.count(scalar(kv.first)))
      r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", scalar(kv.first), r.w("import.why_not_modelled")));
  for (const auto& kv : spec) {
    const std::string key = scalar(kv.first);
    if (key == "replicas" || key == "template" || key == "selector") continue;
    if (m.kind == "StatefulSet" ? key == "updateStrategy" : key == "strategy") continue;
    r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", key,
                                          key == "progressDeadlineSeconds" ? r.w("import.why_progress_deadline")
                                                                           : r.w("import.why_not_modelled")));
  }
  d.services.push_back(std::move(s));
}

// A Job that runs the migration: one step before the rollout of the service with its image.
void read_job(const Manifest& m, Deployment& d, Report& r) {
  const YAML::Node pod = child(child(child(m.doc, "spec"), "template"), "spec");
  const YAML::Node c = child(pod, "containers").IsSequence() && child(pod, "containers").size() > 0
                           ? child(pod, "containers")[0]
                           : YAML::Node();
  const std::string repo = image_repo(scalar(child(c, "image")));
  ServiceModel* target = nullptr;
  for (ServiceModel& s : d.services)
    if (s.host_stem == "node" && image_repo(s.image) == repo) target = &s;
  if (!target && d.services.size() == 1) target = &d.services.front();
  if (!target) {
    r.ignored(m.at(), r.w.format("import.k8s_job_no_service", m.name));
    return;
  }
  const YAML::Node annotations = child(child(m.doc, "metadata"), "annotations");
  const std::string hook =
      scalar(child(annotations, "helm.sh/hook")) + scalar(child(annotations, "argocd.argoproj.io/hook"));
  Table step;
  step.set("name", r.from(m.name_pos(), "Job " + m.name, "pre_start.name", toml_str(node_name(m.name))));
  if (hook.find("pre-upgrade") != std::string::npos || hook.find("pre-install") != std::string::npos ||
      hook.find("PreSync") != std::string::npos)
    step.set("mode",
             r.from(m.key(annotations,
                          child(annotations, "helm.sh/hook").IsDefined() ? "helm.sh/hook" : "argocd.argoproj.io/hook"),
                    "hook " + hook, "pre_start.mode", toml_str("once")));
  else
    step.set("mode", r.assume(m.at(), "pre_start.mode", toml_str("once"), r.w("import.why_plain_job")));
  step.set("duration", r.assume(m.at(), "pre_start.duration", "\"4s\"", r.w("import.why_step_duration")));
  target->pre_start.push_back(std::move(step));
  r.mapped(m.at(), r.w.format("import.k8s_job", m.name, target->name));
  for (const auto& kv : child(m.doc, "spec"))
    if (scalar(kv.first) != "template")
      r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", scalar(kv.first), r.w("import.why_not_modelled")));
}

}  // namespace

void read_kubernetes(const std::string& file, const std::string& text, Deployment& d, Report& r) {
  if (!load_yaml(file, text, r)) return;
  d.sources.push_back(file);
  d.k8s_files.emplace_back(file, text);
}

void resolve_kubernetes(Deployment& d, Report& r) {
  static const std::set<std::string> handled_kinds = {"Deployment",  "StatefulSet",   "Job",    "Service",  "Ingress",
                                                      "Certificate", "ClusterIssuer", "Issuer", "ConfigMap"};
  K8s k;
  for (const auto& [file, text] : d.k8s_files) {
    const auto docs = load_yaml(file, text, r);
    if (!docs) return;
    // `kubectl get ... -o yaml` writes a `kind: List` whose items are the manifests.
    std::vector<YAML::Node> all;
    for (const YAML::Node& doc : *docs) {
      const YAML::Node items = child(doc, "items");
      if (scalar(child(doc, "kind")) == "List" && items.IsSequence()) {
        r.mapped(pos_of(file, child(doc, "kind")), r.w.format("import.k8s_list", items.size()));
        for (const YAML::Node& item : items) all.push_back(item);
      } else {
        all.push_back(doc);
      }
    }
    for (const YAML::Node& doc : all) {
      if (!doc.IsMap()) continue;  // an empty document between two `---`
      Manifest m{file, doc, scalar(child(doc, "kind")), scalar(child(child(doc, "metadata"), "name"))};
      if (m.kind.empty()) {
        r.ignored(m.at(), r.w("import.k8s_no_kind"));
        continue;
      }
      if (m.name.empty() && handled_kinds.count(m.kind)) {  // the API server refuses it too
        r.error(m.at(), r.w.format("import.k8s_no_metadata_name", m.kind));
        continue;
      }
      k.manifests.push_back(m);
    }
  }
  for (const Manifest& m : k.manifests)
    if (m.kind == "Deployment" || m.kind == "StatefulSet") read_deployment(m, k, d, r);
  for (const Manifest& m : k.manifests)
    if (m.kind == "Job") read_job(m, d, r);
  read_services(k, r);
  d.k8s_services = k.service_to_deployment;  // a Traefik dynamic file's server URL may name one
  read_ingresses(k, d, r);
  read_certificates(k, d, r);
  for (const Manifest& m : k.manifests)
    if (m.kind == "ConfigMap")
      r.ignored(m.at(), r.w.format("import.k8s_config_map", m.name));
    else if (m.kind == "HorizontalPodAutoscaler" && k.autoscalers_read.count(m.name))
      continue;  // said with the workload it scales
    else if (m.kind == "TLSOption" && traefik_crd(m.doc))
      continue;  // Traefik's TLS options: read with the proxy's (traefik_dynamic.cpp)
    else if (!handled_kinds.count(m.kind))
      r.ignored(m.at(), r.w.format("import.k8s_kind_ignored", m.kind, m.name));
}

}  // namespace deploysim::import
