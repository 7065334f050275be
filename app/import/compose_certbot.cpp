// A certbot container beside nginx in a Compose file: which service renews the certificates,
// and whether a hook of its command can reach nginx's container to reload it.
#include <optional>
#include <string>
#include <vector>

#include "import/certbot_conf.hpp"
#include "import/compose_internal.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

std::vector<std::string> nginx_container_names(const ComposeCtx& c) {
  std::vector<std::string> out;
  if (!c.services.IsMap()) return out;
  for (const auto& kv : c.services) {
    const std::string image = scalar(child(kv.second, "image"));
    if (image.find("nginx") == std::string::npos && image.find("openresty") == std::string::npos) continue;
    out.push_back(scalar(kv.first));
    if (std::string name = scalar(child(kv.second, "container_name")); !name.empty()) out.push_back(std::move(name));
  }
  return out;
}

namespace {

// A service's entrypoint and command as one text (a list's items joined by spaces).
std::string entry_command_text(const YAML::Node& svc) {
  std::string out;
  for (const char* key : {"entrypoint", "command"}) {
    const YAML::Node n = child(svc, key);
    if (n.IsScalar()) out += scalar(n);
    if (n.IsSequence())
      for (const YAML::Node& item : n) out += scalar(item) + " ";
    out += "\n";
  }
  return out;
}

}  // namespace

std::optional<SourcePos> command_holds(const ComposeCtx& c, const YAML::Node& svc, const std::string& needle,
                                       std::string* key_out) {
  for (const char* key : {"entrypoint", "command"}) {
    const YAML::Node n = child(svc, key);
    if (key_out) *key_out = key;
    if (n.IsScalar() && n.Scalar().find(needle) != std::string::npos) return c.pos(n);
    if (n.IsSequence())
      for (const YAML::Node& item : n)
        if (scalar(item).find(needle) != std::string::npos) return c.pos(item);
  }
  return std::nullopt;
}

// A container that runs certbot: renews the certificate files the proxy reads. A hook of its
// command runs after a renewal (certbot's "Renewing certificates": --deploy-hook, once per
// renewed certificate, --renew-hook its old name; --post-hook after the attempt). Without one,
// `certbot renew` with the webroot or standalone authenticator only rewrites the files.
void note_certbot(ComposeCtx& c, const std::string& name, const YAML::Node& svc, const std::string& image,
                  const SourcePos& pos) {
  if (!c.certbot_service.empty() || (!image.starts_with("certbot/") && !command_holds(c, svc, "certbot"))) return;
  c.certbot_service = name;
  c.certbot_image = image.empty() ? name : image;
  c.certbot_pos = pos;
  // A hook runs in certbot's own container, where no nginx runs: `nginx -s reload` there finds no
  // master process. It reaches the nginx container through the Docker socket, or by a signal
  // across a shared PID namespace (`pid: service:nginx`, `pid: host`): a docker command that
  // reloads or restarts an nginx container of the file, not any docker command.
  bool socket = false;
  for (const YAML::Node& v : child(svc, "volumes"))
    socket |= (v.IsMap() ? scalar(child(v, "source")) : scalar(v)).find("docker.sock") != std::string::npos;
  const std::string pid = scalar(child(svc, "pid"));
  for (const char* hook : {"--deploy-hook", "--renew-hook", "--post-hook"})
    if (const std::optional<SourcePos> at = command_holds(c, svc, hook)) {
      c.certbot_hook = hook;
      c.certbot_hook_pos = *at;
      c.certbot_hook_reaches = (socket && docker_reloads_nginx(entry_command_text(svc), nginx_container_names(c))) ||
                               pid == "host" || pid.starts_with("service:");
      return;
    }
}

}  // namespace deploysim::import
