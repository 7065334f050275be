#pragma once
// The import's own picture of a deployment, between the file readers (compose.cpp,
// kubernetes.cpp, ...) and the scenario writer (scenario_out.cpp): scenario keys with their TOML
// values, each with the comment saying where it came from or that it was assumed.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deploysim/messages.hpp"
#include "deploysim/time.hpp"
#include "import/import.hpp"
#include "import/parse_error.hpp"

namespace deploysim::import {

/// A scenario value as TOML text, and its comment ("from api.yaml:23", "assumed: ...").
struct Val {
  std::string toml;
  std::string comment;
};

/// Keys of one scenario table, in the order written.
struct Table {
  std::vector<std::pair<std::string, Val>> keys;
  void set(const std::string& key, Val v);
  const Val* get(const std::string& key) const;
  bool empty() const { return keys.empty(); }
};

/// The report being written, and the words it is written in.
class Report {
 public:
  explicit Report(const Messages& words) : w(words) {}
  /// Adds an entry; the message is made printable (printable_text, control characters as U+FFFD).
  void add(EntryKind kind, const SourcePos& pos, const std::string& message);

  void mapped(const SourcePos& pos, std::string m) { add(EntryKind::mapped, pos, std::move(m)); }
  void assumed(const SourcePos& pos, std::string m) { add(EntryKind::assumed, pos, std::move(m)); }
  void ignored(const SourcePos& pos, std::string m) { add(EntryKind::ignored, pos, std::move(m)); }
  void error(const SourcePos& pos, std::string m) { add(EntryKind::error, pos, std::move(m)); }
  bool has_error() const;

  /// A value read at `pos` (the report's "mapped" entry: file key -> scenario key = value).
  Val from(const SourcePos& pos, const std::string& file_key, const std::string& scenario_key, std::string toml);
  /// A default picked where the files are silent (the report's "assumed" entry, with why).
  Val assume(const SourcePos& pos, const std::string& scenario_key, std::string toml, const std::string& why);

  const Messages& w;
  std::vector<ReportEntry> entries;
};

/// A route of the proxy: Host header -> service, and where the files say so.
struct RouteModel {
  std::string host;
  std::string pool;
  SourcePos pos;
  bool tls = true;  ///< Served over HTTPS (a certificate is wanted for it).
};

/// A certificate the files ask for.
struct CertModel {
  std::string domain;
  std::vector<std::string> alt_names;
  SourcePos pos;
  std::string file;  ///< The file a proxy serves it from (nginx's `ssl_certificate`); "" when none is named.
  Table keys;        ///< issuer, renewal, challenge, lifetime, ... (domain and alt_names apart).
  /// Where its issue time is assumed: the scenario writer picks `issued` (choose_issued) once the
  /// lifetime and the renewer are known.
  SourcePos issued_pos;
  /// cert-manager's spec.renewBefore and its line, when the Certificate gives one.
  std::optional<Time> renew_before;
  SourcePos renew_before_pos;
};

/// Holds the place of `issued` among the certificate's keys (so that it is written where the
/// readers set it) and says where it is assumed; choose_issued gives it its value.
inline void issued_at(CertModel& c, const SourcePos& pos) {
  c.keys.set("issued", {"\"-30d\"", ""});
  c.issued_pos = pos;
}

/// One ASGI service.
struct ServiceModel {
  std::string name;
  SourcePos pos;
  std::string host_stem;  ///< Its replicas' hosts: "<name>-<stem>-1" ... ("container", "node", "server").
  Val replicas{"1", ""};
  int replica_count = 1;
  Table keys;        ///< server, workers, port, bind, rollout, ...
  Table supervisor;  ///< kind, restart, memory_limit, grace_period, ...
  Table liveness, readiness, startup;
  bool has_liveness = false, has_readiness = false, has_startup = false;
  std::vector<Table> pre_start;
  std::string image;                  ///< To match a migration Job's image.
  std::string host_name;              ///< systemd: the machine it runs on, shared (empty: a machine per replica).
  std::vector<std::string> env_read;  ///< Variables of its environment the server's settings came from.
  std::string uds;                    ///< The Unix socket it listens on ("/run/api.sock"), when it does.
};

/// The TLS proxy.
struct ProxyModel {
  SourcePos pos;
  Table keys;  ///< preset, tls_versions, strict_sni, persisted_storage, ...
  std::vector<RouteModel> routes;
  std::string default_route_pool;  ///< Hosts not named by the files (a catch-all) go here.
  std::string host_name;           ///< The machine it runs on (nginx, Caddy on a server); empty: "edge".
  /// The certificate of nginx's default_server, and that server's line: mapped or reported left
  /// out when the scenario is written, once the certificates it keeps are known.
  std::string default_certificate;
  SourcePos default_certificate_pos;
};

/// Everything read from the files.
struct ComposeCtx;

struct Deployment {
  std::vector<ServiceModel> services;
  std::optional<ProxyModel> proxy;
  std::vector<CertModel> certs;
  std::vector<std::string> sources;     ///< Files read, for the header comment.
  bool proxy_recreate_variant = false;  ///< The proxy keeps ACME state: add the recreate variant.
  /// Kubernetes manifests (file, text): read together at the end, since a Deployment, its
  /// Service and the Ingress routing to it may lie in different files.
  std::vector<std::pair<std::string, std::string>> k8s_files;
  /// Compose files read: their Traefik routers become routes once every file is read, since the
  /// Traefik container may be in another file (`-f docker-compose.yml -f docker-compose.traefik.yml`).
  std::vector<std::shared_ptr<ComposeCtx>> compose;
  bool traefik_storage_said = false;  ///< Where Traefik keeps acme.json has been reported.
  /// The proxy container's environment (Compose), which a Caddyfile's {$NAME} reads.
  std::map<std::string, std::string> proxy_env;
  std::map<std::string, SourcePos> proxy_env_pos;
  /// A folder's .env (Compose interpolates the files of its project folder with it): folder ->
  /// (file, variable -> value and line).
  std::map<std::string, std::pair<std::string, std::map<std::string, std::pair<std::string, uint32_t>>>> dotenv;
  /// Every env file read (.env, api.env, .env.production), by its path: each variable's value
  /// and line. A Compose service's env_file: names them.
  std::map<std::string, std::map<std::string, std::pair<std::string, uint32_t>>> env_files;
  /// Traefik static configuration files among the inputs (FileKind::traefik), by their path made
  /// lexically normal: a Traefik container's bind mount names one. Each: the name the report uses
  /// and the text.
  std::map<std::string, std::pair<std::string, std::string>> traefik_files;
  std::set<std::string> traefik_files_used;  ///< Keys of traefik_files a container reads.
  /// Traefik dynamic configuration files among the inputs (FileKind::traefik_dynamic), by their path
  /// made lexically normal: the file provider of a Traefik container reads those its volumes hold.
  std::map<std::string, std::pair<std::string, std::string>> traefik_dynamic_files;
  std::set<std::string> traefik_dynamic_used;  ///< Keys of traefik_dynamic_files a file provider reads.
  /// Kubernetes Services and the workload each selects (a Traefik server URL may name a Service).
  std::map<std::string, std::string> k8s_services;
  /// Files read from disk beyond the inputs (a Traefik static file beside the Compose file, a
  /// file a Caddyfile imports), with their kind for the report's list of files.
  std::vector<std::pair<std::string, FileKind>> files_from_disk;
  /// Every input's text by its path made lexically normal (the name the report uses, the text):
  /// a Caddyfile's `import` names them.
  std::map<std::string, std::pair<std::string, std::string>> inputs;
  /// Inputs a Caddyfile's `import` read (by their normal path): not read again on their own.
  std::set<std::string> caddy_imported;
  /// Inputs an nginx `include` read in its place (by their normal path): snippets/ssl.conf.
  std::set<std::string> nginx_included;
  /// Inputs a Compose service's `build:` read as its Dockerfile (by their normal path).
  std::set<std::string> dockerfiles_read;
  /// Whether a file a Compose file names may be read from disk (import_paths; import_texts reads
  /// only the texts it is given).
  bool read_disk = false;
};

ServiceModel* find_service(Deployment& d, const std::string& name);

/// The largest file the import reads (a deployment's configuration is far smaller).
constexpr uintmax_t max_file_bytes = 1 << 20;
/// A file's bytes as they are (import.cpp), nothing when it cannot be opened.
std::optional<std::string> read_text(const std::filesystem::path& p);
/// `s` in lower case (ASCII): file names, Traefik's keys and flags, which their readers compare so.
std::string lowercase(std::string s);

// --- value helpers (import_values.cpp) ---

/// "file:line" (no column), as the comments and the report cite a value.
std::string where(const SourcePos& pos);
/// Where the text stops being UTF-8 (npos: it all is).
size_t first_invalid_utf8(std::string_view s);
/// The text with each byte that does not start a UTF-8 character replaced by U+FFFD.
std::string valid_utf8(std::string_view s);
/// The text as valid UTF-8 (valid_utf8) with each control character (tab and line breaks
/// included) replaced by `control_as`: for TOML comments (" ") and report lines.
std::string printable_text(std::string_view s, std::string_view control_as);
/// TOML basic string with escapes (valid UTF-8: see valid_utf8).
std::string toml_str(const std::string& s);
/// Bytes as a scenario size ("512MiB", "1GiB", "300MB", "1234B").
std::string size_text(uint64_t bytes);
/// Milliseconds as a scenario duration ("90s", "250ms", "10m").
std::string duration_text(uint64_t ms);
/// The most seconds a file's value may give (ten years): beyond, the milliseconds the scenario is
/// written in could overflow.
inline constexpr long long max_file_seconds = 10LL * 365 * 24 * 3600;
/// Seconds from a file as a scenario duration, or nullopt after a located error
/// (import.out_of_range at pos, naming key) when they are below min or beyond max_file_seconds.
std::optional<std::string> seconds_text(long long secs, long long min, const SourcePos& pos, const std::string& key,
                                        const std::string& text, Report& r);
/// A Compose/Go duration from a file (parse_compose_duration_ms) as a scenario duration, or
/// nullopt after a located error at pos naming key: import.bad_value (with `examples`) when it is
/// not one or is zero and `min_ms` is above zero, import.out_of_range beyond max_file_seconds.
std::optional<std::string> compose_duration_text(const std::string& text, uint64_t min_ms, const SourcePos& pos,
                                                 const std::string& key, const char* examples, Report& r);
/// A TCP port as a file writes it: digits only, 1 to 65535; nullopt otherwise.
std::optional<int> port_number(const std::string& text);
/// Docker sizes ("512m", "1g", "1024k", "1073741824", "512M", "1.5g"): binary units.
std::optional<uint64_t> parse_docker_size(const std::string& text);
/// Kubernetes quantities ("512Mi", "1Gi", "500M", "1G", "128974848", "129e6").
std::optional<uint64_t> parse_k8s_quantity(const std::string& text);
/// Compose durations ("1m30s", "10s", "500ms", "2h"); a bare number is seconds; UINT64_MAX for one
/// of 9e18 ms or more.
std::optional<uint64_t> parse_compose_duration_ms(const std::string& text);
/// A service or node name deploysim accepts (no '/', lower case kept).
std::string node_name(const std::string& name);
/// The last two labels of a domain ("api.example.com" -> "example.com").
std::string registered_domain(const std::string& domain);
/// A domain name the scenario accepts (letters, digits, '-', dots; a leading "*." allowed).
bool valid_domain(const std::string& name);

// --- readers ---

/// An ASGI server's command line (uvicorn, gunicorn, hypercorn) given to a container or unit:
/// server, workers, host, port and the rest into the service (import_command.cpp, over
/// asgi_command.hpp). `where` names the file key ("command", "ExecStart"). False when the
/// command is no ASGI server deploysim knows (nothing is set then).
/// `env_pos` says where each variable of `env` was written (a value read from one names its line).
bool apply_asgi_command(const std::vector<std::string>& argv, const SourcePos& pos, const std::string& where,
                        ServiceModel& s, Report& r, const std::map<std::string, std::string>& env = {},
                        const std::map<std::string, SourcePos>& env_pos = {});
/// One key of a file that gives part of a command line, in order: a Kubernetes container's
/// `command:` then `args:`, two keys on two lines.
struct CommandPart {
  std::string key;                 ///< "command", "args".
  SourcePos pos;                   ///< Where the key was written.
  std::vector<std::string> words;  ///< Its words.
  /// Where each word was written, when each has a place of its own (a Compose list's items, one
  /// a line); empty: every word is at `pos`.
  std::vector<SourcePos> word_pos = {};
};
/// The same for a command line given by several keys: each value names the key (and line) of
/// the word it was read from (`--port` in `args:` is the args line, the server the command's);
/// what is assumed is at `pos`.
bool apply_asgi_command(const std::vector<CommandPart>& parts, const SourcePos& pos, ServiceModel& s, Report& r,
                        const std::map<std::string, std::string>& env = {},
                        const std::map<std::string, SourcePos>& env_pos = {});
/// A service whose command is unknown (an image's own CMD): Uvicorn on 0.0.0.0:`port`, assumed.
/// `unknown_command`: the files give a command, of a program that is no ASGI server deploysim knows.
void assume_asgi_defaults(const SourcePos& pos, int port, ServiceModel& s, Report& r, bool unknown_command = false);

/// Compose files docker compose reads as one project: the first is the base (its folder is the
/// project's: relative paths and .env are its), each later one merged over what the ones before
/// it give (Compose's "Merge" rules).
struct ComposeSet {
  std::vector<const TextFile*> files;
  /// How the set was chosen, for the report's line on each later file: the default override
  /// file ("import.compose_override"), -f ("import.compose_merged_f") or COMPOSE_FILE
  /// ("import.compose_merged_env", `env_pos` its .env line).
  const char* merged_key = "import.compose_override";
  SourcePos env_pos;
  /// A lone file that looks like an overlay: the Compose file beside it that may be its base
  /// ("" when there is none), for the report's hint.
  std::string base_hint;
};
/// A Compose file, or a set of them merged as docker compose merges them.
void read_compose(const ComposeSet& set, Deployment& d, Report& r);
/// The Compose files among `files` grouped as docker compose reads them (compose_files.cpp):
/// the files -f names (`order`, as the report names them); else a folder's .env COMPOSE_FILE
/// list; else a folder's default file and its override; every other file alone. A Compose file
/// a list leaves out is in no set (said). Needs the .env files read (Deployment::dotenv).
std::vector<ComposeSet> compose_sets(const std::vector<const TextFile*>& files, const std::vector<std::string>& order,
                                     const Deployment& d, Report& r);
/// A Compose project's .env file: its variables, for the Compose files of its folder.
void read_dotenv(const std::string& file, const std::string& text, Deployment& d);
/// The Traefik routers of every Compose file read, as routes and certificates (compose_proxy.cpp).
void finish_compose(Deployment& d);
void read_kubernetes(const std::string& file, const std::string& text, Deployment& d, Report& r);
/// Every manifest read by read_kubernetes, resolved together (kubernetes.cpp).
void resolve_kubernetes(Deployment& d, Report& r);
/// systemd units, nginx and Caddy configs (import_others.cpp, over the parsers beside it).
/// An image of a service that is no ASGI app and no proxy: a database, cache or queue
/// ("postgres:16", "redis:7.2", "bitnami/kafka").
bool is_backing_image(const std::string& image);

/// Words joined by single spaces ("uvicorn app:app --workers 4"), as the report quotes a command.
inline std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

/// Names joined by `sep` ("WEB_CONCURRENCY, PORT"), as the report lists them.
inline std::string join_names(const std::vector<std::string>& names, const char* sep = ", ") {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

/// A comma-separated list ("websecure,web", COMPOSE_PROFILES) as its items, spaces dropped.
inline std::vector<std::string> split_commas(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  for (const char ch : value + ",") {
    if (ch == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (ch != ' ') {
      item += ch;
    }
  }
  return out;
}

struct DropIn;
void read_systemd(const std::string& file, const std::string& text, const std::vector<DropIn>& drop_ins, Deployment& d,
                  Report& r);
/// Every nginx file together: the servers of a file included in nginx.conf's `http { }` inherit
/// its http-level settings (import_proxies.cpp).
void read_nginx(const std::vector<std::pair<std::string, std::string_view>>& files, Deployment& d, Report& r);
void read_caddy(const std::string& file, const std::string& text, Deployment& d, Report& r);
/// The proxy an nginx config or a Caddyfile configures: the Compose container of the same preset,
/// or a new one on "server"; null when another proxy is already there (reported). import_proxies.cpp.
ProxyModel* proxy_for(const std::string& preset, const SourcePos& pos, Deployment& d, Report& r);
/// The proxy's tls_versions from the versions a file writes ("TLSv1.2", "tls1.3"), each other
/// version reported as not modelled, at `pos` under `key` as written. import_proxies.cpp.
void set_tls_versions(const std::vector<std::string>& written, const SourcePos& pos, const char* key, ProxyModel& p,
                      Report& r);

/// The service a proxy's upstream ("http://127.0.0.1:8000", "app:8000", "unix:/run/app.sock")
/// stands for: a service of that name, else the one on that port, else the only one; when none
/// fits, a Uvicorn service on the proxy's machine is assumed (import_proxies.cpp).
std::string upstream_service(const std::string& upstream, const SourcePos& pos, Deployment& d, Report& r);
/// A parser's error into the report (file:line:col and the catalogue's text).
void report_parse_error(const ParseError& e, Report& r);

/// The certificate's `issued`, assumed so that the deployment starts healthy: halfway from issue
/// to the moment its renewer renews it (cert_issued.cpp), reported with the rule it follows.
void choose_issued(CertModel& c, const Deployment& d, Report& r);

/// The scenario file for the deployment (scenario_out.cpp); reports what it assumes.
std::string write_scenario(Deployment& d, Report& r);

}  // namespace deploysim::import
