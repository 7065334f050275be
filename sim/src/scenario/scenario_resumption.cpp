// Scenario keys of a second visit: which key-exchange groups each side has, whether the proxy
// hands out session tickets and accepts 0-RTT data, and whether the client keeps the tickets.
#include "scenario/scenario_resumption.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "deploysim/tls_model.hpp"

namespace deploysim::detail {

namespace {

std::vector<std::string> read_groups(TableReader& r, std::vector<std::string> fallback) {
  auto groups = r.strings("groups", R"(groups = ["x25519", "p256"])");
  if (!groups) return fallback;
  if (groups->empty())
    r.fail("groups", fmt::format(R"({} must not be empty (e.g. ["x25519", "p256"]))", r.name_of("groups")));
  for (size_t i = 0; i < groups->size(); ++i) {
    const std::string& g = (*groups)[i];
    if (!find_group(g))
      r.fail("groups",
             fmt::format(R"({} may contain "x25519", "p256", "p384" and "p521", got "{}")", r.name_of("groups"), g));
    if (std::find(groups->begin(), groups->begin() + static_cast<std::ptrdiff_t>(i), g) !=
        groups->begin() + static_cast<std::ptrdiff_t>(i))
      r.fail("groups", fmt::format(R"({} names "{}" twice)", r.name_of("groups"), g));
  }
  return std::move(*groups);
}

}  // namespace

void read_proxy_resumption(TableReader& r, ProxySpec& proxy) {
  proxy.groups = read_groups(r, proxy.groups);
  proxy.session_tickets = r.boolean("session_tickets").value_or(preset_sends_tickets(proxy.preset));
  proxy.instances = static_cast<int>(r.integer("instances", 1, 64, "instances = 3").value_or(proxy.instances));
  if (const auto keys = r.choice("ticket_keys", {"per-instance", "shared"})) proxy.shared_ticket_keys = *keys == 1;
  proxy.early_data = r.boolean("early_data").value_or(false);
  if (proxy.early_data && !preset_accepts_early_data(proxy.preset))
    r.fail(
        "early_data",
        fmt::format(R"({} cannot be true for preset "{}": {}; nginx (ssl_early_data) and HAProxy (allow-0rtt) )"
                    "accept 0-RTT data",
                    r.name_of("early_data"), preset_name(proxy.preset),
                    proxy.preset == ProxyPreset::cloud_lb
                        ? "the cloud load balancer modelled (AWS ALB) has no 0-RTT setting"
                        : "it terminates TLS with Go's crypto/tls, which has no server-side 0-RTT (golang/go#48597)"));
  if (proxy.early_data && !(proxy.tls_versions & tls13))
    r.fail("early_data", fmt::format("{} needs TLS 1.3 in 'tls_versions': 0-RTT data exists only in TLS 1.3",
                                     r.name_of("early_data")));
  if (proxy.early_data && !proxy.session_tickets)
    r.fail("early_data",
           fmt::format("{} needs session_tickets = true: 0-RTT data rides on a ticket", r.name_of("early_data")));
}

void read_client_resumption(TableReader& r, ClientSpec& c) {
  c.resume = r.boolean("resume").value_or(c.resume);
  c.early_data = r.boolean("early_data").value_or(c.early_data);
  if (c.early_data && !c.resume)
    r.fail("early_data", fmt::format("{} needs resume = true: 0-RTT data is sent only with a ticket from an "
                                     "earlier connection",
                                     r.name_of("early_data")));
  if (c.early_data && !(c.tls_versions & tls13))
    r.fail("early_data", fmt::format("{} needs TLS 1.3 in 'tls_versions': 0-RTT data exists only in TLS 1.3",
                                     r.name_of("early_data")));
  static constexpr std::array<std::string_view, 6> methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};
  if (const auto m = r.choice("method", methods)) c.method = std::string(methods[*m]);
  c.groups = read_groups(r, c.groups);
}

}  // namespace deploysim::detail
