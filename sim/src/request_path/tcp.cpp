// TCP: the three-way handshake over the link's latency, RST when nothing listens on the port,
// SYN retransmissions when nobody answers at all.
#include "request_path/path.hpp"

namespace deploysim::path {

namespace {

// RFC 6298 initial retransmission timeout 1 s, doubled per retry; Linux gives up after
// tcp_syn_retries = 6 retransmissions (about 127 s).
constexpr Time initial_rto = s(1);
constexpr int syn_retries = 6;

}  // namespace

void PathModel::tcp_connect(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const uint32_t k = new_conn(q.client);
  Connection& conn = conns[k];
  conn.ip = q.answer;
  conn.host = host_by_ip(q.answer);
  q.conn = k;
  q.did_tcp = true;
  const bool proxy_here = conn.host != UINT32_MAX && conn.host == proxy_host;
  const NodeId target = proxy_here                ? w.proxy_node
                        : conn.host != UINT32_MAX ? w.hosts[conn.host].node
                                                  : w.trace.node(q.answer);
  const Time d = hop(c.node, target);
  const Time now = w.engine.now();
  emit(r,
       {.t = now,
        .kind = kinds::tcp_syn,
        .stage = Stage::tcp,
        .actor = c.node,
        .from = c.node,
        .to = target,
        .dur = d,
        .conn = conn.id},
       {{"ip", q.answer}, {"port", c.url->port}});
  const bool host_up = conn.host != UINT32_MAX && w.hosts[conn.host].up;
  if (!host_up) {
    w.engine.schedule(initial_rto, [m = this, r] { m->tcp_syn_lost(r, 1); });
    return;
  }
  const bool listening = proxy_here && w.proxy_up && sc.proxy->listen == c.url->port;
  w.engine.schedule(d, [m = this, r, target, d, listening] {
    Request& rq = m->reqs[r];
    const ClientState& cl = m->clients[rq.client];
    const ConnId id = m->conns[rq.conn].id;
    const Time t = m->w.engine.now();
    if (!listening) {
      m->emit(r,
              {.t = t,
               .kind = kinds::tcp_rst,
               .stage = Stage::tcp,
               .actor = target,
               .from = target,
               .to = cl.node,
               .dur = d,
               .conn = id},
              {{"ip", rq.answer}, {"port", cl.url->port}});
      m->w.engine.schedule(d, [m, r] { m->fail(r, FailureCause::connection_refused); });
      return;
    }
    m->emit(r,
            {.t = t,
             .kind = kinds::tcp_syn_ack,
             .stage = Stage::tcp,
             .actor = target,
             .from = target,
             .to = cl.node,
             .dur = d,
             .conn = id},
            {{"port", cl.url->port}});
    m->w.engine.schedule(d, [m, r, target, d] {
      Request& q2 = m->reqs[r];
      const ClientState& c2 = m->clients[q2.client];
      const Time t2 = m->w.engine.now();
      m->emit(r,
              {.t = t2,
               .kind = kinds::tcp_ack,
               .stage = Stage::tcp,
               .actor = c2.node,
               .from = c2.node,
               .to = target,
               .dur = d,
               .conn = m->conns[q2.conn].id},
              {{"rtt", d * 2}});
      q2.tcp_done = t2;
      m->tls_handshake(r);  // the ClientHello follows the ACK at once: TCP cost 1 RTT
    });
  });
}

void PathModel::tcp_syn_lost(uint32_t r, int attempt) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Time now = w.engine.now();
  if (attempt > syn_retries) {
    q.tcp_done = now;
    return fail(r, FailureCause::connect_timeout);
  }
  const uint32_t host = conns[q.conn].host;
  const NodeId target = host != UINT32_MAX ? w.hosts[host].node : w.trace.node(q.answer);
  emit(r,
       {.t = now,
        .kind = kinds::tcp_syn_retransmit,
        .stage = Stage::tcp,
        .actor = c.node,
        .from = c.node,
        .to = target,
        .dur = hop(c.node, target),
        .conn = conns[q.conn].id},
       {{"ip", q.answer}, {"attempt", attempt}, {"rto", initial_rto * (int64_t{1} << (attempt - 1))}});
  w.engine.schedule(initial_rto * (int64_t{1} << attempt), [m = this, r, attempt] { m->tcp_syn_lost(r, attempt + 1); });
}

}  // namespace deploysim::path
