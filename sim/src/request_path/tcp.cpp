// TCP: the three-way handshake over the link's latency, RST when nothing listens on the port,
// SYN retransmissions when nobody answers at all.
#include "request_path/path.hpp"

namespace deploysim::path {

namespace {

// Linux since 6.5 (docs.kernel.org ip-sysctl: tcp_syn_retries = 6, tcp_syn_linear_timeouts = 4):
// the SYN is sent again after 1 s five times, then after 2, 4, 8, 16 and 32 s, and the attempt
// fails 64 s after the tenth retransmission, 131 s after the first SYN. (Before 6.5: 1, 2, 4 ...
// 32 s, 127 s.)
constexpr Time initial_rto = s(1);
constexpr int linear_timeouts = 4;
constexpr int syn_retransmissions = 6 + linear_timeouts;

/// How long the client waits after its SYN number `sent` (0 = the first) before sending it again.
Time syn_wait(int sent) {
  return sent <= linear_timeouts ? initial_rto : initial_rto * (int64_t{1} << (sent - linear_timeouts));
}

}  // namespace

NodeId PathModel::tcp_target(uint32_t r) const {
  const Request& q = reqs[r];
  const Connection& conn = conns[q.conn];
  if (conn.host != UINT32_MAX && conn.host == proxy_host) return w.proxy_node;
  return conn.host != UINT32_MAX ? w.hosts[conn.host].node : w.trace.node(q.answer);
}

void PathModel::tcp_connect(uint32_t r) {
  Request& q = reqs[r];
  const uint32_t k = new_conn(q.client);
  Connection& conn = conns[k];
  conn.ip = q.answer;
  conn.host = host_by_ip(q.answer);
  q.conn = k;
  q.did_tcp = true;
  const ClientState& c = clients[q.client];
  const NodeId target = tcp_target(r);
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::tcp_syn,
        .stage = Stage::tcp,
        .actor = c.node,
        .from = c.node,
        .to = target,
        .dur = hop(c.node, target),
        .conn = conn.id},
       {{"ip", q.answer}, {"port", c.url->port}});
  tcp_syn_sent(r, 0);
}

void PathModel::tcp_syn_sent(uint32_t r, int attempt) {
  const Request& q = reqs[r];
  const Connection& conn = conns[q.conn];
  // A host that is down (rebooting) answers nothing; a SYN sent again once it is back is
  // answered like a first one (tcp(7): the client retransmits until tcp_syn_retries).
  const bool host_up = conn.host != UINT32_MAX && w.hosts[conn.host].up;
  if (!host_up) {
    w.engine.schedule(syn_wait(attempt), [m = this, r, attempt] { m->tcp_syn_lost(r, attempt + 1); });
    return;
  }
  const ClientState& c = clients[q.client];
  const NodeId target = tcp_target(r);
  const Time d = hop(c.node, target);
  const bool listening = conn.host == proxy_host && w.proxy_up && sc.proxy->listen == c.url->port;
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
  if (attempt > syn_retransmissions) {
    q.tcp_done = now;
    return fail(r, FailureCause::connect_timeout);
  }
  const NodeId target = tcp_target(r);
  emit(r,
       {.t = now,
        .kind = kinds::tcp_syn_retransmit,
        .stage = Stage::tcp,
        .actor = c.node,
        .from = c.node,
        .to = target,
        .dur = hop(c.node, target),
        .conn = conns[q.conn].id},
       {{"ip", q.answer}, {"attempt", attempt}, {"rto", syn_wait(attempt - 1)}});
  tcp_syn_sent(r, attempt);
}

}  // namespace deploysim::path
