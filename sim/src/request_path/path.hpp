#pragma once
// Internal state of the request-path models. One PathModel per run; its member functions are
// split by concept: client.cpp, dns.cpp, tcp.cpp, tls_model.cpp (decide_tls) + tls_flow.cpp,
// proxy.cpp, server.cpp; request_path.cpp wires them into the World and computes the metrics.
#include <array>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "deploysim/kinds.hpp"
#include "deploysim/tls_model.hpp"
#include "core/world.hpp"
#include "request_path/samples.hpp"

namespace deploysim::path {

/// A parsed request URL.
struct Url {
  std::string scheme;  ///< "https" or "http".
  std::string host;    ///< Lower-case host name.
  int port = 443;      ///< Explicit or the scheme's default.
  std::string path;    ///< "/" when absent.
};

/// Parses "https://host[:port]/path"; nullopt when malformed.
std::optional<Url> parse_url(std::string_view text);

/// Adds the mutual TLS and stapling settings of `cfg` to a tls.client_hello's details, only those
/// set (tls_client_auth.cpp).
void client_auth_hello_fields(const TlsConfig& cfg, std::string& text, std::vector<FieldArg>& fields);

/// Per-request progress, reused through a free list once a request is finished.
struct Request {
  uint32_t client = 0;
  uint32_t conn = UINT32_MAX;      ///< Index into PathModel::conns.
  uint32_t worker = UINT32_MAX;    ///< ProcId value of the worker serving it.
  uint32_t replica = UINT32_MAX;   ///< Index into PathModel::replicas it was forwarded to.
  RecordId last = RecordId::none;  ///< Latest record of this request (cause of the next).
  EventId timeout;                 ///< The proxy's upstream timeout.
  Time start, dns_done, tcp_done, tls_done, forwarded, service_start, service_end;
  bool did_dns = false, did_tcp = false, did_tls = false;
  bool finished = false;   ///< Outcome recorded.
  bool at_worker = false;  ///< Queued or being served by a worker.
  int dns_attempt = 0;
  int cname_depth = 0;
  Time dns_min_ttl = Time::max();
  Time dns_sent;                          ///< When the stub's current query left.
  std::string qname;                      ///< Name the resolver is working on.
  std::string answer;                     ///< Resolved IP.
  TlsVerdict tls;                         ///< The handshake's decided course.
  bool relayed = false;                   ///< The proxy already answered the client.
  TicketOffer offer = TicketOffer::none;  ///< The session ticket its new connection offers.
  std::string_view offer_why;             ///< Why an offered ticket is unknown ("proxy_restarted", ...).
  bool offer_early = false;               ///< That ticket lets the client send 0-RTT data.
  bool early = false;                     ///< Sent as 0-RTT data and read so (Early-Data: 1 upstream).
  uint8_t tries = 0;                      ///< Upstreams the proxy has passed it to (nginx's next upstream).
  uint64_t tried = 0;                     ///< Those replicas, as bits (replica index % 64).
  uint8_t retries = 0;                    ///< HAProxy's connection retries on the same server so far.
  std::string_view resend;                ///< Sent again after the handshake: the http.request narration key.
};

/// A client connection to some IP:port (TCP, then TLS).
struct Connection {
  ConnId id = ConnId::none;
  uint32_t client = 0;
  uint32_t host = UINT32_MAX;  ///< Index of the host owning the IP (UINT32_MAX: none).
  std::string ip;
  bool open = false;    ///< Established (TCP and TLS done).
  bool h2 = false;      ///< ALPN negotiated h2: requests are multiplexed.
  std::string alpn;     ///< Negotiated protocol ("" = HTTP/1.1 by default).
  uint8_t version = 0;  ///< TLS version.
  /// Mutual TLS result for X-Client-Verify ("" when not asked; tls_client_auth.cpp).
  std::string client_verify;
  uint32_t inflight = 0;
  uint32_t instance = 0;  ///< The proxy instance it landed on (several behind one address).
  /// World::proxy_restarts when it was established: a proxy that went down since (a crash, a
  /// reboot, a recreate) closed it with its process, so the client must connect again.
  uint32_t proxy_epoch = 0;
  uint32_t slot = UINT32_MAX;  ///< Its index in its client's `conns` (UINT32_MAX: not listed).
  Time idle_since;
};

/// A stub resolver cache entry (per client) and a recursive resolver cache entry.
struct DnsEntry {
  Time expires;
  bool negative = false;
  DnsType type = DnsType::A;
  std::string value;  ///< IP or CNAME target.
  Time ttl;
};

/// Wire bytes of one handshake message of `verdict` (approximate, for the byte counters).
uint64_t tls_message_bytes(const TlsVerdict& verdict, const TlsMessage& message);

/// A session ticket a client keeps: who issued it and what it allows.
struct SessionTicket {
  uint8_t version = 0;      ///< TLS version of its session.
  uint32_t instance = 0;    ///< Proxy instance that issued it.
  uint32_t key_epoch = 0;   ///< World::proxy_restarts when issued (a restart makes new keys).
  bool early_data = false;  ///< It allows 0-RTT data (max_early_data_size > 0).
};

/// TLS 1.3 NewSessionTickets on their way to a client (they outlive the request that caused them).
struct TicketDelivery {
  uint32_t client = 0;
  std::string host;  ///< The URL host they are kept under.
  SessionTicket ticket;
  int count = 0;
  uint64_t bytes = 0;  ///< Wire bytes of each.
  uint32_t instances = 1;
  ConnId conn = ConnId::none;
  RecordId cause = RecordId::none;
};

/// One client: its spec, node, URL, random stream, connections and OS DNS cache.
struct ClientState {
  const ClientSpec* spec = nullptr;
  NodeId node = NodeId::none;
  std::optional<Url> url;
  std::string ip;  ///< Its public address (X-Forwarded-For).
  Rng rng{0, 0};
  uint64_t sent = 0;
  Time stop;
  std::vector<uint32_t> conns;  ///< Its established connections, in the order a new request tries them.
  /// One bit per entry of `conns`: set when a new request would act on it (idle, or open h2)
  /// rather than pass over it (busy HTTP/1.1, or closed with a request still on it). A client of
  /// an overloaded server holds thousands of busy connections; begin_request jumps over them.
  std::vector<uint64_t> actionable;
  std::unordered_map<std::string, DnsEntry> stub_cache;
  std::unordered_map<std::string, std::vector<SessionTicket>> tickets;  ///< Kept per host (resume = true).
};

/// One worker process as the server model sees it.
struct WorkerState {
  std::deque<uint32_t> queue;     ///< Requests waiting (FIFO: one event loop, CPU-bound handler).
  uint32_t current = UINT32_MAX;  ///< Request being served.
  EventId done;                   ///< Its completion.
  Rng rng{0, 0};
};

/// One replica of a service as the proxy reaches it: its workers share one listening socket
/// and the kernel hands each accepted connection to one of them.
struct ReplicaState {
  uint32_t service = 0;
  uint32_t replica = 0;           ///< Process::replica of its workers (spare pods are replicas too).
  uint32_t host = 0;              ///< Index into Scenario::hosts.
  std::vector<uint32_t> procs;    ///< Its workers (indices into World::processes).
  NodeId manager = NodeId::none;  ///< The manager holding the socket (workers > 1), else the worker.
  std::deque<uint32_t> backlog;   ///< Accepted connections no worker has taken yet.
};

/// Failure causes as they appear in Metrics::failures and trace details.

/// The request-path models of one run.
class PathModel {
 public:
  explicit PathModel(World& w);

  // request_path.cpp
  void start();
  void finish_metrics(Time end);
  void on_process_down(ProcId p, RecordId cause);
  void on_process_up(ProcId p, RecordId cause);
  void on_process_stopping(ProcId p);

  // client.cpp
  void schedule_next(uint32_t client);
  void begin_request(uint32_t client);
  void after_dns(uint32_t req);
  void send_request(uint32_t req);
  void receive_response(uint32_t req, int status);
  void fail(uint32_t req, FailureCause why, int status = 0);

  // dns.cpp
  void dns_lookup(uint32_t req);
  void dns_stub_send(uint32_t req);
  void dns_at_resolver(uint32_t req);
  void dns_resolve_step(uint32_t req);
  void dns_reply(uint32_t req, bool nxdomain, bool servfail);

  // tcp.cpp
  void tcp_connect(uint32_t req);
  void tcp_syn_lost(uint32_t req, int attempt);
  /// The SYN of `req` (first or retransmitted) sent now: answered if its host is up, else lost.
  void tcp_syn_sent(uint32_t req, int attempt);
  NodeId tcp_target(uint32_t req) const;

  // tls_flow.cpp
  void tls_handshake(uint32_t req);
  void tls_flight(uint32_t req, int flight);
  TlsConfig tls_config(uint32_t req, uint32_t* cert) const;
  /// The server name a client sends (empty: none).
  std::string_view sni_of(const ClientState& c) const;
  /// The serving certificate the proxy picks for a server name (UINT32_MAX: none of them).
  uint32_t serving_cert(std::string_view sni) const;
  /// The certificate the proxy presents for a server name.
  struct PresentedCert {
    uint32_t index = UINT32_MAX;          ///< The serving certificate (UINT32_MAX: none of them).
    bool own = false;                     ///< None of them: the preset's own self-signed one.
    std::string_view domain;              ///< Its subject ("" when there is none at all).
    Issuer issuer = Issuer::letsencrypt;  ///< Who signed it (TlsConfig's default when there is none).
  };
  PresentedCert presented_cert(std::string_view sni) const;

  // resumption.cpp
  void pick_ticket(uint32_t req);
  /// Adds the ClientHello details of groups, tickets and 0-RTT that differ from the defaults;
  /// `keep` holds the texts they point into.
  void resumption_fields(uint32_t req, const TlsConfig& cfg, std::vector<FieldArg>& fields,
                         std::array<std::string, 2>& keep) const;
  std::string_view hello_narration(uint32_t req, std::string_view fallback) const;
  void send_early_data(uint32_t req);
  /// Appends the record of a HelloRetryRequest, a second ClientHello, EndOfEarlyData, a TLS 1.2
  /// NewSessionTicket, or a message a ticket changes; nullopt for any other message.
  std::optional<RecordId> resumption_record(uint32_t req, const TlsMessage& msg, RecordSpec spec);
  void after_handshake(uint32_t req);
  void keep_ticket(uint32_t req);
  bool answer_too_early(uint32_t req);
  bool retry_too_early(uint32_t req, int status);
  void send_tickets(uint32_t delivery);
  void receive_tickets(uint32_t delivery);
  Rng instance_rng{0, 0};                  ///< Which proxy instance a new connection lands on.
  std::vector<TicketDelivery> deliveries;  ///< Tickets in flight (a free list keeps the slots).
  std::vector<uint32_t> free_deliveries;

  // tls_client_auth.cpp
  void client_auth_config(uint32_t req, uint32_t cert, TlsConfig& cfg) const;
  std::optional<RecordId> client_auth_record(uint32_t req, const TlsMessage& msg, const RecordSpec& spec,
                                             bool encrypted);
  void client_cert_refused(uint32_t req);

  // proxy.cpp
  /// Round trips counted as saved by 0-RTT whose request got 425 Too Early (taken back).
  uint64_t rtt_debt = 0;
  void pay_rtt_debt();

  void proxy_receive(uint32_t req);
  void proxy_forward(uint32_t req, uint32_t replica, ProcId worker);
  void proxy_relay(uint32_t req, int status, std::string_view reason);
  void proxy_timeout(uint32_t req);
  void proxy_upstream_failed(uint32_t req, std::string_view reason);
  /// The proxy's SYN to a replica whose host is down: nothing comes back until its connect timeout.
  void proxy_syn_unanswered(uint32_t req, uint32_t replica);
  void proxy_connect_timed_out(uint32_t req);
  /// HAProxy's `retries 3`: another connection attempt on the same server, or 503.
  void haproxy_retry(uint32_t req, std::string_view reason);
  /// A new connection attempt to one replica: its worker, its backlog, or refused.
  void proxy_try_replica(uint32_t req, uint32_t replica);
  /// A connection error with the upstream: the next upstream, where the proxy passes requests on
  /// (nginx), else 502. `sent`: the upstream had the request (only idempotent ones go on).
  void upstream_error(uint32_t req, std::string_view reason, bool sent);

  // server.cpp
  void worker_receive(uint32_t req);
  void worker_start(uint32_t worker);
  void worker_complete(uint32_t worker);
  /// A worker for a new connection to `service`, on a replica outside `exclude` (bits ri % 64).
  ProcId pick_worker(uint32_t service, uint32_t* replica, uint64_t exclude = 0);
  ProcId pick_pod_worker(uint32_t service, uint32_t* replica, uint64_t exclude = 0, bool every_replica = false);
  uint32_t backlog_replica(uint32_t service, uint64_t exclude = 0) const;
  /// Whether a replica outside `exclude` can be given a connection (a next upstream).
  bool has_upstream(uint32_t service, uint64_t exclude) const;
  bool reachable(uint32_t replica) const;
  bool socket_open(uint32_t replica) const;
  const std::string& upstream_address(uint32_t replica) const;
  mutable std::vector<std::string> upstream_addresses;  ///< Per replica, made once (hot path).
  void accept_backlog(uint32_t replica);
  void drop_backlog(uint32_t replica);

  /// Appends a record for request `req` (when the trace level keeps it), chained by cause. The
  /// spec is taken by value and given its cause in place: the caller builds it where emit reads
  /// it (a copy of the caller's fresh stores stalled on every record).
  RecordId emit(uint32_t req, RecordSpec spec, std::initializer_list<FieldArg> fields = {}, bool outcome = false) {
    return emit_spec(req, spec, std::span<const FieldArg>(fields.begin(), fields.size()), outcome);
  }
  /// emit() with details assembled at run time.
  RecordId emit(uint32_t req, RecordSpec spec, std::span<const FieldArg> fields, bool outcome = false) {
    return emit_spec(req, spec, fields, outcome);
  }
  /// What both emit()s do: `spec` is their own copy, given its cause here.
  RecordId emit_spec(uint32_t req, RecordSpec& spec, std::span<const FieldArg> fields, bool outcome);
  /// One-way latency between two named nodes; processes on the proxy's host use loopback.
  Time hop(std::string_view a, std::string_view b) const;
  /// hop() between two nodes, memoized per node pair (it runs for every message).
  Time hop(NodeId a, NodeId b);
  /// Index of the host owning an IP (UINT32_MAX when none).
  uint32_t host_by_ip(std::string_view ip) const;
  /// Allocates a request slot.
  uint32_t new_request(uint32_t client);
  /// Allocates a connection slot with a fresh ConnId.
  uint32_t new_conn(uint32_t client);
  /// Lists an established connection with its client (after its handshake).
  void list_conn(uint32_t conn);
  /// Takes the connection at `slot` of client `ci` off its list (the last entry moves there).
  void unlist_conn(uint32_t ci, size_t slot);
  /// Updates a listed connection's `actionable` bit after its state changed.
  void relist_conn(uint32_t conn);
  /// Returns a request slot once nothing refers to it any more.
  void release(uint32_t req);
  /// Records the outcome in the metrics.
  void count_outcome(uint32_t req, FailureCause why);  // none: it succeeded

  World& w;
  const Scenario& sc;
  bool full;  ///< Trace level keeps every message.
  std::vector<ClientState> clients;
  std::vector<Request> reqs;
  std::vector<uint32_t> free_reqs;
  std::vector<Connection> conns;
  std::vector<uint32_t> free_conns;
  std::vector<WorkerState> workers;    ///< Parallel to World::processes.
  std::vector<ReplicaState> replicas;  ///< Every replica of every service.
  std::vector<uint32_t> replica_of;    ///< Parallel to World::processes: index into replicas.
  std::vector<uint32_t> next_pod;      ///< Per service: the ingress's round-robin position.
  std::unordered_map<std::string, DnsEntry> resolver_cache;
  std::unordered_map<std::string, Time> delegation_cache;  ///< "test" / "example.test" -> NS known until.
  uint32_t next_conn_id = 0;
  Time idle_timeout;  ///< The proxy's keep-alive idle timeout.
  std::string proxy_ip;
  /// Per service: its forwarded_allow_ips as Uvicorn's option writes them ("a,b"), built once.
  std::vector<std::string> allow_ips_text;
  uint32_t proxy_host = UINT32_MAX;
  size_t hop_nodes = 0;         ///< Nodes known at the start: hop_ns is n x n.
  std::vector<int64_t> hop_ns;  ///< Memoized hop() in ns, -1 = not yet asked.

  /// Metric samples (successful requests only), in ns; bounded (samples.hpp).
  using Samples = LatencySamples;
  Samples lat_dns, lat_tcp, lat_tls, lat_queue, lat_service, lat_http, lat_total;
  std::vector<AvailabilityPoint> avail;  ///< Dense, one per window.
};

}  // namespace deploysim::path
