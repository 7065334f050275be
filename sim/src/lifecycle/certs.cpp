// Certificates over time: when each renewer (Caddy, Traefik, certbot's timer, cert-manager, a
// cloud provider) decides to renew, the ACME flow as trace records (order, an authorization per
// name, challenge, validation, finalize, download), failed validations, reload of the serving
// certificate (or not: the proxy keeps the old one in memory), a proxy recreated without its
// store, and expiry. Let's Encrypt's rate limits are in acme_limits.cpp.
#include <algorithm>
#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

enum class Renewer : uint8_t { none, caddy, traefik, certbot, cert_manager, provider };

Renewer renewer_of(const Scenario& sc, const CertificateSpec& c) {
  switch (c.renewal) {
    case Renewal::proxy:
      if (!sc.proxy) return Renewer::none;
      switch (proxy_preset(sc.proxy->preset).acme) {  // the proxy's own ACME client (presets.cpp)
        case ProxyAcme::certmagic:
          return Renewer::caddy;
        case ProxyAcme::traefik:
          return Renewer::traefik;
        case ProxyAcme::none:
          return Renewer::none;
      }
      return Renewer::none;
    case Renewal::certbot:
      return Renewer::certbot;
    case Renewal::cert_manager:
      return Renewer::cert_manager;
    case Renewal::provider:
      return Renewer::provider;
    case Renewal::none:
      return Renewer::none;
  }
  return Renewer::none;
}

// A renewer that signs with a CA it holds orders nothing: cert-manager's CA, Vault and Venafi
// issuers (cert-manager.io, "Issuer Configuration": only its ACME issuer speaks ACME) and Caddy's
// `tls internal` (its own local CA, caddyserver.com/docs/automatic-https) stand for "private-ca".
// certbot and Traefik are ACME clients: with a private CA they talk to its ACME server.
bool signs_itself(Renewer r, const CertificateSpec& spec) {
  return spec.issuer == Issuer::private_ca && (r == Renewer::cert_manager || r == Renewer::caddy);
}

const char* renewer_name(Renewer r) {
  switch (r) {
    case Renewer::caddy:
      return "caddy";
    case Renewer::traefik:
      return "traefik";
    case Renewer::certbot:
      return "certbot";
    case Renewer::cert_manager:
      return "cert-manager";
    case Renewer::provider:
      return "provider";
    case Renewer::none:
      return "none";
  }
  return "none";
}

// Traefik's getCertificateRenewDurations (pkg/provider/acme/provider.go; domain-facts.md has the
// 90/30/6-day rows): how long before expiry it renews and how often it checks, by lifetime.
struct TraefikRule {
  Time before, every;
};
TraefikRule traefik_rule(Time lifetime) {
  if (lifetime >= days(365)) return {days(120), days(7)};
  if (lifetime >= days(90)) return {days(30), hours(24)};
  if (lifetime >= days(30)) return {days(10), hours(12)};
  if (lifetime >= days(6)) return {days(2), hours(2)};
  if (lifetime >= days(1)) return {hours(6), minutes(10)};
  return {minutes(20), minutes(1)};
}

// How long before notAfter the renewer acts.
Time renew_before(Renewer r, const CertificateSpec& spec, Time lifetime) {
  switch (r) {
    case Renewer::caddy:
      return lifetime / 3;  // CertMagic: a third of the lifetime left
    case Renewer::traefik:
      return traefik_rule(lifetime).before;
    case Renewer::certbot:
      // certbot: classic renew_before_expiry = 30 days; newer: 1/3 of the lifetime (1/2 under 10 d).
      if (spec.certbot_rule == CertbotRule::classic_30d) return days(30);
      return lifetime < days(10) ? lifetime / 2 : lifetime / 3;
    case Renewer::cert_manager:
      return lifetime / 3;  // renewBefore = 1/3: renew at 2/3
    case Renewer::provider:
      // ACM: a 198-day certificate renews 45 days before expiry, an older 395-day one 60 days
      // before (ACM User Guide, "Renewal for domains validated by DNS"); shorter ones at 1/3 left.
      if (lifetime >= days(395)) return days(60);
      return lifetime > days(135) ? days(45) : lifetime / 3;
    case Renewer::none:
      return Time{};
  }
  return Time{};
}

// The first tick of `every` (counted from t = 0) at or after t.
Time next_tick(Time t, Time every) {
  if (t <= Time{}) return Time{};
  return every * ((t.ns() + every.ns() - 1) / every.ns());
}

constexpr Time caddy_every = minutes(10);  // CertMagic RenewCheckInterval
// Debian's and Ubuntu's certbot.timer (debian/certbot.timer in the certbot package, installed as
// /lib/systemd/system/certbot.timer): OnCalendar=*-*-* 00,12:00:00 with RandomizedDelaySec=43200,
// so each of the two daily runs starts up to 12 hours late.
constexpr Time certbot_delay_max = hours(12);
constexpr int64_t certbot_period_s = 43200;

std::string challenge_name(Challenge ch) {
  return ch == Challenge::http01 ? "http-01" : ch == Challenge::tls_alpn01 ? "tls-alpn-01" : "dns-01";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& n : v) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> certificate_names(const CertificateSpec& spec) {
  std::vector<std::string> v{spec.domain};
  v.insert(v.end(), spec.alt_names.begin(), spec.alt_names.end());
  return v;
}

void LifeModel::install_certs() {
  acme_node = w.trace.node("acme-ca", NodeRole::ca);
  for (uint32_t c = 0; c < sc.certificates.size(); ++c) {
    const CertificateSpec& spec = sc.certificates[c];
    CertLife& cl = certs[c];
    cl.serving_history.push_back({Time{}, w.serving_certs[c].not_after});
    acme_limits_install(c);
    const Renewer r = renewer_of(sc, spec);
    switch (r) {
      case Renewer::caddy:
      case Renewer::traefik:
        cl.renewer = w.proxy_node;
        break;
      case Renewer::certbot:
        cl.renewer = w.trace.node("certbot", NodeRole::acme_client);
        break;
      case Renewer::cert_manager:
        cl.renewer = w.trace.node("cert-manager", NodeRole::acme_client);
        break;
      case Renewer::provider:
        cl.renewer = w.trace.node("acm", NodeRole::ca);
        break;
      case Renewer::none:
        break;
    }
    if (r == Renewer::none && spec.renewal == Renewal::proxy)
      emit({.t = Time{}, .kind = kinds::cert_no_renewer, .stage = Stage::cert, .actor = w.proxy_node},
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
    case Renewer::caddy:
      at = next_tick(from, caddy_every);
      break;
    case Renewer::traefik:
      at = next_tick(from, traefik_rule(lifetime).every);
      break;
    case Renewer::cert_manager:
    case Renewer::provider:
      at = from;
      break;
    case Renewer::certbot: {
      // One timer runs `certbot renew` for every certificate: run k starts at its calendar time
      // (00:00 or 12:00 UTC) plus a random delay of its own, drawn from a stream per run so that
      // every certificate sees the same runs. A run acts on a certificate only at or after `due`.
      const int64_t start = sc.info.start_unix;
      auto run_at = [&](int64_t k) {
        Rng delay(w.seed, Rng::stream_id("certbot.timer") ^ static_cast<uint64_t>(k));
        return s(k * certbot_period_s - start) + delay.uniform(Time{}, certbot_delay_max);
      };
      int64_t k = (start + (from - certbot_delay_max).ns() / 1000000000) / certbot_period_s;
      while (run_at(k) < from) ++k;
      at = run_at(k);
      break;
    }
    case Renewer::none:
      return;
  }
  at = std::max(at, w.engine.now());
  w.engine.cancel(certs[c].next_check);
  certs[c].next_check = w.engine.schedule_at(at, [m = this, c] { m->check_cert(c); });
}

void LifeModel::check_cert(uint32_t c) {
  const Time now = w.engine.now();
  const CertState& stored = w.stored_certs[c];
  const Renewer r = renewer_of(sc, sc.certificates[c]);
  // A certificate already past notAfter is told as expired for so long, not as "-2 d left".
  const bool expired = stored.present && r != Renewer::provider && stored.not_after < now;
  const RecordSpec spec{.t = now,
                        .kind = kinds::cert_renew_due,
                        .stage = Stage::cert,
                        .actor = certs[c].renewer,
                        .narration = !stored.present          ? kinds::cert_renew_due_missing
                                     : r == Renewer::provider ? kinds::cert_renew_due_provider
                                     : expired                ? kinds::cert_renew_due_expired
                                                              : kinds::cert_renew_due};
  // "ago" only on an expired one, so that the other checks' records stay as they were.
  const FieldArg fields[] = {{"domain", stored.domain},
                             {"renewer", renewer_name(r)},
                             {"left", stored.not_after - now},
                             {"lifetime", stored.not_after - stored.not_before},
                             {"ago", now - stored.not_after}};
  const RecordId rec = emit_fields(spec, std::span<const FieldArg>(fields, expired ? 5 : 4));
  acme_order(c, rec);
}

void LifeModel::acme_order(uint32_t c, RecordId cause) {
  CertLife& cl = certs[c];
  if (cl.renewing) return;
  const CertificateSpec& spec = sc.certificates[c];
  const Time now = w.engine.now();
  if (renewer_of(sc, spec) == Renewer::provider) return provider_renew(c, cause);
  if (acme_refused(c, cause)) return;
  if (signs_itself(renewer_of(sc, spec), spec)) return store_issued(c, cause, cl.renewer, Time{});
  if (spec.issuer == Issuer::self_signed) {
    CertState next = w.stored_certs[c];
    ++next.serial;
    next.not_before = now;
    next.not_after = now + spec.lifetime;
    w.stored_certs[c] = next;
    const RecordId rec =
        emit({.t = now, .kind = kinds::cert_issued, .stage = Stage::cert, .actor = cl.renewer, .cause = cause},
             {{"domain", spec.domain},
              {"serial", next.serial},
              {"not_after", next.not_after},
              {"lifetime", spec.lifetime},
              {"renewer", renewer_name(renewer_of(sc, spec))}});
    set_serving(c, next, rec);
    schedule_check(c, now + ns(1));
    return;
  }
  cl.renewing = true;
  const Time rtt = w.latency(w.trace.node_name(cl.renewer), "acme-ca") * 2;
  const std::string names = joined(certificate_names(spec));
  const RecordId rec = emit({.t = now,
                             .kind = kinds::cert_acme_order,
                             .stage = Stage::cert,
                             .actor = cl.renewer,
                             .from = cl.renewer,
                             .to = acme_node,
                             .dur = rtt / 2,
                             .cause = cause},
                            {{"domain", spec.domain}, {"names", names}, {"challenge", challenge_name(spec.challenge)}});
  w.engine.schedule(rtt, [m = this, c, rec] { m->acme_step(c, 1, rec); });
}

void LifeModel::acme_step(uint32_t c, int step, RecordId cause) {
  CertLife& cl = certs[c];
  const CertificateSpec& spec = sc.certificates[c];
  const Renewer r = renewer_of(sc, spec);
  const Time now = w.engine.now();
  const Time rtt = w.latency(w.trace.node_name(cl.renewer), "acme-ca") * 2;
  auto next = [&](RecordId rec) {
    w.engine.schedule(rtt, [m = this, c, step, rec] { m->acme_step(c, step + 1, rec); });
  };
  const std::string challenge = challenge_name(spec.challenge);
  const std::vector<std::string> names = certificate_names(spec);
  // A renewer retries a failed order at its next check; cert-manager backs off 1 h, 2 h, 4 h ...
  // up to 32 h between failed issuance attempts.
  auto retry = [&] {
    cl.renewing = false;
    ++cl.failed_attempts;
    Time at = now + ns(1);
    if (r == Renewer::cert_manager)
      at = now + std::min(hours(1) * (1LL << std::min(cl.failed_attempts - 1, 5)), hours(32));
    schedule_check(c, at);
  };
  RecordId last = cause;
  switch (step) {
    case 1: {
      // One authorization per name (RFC 8555 7.1.4). For a wildcard the CA offers only dns-01
      // (Let's Encrypt "Challenge Types": HTTP-01 and TLS-ALPN-01 cannot issue wildcards).
      bool usable = true;
      for (const auto& name : names) {
        const bool wildcard = name.starts_with("*.");
        last = emit({.t = now,
                     .kind = kinds::cert_acme_authorization,
                     .stage = Stage::cert,
                     .actor = acme_node,
                     .from = acme_node,
                     .to = cl.renewer,
                     .dur = rtt / 2,
                     .cause = cause},
                    {{"domain", name}, {"challenge", wildcard ? std::string("dns-01") : challenge}});
        usable = usable && (!wildcard || spec.challenge == Challenge::dns01);
      }
      if (usable) return next(last);
      // certbot's own words (auth_handler.py); the other clients stop the order the same way.
      emit({.t = now,
            .kind = kinds::cert_acme_no_usable_challenge,
            .stage = Stage::cert,
            .actor = cl.renewer,
            .cause = last},
           {{"domain", spec.domain},
            {"challenge", challenge},
            {"renewer", renewer_name(r)},
            {"error", r == Renewer::certbot
                          ? "Client with the currently selected authenticator does not support any combination of "
                            "challenges that will satisfy the CA. You may need to use an authenticator plugin that "
                            "can do challenges over DNS."
                          : "the CA offers only dns-01 for a wildcard name"}});
      return retry();
    }
    case 2:
      // HTTP-01: http://<domain>/.well-known/acme-challenge/<token> on port 80; TLS-ALPN-01:
      // port 443 with ALPN acme-tls/1; DNS-01: TXT _acme-challenge.<domain> (a wildcard's
      // record is that of its base name).
      for (const auto& name : names) {
        const std::string base = name.starts_with("*.") ? name.substr(2) : name;
        const std::string where =
            spec.challenge == Challenge::http01 ? fmt::format("http://{}/.well-known/acme-challenge/<token>", name)
            : spec.challenge == Challenge::tls_alpn01 ? fmt::format("{}:443 ALPN acme-tls/1", name)
                                                      : fmt::format("TXT _acme-challenge.{}", base);
        last = emit({.t = now,
                     .kind = kinds::cert_acme_challenge,
                     .stage = Stage::cert,
                     .actor = cl.renewer,
                     .from = cl.renewer,
                     .to = acme_node,
                     .dur = rtt / 2,
                     .cause = cause},
                    {{"domain", name}, {"challenge", challenge}, {"where", where}});
      }
      return next(last);
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
      if (!ok) acme_count_failure(c);
      const Time hour_ago = now - hours(1);
      const auto recent = std::count_if(cl.failed_validations.begin(), cl.failed_validations.end(),
                                        [&](Time t) { return t > hour_ago; });
      const std::string narration =
          ok ? std::string(kinds::cert_acme_validated)
             : registered(fmt::format("cert.acme.validation_failed.{}",
                                      spec.challenge == Challenge::http01 && w.port80_blocked ? "port80" : "refused"));
      for (const auto& name : names)
        last = emit(
            {.t = now,
             .kind = ok ? kinds::cert_acme_validated : kinds::cert_acme_validation_failed,
             .stage = Stage::cert,
             .actor = acme_node,
             .from = acme_node,
             .to = w.proxy_node != NodeId::none ? w.proxy_node : cl.renewer,
             .dur = rtt / 2,
             .cause = cause,
             .narration = narration,
             .reports_failure = !ok},
            {{"domain", name}, {"challenge", challenge}, {"error", error}, {"failures", static_cast<int64_t>(recent)}});
      if (ok) return next(last);
      return retry();
    }
    case 4:
      return next(emit({.t = now,
                        .kind = kinds::cert_acme_finalize,
                        .stage = Stage::cert,
                        .actor = cl.renewer,
                        .from = cl.renewer,
                        .to = acme_node,
                        .dur = rtt / 2,
                        .cause = cause},
                       {{"domain", spec.domain}, {"names", joined(names)}}));
    default:
      // The CA counts the certificate when it issues it, without checking again.
      acme_count_issued(c);
      return store_issued(c, cause, acme_node, rtt / 2);
  }
}

void LifeModel::provider_renew(uint32_t c, RecordId cause) {
  // The provider renews a DNS-validated certificate by itself once its validation CNAME records
  // still resolve (ACM User Guide, "Renewal for domains validated by DNS"), then deploys it to the
  // load balancer: nothing runs on the hosts behind it.
  CertLife& cl = certs[c];
  cl.renewing = true;
  const Time now = w.engine.now();
  const Time rtt = w.latency(w.trace.node_name(cl.renewer), w.trace.node_name(w.resolver_node)) * 2;
  const RecordId rec = emit(
      {.t = now, .kind = kinds::cert_provider_validated, .stage = Stage::cert, .actor = cl.renewer, .cause = cause},
      {{"domain", sc.certificates[c].domain}, {"names", joined(certificate_names(sc.certificates[c]))}});
  w.engine.schedule(rtt, [m = this, c, rec] { m->store_issued(c, rec, m->certs[c].renewer, Time{}); });
}

void LifeModel::store_issued(uint32_t c, RecordId cause, NodeId issuer_node, Time dur) {
  CertLife& cl = certs[c];
  const CertificateSpec& spec = sc.certificates[c];
  const Renewer r = renewer_of(sc, spec);
  const Time now = w.engine.now();
  cl.renewing = false;
  cl.failed_attempts = 0;
  CertState fresh = w.stored_certs[c];
  ++fresh.serial;
  fresh.present = true;
  fresh.not_before = now;
  fresh.not_after = now + spec.lifetime;
  w.stored_certs[c] = fresh;
  const RecordId rec = emit({.t = now,
                             .kind = kinds::cert_issued,
                             .stage = Stage::cert,
                             .actor = issuer_node,
                             .from = issuer_node,
                             .to = cl.renewer,
                             .dur = dur,
                             .cause = cause,
                             .narration = r == Renewer::provider  ? kinds::cert_issued_provider
                                          : signs_itself(r, spec) ? kinds::cert_issued_private_ca
                                                                  : kinds::cert_issued},
                            {{"domain", spec.domain},
                             {"serial", fresh.serial},
                             {"not_after", fresh.not_after},
                             {"lifetime", spec.lifetime},
                             {"renewer", renewer_name(r)}});
  if (r != Renewer::certbot || spec.reload_after_renewal) {
    const RecordId rl = emit({.t = now,
                              .kind = kinds::cert_reloaded,
                              .stage = Stage::cert,
                              .actor = w.proxy_node,
                              .cause = rec,
                              .narration = registered(fmt::format("cert.reloaded.{}", renewer_name(r)))},
                             {{"domain", spec.domain}, {"serial", fresh.serial}});
    set_serving(c, fresh, rl);
  } else {
    emit({.t = now, .kind = kinds::cert_not_reloaded, .stage = Stage::cert, .actor = w.proxy_node, .cause = rec},
         {{"domain", spec.domain},
          {"serving_serial", w.serving_certs[c].serial},
          {"serving_not_after", w.serving_certs[c].not_after},
          {"stored_serial", fresh.serial}});
  }
  schedule_check(c, now + ns(1));
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
  certs[c].expiry = w.engine.schedule_at(
      cs.not_after,
      [m = this, c] {
        const CertState& s = m->w.serving_certs[c];
        m->emit({.t = m->w.engine.now(),
                 .kind = kinds::cert_expired,
                 .stage = Stage::cert,
                 .actor = m->w.proxy_node,
                 .reports_failure = true},
                {{"domain", s.domain}, {"serial", s.serial}, {"stored_serial", m->w.stored_certs[c].serial}});
      },
      -1);
}

void LifeModel::lose_proxy_certs(RecordId cause) {
  // Traefik keeps what it ordered in acme.json, Caddy in its data directory. A container created
  // afresh from the image without that volume starts with an empty store and orders again.
  for (uint32_t c = 0; c < certs.size(); ++c) {
    const Renewer r = renewer_of(sc, sc.certificates[c]);
    if (r != Renewer::caddy && r != Renewer::traefik) continue;
    certs[c].renewing = false;
    CertState gone = w.stored_certs[c];
    gone.present = false;
    w.stored_certs[c] = gone;
    const RecordId rec = emit({.t = w.engine.now(),
                               .kind = kinds::cert_storage_lost,
                               .stage = Stage::cert,
                               .actor = w.proxy_node,
                               .cause = cause},
                              {{"domain", gone.domain},
                               {"proxy", renewer_name(r)},
                               {"store", r == Renewer::traefik ? "acme.json" : "/data"}});
    set_serving(c, gone, rec);
    acme_order(c, rec);
  }
}

void LifeModel::reload_proxy(RecordId cause) {
  // A restart (a crash, a reboot) runs the same container or process again: its files, acme.json
  // in the container's writable layer included, are still there (Docker restart policies restart
  // the same container). It reads the certificates on disk.
  for (uint32_t c = 0; c < w.serving_certs.size(); ++c) {
    if (w.serving_certs[c].serial == w.stored_certs[c].serial) continue;
    const RecordId rec = emit({.t = w.engine.now(),
                               .kind = kinds::cert_reloaded,
                               .stage = Stage::cert,
                               .actor = w.proxy_node,
                               .cause = cause,
                               .narration = kinds::cert_reloaded_restart},
                              {{"domain", w.stored_certs[c].domain}, {"serial", w.stored_certs[c].serial}});
    set_serving(c, w.stored_certs[c], rec);
  }
}

void LifeModel::recreate_proxy(RecordId cause) {
  // `docker compose up` after a change of image or configuration, `docker compose down` and up,
  // or a new pod: the old container is removed and a new one starts from the image, back about a
  // second later. Only what lies on a volume (persisted_storage) is still there.
  w.proxy_up = false;
  ++w.proxy_restarts;
  w.engine.schedule(s(1), [m = this, cause] {
    m->w.proxy_up = true;
    const RecordId back = m->proxy_back(cause, kinds::proxy_restarted_recreated);
    if (m->sc.proxy && !m->sc.proxy->persisted_storage)
      m->lose_proxy_certs(back);
    else
      m->reload_proxy(back);
  });
}

}  // namespace deploysim::life
