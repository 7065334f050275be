// Let's Encrypt's rate limits as the CA applies them since 2025 (letsencrypt.org/docs/rate-limits):
// token buckets computed with the Generic Cell Rate Algorithm (boulder ratelimits/gcra.go). A
// bucket of `burst` tokens refills one token every period / burst; an order is refused when the
// bucket is empty, and the refusal says when the next token arrives.
#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

struct Limit {
  int burst;
  Time period;
  Time interval() const { return period / burst; }  // boulder: emissionInterval = period / count
};

// New Certificates per Exact Set of Identifiers: 5 per 7 days, one back every 33 h 36 min (the
// page rounds it to "every 34 hours"); New Certificates per Registered Domain: 50 per 7 days, one
// back every 201.6 min ("every 202 minutes"); Authorization Failures per Identifier per Account:
// 5 per hour, one back every 12 minutes.
constexpr Limit exact_set_limit{5, days(7)};
constexpr Limit registered_domain_limit{50, days(7)};
constexpr Limit failed_authz_limit{5, hours(1)};
// An order for a name set issued within the last 120 days is a renewal and does not count against
// the registered domain (boulder wfe2/wfe.go NewOrder: FQDNSetTimestampsForWindow, 120 days).
constexpr Time renewal_window = days(120);

// The registered domain (eTLD+1) of a name, taking the last two labels (no Public Suffix List).
std::string registered_domain(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  const size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::string(name);
  const size_t prev = name.rfind('.', last - 1);
  return std::string(prev == std::string_view::npos ? name : name.substr(prev + 1));
}

// The exact set of identifiers, ignoring order (names are stored lower-case).
std::string name_set(const CertificateSpec& spec) {
  std::vector<std::string> v = certificate_names(spec);
  std::sort(v.begin(), v.end());
  std::string out;
  for (const auto& n : v) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> registered_domains(const CertificateSpec& spec) {
  std::vector<std::string> out;
  for (const auto& n : certificate_names(spec))
    if (const std::string r = registered_domain(n); std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

// The wait until one more token, or nothing when the bucket has one (boulder decide()).
std::optional<Time> denied(const AcmeLimits& l, const std::string& key, Limit limit, Time now) {
  const auto it = l.tat.find(key);
  const Time tat = it == l.tat.end() ? now : std::max(it->second, now);
  const Time next = tat + limit.interval() - limit.interval() * limit.burst;
  if (next <= now) return std::nullopt;
  return next - now;
}

// Spends a token without checking: the CA counts an issuance that passed its check at new-order
// ("spend-only" at issuance), so orders started together may all be issued.
void spend(AcmeLimits& l, const std::string& key, Limit limit, Time at) {
  const auto it = l.tat.find(key);
  const Time tat = it == l.tat.end() ? at : std::max(it->second, at);
  l.tat[key] = tat + limit.interval();
}

// "1h0m0s", "168h0m0s": how Go prints a time.Duration, as the CA's error does.
std::string go_duration(Time t) {
  const int64_t sec = t.ns() / 1000000000;
  return fmt::format("{}h{}m{}s", sec / 3600, sec % 3600 / 60, sec % 60);
}

// "2026-11-03 18:36:00 UTC", the CA's "retry after" (Go layout "2006-01-02 15:04:05 MST").
std::string utc_text(int64_t unix_s) {
  namespace ch = std::chrono;
  const ch::sys_seconds t{ch::seconds(unix_s)};
  const ch::sys_days day = ch::floor<ch::days>(t);
  const ch::year_month_day ymd{day};
  const ch::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::string authz_key(std::string_view account, std::string_view name) {
  return fmt::format("authz:{}:{}", account, name);
}

}  // namespace

void LifeModel::acme_limits_install(uint32_t c) {
  const CertificateSpec& spec = sc.certificates[c];
  if (spec.issuer != Issuer::letsencrypt || spec.issued > Time{}) return;
  // The certificate in place was issued once: it took a token from its name set's bucket (which
  // has refilled if that was long ago) and makes the next order for the same names a renewal.
  const std::string set = name_set(spec);
  spend(acme_limits, "set:" + set, exact_set_limit, spec.issued);
  const auto [it, fresh] = acme_limits.last_issued.emplace(set, spec.issued);
  if (!fresh) it->second = std::max(it->second, spec.issued);
}

bool LifeModel::acme_refused(uint32_t c, RecordId cause) {
  CertLife& cl = certs[c];
  const CertificateSpec& spec = sc.certificates[c];
  const Time now = w.engine.now();
  const std::string account(w.trace.node_name(cl.renewer));
  // Of several exceeded limits the CA reports the one that resets furthest in the future.
  Time wait;
  std::string narration, error;
  auto consider = [&](std::optional<Time> d, std::string_view which, std::string text) {
    if (d && *d > wait) {
      wait = *d;
      narration = which;
      error = std::move(text);
    }
  };
  if (spec.issuer != Issuer::letsencrypt) return false;
  for (const auto& name : certificate_names(spec))
    consider(denied(acme_limits, authz_key(account, name), failed_authz_limit, now),
             kinds::cert_acme_rate_limited_failed_authorizations,
             fmt::format("too many failed authorizations ({}) for \"{}\" in the last {}", failed_authz_limit.burst,
                         name, go_duration(failed_authz_limit.period)));
  const std::string set = name_set(spec);
  const auto last = acme_limits.last_issued.find(set);
  cl.order_is_renewal = last != acme_limits.last_issued.end() && now - last->second < renewal_window;
  consider(denied(acme_limits, "set:" + set, exact_set_limit, now), kinds::cert_acme_rate_limited_duplicates,
           fmt::format("too many certificates ({}) already issued for this exact set of identifiers in the last {}",
                       exact_set_limit.burst, go_duration(exact_set_limit.period)));
  if (!cl.order_is_renewal)
    for (const auto& reg : registered_domains(spec))
      consider(denied(acme_limits, "domain:" + reg, registered_domain_limit, now),
               kinds::cert_acme_rate_limited_registered_domain,
               fmt::format("too many certificates ({}) already issued for \"{}\" in the last {}",
                           registered_domain_limit.burst, reg, go_duration(registered_domain_limit.period)));
  if (narration.empty()) return false;
  const char* anchor = narration.ends_with("failed_authorizations")
                           ? "authorization-failures-per-identifier-per-account"
                       : narration.ends_with("duplicates") ? "new-certificates-per-exact-set-of-identifiers"
                                                           : "new-certificates-per-registered-domain";
  // boulder errors.go: the detail ends with a link to the limit's section of the rate-limits page.
  error = fmt::format(
      "urn:ietf:params:acme:error:rateLimited: {}, retry after {}: see "
      "https://letsencrypt.org/docs/rate-limits/#{}",
      error, utc_text(w.unix_time(now + wait)), anchor);
  const Time hour_ago = now - hours(1);
  const auto recent =
      std::count_if(cl.failed_validations.begin(), cl.failed_validations.end(), [&](Time t) { return t > hour_ago; });
  emit({.t = now,
        .kind = kinds::cert_acme_rate_limited,
        .stage = Stage::cert,
        .actor = acme_node,
        .from = acme_node,
        .to = cl.renewer,
        .cause = cause,
        .narration = narration},
       {{"domain", spec.domain},
        {"registered_domain", registered_domain(spec.domain)},
        {"error", error},
        {"retry_after", wait},
        {"failures", static_cast<int64_t>(recent)}});
  schedule_check(c, now + wait);
  return true;
}

void LifeModel::acme_count_issued(uint32_t c) {
  const CertificateSpec& spec = sc.certificates[c];
  if (spec.issuer != Issuer::letsencrypt) return;
  const Time now = w.engine.now();
  const std::string set = name_set(spec);
  spend(acme_limits, "set:" + set, exact_set_limit, now);
  if (!certs[c].order_is_renewal)
    for (const auto& reg : registered_domains(spec)) spend(acme_limits, "domain:" + reg, registered_domain_limit, now);
  acme_limits.last_issued[set] = now;
}

void LifeModel::acme_count_failure(uint32_t c) {
  const Time now = w.engine.now();
  // Only the last hour's failures are ever counted: dropping older ones keeps each count short
  // when validation fails for months (port 80 blocked over a 120-day run).
  std::vector<Time>& failed = certs[c].failed_validations;
  failed.erase(failed.begin(), std::upper_bound(failed.begin(), failed.end(), now - hours(1)));
  failed.push_back(now);
  if (sc.certificates[c].issuer != Issuer::letsencrypt) return;
  const std::string account(w.trace.node_name(certs[c].renewer));
  for (const auto& name : certificate_names(sc.certificates[c]))
    spend(acme_limits, authz_key(account, name), failed_authz_limit, now);
}

}  // namespace deploysim::life
