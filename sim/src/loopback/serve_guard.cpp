#include "loopback/serve_guard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "loopback/socket_platform.hpp"

namespace deploysim::loopback::live {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool starts_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(text[i]) != lower(prefix[i])) return false;
  return true;
}

std::string header_value(std::string_view request, std::string_view name) {
  const size_t head_end = request.find("\r\n\r\n");
  size_t pos = request.find("\r\n");
  while (pos != std::string_view::npos && pos < head_end) {
    const size_t next = request.find("\r\n", pos + 2);
    const std::string_view line = request.substr(pos + 2, next - pos - 2);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon == name.size() && starts_nocase(line, name)) {
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      return std::string(line.substr(v));
    }
    pos = next;
  }
  return {};
}

RequestState request_state(std::string_view data) {
  const size_t line_end = data.find("\r\n");
  if (line_end == std::string_view::npos)
    return data.size() > max_request_line ? RequestState::line_too_long : RequestState::incomplete;
  if (line_end > max_request_line) return RequestState::line_too_long;
  const size_t head_end = data.find("\r\n\r\n");
  // Every header field so far, the one still arriving included.
  const size_t fields_end = head_end == std::string_view::npos ? data.size() : head_end;
  for (size_t pos = line_end + 2; pos < fields_end;) {
    const size_t next = std::min(data.find("\r\n", pos), fields_end);
    if (next - pos > max_header_field) return RequestState::field_too_long;
    pos = next + 2;
  }
  if (head_end == std::string_view::npos)
    return data.size() > max_request_head ? RequestState::head_too_large : RequestState::incomplete;
  if (head_end + 4 > max_request_head) return RequestState::head_too_large;
  const std::string length = header_value(data, "Content-Length");
  const unsigned long long body = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
  if (body > max_request_body) return RequestState::body_too_large;
  return data.size() >= head_end + 4 + body ? RequestState::complete : RequestState::incomplete;
}

int refusal_status(RequestState s) {
  switch (s) {
    case RequestState::line_too_long:
      return 414;
    case RequestState::field_too_long:
    case RequestState::head_too_large:
      return 400;
    case RequestState::body_too_large:
      return 413;
    default:
      return 0;
  }
}

const char* refusal_phrase(RequestState s) {
  switch (s) {
    case RequestState::line_too_long:
      return "Request-URI Too Large";
    case RequestState::field_too_long:
    case RequestState::head_too_large:
      return "Bad Request";
    case RequestState::body_too_large:
      return "Request Entity Too Large";
    default:
      return "";
  }
}

std::string refusal_reason(RequestState s) {
  switch (s) {
    case RequestState::line_too_long:
      return fmt::format("request line longer than {} bytes", max_request_line);
    case RequestState::field_too_long:
      return fmt::format("header field longer than {} bytes", max_header_field);
    case RequestState::head_too_large:
      return fmt::format("request head larger than {} bytes", max_request_head);
    case RequestState::body_too_large:
      return fmt::format("Content-Length over {} bytes", max_request_body);
    default:
      return "";
  }
}

RequestRead read_request(const std::function<long(char*, size_t)>& read_some, std::string data) {
  RequestRead out;
  out.state = request_state(data);
  char buf[4096];
  while (out.state == RequestState::incomplete) {
    const long n = read_some(buf, sizeof buf);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    // Judged again after every read; its scans stop at the end of the head.
    out.state = request_state(data);
  }
  out.data = std::move(data);
  return out;
}

void Connection::arm(const char* phase) {
  phase_.store(phase);
  deadline_ms_.store(steady_ms() + int64_t{idle_s_} * 1000);
}

void Connection::disarm(const char* phase) {
  phase_.store(phase);
  deadline_ms_.store(INT64_MAX);
}

bool Connection::timed_out() const { return expired_.load() || steady_ms() >= deadline_ms_.load(); }

void Connections::start(int fd, int id, std::function<void(Connection&)> handle) {
  auto c = std::make_unique<Connection>(fd, id, idle_s_);
  c->arm("handshake");
  Connection& conn = *c;
  conn.thread_ = std::thread([&conn, handle = std::move(handle)] {
    handle(conn);
    // The FIN goes out now; the descriptor is closed by the accept loop after the join.
    sock::shutdown_both(conn.fd());
    conn.done_.store(true);
  });
  live_.push_back(std::move(c));
}

size_t Connections::reap() {
  for (auto it = live_.begin(); it != live_.end();) {
    if ((*it)->done_.load()) {
      (*it)->thread_.join();
      sock::close_socket((*it)->fd());
      it = live_.erase(it);
    } else {
      ++it;
    }
  }
  return live_.size();
}

void Connections::expire() {
  const int64_t now = steady_ms();
  for (auto& c : live_) {
    if (!c->done_.load() && now >= c->deadline_ms_.load() && !c->expired_.exchange(true)) sock::shutdown_both(c->fd());
  }
}

void Connections::stop_all() {
  for (auto& c : live_) sock::shutdown_both(c->fd());
  for (auto& c : live_) {
    if (c->thread_.joinable()) c->thread_.join();
    sock::close_socket(c->fd());
  }
  live_.clear();
}

void linger(int fd, int seconds) {
  const int64_t end = steady_ms() + int64_t{seconds} * 1000;
  char buf[16384];
  for (int64_t left = end - steady_ms(); left > 0; left = end - steady_ms()) {
    if (!sock::wait_readable(fd, static_cast<int>(left))) return;
    if (sock::recv_some(fd, buf, sizeof buf) <= 0) return;
  }
}

}  // namespace deploysim::loopback::live
