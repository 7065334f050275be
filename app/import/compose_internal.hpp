#pragma once
// Shared by compose.cpp (the app services) and compose_proxy.cpp (the proxy container and
// Traefik's labels): one Compose file being read.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "import/dockerfile.hpp"
#include "import/import_yaml.hpp"

namespace deploysim::import {

/// A Traefik router declared in a container's labels
/// (`traefik.http.routers.<name>.rule=Host(`api.example.com`)`).
struct TraefikRouter {
  std::string owner;               ///< The Compose service whose labels declare it.
  std::vector<std::string> hosts;  ///< From Host(...) in the rule.
  SourcePos rule_pos;
  bool tls = false;
  std::string certresolver;
  SourcePos resolver_pos;
  std::vector<std::string> entrypoints;  ///< Its entrypoints label; none: every entry point.
  /// How the report names its keys: a label's "traefik.http.routers.", a dynamic file's "http.routers.".
  std::string key_prefix = "traefik.http.routers.";
  /// A dynamic file's router with a `tls` section of its own: an entry point's TLS (and its
  /// resolver) applies only to routers without one (Traefik's applyModel, pkg/server/aggregator.go).
  bool tls_section = false;
  /// A `rule` label was written (a router without one takes the Docker provider's defaultRule).
  bool rule_written = false;
  /// Its `tls.options` label: the label's key and value as written, and where ("" when none).
  std::string tls_options_key, tls_options;
  SourcePos tls_options_pos;
};

/// The `tls.options` label of a router routed (add_route), resolved once the TLS options of
/// every file are known (finish_traefik_dynamic).
struct LabelTlsOptions {
  std::string router, key, written;
  SourcePos pos;
};

/// Traefik's Docker provider as the flags (`--providers.docker...`) or the static file
/// (`providers.docker`) give it: whether one is enabled, and the options that choose containers
/// and routers (doc.traefik.io/traefik/providers/docker/).
struct TraefikDockerProvider {
  /// Set by `providers.docker` itself (true/false) or any of its options (true); unset: none written.
  std::optional<bool> enabled;
  SourcePos enabled_pos;
  std::string constraints;  ///< The constraints expression, as written ("" when none).
  SourcePos constraints_pos;
  /// The defaultRule template: Traefik v3's default unless written (pkg/provider/docker).
  std::string default_rule = "Host(`{{ normalize .Name }}`)";
  SourcePos default_rule_pos;  ///< line 0: Traefik's default.
};

/// Traefik's file provider as the flags (`--providers.file.directory`, `--providers.file.filename`)
/// or the static file (`providers.file`) give it: paths inside the container, as written.
struct TraefikFileProvider {
  std::string directory, filename;
  SourcePos directory_pos, filename_pos;
  std::string directory_key, filename_key;  ///< The flag or key, as written.
};

/// A volume of the proxy container: where it is mounted, and from what.
struct ProxyMount {
  std::string source;  ///< Host path or volume name, as written ("" for an anonymous volume).
  std::string target;  ///< The path inside the container.
  bool bind = false;   ///< A host path, not a named volume.
  SourcePos pos;
};

/// A Traefik ACME certificate resolver (`--certificatesresolvers.<name>.acme.*`, or
/// `certificatesResolvers.<name>.acme` in the static configuration file).
struct TraefikResolver {
  std::string storage = "acme.json";  ///< Traefik's default storage file (relative to its working dir, "/").
  SourcePos storage_pos;
  std::string challenge;  ///< "http-01", "tls-alpn-01", "dns-01"; "" when the flags name none.
  SourcePos challenge_pos;
  std::string challenge_key;    ///< The file's key that names the challenge ("" from a flag).
  bool staging = false;         ///< caserver is Let's Encrypt's staging CA: its certificates are untrusted.
  bool from_file = false;       ///< Named by a router but defined in a static config file that is not read.
  bool in_static_file = false;  ///< Read from the static configuration file.
  std::string issuer_key;       ///< In the static file: the key that decides the CA (caServer, else acme).
  SourcePos issuer_pos;
  SourcePos pos;
};

/// One Compose file.
struct ComposeCtx {
  ComposeCtx(std::string f, Report& report, YAML::Node root_node, YAML::Node services_node)
      : file(std::move(f)), r(report), root(std::move(root_node)), services(std::move(services_node)) {}
  std::string file;
  Report& r;
  YAML::Node root;
  YAML::Node services;

  std::map<std::string, TraefikRouter> routers;  ///< By router name.
  /// The `tls.options` labels of the routers routed (add_route), in order.
  std::vector<LabelTlsOptions> label_tls_options;
  std::map<std::string, std::pair<int, SourcePos>> lb_ports;  ///< Compose service -> loadbalancer.server.port.
  std::map<std::string, bool> traefik_labelled;               ///< Compose services with traefik.* labels.
  /// Compose services with a `traefik.enable` label: its value read as Traefik reads a boolean, and where.
  std::map<std::string, std::pair<bool, SourcePos>> traefik_enable;
  /// The Docker provider's exposedByDefault (Traefik's default: true), and where the flag or the
  /// static file's key sets it (line 0: not written).
  bool exposed_by_default = true;
  SourcePos exposed_by_default_pos;
  TraefikDockerProvider docker;
  /// The Traefik container's static configuration was read whole (its static file, or its flags
  /// when it has none): a Docker provider it does not enable is not there.
  bool traefik_config_known = false;
  /// Every service's labels (list or map form), as Traefik's constraints see them.
  std::map<std::string, std::map<std::string, std::string>> labels;
  /// `traefik.enable` labels as written, by service: reported once the provider is known.
  std::map<std::string, std::string> traefik_enable_text;
  std::map<std::string, TraefikResolver> resolvers;  ///< From the Traefik container's flags.
  std::string default_resolver;                      ///< An entry point's http.tls.certresolver.
  SourcePos default_resolver_pos;
  /// The entry point whose flags turn on TLS for every router on it (http.tls=true, or its
  /// http.tls.certresolver), and where.
  std::string tls_entrypoint;
  SourcePos tls_entrypoint_pos;
  std::string proxy_service;  ///< The proxy container's Compose service name.
  SourcePos proxy_pos;        ///< Where that service is.
  /// The proxy container's volume targets (the path inside it) and where each is written.
  std::vector<std::pair<std::string, SourcePos>> proxy_volumes;
  /// Traefik's static configuration file (a traefik.yml/.yaml/.toml mounted where Traefik looks,
  /// or --configfile), which the import does not read, and where it is named.
  std::string static_config;
  SourcePos static_config_pos;
  /// The static configuration file as read (its name in the report), when it was: then the
  /// resolvers and the TLS entry point come from it, and the flags are not used.
  std::string static_file;
  /// This file's proxy container is Traefik (its file provider's files are read with it).
  bool traefik_container = false;
  /// Traefik on the machine "server" (no container of it in the files): acme.json is on its disk.
  bool on_host = false;
  TraefikFileProvider file_provider;
  /// The dynamic configuration files its file provider reads (name in the report, text), in the
  /// order Traefik reads them (traefik_dynamic.cpp reads them once every file is read).
  std::vector<std::pair<std::string, std::string>> dynamic_files;

  /// The files merged over this one (compose.override.yaml, later -f files), in order: each
  /// file's nodes were loaded that many lines down, past the lines of the files before it, so
  /// that a node's mark tells which file it came from.
  std::vector<std::pair<std::string, uint32_t>> layers;
  /// A container that runs certbot (a `certbot/*` image, or a command that runs `certbot`): it
  /// renews the certificate files the proxy reads, and whether a hook of its command reloads the
  /// proxy (`--deploy-hook`, its old name `--renew-hook`, `--post-hook`) and where.
  std::string certbot_service, certbot_image;
  SourcePos certbot_pos;
  std::string certbot_hook;  ///< The hook's flag as written ("" when none).
  SourcePos certbot_hook_pos;
  /// The hook can reach nginx in its own container: the Docker socket is mounted and the command
  /// uses docker (`docker kill -s HUP nginx`), or the container shares a PID namespace.
  bool certbot_hook_reaches = false;
  /// An app whose server terminates TLS itself (`--certfile`, `--ssl-certfile`), and where.
  std::string tls_app;
  SourcePos tls_app_pos;
  /// The nginx container's command or entrypoint when it runs `nginx -s reload` (a reload loop).
  SourcePos nginx_reload_pos;
  std::string nginx_reload_key;  ///< "command" or "entrypoint".
  /// The env files read, for the services' env_file: (Deployment::env_files).
  const std::map<std::string, std::map<std::string, std::pair<std::string, uint32_t>>>* env_files = nullptr;

  SourcePos pos(const YAML::Node& n) const { return at(pos_of(file, n)); }
  /// Where a service is: its map's first line, or (a map merged from two, which has no place of
  /// its own) its name under `services:`.
  SourcePos service_pos(const std::string& name, const YAML::Node& svc) const {
    if (const SourcePos p = pos(svc); p.line > 0) return p;
    for (const auto& kv : services)
      if (kv.first.IsScalar() && kv.first.Scalar() == name) return pos(kv.first);
    return {file, 0, 0};
  }
  /// A position in this file, or in the later file whose lines it is among.
  SourcePos at(SourcePos p) const {
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
      if (p.line > it->second) {
        p.file = it->first;
        p.line -= it->second;
        break;
      }
    return p;
  }
  /// Reads every service's traefik.* labels (list or map form).
  void read_labels();
  std::optional<int> label_port(const std::string& service) const;
  SourcePos label_port_pos(const std::string& service) const;
  /// Whether a router sends requests to this service.
  bool routed(const std::string& service) const;
  /// Whether Traefik's Docker provider keeps this container: its `traefik.enable` label, else
  /// exposedByDefault (keepContainer in pkg/provider/docker: "Filtering disabled container").
  bool exposed(const std::string& service) const;
  /// The Docker provider's exposedByDefault from a flag or the static file (`key` as written).
  void set_exposed_by_default(const std::string& key, const std::string& value, const SourcePos& pos);
  /// `providers.docker` (option "") or one of its options (lower case: "constraints",
  /// "defaultrule", "network", ...) from a flag or the static file; `key` as written. A map
  /// (`docker: {}`) has value "true" (traefik_docker.cpp).
  void docker_provider_option(const std::string& option, const std::string& key, const std::string& value,
                              const SourcePos& pos);
  /// Whether Traefik reads the containers' labels: a Docker provider enabled, or the static
  /// configuration not known.
  bool docker_provider_on() const;
  /// Whether the Docker provider's constraints keep this service's container; nullopt when a
  /// LabelRegex in them is not one std::regex runs (traefik_docker.cpp).
  std::optional<bool> constraints_keep(const std::string& service) const;
  /// COMPOSE_PROJECT_NAME from the folder's .env (the shell's is not seen), when set to a name
  /// docker compose accepts.
  std::string env_project_name;
  /// Compose's project name: COMPOSE_PROJECT_NAME, else `name:`, else the Compose file's folder's
  /// name, normalized as compose-go does (lower case; letters, digits, - and _; no leading - or _),
  /// as docker compose labels each container (com.docker.compose.project).
  std::string project_name() const;
  /// The routers Traefik's Docker provider adds from defaultRule: one for each app container kept
  /// that declares none, and the rule of each declared router without one (traefik_docker.cpp).
  void add_default_routers(Deployment& d);
  bool has_traefik_labels(const std::string& service) const;
  /// The router of that name, created for `owner` when new.
  TraefikRouter& routers_of(const std::string& name, const std::string& owner);
  /// The routers' hosts as the proxy's routes, and their certificates.
  void add_routes(Deployment& d);
  /// One router's hosts as routes to its owner, and its certificate.
  void add_route(Deployment& d, const std::string& name, const TraefikRouter& router);
  /// An option of Traefik's file provider (`option` lower case: "filename", "directory", ...)
  /// from a flag or the static file's `providers.file`; `key` as written.
  void file_provider_option(const std::string& option, const std::string& key, const std::string& value,
                            const SourcePos& pos);
};

/// Hosts named by Host(...) in a Traefik rule: Host(`a`) || Host(`b`), Host(`a`, `b`) (v2).
std::vector<std::string> traefik_rule_hosts(const std::string& rule);

/// The env files a service's `env_file:` names, as paths beside the Compose file's; with
/// `required`, whether each is required (`required: false` items are skipped when missing).
std::vector<std::string> env_file_paths(const ComposeCtx& c, const YAML::Node& svc,
                                        std::vector<bool>* required = nullptr);

/// A container's `env_file:` files (those read) and then its `environment:` (map or list form):
/// values, and where each name is written.
void container_env(const ComposeCtx& c, const YAML::Node& svc, std::map<std::string, std::string>& env,
                   std::map<std::string, SourcePos>& env_pos);

/// An override file's tree merged over its base's, as docker compose merges them, as a new tree
/// that shares the nodes it keeps (compose_merge.cpp).
YAML::Node merge_compose(const YAML::Node& base, const YAML::Node& over);
/// A service that `extends:` `base`: a copy of base with the service's own keys merged over it.
YAML::Node merge_service(const YAML::Node& base, const YAML::Node& local);
/// Every service's `extends:` of another service of the file, resolved in place (Compose's
/// "Extend" rules); false after a located error (a missing base, a cycle).
bool resolve_extends(ComposeCtx& c);

/// A file's text on disk (a byte order mark dropped; none when it is missing, over max_file_bytes
/// or not UTF-8), not listed among the files read.
std::optional<std::string> disk_file_text(const std::filesystem::path& host);
/// A file from disk that no input is (a byte order mark dropped, as for every input; none when it
/// is missing, over max_file_bytes or not UTF-8): its name and text, listed among the files read.
std::optional<std::pair<std::string, std::string>> disk_text(Deployment& d, const std::filesystem::path& host,
                                                             FileKind kind);

/// "traefik", "caddy", "nginx", "haproxy" for a proxy image ("traefik:v3.1", "caddy:2-alpine"),
/// else "".
std::string proxy_preset_of_image(const std::string& image);

/// Traefik's static configuration file (`name` as the report names it, YAML or TOML by the
/// extension of `container_path`, where Traefik reads it): its certificate resolvers, TLS entry
/// points and Docker provider into `c`, every other key reported as not modelled
/// (traefik_static.cpp). False after a located error (a syntax error).
bool read_traefik_static_file(ComposeCtx& c, const std::string& name, const std::string& text,
                              const std::string& container_path);

/// Traefik's dynamic configuration files (the file provider's): their HTTP routers as routes to
/// the apps their services' URLs name, and the certificates of their resolvers, once every file
/// is read (Kubernetes Services too); every other part reported (traefik_dynamic.cpp).
void finish_traefik_dynamic(Deployment& d, Report& r);

// The Dockerfile a service's `build:` names, found as docker compose finds it: context relative to
// the Compose file's folder, `dockerfile` relative to the context (compose-spec, "build"); among
// the files given, else (import_paths) on disk. Not yet listed among the files read: the service
// may not be read (read_build lists it).
/// One of a `build:`'s `args` (map or list form): a value for an ARG of the Dockerfile.
struct BuildArg {
  std::string name, value;
  bool has_value = false;  ///< `- NAME` / `NAME:` alone: docker compose takes it from its environment.
  SourcePos pos;
  SourcePos dotenv;  ///< Written alone, and its value from the project's .env: that line.
};

struct BuildFile {
  enum class State { none, inline_text, remote, missing, found } state = State::none;
  SourcePos pos;     ///< The `build:` key.
  std::string key;   ///< The Dockerfile's normal path (remote: the context as written).
  std::string name;  ///< Found: its name in the report.
  std::string text;
  bool given = false;  ///< Among the inputs (else from disk).
  std::string target;
  SourcePos target_pos;
  std::vector<BuildArg> args;
  DockerfileHealth read;  ///< Found: what the image built from it carries.
  /// Found, and its `target` too: the image is known.
  bool image_known() const { return state == State::found && read.target_found; }
};

// Whether the image a service runs has a health check that a Compose `healthcheck:` without `test`
// keeps: Docker takes the options the container leaves out, its test included, from the image.
enum class ImageCheck { unknown, none, check };

/// The Dockerfile a service's `build:` names, found and read (compose_build.cpp).
BuildFile find_build(const ComposeCtx& c, const YAML::Node& svc, const Deployment& d);
/// The command lines a container may run, in the order tried (compose_build.cpp).
std::vector<std::vector<CommandPart>> container_commands(const ComposeCtx& c, const YAML::Node& svc,
                                                         const BuildFile* b = nullptr);
/// Lists and reports the Dockerfile of a service's `build:`; what health check its image has.
ImageCheck read_build(const ComposeCtx& c, const std::string& name, const YAML::Node& svc, BuildFile& b, Deployment& d);
/// The image's ENV (of a Dockerfile read through `build:`) into a container's environment, before
/// container_env puts the Compose file's over it (compose_build.cpp).
void image_env(const BuildFile& b, std::map<std::string, std::string>& env, std::map<std::string, SourcePos>& env_pos);
/// Reports the image's ENV instructions once the command has read its variables (`s.env_read`):
/// each at its line, mapped when the server reads a variable it sets (with the ARGs it took).
void report_image_env(const ComposeCtx& c, const BuildFile& b, const ServiceModel& s,
                      const std::map<std::string, SourcePos>& env_pos);
/// Whether a server deploysim knows runs in the service's container.
bool runs_asgi_server(const ComposeCtx& c, const YAML::Node& svc, const Deployment& d);

/// Whether a file (or directory) at `path` inside the container lies on one of the volumes (the
/// volume's position in `where`).
bool on_volume(const std::string& path, const std::vector<std::pair<std::string, SourcePos>>& volumes,
               SourcePos* where);

/// The proxy container: preset, its flags, ports and volumes (whether the ACME state is on one).
void read_proxy_container(ComposeCtx& c, const std::string& name, const YAML::Node& svc, const std::string& preset,
                          Deployment& d);

/// Where a service's entrypoint or command holds `needle` (the scalar, or the list item, that
/// holds it), or nothing; `key_out` gets the key looked at last (compose_certbot.cpp).
std::optional<SourcePos> command_holds(const ComposeCtx& c, const YAML::Node& svc, const std::string& needle,
                                       std::string* key_out = nullptr);

/// A container that runs certbot (a `certbot/*` image, or a command that runs certbot): notes it
/// and its hook in `c` (certbot_service, certbot_hook, certbot_hook_reaches).
void note_certbot(ComposeCtx& c, const std::string& name, const YAML::Node& svc, const std::string& image,
                  const SourcePos& pos);

/// The names an nginx container of this file goes by: each service whose image is nginx's (or
/// OpenResty's), and its container_name.
std::vector<std::string> nginx_container_names(const ComposeCtx& c);

}  // namespace deploysim::import
