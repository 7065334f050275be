#include "core/world.hpp"

#include <fmt/format.h>

#include "deploysim/presets.hpp"

namespace deploysim {

namespace {

// Whether a redeploy or a crash-on-start fault rolls the service out with RollingUpdate under
// Kubernetes: then its new pods need places of their own beside the old ones (maxSurge, and old
// pods that are still terminating do not count against it).
bool needs_spare_pods(const Scenario& sc, const ServiceSpec& svc) {
  if (svc.supervisor.kind != SupervisorKind::kubernetes || rollout_strategy(svc) != RolloutStrategy::rolling)
    return false;
  for (const FaultSpec& f : sc.faults)
    if ((f.kind == FaultKind::redeploy || f.kind == FaultKind::crash_on_start) &&
        (f.target == svc.name || f.target.starts_with(svc.name + "-")))
      return true;
  return false;
}

}  // namespace

World::World(const Scenario& sc, uint64_t seed_, TraceLevel level_) : scenario(sc), seed(seed_), level(level_) {
  for (const auto& h : sc.hosts) {
    HostState hs;
    hs.name = h.name;
    hs.ip = h.ip;
    hs.memory = h.memory;
    hs.node = trace.node(h.name, NodeRole::host);
    hosts.push_back(hs);
  }
  resolver_node = trace.node(sc.resolver.name, NodeRole::resolver);
  if (sc.proxy) {
    int32_t proxy_host = -1;
    for (size_t hi = 0; hi < sc.hosts.size(); ++hi)
      if (sc.hosts[hi].name == sc.proxy->host) proxy_host = static_cast<int32_t>(hi);
    proxy_node = trace.node(sc.proxy->name, NodeRole::proxy, proxy_host);
  }

  for (uint32_t si = 0; si < sc.services.size(); ++si) {
    const ServiceSpec& svc = sc.services[si];
    std::vector<std::string> replica_hosts = svc.hosts;
    if (replica_hosts.empty()) replica_hosts.push_back(svc.host);
    const auto n = static_cast<uint32_t>(replica_hosts.size());
    const uint32_t pods = needs_spare_pods(sc, svc) ? 2 * n : n;
    for (uint32_t r = 0; r < pods; ++r) {
      uint32_t host_index = 0;
      for (uint32_t hi = 0; hi < sc.hosts.size(); ++hi)
        if (sc.hosts[hi].name == replica_hosts[r % n]) host_index = hi;
      const std::string prefix = r == 0 ? svc.name : fmt::format("{}-{}", svc.name, r + 1);
      for (uint32_t w = 1; w <= static_cast<uint32_t>(svc.workers); ++w) {
        Process p;
        p.id = static_cast<ProcId>(processes.size());
        p.name = fmt::format("{}/worker-{}", prefix, w);
        p.service = si;
        p.replica = r;
        p.worker = w;
        p.host = host_index;
        p.node = trace.node(p.name, NodeRole::worker, static_cast<int32_t>(host_index));
        p.rss = svc.memory_per_worker;
        if (r >= n) {  // a spare pod: no process until a rolling update creates one here
          p.state = ProcState::stopped;
          p.rss = 0;
          p.ready = false;
          p.listening = false;
        }
        if (host_index < hosts.size()) hosts[host_index].used += p.rss;
        processes.push_back(std::move(p));
      }
    }
  }

  for (const auto& c : sc.certificates) {
    CertState cs;
    cs.domain = c.domain;
    cs.alt_names = c.alt_names;
    cs.issuer = c.issuer;
    cs.not_before = c.issued;
    cs.not_after = c.issued + c.lifetime;
    serving_certs.push_back(cs);
  }
  stored_certs = serving_certs;
}

Time World::latency(std::string_view a, std::string_view b) const {
  for (const auto& l : scenario.network.links)
    if ((l.from == a && l.to == b) || (l.from == b && l.to == a)) return l.latency;
  return scenario.network.latency;
}

uint32_t World::service_index(std::string_view name) const {
  for (uint32_t i = 0; i < scenario.services.size(); ++i)
    if (scenario.services[i].name == name) return i;
  return UINT32_MAX;
}

uint32_t World::replicas(uint32_t service) const {
  const ServiceSpec& svc = scenario.services[service];
  return svc.hosts.empty() ? 1 : static_cast<uint32_t>(svc.hosts.size());
}

uint32_t World::cert_index(std::string_view domain) const {
  for (uint32_t i = 0; i < scenario.certificates.size(); ++i)
    if (scenario.certificates[i].domain == domain) return i;
  return UINT32_MAX;
}

}  // namespace deploysim
