#pragma once
// certbot's own files under /etc/letsencrypt: a lineage's renewal configuration
// (renewal/NAME.conf, which certbot writes with configobj: `key = value` lines, a
// `[renewalparams]` section, a `[[webroot_map]]` subsection) and the hook scripts of
// renewal-hooks/deploy/, pre/ and post/.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "import/parse_error.hpp"

namespace deploysim::import {

/// One `key = value` line of a renewal configuration.
struct CertbotEntry {
  std::string section;  ///< "" at the top, "renewalparams", "renewalparams.webroot_map".
  std::string key;
  std::string value;  ///< Without its quotes and a trailing comment.
  SourcePos pos;      ///< The key's line and column.
};

/// A renewal configuration as written, in order.
struct CertbotRenewal {
  std::vector<CertbotEntry> entries;
  SourcePos renewalparams;  ///< The `[renewalparams]` line (line 0: none).
  /// The entry `key` of `section`, or null.
  const CertbotEntry* find(std::string_view section, std::string_view key) const;
};

/// Reads a renewal configuration as configobj reads it; stops at the first line that is neither
/// `key = value`, a `[section]` header, a comment nor blank.
ParseResult<CertbotRenewal> parse_certbot_renewal(std::string_view text, const std::string& file);

/// Whether a shell command makes a running nginx read its certificate files again: a reload or a
/// restart (`systemctl reload nginx`, `service nginx reload`, `nginx -s reload`, `kill -HUP`,
/// `docker kill -s HUP`, `docker restart`). `names` are the other names its container goes by
/// (a Compose service `proxy` running nginx: `docker kill -s HUP proxy`, `app-proxy-1`).
bool command_reloads_nginx(std::string_view command, const std::vector<std::string>& names = {});
/// Whether one of its commands is docker's (or docker-compose's) and reloads that nginx: a hook
/// that runs in another container reaches nginx only that way, through the Docker socket.
bool docker_reloads_nginx(std::string_view command, const std::vector<std::string>& names);
/// Whether it starts nginx (`systemctl start nginx`, `service nginx start`).
bool command_starts_nginx(std::string_view command);
/// Whether it stops nginx (`systemctl stop nginx`, `service nginx stop`, `nginx -s stop`).
bool command_stops_nginx(std::string_view command);

/// Whether a path is a hook script of certbot (`.../renewal-hooks/deploy/NAME`, `pre/`,
/// `post/`); its kind ("deploy", "pre", "post") when it is, else "".
std::string certbot_hook_kind(const std::string& path);

struct Deployment;
class Report;

/// A certbot file among the inputs: a renewal configuration or a hook script.
struct CertbotFile {
  std::string name;  ///< As the report names it.
  std::string_view text;
  bool executable = true;  ///< A hook script's mode (certbot runs only executable ones); true when unknown.
};

/// certbot's files against the certificates the nginx files serve (import.cpp calls it once every
/// nginx file is read): who renews each, from which CA, with which challenge, and whether nginx is
/// reloaded after a renewal (docs/import.md, nginx).
void read_certbot(const std::vector<CertbotFile>& files, Deployment& d, Report& r);

}  // namespace deploysim::import
