// Certificates over time: when each renewer (Caddy, Traefik, certbot's timer, cert-manager)
// decides to renew, the ACME flow as trace records (order, authorization, challenge, validation,
// finalize, download), failed validations and the rate limit, reload of the serving certificate
// (or not: the proxy keeps the old one in memory), and expiry.
#include <algorithm>
#include <fmt/format.h>

#include "lifecycle_model.hpp"

namespace deploysim::life {

namespace {

enum class Renewer : uint8_t { none, caddy, traefik, certbot, cert_manager };

Renewer renewer_of(const Scenario& sc, const CertificateSpec& c) {
  switch (c.renewal) {
    case Renewal::proxy:
      if (!sc.proxy) return Renewer::none;
      if (sc.proxy->preset == ProxyPreset::caddy) return Renewer::caddy;
      if (sc.proxy->preset == ProxyPreset::traefik) return Renewer::traefik;
      return Renewer::none;  // nginx and HAProxy have no ACME client of their own
    case Renewal::certbot: return Renewer::certbot;
    case Renewal::cert_manager: return Renewer::cert_manager;
    case Renewal::none: return Renewer::none;
  }
  return Renewer::none;
}

const char* renewer_name(Renewer r) {
  switch (r) {
    case Renewer::caddy: return "caddy";
    case Renewer::traefik: return "traefik";
    case Renewer::certbot: return "certbot";
    case Renewer::cert_manager: return "cert-manager";
    case Renewer::none: return "none";
  }
  return "none";
}

// Traefik renews 30 days before expiry for certificates of 90 days or more (checked daily), 10
// days before for 30 days or more (every 12 h), else 2 days before (every 2 h) (domain-facts.md).
struct TraefikRule { Time before, every; };
TraefikRule traefik_rule(Time lifetime) {
  if (lifetime >= days(90)) return {days(30), hours(24)};
  if (lifetime >= days(30)) return {days(10), hours(12)};
  return {days(2), hours(2)};
}

// How long before notAfter the renewer acts.
Time renew_before(Renewer r, const CertificateSpec& spec, Time lifetime) {
  switch (r) {
    case Renewer::caddy: return lifetime / 3;  // CertMagic: a third of the lifetime left
    case Renewer::traefik: return traefik_rule(lifetime).before;
    case Renewer::certbot:
      // certbot: classic renew_before_expiry = 30 days; newer: 1/3 of the lifetime (1/2 under 10 d).
      if (spec.certbot_rule == CertbotRule::classic_30d) return days(30);
      return lifetime < days(10) ? lifetime / 2 : lifetime / 3;
    case Renewer::cert_manager: return lifetime / 3;  // renewBefore = 1/3: renew at 2/3
    case Renewer::none: return Time{};
  }
  return Time{};
}

// The first tick of `every` (counted from t = 0) at or after t.
Time next_tick(Time t, Time every) {
  if (t <= Time{}) return Time{};
  return every * ((t.ns() + every.ns() - 1) / every.ns());
}

constexpr Time caddy_every = minutes(10);  // CertMagic RenewCheckInterval
constexpr Time certbot_jitter = hours(1);  // Debian certbot.timer random delay (domain-facts.md)
// Let's Encrypt rate limits (domain-facts.md, "Rate limits"): 5 failed validations per account,
// hostname and hour; 5 duplicate certificates (the exact same names) and 50 certificates per
// registered domain per week.
constexpr int rate_limit_failures = 5;
constexpr int rate_limit_duplicates = 5;
constexpr int rate_limit_registered = 50;
constexpr Time rate_limit_week = days(7);

// The registered domain (eTLD+1) of a name, taking the last two labels (no Public Suffix List).
std::string registered_domain(std::string_view name) {
  const size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::string(name);
  const size_t prev = name.rfind('.', last - 1);
  return std::string(prev == std::string_view::npos ? name : name.substr(prev + 1));
}

}  // namespace

void LifeModel::install_certs() {
  acme_node = w.trace.node("acme-ca");
  for (uint32_t c = 0; c < sc.certificates.size(); ++c) {
    const CertificateSpec& spec = sc.certificates[c];
    CertLife& cl = certs[c];
    cl.serving_history.push_back({Time{}, w.serving_certs[c].not_after});
    if (spec.issuer == Issuer::letsencrypt && spec.issued > -rate_limit_week) {
      cl.issued.push_back(spec.issued);
      registered_issued.emplace_back(registered_domain(spec.domain), spec.issued);
    }
    const Renewer r = renewer_of(sc, spec);
    switch (r) {
      case Renewer::caddy:
      case Renewer::traefik: cl.renewer = w.proxy_node; break;
      case Renewer::certbot: cl.renewer = w.trace.node("certbot"); break;
      case Renewer::cert_manager: cl.renewer = w.trace.node("cert-manager"); break;
      case Renewer::none: break;
    }
    if (r == Renewer::none && spec.renewal == Renewal::proxy)
      emit({.t = Time{}, .kind = "cert.no_renewer", .stage = Stage::cert, .actor = w.proxy_node},
           {{"domain", spec.domain}, {"proxy", sc.proxy ? sc.proxy->name : std::string("none")}});
    if (r != Renewer::none) schedule_check(c, Time{});
    schedule_expiry(c);
  }
}

void LifeModel::schedule_check(uint32_t c, Time earliest) {
  const CertificateSpec& spec = sc.certificates[c];
  const Renewer r = renewer_of(sc, spec);
  const CertState& stored = w.stored_certs[c];
  const Time lifetime = stored.not_after - stored.not_before;
  // A certificate the store lost is due at once.
  const Time due = stored.present ? stored.not_after - renew_before(r, spec, lifetime) : Time{};
  const Time from = std::max(earliest, due);
  Time at;
  switch (r) {
    case Renewer::caddy: at = next_tick(from, caddy_every); break;
    case Renewer::traefik: at = next_tick(from, traefik_rule(lifetime).every); break;
    case Renewer::cert_manager: at = from; break;
    case Renewer::certbot: {
      // certbot.timer: OnCalendar 00:00 and 12:00 UTC, then a random delay up to an hour. The
      // run acts only if it lands at or after `due`; skipped runs draw nothing (not observable).
      const int64_t half_day = 43200;
      const int64_t start = sc.info.start_unix;
      auto run_at = [&](int64_t k) { return s(k * half_day - start); };
      int64_t k = (start + (from - certbot_jitter).ns() / 1000000000) / half_day;
      while (run_at(k) + certbot_jitter <= from || run_at(k) < earliest - certbot_jitter) ++k;
      while (true) {
        const Time jitter = ns(static_cast<int64_t>(certs[c].rng.uniform() * static_cast<double>(certbot_jitter.ns())));
        const Time t = run_at(k) + jitter;
        if (t >= from) { at = t; break; }
        ++k;
      }
      break;
    }
    case Renewer::none: return;
  }
  at = std::max(at, w.engine.now());
  w.engine.cancel(certs[c].next_check);
  certs[c].next_check = w.engine.schedule_at(at, [m = this, c] { m->check_cert(c); });
}

void LifeModel::check_cert(uint32_t c) {
  const Time now = w.engine.now();
  const CertState& stored = w.stored_certs[c];
  const RecordId rec = emit({.t = now, .kind = "cert.renew_due", .stage = Stage::cert, .actor = certs[c].renewer},
                            {{"domain", stored.domain},
                             {"renewer", renewer_name(renewer_of(sc, sc.certificates[c]))},
                             {"left", stored.not_after - now},
                             {"lifetime", stored.not_after - stored.not_before}});
  acme_order(c, rec);
}

void LifeModel::acme_order(uint32_t c, RecordId cause) {
  CertLife& cl = certs[c];
  if (cl.renewing) return;
  const CertificateSpec& spec = sc.certificates[c];
  const Time now = w.engine.now();
  std::erase_if(cl.failed_validations, [&](Time t) { return now - t >= hours(1); });
  if (static_cast<int>(cl.failed_validations.size()) >= rate_limit_failures) {
    emit({.t = now, .kind = "cert.acme.rate_limited", .stage = Stage::cert, .actor = acme_node,
          .from = acme_node, .to = cl.renewer, .cause = cause},
         {{"domain", spec.domain}, {"failures", cl.failed_validations.size()},
          {"retry_after", cl.failed_validations.front() + hours(1) - now}});
    schedule_check(c, cl.failed_validations.front() + hours(1));
    return;
  }
  if (spec.issuer == Issuer::letsencrypt && order_rate_limited(c, cause)) return;
  if (spec.issuer == Issuer::self_signed) {
    CertState next = w.stored_certs[c];
    ++next.serial;
    next.not_before = now;
    next.not_after = now + spec.lifetime;
    w.stored_certs[c] = next;
    const RecordId rec = emit({.t = now, .kind = "cert.issued", .stage = Stage::cert, .actor = cl.renewer, .cause = cause},
                              {{"domain", spec.domain}, {"serial", next.serial}, {"not_after", next.not_after}});
    set_serving(c, next, rec);
    schedule_check(c, now + ns(1));
    return;
  }
  cl.renewing = true;
  const Time rtt = w.latency(w.trace.node_name(cl.renewer), "acme-ca") * 2;
  const RecordId rec = emit({.t = now, .kind = "cert.acme.order", .stage = Stage::cert, .actor = cl.renewer,
                             .from = cl.renewer, .to = acme_node, .dur = rtt / 2, .cause = cause},
                            {{"domain", spec.domain}, {"challenge", spec.challenge == Challenge::http01 ? "http-01"
                                                                    : spec.challenge == Challenge::tls_alpn01 ? "tls-alpn-01" : "dns-01"}});
  w.engine.schedule(rtt, [m = this, c, rec] { m->acme_step(c, 1, rec); });
}

void LifeModel::acme_step(uint32_t c, int step, RecordId cause) {
  CertLife& cl = certs[c];
  const CertificateSpec& spec = sc.certificates[c];
  const Renewer r = renewer_of(sc, spec);
  const Time now = w.engine.now();
  const Time rtt = w.latency(w.trace.node_name(cl.renewer), "acme-ca") * 2;
  auto next = [&](RecordId rec) { w.engine.schedule(rtt, [m = this, c, step, rec] { m->acme_step(c, step + 1, rec); }); };
  const char* challenge = spec.challenge == Challenge::http01 ? "http-01"
                          : spec.challenge == Challenge::tls_alpn01 ? "tls-alpn-01" : "dns-01";
  switch (step) {
    case 1:
      return next(emit({.t = now, .kind = "cert.acme.authorization", .stage = Stage::cert, .actor = acme_node,
                        .from = acme_node, .to = cl.renewer, .dur = rtt / 2, .cause = cause},
                       {{"domain", spec.domain}, {"challenge", challenge}}));
    case 2: {
      // HTTP-01: http://<domain>/.well-known/acme-challenge/<token> on port 80; TLS-ALPN-01:
      // port 443 with ALPN acme-tls/1; DNS-01: TXT _acme-challenge.<domain>.
      const std::string where = spec.challenge == Challenge::http01
                                    ? fmt::format("http://{}/.well-known/acme-challenge/<token>", spec.domain)
                                : spec.challenge == Challenge::tls_alpn01 ? fmt::format("{}:443 ALPN acme-tls/1", spec.domain)
                                                                          : fmt::format("TXT _acme-challenge.{}", spec.domain);
      return next(emit({.t = now, .kind = "cert.acme.challenge", .stage = Stage::cert, .actor = cl.renewer,
                        .from = cl.renewer, .to = acme_node, .dur = rtt / 2, .cause = cause},
                       {{"domain", spec.domain}, {"challenge", challenge}, {"where", where}}));
    }
    case 3: {
      bool ok = true;
      std::string_view error;
      if (spec.challenge == Challenge::http01 && w.port80_blocked) {
        ok = false;
        error = "Timeout during connect (likely firewall problem)";
      } else if (spec.challenge != Challenge::dns01 && !w.proxy_up) {
        ok = false;
        error = "Connection refused";
      }
      const RecordId rec = emit({.t = now, .kind = ok ? "cert.acme.validated" : "cert.acme.validation_failed",
                                 .stage = Stage::cert, .actor = acme_node, .from = acme_node,
                                 .to = w.proxy_node != NodeId::none ? w.proxy_node : cl.renewer, .dur = rtt / 2,
                                 .cause = cause, .narration = ok ? "cert.acme.validated" : fmt::format("cert.acme.validation_failed.{}", spec.challenge == Challenge::http01 && w.port80_blocked ? "port80" : "refused")},
                                {{"domain", spec.domain}, {"challenge", challenge}, {"error", error},
                                 {"failures", cl.failed_validations.size() + (ok ? 0 : 1)}});
      if (ok) return next(rec);
      cl.renewing = false;
      cl.failed_validations.push_back(now);
      Time retry = now + ns(1);
      if (r == Renewer::cert_manager)
        retry = now + std::min(hours(1) * (1LL << std::min<size_t>(cl.failed_validations.size() - 1, 5)), hours(32));
      return schedule_check(c, retry);
    }
    case 4:
      // The CA counts a certificate against the limits when it issues it at finalize; orders
      // started together are checked one after the other here.
      if (spec.issuer == Issuer::letsencrypt) {
        if (order_rate_limited(c, cause)) {
          cl.renewing = false;
          return;
        }
        cl.issued.push_back(now);
        registered_issued.emplace_back(registered_domain(spec.domain), now);
      }
      return next(emit({.t = now, .kind = "cert.acme.finalize", .stage = Stage::cert, .actor = cl.renewer,
                        .from = cl.renewer, .to = acme_node, .dur = rtt / 2, .cause = cause},
                       {{"domain", spec.domain}}));
    default: {
      cl.renewing = false;
      CertState fresh = w.stored_certs[c];
      ++fresh.serial;
      fresh.present = true;
      fresh.not_before = now;
      fresh.not_after = now + spec.lifetime;
      w.stored_certs[c] = fresh;
      const RecordId rec = emit({.t = now, .kind = "cert.issued", .stage = Stage::cert, .actor = acme_node,
                                 .from = acme_node, .to = cl.renewer, .dur = rtt / 2, .cause = cause},
                                {{"domain", spec.domain}, {"serial", fresh.serial}, {"not_after", fresh.not_after},
                                 {"lifetime", spec.lifetime}, {"renewer", renewer_name(r)}});
      if (r != Renewer::certbot || spec.reload_after_renewal) {
        const RecordId rl = emit({.t = now, .kind = "cert.reloaded", .stage = Stage::cert, .actor = w.proxy_node,
                                  .cause = rec, .narration = fmt::format("cert.reloaded.{}", renewer_name(r))},
                                 {{"domain", spec.domain}, {"serial", fresh.serial}});
        set_serving(c, fresh, rl);
      } else {
        emit({.t = now, .kind = "cert.not_reloaded", .stage = Stage::cert, .actor = w.proxy_node, .cause = rec},
             {{"domain", spec.domain}, {"serving_serial", w.serving_certs[c].serial},
              {"serving_not_after", w.serving_certs[c].not_after}, {"stored_serial", fresh.serial}});
      }
      return schedule_check(c, now + ns(1));
    }
  }
}

void LifeModel::set_serving(uint32_t c, const CertState& cs, RecordId cause) {
  if (w.serving_certs[c].serial == cs.serial && w.serving_certs[c].not_after == cs.not_after &&
      w.serving_certs[c].present == cs.present)
    return;
  w.serving_certs[c] = cs;
  certs[c].serving_history.push_back({w.engine.now(), cs.not_after});
  for (auto& f : w.on_cert_changed) f(c, cause);
  schedule_expiry(c);
}

void LifeModel::schedule_expiry(uint32_t c) {
  w.engine.cancel(certs[c].expiry);
  const CertState& cs = w.serving_certs[c];
  if (!cs.present || cs.not_after < w.engine.now()) return;
  // Priority -1: at exactly notAfter the record precedes any handshake of the same instant.
  certs[c].expiry = w.engine.schedule_at(cs.not_after, [m = this, c] {
    const CertState& s = m->w.serving_certs[c];
    m->emit({.t = m->w.engine.now(), .kind = "cert.expired", .stage = Stage::cert, .actor = m->w.proxy_node},
            {{"domain", s.domain}, {"serial", s.serial}, {"stored_serial", m->w.stored_certs[c].serial}});
  }, -1);
}

bool LifeModel::order_rate_limited(uint32_t c, RecordId cause) {
  CertLife& cl = certs[c];
  const CertificateSpec& spec = sc.certificates[c];
  const Time now = w.engine.now();
  const std::string reg = registered_domain(spec.domain);
  std::erase_if(cl.issued, [&](Time t) { return now - t >= rate_limit_week; });
  std::erase_if(registered_issued, [&](const auto& e) { return now - e.second >= rate_limit_week; });
  Time oldest = Time::max();
  int for_domain = 0;
  for (const auto& [d, t] : registered_issued)
    if (d == reg) {
      ++for_domain;
      oldest = std::min(oldest, t);
    }
  std::string error;
  Time retry;
  std::string_view which;
  if (static_cast<int>(cl.issued.size()) >= rate_limit_duplicates) {
    retry = cl.issued.front() + rate_limit_week;
    which = "cert.acme.rate_limited.duplicates";
    error = fmt::format("urn:ietf:params:acme:error:rateLimited: too many certificates ({}) already issued for this "
                        "exact set of identifiers in the last 168h0m0s", rate_limit_duplicates);
  } else if (for_domain >= rate_limit_registered) {
    retry = oldest + rate_limit_week;
    which = "cert.acme.rate_limited.registered_domain";
    error = fmt::format("urn:ietf:params:acme:error:rateLimited: too many certificates ({}) already issued for \"{}\" "
                        "in the last 168h0m0s", rate_limit_registered, reg);
  } else {
    return false;
  }
  emit({.t = now, .kind = "cert.acme.rate_limited", .stage = Stage::cert, .actor = acme_node,
        .from = acme_node, .to = cl.renewer, .cause = cause, .narration = which},
       {{"domain", spec.domain}, {"registered_domain", reg}, {"error", error}, {"retry_after", retry - now},
        {"issued_this_week", static_cast<int64_t>(cl.issued.size())}});
  schedule_check(c, retry);
  return true;
}

void LifeModel::lose_proxy_certs(RecordId cause) {
  // Traefik keeps what it ordered in acme.json, Caddy in its data directory. A container without
  // that volume starts with an empty store and orders everything again.
  for (uint32_t c = 0; c < certs.size(); ++c) {
    const Renewer r = renewer_of(sc, sc.certificates[c]);
    if (r != Renewer::caddy && r != Renewer::traefik) continue;
    certs[c].renewing = false;
    CertState gone = w.stored_certs[c];
    gone.present = false;
    w.stored_certs[c] = gone;
    const RecordId rec = emit({.t = w.engine.now(), .kind = "cert.storage_lost", .stage = Stage::cert,
                               .actor = w.proxy_node, .cause = cause},
                              {{"domain", gone.domain}, {"proxy", renewer_name(r)},
                               {"store", r == Renewer::traefik ? "acme.json" : "the data directory"}});
    set_serving(c, gone, rec);
    acme_order(c, rec);
  }
}

void LifeModel::reload_proxy(RecordId cause) {
  if (sc.proxy && !sc.proxy->persisted_storage) return lose_proxy_certs(cause);
  for (uint32_t c = 0; c < w.serving_certs.size(); ++c) {
    if (w.serving_certs[c].serial == w.stored_certs[c].serial) continue;
    const RecordId rec = emit({.t = w.engine.now(), .kind = "cert.reloaded", .stage = Stage::cert,
                               .actor = w.proxy_node, .cause = cause, .narration = "cert.reloaded.restart"},
                              {{"domain", w.stored_certs[c].domain}, {"serial", w.stored_certs[c].serial}});
    set_serving(c, w.stored_certs[c], rec);
  }
}

}  // namespace deploysim::life
