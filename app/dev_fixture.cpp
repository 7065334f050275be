// TEMPORARY dev fixture: a hand-built basic HTTPS trace for developing the panels before the
// request-path models land. Removed once real runs exist.
#include "dev_fixture.hpp"

namespace deploysim::gui {

std::shared_ptr<const Model> dev_fixture() {
  Scenario sc;
  sc.info.name = "Basic HTTPS (dev fixture)";
  sc.info.description = "A browser asks for https://api.example.test/items/1.";
  sc.info.duration = s(12);
  sc.hosts.push_back(HostSpec{"edge-1", "203.0.113.10", 4ULL << 30, true, {}});
  sc.proxy = ProxySpec{};
  sc.proxy->host = "edge-1";
  ServiceSpec api;
  api.name = "api";
  api.host = "edge-1";
  api.workers = 4;
  api.memory_per_worker = 300ULL << 20;
  api.supervisor.kind = SupervisorKind::systemd;
  api.supervisor.restart = "on-failure";
  sc.services.push_back(api);
  CertificateSpec cert;
  cert.domain = "api.example.test";
  sc.certificates.push_back(cert);
  ClientSpec laptop;
  laptop.name = "laptop";
  sc.clients.push_back(laptop);
  sc.resolver.name = "resolver";

  Run run;
  Trace& t = run.trace;
  const NodeId lap = t.node("laptop"), res = t.node("resolver"), root = t.node("root-servers"),
               tld = t.node("tld-test"), auth = t.node("ns.example.test"), proxy = t.node("proxy");
  NodeId w[4];
  for (int i = 0; i < 4; ++i) w[i] = t.node("api/worker-" + std::to_string(i + 1));
  const NodeId sysd = t.node("systemd");
  Time now = ms(1);
  auto msg = [&](std::string_view kind, Stage st, NodeId a, NodeId b, Time lat, ConnId c,
                 std::initializer_list<FieldArg> f = {}) {
    t.append(RecordSpec{now, kind, st, a, a, b, lat, c}, f);
    now += lat;
  };
  t.append(RecordSpec{now, "client.request", Stage::client, lap}, {{"url", "https://api.example.test/items/1"}});
  msg("dns.query", Stage::dns, lap, res, ms(3), ConnId::none, {{"name", "api.example.test"}, {"type", "A"}});
  msg("dns.query", Stage::dns, res, root, ms(15), ConnId::none, {{"name", "api.example.test"}});
  msg("dns.referral", Stage::dns, root, res, ms(15), ConnId::none, {{"zone", "test"}});
  msg("dns.query", Stage::dns, res, tld, ms(25), ConnId::none, {{"name", "api.example.test"}});
  msg("dns.referral", Stage::dns, tld, res, ms(25), ConnId::none, {{"zone", "example.test"}});
  msg("dns.query", Stage::dns, res, auth, ms(40), ConnId::none, {{"name", "api.example.test"}});
  msg("dns.answer", Stage::dns, auth, res, ms(40), ConnId::none, {{"ip", "203.0.113.10"}, {"ttl", ms(300000)}});
  msg("dns.answer", Stage::dns, res, lap, ms(3), ConnId::none, {{"ip", "203.0.113.10"}});
  const ConnId c0 = static_cast<ConnId>(0);
  msg("tcp.syn", Stage::tcp, lap, proxy, ms(20), c0, {{"port", 443}});
  msg("tcp.syn_ack", Stage::tcp, proxy, lap, ms(20), c0);
  msg("tcp.ack", Stage::tcp, lap, proxy, ms(20), c0);
  now -= ms(20);
  msg("tls.client_hello", Stage::tls, lap, proxy, ms(20), c0, {{"sni", "api.example.test"}, {"alpn", "h2,http/1.1"}});
  msg("tls.server_hello", Stage::tls, proxy, lap, ms(20), c0, {{"version", "TLSv1.3"}, {"certificate", "api.example.test"}});
  msg("tls.client_finished", Stage::tls, lap, proxy, ms(20), c0);
  now -= ms(20);
  msg("http.request", Stage::http, lap, proxy, ms(20), c0, {{"method", "GET"}, {"path", "/items/1"}});
  msg("proxy.forward", Stage::proxy, proxy, w[1], ms(1), c0, {{"x_forwarded_proto", "https"}});
  now += ms(20);
  msg("http.response", Stage::http, w[1], proxy, ms(1), c0, {{"status", 200}});
  msg("proxy.response", Stage::proxy, proxy, lap, ms(20), c0, {{"status", 200}});
  // A burst of other clients' requests for density.
  for (int k = 0; k < 40; ++k) {
    const ConnId c = static_cast<ConnId>(k + 1);
    Time at = s(2) + ms(k * 7);
    t.append(RecordSpec{at, "http.request", Stage::http, lap, lap, proxy, ms(20), c});
    t.append(RecordSpec{at + ms(20), "proxy.forward", Stage::proxy, proxy, proxy, w[k % 4], ms(1), c});
  }
  const ProcId p1 = static_cast<ProcId>(1);
  t.append(RecordSpec{s(5), "process.crash", Stage::process, w[1], NodeId::none, NodeId::none, Time{}, ConnId::none, p1},
           {{"exit_code", 1}});
  t.append(RecordSpec{s(5), "supervisor.backoff", Stage::supervisor, sysd, NodeId::none, NodeId::none, Time{},
                      ConnId::none, p1},
           {{"delay", ms(100)}});
  t.append(RecordSpec{s(5) + ms(100), "supervisor.restart", Stage::supervisor, sysd, sysd, w[1], ms(1), ConnId::none, p1});
  t.append(RecordSpec{s(5) + ms(600), "process.ready", Stage::process, w[1], NodeId::none, NodeId::none, Time{},
                      ConnId::none, p1});
  run.metrics.requests = 41;
  run.metrics.succeeded = 40;
  run.metrics.restarts = 1;
  for (int k = 0; k <= 12; ++k) {
    run.metrics.availability.push_back({s(k), static_cast<uint64_t>(k == 5 ? 2 : 4), static_cast<uint64_t>(k == 5 ? 2 : 0)});
    run.metrics.memory["edge-1"].push_back({s(k), static_cast<double>((k == 5 ? 900ULL : 1200ULL) << 20)});
  }
  run.end = s(12);
  return model_from_run(std::move(sc), std::move(run));
}

}  // namespace deploysim::gui
