// DNS: the client's stub resolver (OS cache, retry timer) -> the recursive resolver (TTL cache,
// negative cache, delegation cache) -> root -> TLD -> authoritative, with CNAME chasing.
#include <algorithm>
#include <memory>

#include "request_path/path.hpp"

namespace deploysim::path {

namespace {

// Delegations (NS records) in the root and TLD zones carry a 2-day TTL (172800 s in the root
// zone file), so a resolver rarely asks the root twice in a scenario.
constexpr Time delegation_ttl = days(2);
// Negative answers from a TLD for a name it does not delegate are cached per its SOA minimum
// (RFC 2308); 900 s as in the com zone's SOA.
constexpr Time tld_negative_ttl = minutes(15);
// CNAME chains longer than this are treated as a loop (SERVFAIL), as resolvers cap them.
constexpr int max_cname_depth = 8;

enum class Level : uint8_t { root, tld, authoritative };

std::string_view tld_of(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// The zone holding a name: the longest configured origin that is the name or a suffix of it.
const ZoneSpec* zone_of(const Scenario& sc, std::string_view name) {
  const ZoneSpec* best = nullptr;
  for (const auto& z : sc.zones) {
    const bool inside = name == z.origin || (name.size() > z.origin.size() && name.ends_with(z.origin) &&
                                             name[name.size() - z.origin.size() - 1] == '.');
    if (inside && (!best || z.origin.size() > best->origin.size())) best = &z;
  }
  return best;
}

const char* type_name(DnsType t) {
  switch (t) {
    case DnsType::A:
      return "A";
    case DnsType::AAAA:
      return "AAAA";
    case DnsType::CNAME:
      return "CNAME";
  }
  return "A";
}

struct Dns {
  PathModel& m;
  uint32_t r;

  Request& q() { return m.reqs[r]; }
  Time now() { return m.w.engine.now(); }
  NodeId resolver() { return m.w.resolver_node; }

  NodeId server(Level level, const ZoneSpec* zone) {
    switch (level) {
      case Level::root:
        return m.w.trace.node("root", NodeRole::dns_server);
      case Level::tld:
        return m.w.trace.node("tld." + std::string(tld_of(q().qname)), NodeRole::dns_server);
      case Level::authoritative:
        return m.w.trace.node("ns." + zone->origin, NodeRole::dns_server);
    }
    return NodeId::none;
  }
  Time latency(Level level) {
    const ResolverSpec& rs = m.sc.resolver;
    return level == Level::root ? rs.root_latency : level == Level::tld ? rs.tld_latency : rs.authoritative_latency;
  }

  void cache_put(const std::string& name, DnsEntry e) {
    if (m.sc.resolver.cache) m.resolver_cache[name] = std::move(e);
  }

  // An answer the resolver now holds (from its cache or an authoritative server).
  void use(const DnsEntry& e) {
    Request& rq = q();
    rq.dns_min_ttl = std::min(rq.dns_min_ttl, e.ttl);
    if (e.negative) return m.dns_reply(r, true, false);
    if (e.type == DnsType::CNAME) {
      if (++rq.cname_depth > max_cname_depth) return m.dns_reply(r, false, true);
      rq.qname = e.value;
      return m.dns_resolve_step(r);
    }
    rq.answer = e.value;
    m.dns_reply(r, false, false);
  }

  void ask(Level level) {
    const ZoneSpec* zone = zone_of(m.sc, q().qname);
    const NodeId to = server(level, zone);
    const Time d = latency(level);
    m.emit(r,
           {.t = now(),
            .kind = kinds::dns_query,
            .stage = Stage::dns,
            .actor = resolver(),
            .from = resolver(),
            .to = to,
            .dur = d},
           {{"name", q().qname},
            {"type", "A"},
            {"server", level == Level::root  ? "root"
                       : level == Level::tld ? "tld"
                                             : "authoritative"}});
    m.w.engine.schedule(d, [pm = &m, rr = r, level] { Dns{*pm, rr}.answer_from(level); });
  }

  void answer_from(Level level) {
    const std::string qname = q().qname;
    const ZoneSpec* zone = zone_of(m.sc, qname);
    const NodeId from = server(level, zone);
    const Time d = latency(level);
    const RecordSpec base{.t = now(),
                          .kind = kinds::dns_referral,
                          .stage = Stage::dns,
                          .actor = from,
                          .from = from,
                          .to = resolver(),
                          .dur = d};
    if (level == Level::root) {
      m.emit(r, base, {{"name", qname}, {"zone", tld_of(qname)}, {"ns", "tld." + std::string(tld_of(qname))}});
      m.w.engine.schedule(d, [pm = &m, rr = r] {
        Dns dns{*pm, rr};
        if (pm->sc.resolver.cache)
          pm->delegation_cache[std::string(tld_of(dns.q().qname))] = dns.now() + delegation_ttl;
        dns.ask(Level::tld);
      });
      return;
    }
    if (level == Level::tld && zone) {
      m.emit(r, base, {{"name", qname}, {"zone", zone->origin}, {"ns", "ns." + zone->origin}});
      m.w.engine.schedule(d, [pm = &m, rr = r] {
        Dns dns{*pm, rr};
        if (const ZoneSpec* z = zone_of(pm->sc, dns.q().qname); z && pm->sc.resolver.cache)
          pm->delegation_cache[z->origin] = dns.now() + delegation_ttl;
        dns.ask(Level::authoritative);
      });
      return;
    }
    DnsEntry e;
    e.negative = true;
    e.ttl = tld_negative_ttl;
    const DnsRecordSpec* rec = nullptr;
    if (zone) {
      e.ttl = zone->negative_ttl;
      // getaddrinfo asks for A and AAAA; an A record wins, a CNAME is chased.
      for (const auto& want : {DnsType::A, DnsType::AAAA, DnsType::CNAME}) {
        for (const auto& x : zone->records)
          if (x.name == qname && x.type == want) {
            rec = &x;
            break;
          }
        if (rec) break;
      }
    }
    if (rec) {
      e.negative = false;
      e.type = rec->type;
      e.value = rec->value;
      e.ttl = rec->ttl;
      m.emit(r,
             {.t = now(),
              .kind = kinds::dns_answer,
              .stage = Stage::dns,
              .actor = from,
              .from = from,
              .to = resolver(),
              .dur = d},
             {{"name", qname}, {"type", type_name(rec->type)}, {"value", rec->value}, {"ttl", rec->ttl}});
    } else {
      m.emit(r,
             {.t = now(),
              .kind = kinds::dns_nxdomain,
              .stage = Stage::dns,
              .actor = from,
              .from = from,
              .to = resolver(),
              .dur = d,
              .reports_failure = true},
             {{"name", qname}, {"negative_ttl", e.ttl}});
    }
    m.w.engine.schedule(d, [pm = &m, rr = r, e = std::make_shared<DnsEntry>(std::move(e))] {
      Dns dns{*pm, rr};
      DnsEntry entry = *e;
      entry.expires = dns.now() + entry.ttl;
      dns.cache_put(dns.q().qname, entry);
      dns.use(entry);
    });
  }
};

}  // namespace

void PathModel::dns_lookup(uint32_t r) {
  Request& q = reqs[r];
  ClientState& c = clients[q.client];
  const std::string& host = c.url->host;
  q.did_dns = true;
  if (is_ip_literal(host)) {
    q.did_dns = false;
    q.answer = host;
    return after_dns(r);
  }
  const Time now = w.engine.now();
  if (auto it = c.stub_cache.find(host); it != c.stub_cache.end() && it->second.expires > now) {
    const DnsEntry& e = it->second;
    ++w.metrics.dns_cache_hits;
    emit(r,
         {.t = now,
          .kind = kinds::dns_stub_cache_hit,
          .stage = Stage::dns,
          .actor = c.node,
          .narration = e.negative ? kinds::dns_stub_cache_hit_negative : kinds::dns_stub_cache_hit},
         {{"name", host}, {"value", e.negative ? "NXDOMAIN" : e.value}, {"ttl_left", e.expires - now}});
    q.dns_done = now;
    if (e.negative) return fail(r, FailureCause::nxdomain);
    q.answer = e.value;
    return after_dns(r);
  }
  q.dns_attempt = 0;
  q.cname_depth = 0;
  q.dns_min_ttl = Time::max();
  q.qname = host;
  dns_stub_send(r);
}

void PathModel::dns_stub_send(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  ++q.dns_attempt;
  q.dns_sent = w.engine.now();
  const Time d = hop(c.node, w.resolver_node);
  // An ECH client asks for the HTTPS record too (RFC 9460: it carries the ECH config); a DoH
  // client sends the query inside HTTPS to the resolver (RFC 8484). Latency is modelled the same.
  std::vector<FieldArg> fields = {
      {"name", c.url->host}, {"type", c.spec->ech ? "A, HTTPS" : "A"}, {"attempt", q.dns_attempt}};
  if (c.spec->dns_over_https) {
    fields.push_back({"encrypted", true});
    fields.push_back({"transport", "https"});
  }
  emit(r,
       {.t = q.dns_sent,
        .kind = kinds::dns_query,
        .stage = Stage::dns,
        .actor = c.node,
        .from = c.node,
        .to = w.resolver_node,
        .dur = d,
        .narration = q.dns_attempt > 1        ? kinds::dns_query_retry
                     : c.spec->dns_over_https ? kinds::dns_query_stub_doh
                                              : kinds::dns_query_stub},
       std::span<const FieldArg>(fields));
  w.engine.schedule(d, [m = this, r] { m->dns_at_resolver(r); });
}

void PathModel::dns_at_resolver(uint32_t r) {
  if (w.resolver_up) {
    reqs[r].qname = clients[reqs[r].client].url->host;
    reqs[r].cname_depth = 0;
    return dns_resolve_step(r);
  }
  // The query is lost: the stub hears nothing and its retry timer fires (glibc: 5 s, 2 attempts,
  // resolv.conf(5) `options timeout:5 attempts:2`; domain-facts.md "DNS").
  const Time at = reqs[r].dns_sent + sc.resolver.retry_timeout;
  w.engine.schedule_at(std::max(at, w.engine.now()), [m = this, r] {
    Request& q = m->reqs[r];
    const ClientState& c = m->clients[q.client];
    m->emit(r,
            {.t = m->w.engine.now(),
             .kind = kinds::dns_timeout,
             .stage = Stage::dns,
             .actor = c.node,
             .reports_failure = true},
            {{"name", c.url->host}, {"attempt", q.dns_attempt}, {"timeout", m->sc.resolver.retry_timeout}});
    if (q.dns_attempt < m->sc.resolver.attempts) return m->dns_stub_send(r);
    q.dns_done = m->w.engine.now();
    m->fail(r, FailureCause::dns_timeout);
  });
}

void PathModel::dns_resolve_step(uint32_t r) {
  Dns dns{*this, r};
  Request& q = reqs[r];
  const Time now = w.engine.now();
  if (sc.resolver.cache) {
    if (auto it = resolver_cache.find(q.qname); it != resolver_cache.end() && it->second.expires > now) {
      const DnsEntry e = it->second;
      ++w.metrics.dns_cache_hits;
      emit(r,
           {.t = now,
            .kind = kinds::dns_cache_hit,
            .stage = Stage::dns,
            .actor = w.resolver_node,
            .narration = e.negative ? kinds::dns_cache_hit_negative : kinds::dns_cache_hit},
           {{"name", q.qname},
            {"type", type_name(e.type)},
            {"value", e.negative ? "NXDOMAIN" : e.value},
            {"ttl_left", e.expires - now}});
      DnsEntry left = e;
      left.ttl = e.expires - now;  // a cached answer is passed on with its remaining TTL
      return dns.use(left);
    }
  }
  ++w.metrics.dns_cache_misses;
  emit(r,
       {.t = now,
        .kind = kinds::dns_cache_miss,
        .stage = Stage::dns,
        .actor = w.resolver_node,
        .narration = sc.resolver.cache ? kinds::dns_cache_miss : kinds::dns_cache_miss_disabled},
       {{"name", q.qname}});
  const ZoneSpec* zone = zone_of(sc, q.qname);
  auto known = [&](const std::string& key) {
    auto it = delegation_cache.find(key);
    return sc.resolver.cache && it != delegation_cache.end() && it->second > now;
  };
  if (zone && known(zone->origin)) return dns.ask(Level::authoritative);
  if (known(std::string(tld_of(q.qname)))) return dns.ask(Level::tld);
  dns.ask(Level::root);
}

void PathModel::dns_reply(uint32_t r, bool nxdomain, bool servfail) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Time d = hop(c.node, w.resolver_node);
  const char* rcode = servfail ? "SERVFAIL" : nxdomain ? "NXDOMAIN" : "NOERROR";
  std::vector<FieldArg> fields = {{"name", c.url->host},
                                  {"rcode", rcode},
                                  {"value", nxdomain || servfail ? std::string_view() : std::string_view(q.answer)},
                                  {"ttl", q.dns_min_ttl == Time::max() ? Time{} : q.dns_min_ttl}};
  // The proxy's HTTPS record (RFC 9460) comes with the name's address and carries its ECH config.
  const bool ech_config =
      c.spec->ech && !nxdomain && !servfail && sc.proxy && !sc.proxy->ech_public_name.empty() && q.answer == proxy_ip;
  if (ech_config) fields.push_back({"ech_config", sc.proxy->ech_public_name});
  if (c.spec->dns_over_https) {
    fields.push_back({"encrypted", true});
    fields.push_back({"transport", "https"});
  }
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::dns_response,
        .stage = Stage::dns,
        .actor = w.resolver_node,
        .from = w.resolver_node,
        .to = c.node,
        .dur = d,
        .narration = servfail     ? kinds::dns_response_servfail
                     : nxdomain   ? kinds::dns_response_nxdomain
                     : ech_config ? kinds::dns_response_ech
                                  : kinds::dns_response},
       std::span<const FieldArg>(fields));
  w.engine.schedule(d, [m = this, r, nxdomain, servfail] {
    Request& rq = m->reqs[r];
    ClientState& cl = m->clients[rq.client];
    const Time now = m->w.engine.now();
    rq.dns_done = now;
    if (servfail) return m->fail(r, FailureCause::servfail);
    DnsEntry e;
    e.negative = nxdomain;
    e.value = rq.answer;
    e.ttl = rq.dns_min_ttl == Time::max() ? Time{} : rq.dns_min_ttl;
    e.expires = now + e.ttl;
    cl.stub_cache[cl.url->host] = e;
    if (nxdomain) return m->fail(r, FailureCause::nxdomain);
    m->after_dns(r);
  });
}

}  // namespace deploysim::path
