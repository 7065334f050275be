// When the certificate in use was issued. The files never say; a fixed "30 days ago" made a
// 7-day certificate start expired. A working deployment serves a certificate its renewer does not
// yet find due, so the issue time is taken halfway from issue to the renewer's moment: for 90
// days renewed with 30 left that is the 30 days it always was.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "import/import_model.hpp"

namespace deploysim::import {

namespace {

// The scenario's text of a duration, in the largest unit it is a whole number of ("30d", "60h").
std::string span_text(Time t) {
  const int64_t n = t.ns();
  if (n == 0) return "0";
  for (const auto& [unit, name] : {std::pair{days(1), "d"}, {hours(1), "h"}, {minutes(1), "m"}, {s(1), "s"}})
    if (n % unit.ns() == 0) return fmt::format("{}{}", n / unit.ns(), name);
  return fmt::format("{}ms", n / 1000000);
}

std::string unquoted(const Val* v) {
  if (!v || v->toml.size() < 2) return {};
  return v->toml.substr(1, v->toml.size() - 2);
}

// Traefik's getCertificateRenewDurations (pkg/provider/acme/provider.go), as the run applies it
// (sim/src/lifecycle/certs.cpp): how long before expiry it renews, by lifetime.
Time traefik_before(Time lifetime) {
  if (lifetime >= days(365)) return days(120);
  if (lifetime >= days(90)) return days(30);
  if (lifetime >= days(30)) return days(10);
  if (lifetime >= days(6)) return days(2);
  if (lifetime >= days(1)) return hours(6);
  return minutes(20);
}

}  // namespace

void choose_issued(CertModel& c, const Deployment& d, Report& r) {
  const Messages& w = r.w;
  const auto span = [&](Time t) { return format_span(t, w.time_units()); };
  const std::string renewal = unquoted(c.keys.get("renewal"));
  const std::string preset = d.proxy ? unquoted(d.proxy->keys.get("preset")) : std::string();
  const Time lifetime = parse_duration(unquoted(c.keys.get("lifetime"))).value_or(days(90));  // the scenario's default
  // How long before notAfter the renewer acts (domain-facts.md, "Certificates"), and why.
  Time before;
  std::string rule;
  if (renewal == "cert-manager") {
    // The run renews at two thirds whatever renewBefore says (sim/src/lifecycle/certs.cpp has no
    // key for it), so `issued` follows that rule and only names the ignored line.
    before = lifetime / 3;
    rule = c.renew_before ? w.format("import.issued_rule_renew_before", where(c.renew_before_pos))
                          : w("import.issued_rule_cert_manager");
  } else if (renewal == "proxy" && preset == "traefik") {
    before = traefik_before(lifetime);
    rule = w("import.issued_rule_traefik");
  } else if (renewal == "proxy") {
    before = lifetime / 3;
    rule = w("import.issued_rule_caddy");
  } else if (renewal == "certbot") {
    before = days(30);  // the scenario's certbot_rule default, "30-days-left"
    rule = w("import.issued_rule_certbot");
  }
  std::string why;
  Time ago;
  if (rule.empty()) {  // nobody renews it: a third of its life used
    ago = lifetime / 3;
    why = w.format("import.why_issued_unrenewed", span(ago), span(lifetime));
  } else {
    ago = std::max(Time{}, (lifetime - before) / 2);
    why = w.format("import.why_issued_due", span(ago), span(before), span(lifetime), rule);
  }
  const std::string toml = ago == Time{} ? "\"0\"" : "\"-" + span_text(ago) + "\"";
  c.keys.set("issued", r.assume(c.issued_pos, "certificate.issued", toml, why));
}

}  // namespace deploysim::import
