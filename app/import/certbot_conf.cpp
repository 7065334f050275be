// certbot's renewal configuration (/etc/letsencrypt/renewal/NAME.conf) and its hook scripts
// (/etc/letsencrypt/renewal-hooks/{pre,deploy,post}/), read against the certificates nginx serves.
// What certbot does with them (certbot/certbot, certbot/src/certbot/_internal/):
// - storage.py writes the file with configobj: version, archive_dir, the four paths of the
//   lineage's live/NAME/ folder, then [renewalparams] with the options the certificate was
//   obtained with; a --deploy-hook is written as `renew_hook` ("MAGIC CODE ALERT") and read back
//   as the deploy hook.
// - main.py renew_cert: after a renewal, an installer (installer = nginx) is restarted,
//   "Reloading nginx server after certificate renewal", which the nginx plugin does with
//   `nginx -c ... -s reload` (plugins/nginx/configurator.py, nginx_restart).
// - hooks.py: deploy hooks (the files of renewal-hooks/deploy/, then renew_hook) run after each
//   certificate renewed; post hooks (renewal-hooks/post/, then post_hook) once `certbot renew` is
//   done, when a renewal was attempted; pre hooks before the first attempt. Only executable files
//   not ending in "~" are run (list_hooks), in the order of their names.
#include "import/certbot_conf.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "import/compose_internal.hpp"
#include "import/import_model.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

namespace fs = std::filesystem;

const CertbotEntry* CertbotRenewal::find(std::string_view section, std::string_view key) const {
  for (const CertbotEntry& e : entries)
    if (e.section == section && e.key == key) return &e;
  return nullptr;
}

namespace {

using detail::trim;

// The column (from 1, in characters) of byte `at` of a line.
uint32_t column(std::string_view line, size_t at) {
  uint32_t col = 1;
  for (size_t i = 0; i < at && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  return col;
}

// A value as configobj reads it: a quoted one without its quotes, an unquoted one up to a comment.
std::string value_of(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
    const size_t close = v.find(v.front(), 1);
    if (close != std::string_view::npos) return std::string(v.substr(1, close - 1));
  }
  if (const size_t hash = v.find('#'); hash != std::string_view::npos) v = trim(v.substr(0, hash));
  return std::string(v);
}

}  // namespace

ParseResult<CertbotRenewal> parse_certbot_renewal(std::string_view text, const std::string& file) {
  ParseResult<CertbotRenewal> out;
  CertbotRenewal conf;
  std::string section, top;  // the section the lines are in; its depth-1 parent
  uint32_t line_no = 0;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    const size_t lead = static_cast<size_t>(t.data() - line.data());
    const SourcePos at{file, line_no, column(line, lead)};
    if (t.front() == '[') {
      // "[name]" or "[[name]]", a comment after it allowed; configobj refuses anything else.
      size_t depth = 0;
      while (depth < t.size() && t[depth] == '[') ++depth;
      const size_t close = t.find(']', depth);
      std::string_view name =
          close == std::string_view::npos ? std::string_view() : trim(t.substr(depth, close - depth));
      size_t after = close == std::string_view::npos ? t.size() : close;
      size_t closing = 0;
      while (after < t.size() && t[after] == ']') ++after, ++closing;
      const std::string_view rest = trim(t.substr(after));
      const bool nests = depth == 1 || (depth == 2 && !top.empty());
      if (close == std::string_view::npos || name.empty() || closing != depth || !nests ||
          (!rest.empty() && rest.front() != '#')) {
        const size_t hash = t.find('#');
        out.error =
            detail::make_error(ParseErrorCode::bad_section, at,
                               {std::string(trim(t.substr(0, hash == std::string_view::npos ? t.size() : hash)))});
        return out;
      }
      if (depth == 1) {
        top = std::string(name);
        section = top;
        if (name == "renewalparams" && !conf.renewalparams.line) conf.renewalparams = at;
      } else {
        section = top + "." + std::string(name);
      }
      if (end == text.size()) break;
      continue;
    }
    const size_t eq = t.find('=');
    if (eq == std::string_view::npos || trim(t.substr(0, eq)).empty()) {
      const size_t space = t.find_first_of(" \t");
      const std::string found(eq == 0 ? std::string_view("=") : t.substr(0, space));
      out.error = detail::make_error(ParseErrorCode::unexpected_expecting, at, {found, "="});
      return out;
    }
    conf.entries.push_back({section, std::string(trim(t.substr(0, eq))), value_of(t.substr(eq + 1)), at});
    if (end == text.size()) break;
  }
  out.value = std::move(conf);
  return out;
}

namespace {

// A line's simple commands (split at ";", "&", "|"), each as its words without quotes and without
// the "$(", "(" or "`" around them (`kill -HUP $(cat /run/nginx.pid)` names nginx's pid file).
// Hand-written: std::regex recurses once per character, and a long hook line (a script of one
// 300 KB line) overflowed the stack.
std::vector<std::vector<std::string_view>> simple_commands(std::string_view line) {
  constexpr std::string_view ends = ";&|\n", blanks = " \t\r\"'";
  std::vector<std::vector<std::string_view>> out(1);
  size_t i = 0;
  while (i < line.size()) {
    if (ends.find(line[i]) != std::string_view::npos) {
      if (!out.back().empty()) out.emplace_back();
      ++i;
    } else if (blanks.find(line[i]) != std::string_view::npos) {
      ++i;
    } else {
      const size_t from = i;
      while (i < line.size() && ends.find(line[i]) == std::string_view::npos &&
             blanks.find(line[i]) == std::string_view::npos)
        ++i;
      std::string_view w = line.substr(from, i - from);
      while (!w.empty() && (w.front() == '$' || w.front() == '(' || w.front() == '`')) w.remove_prefix(1);
      while (!w.empty() && (w.back() == ')' || w.back() == '`')) w.remove_suffix(1);
      if (!w.empty()) out.back().push_back(w);
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

std::string_view base_name(std::string_view w) {
  return w.substr(w.rfind('/') == std::string_view::npos ? 0 : w.rfind('/') + 1);
}

bool one_of(std::string_view w, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// "nginx" or "nginx.service" (a unit), as systemctl and service name it.
bool nginx_unit(std::string_view w) { return w == "nginx" || w == "nginx.service"; }

// The index of the first word from `from` on that `pred` accepts, or words.size().
template <class P>
size_t find_word(const std::vector<std::string_view>& words, size_t from, P&& pred) {
  while (from < words.size() && !pred(words[from])) ++from;
  return from;
}

// `systemctl [options] VERB [units] nginx`, `service nginx VERB`, `/etc/init.d/nginx VERB`.
bool manages_nginx(const std::vector<std::string_view>& w, std::initializer_list<std::string_view> verbs) {
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string_view name = base_name(w[i]);
    if (name == "systemctl") {
      const size_t verb = find_word(w, i + 1, [&](std::string_view x) { return one_of(x, verbs); });
      if (verb < w.size() && find_word(w, verb + 1, nginx_unit) < w.size()) return true;
    }
    if ((name == "service" || name == "rc-service") && i + 2 < w.size() && w[i + 1] == "nginx" &&
        one_of(w[i + 2], verbs))
      return true;
    if (w[i].ends_with("init.d/nginx") && i + 1 < w.size() && one_of(w[i + 1], verbs)) return true;
  }
  return false;
}

// `nginx [options] -s SIGNAL` (or `-sSIGNAL`).
bool signals_nginx(const std::vector<std::string_view>& w, std::initializer_list<std::string_view> signals) {
  for (size_t i = 0; i < w.size(); ++i) {
    if (base_name(w[i]) != "nginx") continue;
    for (size_t j = i + 1; j < w.size(); ++j) {
      if (w[j] == "-s" && j + 1 < w.size() && one_of(w[j + 1], signals)) return true;
      if (w[j].starts_with("-s") && one_of(w[j].substr(2), signals)) return true;
    }
  }
  return false;
}

bool is_hup(std::string_view s) { return s == "HUP" || s == "SIGHUP" || s == "1"; }

// A word that names nginx's process or container: one with "nginx" in it, one of `names`, or
// the container Compose names after one of them (PROJECT-NAME-1, PROJECT_NAME_1).
bool names_nginx(std::string_view x, const std::vector<std::string>& names) {
  if (x.find("nginx") != std::string_view::npos) return true;
  for (const std::string& n : names) {
    if (n.empty()) continue;
    if (x == n) return true;
    for (const char sep : {'-', '_'}) {
      const std::string inner = sep + n + sep;
      const size_t at = x.rfind(inner);
      if (at == std::string_view::npos || at == 0) continue;
      const std::string_view index = x.substr(at + inner.size());
      if (!index.empty() && std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return true;
    }
  }
  return false;
}

// `kill -HUP ... nginx`, `pkill -HUP nginx`, `docker kill -s HUP nginx`, `docker restart nginx`,
// `docker compose kill --signal=HUP nginx`: a HUP (or a restart) with nginx named after it.
bool hups_nginx(const std::vector<std::string_view>& w, const std::vector<std::string>& names) {
  auto hup_option = [&](size_t j) {
    const std::string_view x = w[j];
    if ((x == "-s" || x == "--signal") && j + 1 < w.size()) return is_hup(w[j + 1]);
    if (x.starts_with("--signal=")) return is_hup(x.substr(9));
    if (x.starts_with("-s") && x.size() > 2) return is_hup(x.substr(2));
    return x.starts_with("-") && is_hup(x.substr(1));
  };
  auto nginx_after = [&](size_t j) {
    return find_word(w, j, [&](std::string_view x) { return names_nginx(x, names); }) < w.size();
  };
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string_view name = base_name(w[i]);
    if (one_of(name, {"kill", "pkill", "killall"}))
      for (size_t j = i + 1; j < w.size(); ++j)
        if (hup_option(j) && nginx_after(j + 1)) return true;
    if (name == "docker" || name == "docker-compose")
      for (size_t j = i + 1; j < w.size(); ++j) {
        if (w[j] == "restart" && nginx_after(j + 1)) return true;
        if (w[j] == "kill")
          for (size_t k = j + 1; k < w.size(); ++k)
            if (hup_option(k) && nginx_after(k + 1)) return true;
      }
  }
  return false;
}

bool reloads(const std::vector<std::string_view>& w, const std::vector<std::string>& names) {
  return manages_nginx(
             w, {"reload", "restart", "reload-or-restart", "try-restart", "try-reload-or-restart", "force-reload"}) ||
         signals_nginx(w, {"reload"}) || hups_nginx(w, names);
}

template <class P>
bool any_command(std::string_view text, P&& pred) {
  for (const auto& words : simple_commands(text))
    if (pred(words)) return true;
  return false;
}

}  // namespace

bool command_reloads_nginx(std::string_view command, const std::vector<std::string>& names) {
  return any_command(command, [&](const std::vector<std::string_view>& w) { return reloads(w, names); });
}

bool docker_reloads_nginx(std::string_view command, const std::vector<std::string>& names) {
  return any_command(command, [&](const std::vector<std::string_view>& w) {
    const bool docker = std::any_of(w.begin(), w.end(), [](std::string_view x) {
      return base_name(x) == "docker" || base_name(x) == "docker-compose";
    });
    return docker && reloads(w, names);
  });
}

bool command_starts_nginx(std::string_view command) {
  return any_command(command, [](const std::vector<std::string_view>& w) { return manages_nginx(w, {"start"}); });
}

bool command_stops_nginx(std::string_view command) {
  return any_command(command, [](const std::vector<std::string_view>& w) {
    return manages_nginx(w, {"stop"}) || signals_nginx(w, {"stop", "quit"});
  });
}

std::string certbot_hook_kind(const std::string& path) {
  const fs::path p(path);
  const std::string kind = lowercase(p.parent_path().filename().string());
  if (lowercase(p.parent_path().parent_path().filename().string()) != "renewal-hooks") return {};
  return kind == "deploy" || kind == "pre" || kind == "post" ? kind : std::string();
}

namespace {

// A hook: a command of the renewal configuration or a script of renewal-hooks/.
struct Hook {
  std::string kind;     ///< "deploy", "pre", "post".
  std::string key;      ///< How the report names it: "renew_hook", "renewal-hooks/deploy/reload-nginx".
  std::string command;  ///< The line that decides what it does (the first command of a script when none does).
  SourcePos pos;
  bool reloads = false, starts = false, stops = false;
  bool said = false;  ///< Reported once.
};

// A script's lines: the first that reloads nginx (else starts or stops it, else its first command).
Hook script_hook(const CertbotFile& f, const std::string& kind, const std::vector<std::string>& names) {
  Hook h;
  h.kind = kind;
  h.key = "renewal-hooks/" + kind + "/" + fs::path(f.name).filename().string();
  h.pos = {f.name, 0, 0};
  uint32_t line_no = 0;
  std::string_view text = f.text;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view t = trim(text.substr(begin, end - begin));
    begin = end + 1;
    ++line_no;
    if (t.empty() || t.front() == '#') continue;
    const bool reloads = command_reloads_nginx(t, names), starts = command_starts_nginx(t),
               stops = command_stops_nginx(t);
    if (h.pos.line == 0 || (reloads && !h.reloads) || (starts && !h.reloads && !h.starts)) {
      h.pos.line = line_no;
      h.command = std::string(t);
    }
    h.reloads |= reloads;
    h.starts |= starts;
    h.stops |= stops;
  }
  if (h.command.empty()) h.command = h.key;
  return h;
}

Hook conf_hook(const CertbotEntry& e, const std::string& kind, const std::vector<std::string>& names) {
  Hook h;
  h.kind = kind;
  h.key = e.key;
  h.command = e.value;
  h.pos = e.pos;
  h.reloads = command_reloads_nginx(e.value, names);
  h.starts = command_starts_nginx(e.value);
  h.stops = command_stops_nginx(e.value);
  return h;
}

// The lineage's live folder certbot names after the file: renewal/NAME.conf renews live/NAME/.
bool lineage_file(const std::string& conf, const std::string& cert_file) {
  const std::string name = fs::path(conf).stem().string();
  return !name.empty() && cert_file.find("/live/" + name + "/") != std::string::npos;
}

struct Conf {
  std::string file;
  CertbotRenewal parsed;
  std::vector<size_t> certs;   ///< Indexes into Deployment::certs.
  std::vector<Hook> hooks;     ///< Its renew_hook/deploy_hook, post_hook, pre_hook.
  std::set<std::string> used;  ///< Keys (section.key) read for a value.
};

std::string key_of(const CertbotEntry& e) { return e.section + "." + e.key; }

}  // namespace

void read_certbot(const std::vector<CertbotFile>& files, Deployment& d, Report& r) {
  const Messages& w = r.w;
  std::vector<Conf> confs;
  std::vector<Hook> dir_hooks;  // in the order certbot runs them: by name within each folder
  std::vector<const CertbotFile*> scripts;
  // The names nginx's containers go by, for a hook on the host that reloads one of them
  // (`docker kill -s HUP proxy`).
  std::vector<std::string> names;
  for (const auto& c : d.compose)
    for (std::string& n : nginx_container_names(*c)) names.push_back(std::move(n));
  for (const CertbotFile& f : files) {
    if (!certbot_hook_kind(f.name).empty()) {
      scripts.push_back(&f);
      continue;
    }
    ParseResult<CertbotRenewal> parsed = parse_certbot_renewal(f.text, f.name);
    if (parsed.error) {
      report_parse_error(*parsed.error, r);
      continue;
    }
    confs.push_back({f.name, std::move(*parsed.value), {}, {}, {}});
  }
  std::stable_sort(scripts.begin(), scripts.end(), [](const CertbotFile* a, const CertbotFile* b) {
    return fs::path(a->name).filename().string() < fs::path(b->name).filename().string();
  });
  for (const CertbotFile* f : scripts) {
    const std::string kind = certbot_hook_kind(f->name);
    if (!f->executable || f->name.ends_with("~")) {
      r.ignored({f->name, 0, 0}, w("import.certbot_hook_not_run"));
      continue;
    }
    dir_hooks.push_back(script_hook(*f, kind, names));
  }
  const auto is_certbot = [](const CertModel& c) {
    const Val* renewal = c.keys.get("renewal");
    return renewal && renewal->toml == "\"certbot\"";
  };
  // Which certificates each configuration renews: the nginx certificate read from its paths.
  for (Conf& c : confs) {
    const CertbotEntry* fullchain = c.parsed.find("", "fullchain");
    const CertbotEntry* leaf = c.parsed.find("", "cert");
    for (size_t i = 0; i < d.certs.size(); ++i) {
      const CertModel& cert = d.certs[i];
      const std::string& path = cert.file;
      if (path.empty() || !is_certbot(cert)) continue;
      const CertbotEntry* named = fullchain && fullchain->value == path ? fullchain
                                  : leaf && leaf->value == path         ? leaf
                                                                        : nullptr;
      if (named || (!fullchain && !leaf && lineage_file(c.file, path))) {
        c.certs.push_back(i);
        if (named) {
          c.used.insert(key_of(*named));
          r.mapped(named->pos, w.format("import.certbot_conf_cert", named->key, cert.domain, where(cert.pos)));
        }
      }
    }
    if (c.certs.empty()) {  // said once, for the whole file
      const CertbotEntry* at = fullchain ? fullchain : leaf;
      r.ignored(at ? at->pos : SourcePos{c.file, 0, 0},
                w.format("import.certbot_conf_no_cert", at ? at->value : fs::path(c.file).stem().string()));
      continue;
    }
    for (const char* key : {"renew_hook", "deploy_hook"})
      if (const CertbotEntry* e = c.parsed.find("renewalparams", key))
        c.hooks.push_back(conf_hook(*e, "deploy", names));
    if (const CertbotEntry* e = c.parsed.find("renewalparams", "post_hook"))
      c.hooks.push_back(conf_hook(*e, "post", names));
    if (const CertbotEntry* e = c.parsed.find("renewalparams", "pre_hook"))
      c.hooks.push_back(conf_hook(*e, "pre", names));
    for (const Hook& h : c.hooks) c.used.insert("renewalparams." + h.key);
  }
  const auto container =
      std::find_if(d.compose.begin(), d.compose.end(), [](const auto& c) { return !c->certbot_service.empty(); });
  const bool any_certbot = std::any_of(d.certs.begin(), d.certs.end(), is_certbot);
  // A pre hook that stops nginx makes a post hook that starts it again a restart (certbot's own
  // example: --pre-hook "service nginx stop" --post-hook "service nginx start").
  bool pre_stops =
      std::any_of(dir_hooks.begin(), dir_hooks.end(), [](const Hook& h) { return h.kind == "pre" && h.stops; });
  for (const Conf& c : confs)
    for (const Hook& h : c.hooks) pre_stops |= h.kind == "pre" && h.stops;
  const auto reloading = [&](const Hook& h) {
    return h.kind != "pre" && (h.reloads || (h.kind == "post" && h.starts && pre_stops));
  };

  // Each certificate a configuration renews: its CA, its challenge, and who reloads nginx.
  for (Conf& c : confs) {
    const CertbotEntry* server = c.parsed.find("renewalparams", "server");
    const CertbotEntry* authenticator = c.parsed.find("renewalparams", "authenticator");
    const CertbotEntry* autorenew = c.parsed.find("renewalparams", "autorenew");
    const CertbotEntry* pref = c.parsed.find("renewalparams", "pref_challs");
    for (const CertbotEntry* e : {server, authenticator, autorenew})
      if (e) c.used.insert(key_of(*e));
    for (const size_t i : c.certs) {
      CertModel& cert = d.certs[i];
      // certbot renews it: the lineage's file says so (certbot's timer, which runs `certbot renew`,
      // is still assumed). autorenew = False: `certbot renew` skips it (should_autorenew).
      const std::string why_timer = w("import.why_certbot");
      std::erase_if(r.entries, [&](const ReportEntry& e) {
        return e.kind == EntryKind::assumed && e.pos == cert.pos && e.message.ends_with(why_timer);
      });
      const bool off = autorenew && lowercase(autorenew->value) == "false";
      const SourcePos renews = off                           ? autorenew->pos
                               : c.parsed.renewalparams.line ? c.parsed.renewalparams
                                                             : SourcePos{c.file, 1, 0};
      cert.keys.set("renewal", r.from(renews, off ? "autorenew" : "renewalparams", "certificate.renewal",
                                      toml_str(off ? "none" : "certbot")));
      if (server && !server->value.empty()) {
        const std::string mapped_issuer =
            w.format("import.mapped", "ssl_certificate", "certificate.issuer", toml_str("letsencrypt"));
        std::erase_if(r.entries, [&](const ReportEntry& e) {
          return e.kind == EntryKind::mapped && e.pos == cert.pos && e.message == mapped_issuer;
        });
        const std::string& url = server->value;
        if (url.find("acme-staging") != std::string::npos) {
          cert.keys.set("issuer", r.from(server->pos, "server", "certificate.issuer", toml_str("untrusted")));
          r.mapped(server->pos, w.format("import.certbot_staging", url));
        } else if (url.find(".api.letsencrypt.org/") != std::string::npos) {
          cert.keys.set("issuer", r.from(server->pos, "server", "certificate.issuer", toml_str("letsencrypt")));
        } else {
          cert.keys.set("issuer", r.assume(server->pos, "certificate.issuer", toml_str("letsencrypt"),
                                           w.format("import.why_other_acme_ca", "server", url)));
        }
      }
      if (authenticator) {
        // webroot, nginx, standalone and apache answer HTTP-01 only; a dns-* plugin DNS-01; the
        // manual plugin HTTP-01 first, unless --preferred-challenges (pref_challs) says otherwise.
        const std::string a = lowercase(authenticator->value);
        if (a == "webroot" || a == "nginx" || a == "standalone" || a == "apache") {
          cert.keys.set("challenge",
                        r.from(authenticator->pos, "authenticator", "certificate.challenge", toml_str("http-01")));
        } else if (a.starts_with("dns-") || a.find(":dns-") != std::string::npos) {
          cert.keys.set("challenge",
                        r.from(authenticator->pos, "authenticator", "certificate.challenge", toml_str("dns-01")));
        } else if (a == "manual" && pref && lowercase(pref->value).find("dns") != std::string::npos &&
                   lowercase(pref->value).find("dns") < lowercase(pref->value + "http").find("http")) {
          c.used.insert(key_of(*pref));
          cert.keys.set("challenge", r.from(pref->pos, "pref_challs", "certificate.challenge", toml_str("dns-01")));
        } else {
          if (pref) c.used.insert(key_of(*pref));
          cert.keys.set("challenge", r.assume(authenticator->pos, "certificate.challenge", toml_str("http-01"),
                                              w.format("import.why_certbot_authenticator", authenticator->value)));
        }
        if (a == "standalone" &&
            std::none_of(c.hooks.begin(), c.hooks.end(), [](const Hook& h) { return h.kind == "pre" && h.stops; }) &&
            std::none_of(dir_hooks.begin(), dir_hooks.end(), [](const Hook& h) { return h.kind == "pre" && h.stops; }))
          r.ignored(authenticator->pos, w("import.certbot_standalone"));
      }
    }
  }

  // Whether nginx is reloaded after a renewal (reload_after_renewal), for every certificate
  // certbot renews: its configuration's installer and hooks, and the hook folders' scripts, which
  // run for every certificate.
  if (container == d.compose.end()) {
    for (size_t i = 0; i < d.certs.size(); ++i) {
      CertModel& cert = d.certs[i];
      if (!is_certbot(cert)) continue;
      Conf* conf = nullptr;
      for (Conf& c : confs)
        if (std::find(c.certs.begin(), c.certs.end(), i) != c.certs.end()) conf = &c;
      const CertbotEntry* installer = conf ? conf->parsed.find("renewalparams", "installer") : nullptr;
      // installer = nginx first (certbot --nginx reloads nginx itself); then the hooks in the order
      // certbot runs them after a renewal: deploy hooks of the folder, then renew_hook (the
      // installer's reload comes here); post hooks of the folder, then post_hook.
      std::vector<Hook*> after;
      for (Hook& h : dir_hooks)
        if (h.kind == "deploy") after.push_back(&h);
      if (conf)
        for (Hook& h : conf->hooks)
          if (h.kind == "deploy") after.push_back(&h);
      for (Hook& h : dir_hooks)
        if (h.kind == "post") after.push_back(&h);
      if (conf)
        for (Hook& h : conf->hooks)
          if (h.kind == "post") after.push_back(&h);
      const auto reloader = std::find_if(after.begin(), after.end(), [&](const Hook* h) { return reloading(*h); });
      if (installer && lowercase(installer->value) == "nginx") {
        conf->used.insert(key_of(*installer));
        cert.keys.set("reload_after_renewal",
                      r.from(installer->pos, "installer", "certificate.reload_after_renewal", "true"));
      } else if (reloader != after.end()) {
        cert.keys.set("reload_after_renewal",
                      r.from((*reloader)->pos, (*reloader)->key, "certificate.reload_after_renewal", "true"));
        (*reloader)->said = true;
      } else if (!after.empty()) {
        cert.keys.set("reload_after_renewal", r.assume(after.front()->pos, "certificate.reload_after_renewal", "false",
                                                       w.format("import.why_certbot_hook_no_reload", after.front()->key,
                                                                after.front()->command)));
        after.front()->said = true;
      } else if (conf) {
        if (installer) conf->used.insert(key_of(*installer));
        const SourcePos at = installer                         ? installer->pos
                             : conf->parsed.renewalparams.line ? conf->parsed.renewalparams
                                                               : SourcePos{conf->file, 1, 0};
        cert.keys.set("reload_after_renewal",
                      r.assume(at, "certificate.reload_after_renewal", "false",
                               w.format("import.why_certbot_no_hook", installer ? installer->value : "None")));
      }
    }
  }
  // Every hook once: what it does, when no certificate's value came from it.
  std::vector<Hook*> all;
  for (Hook& h : dir_hooks) all.push_back(&h);
  for (Conf& c : confs)
    for (Hook& h : c.hooks) all.push_back(&h);
  for (Hook* h : all) {
    if (h->said) continue;
    if (container != d.compose.end())
      r.ignored(h->pos, w.format("import.ignored_key", h->key,
                                 w.format("import.why_certbot_hook_container", (*container)->certbot_service)));
    else if (!any_certbot)
      r.ignored(h->pos, w.format("import.ignored_key", h->key, w("import.why_certbot_hook_no_cert")));
    else if (h->kind == "pre")
      r.ignored(h->pos, w.format("import.ignored_key", h->key, w("import.why_certbot_pre_hook")));
    else if (reloading(*h))
      r.ignored(h->pos, w.format("import.ignored_key", h->key, w("import.why_certbot_hook_also")));
    else
      r.ignored(h->pos, w.format("import.ignored_key", h->key, w.format("import.why_certbot_hook_other", h->command)));
  }
  // The rest of each configuration that renews a certificate read: not modelled, each at its line.
  for (const Conf& c : confs) {
    if (c.certs.empty()) continue;  // said once, above
    for (const CertbotEntry& e : c.parsed.entries) {
      if (c.used.count(key_of(e))) continue;
      if (e.section == "renewalparams" && e.key == "installer") {
        r.ignored(e.pos, w.format("import.ignored_key", "installer",
                                  container != d.compose.end()
                                      ? w.format("import.why_certbot_hook_container", (*container)->certbot_service)
                                      : w.format("import.why_certbot_installer_other", e.value)));
        continue;
      }
      const std::string name =
          e.section.find('.') != std::string::npos ? e.section.substr(e.section.find('.') + 1) + " " + e.key : e.key;
      r.ignored(e.pos, w.format("import.ignored_key", name,
                                e.key == "renew_before_expiry" ? w("import.why_certbot_renew_before")
                                                               : w("import.why_not_modelled")));
    }
  }
}

}  // namespace deploysim::import
