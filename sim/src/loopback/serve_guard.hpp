#pragma once
// The live proxy's guards against clients that hold connections open or send too much (serve.cpp):
// nginx's limits on a request's head and body, a deadline per connection phase that the accept
// loop enforces, and the table of connection threads it caps.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace deploysim::loopback::live {

// nginx's defaults (ngx_http_core_module docs): `large_client_header_buffers 4 8k` (a request line
// longer than one 8 KiB buffer is answered 414, a header field longer than one buffer or a head
// over all four 400 "Request Header Or Cookie Too Large") and `client_max_body_size 1m` (413).
inline constexpr size_t max_request_line = 8192;
inline constexpr size_t max_header_field = 8192;
inline constexpr size_t max_request_head = 4 * 8192;
inline constexpr size_t max_request_body = size_t{1} << 20;
// After an error answer the proxy reads and drops what the client still sends, for up to this
// long, so the answer is not lost to a TCP reset (nginx `lingering_close`, `lingering_timeout 5s`).
inline constexpr int lingering_s = 5;

/// What a request's bytes amount to so far.
enum class RequestState { incomplete, complete, line_too_long, field_too_long, head_too_large, body_too_large };

/// Judges `data` against the limits: a whole request (head and Content-Length body), not yet, or
/// refused.
RequestState request_state(std::string_view data);

/// The status answered to a refused request (414, 400 or 413); 0 for the others.
int refusal_status(RequestState s);
/// The status line's reason phrase for refusal_status (nginx's words for 400).
const char* refusal_phrase(RequestState s);
/// Why, for the log: `request line longer than 8192 bytes`.
std::string refusal_reason(RequestState s);

/// Reads through `read_some` (a count, or <= 0 at the end or on an error) after what `data`
/// holds (0-RTT data) until the request is whole or refused, or the reads end (incomplete).
struct RequestRead {
  RequestState state = RequestState::incomplete;
  std::string data;
};
RequestRead read_request(const std::function<long(char*, size_t)>& read_some, std::string data = {});

/// The value of header `name` (ASCII case ignored) in a request's head; "" when absent.
std::string header_value(std::string_view request, std::string_view name);
/// Whether `text` starts with `prefix`, ignoring ASCII case (HTTP header names).
bool starts_nocase(std::string_view text, std::string_view prefix);

/// One client connection: its socket, its thread and the deadline of what it is doing now.
class Connection {
 public:
  Connection(int fd, int id, int idle_timeout_s) : fd_(fd), id_(id), idle_s_(idle_timeout_s) {}
  int fd() const { return fd_; }
  int id() const { return id_; }
  int idle_timeout_s() const { return idle_s_; }
  /// Starts a phase the client must finish within the idle timeout (handshake, request, response).
  void arm(const char* phase);
  /// Starts a phase without a client deadline (waiting for the backend, which has its own).
  void disarm(const char* phase);
  const char* phase() const { return phase_.load(); }
  /// Whether the deadline passed (the accept loop then shuts the socket down, ending any read).
  bool timed_out() const;

 private:
  friend class Connections;
  int fd_;
  int id_;
  int idle_s_;
  std::atomic<const char*> phase_{"handshake"};
  std::atomic<int64_t> deadline_ms_{INT64_MAX};
  std::atomic<bool> expired_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

/// The live connections, one thread each. Only the accept loop's thread calls these; a socket is
/// closed here, after its thread ended, so a deadline never shuts down a reused descriptor.
class Connections {
 public:
  explicit Connections(int idle_timeout_s) : idle_s_(idle_timeout_s) {}
  ~Connections() { stop_all(); }
  /// Runs `handle` for a new connection on its own thread; the deadline of its handshake starts now.
  void start(int fd, int id, std::function<void(Connection&)> handle);
  /// Joins the threads that finished and closes their sockets; the number still open.
  size_t reap();
  /// Shuts down the sockets whose deadline passed.
  void expire();
  /// Shuts every socket down, joins every thread and closes the sockets.
  void stop_all();

 private:
  int idle_s_;
  std::list<std::unique_ptr<Connection>> live_;
};

/// Milliseconds on the steady clock (deadlines).
int64_t steady_ms();

/// After an error answer: reads and drops what the client still sends until it closes, for at
/// most `seconds`.
void linger(int fd, int seconds);

}  // namespace deploysim::loopback::live
