#include "deploysim/loopback/http2_frames.hpp"

#include <cstdint>
#include <string_view>

namespace deploysim::loopback {
namespace {

constexpr uint8_t data_frame = 0x0, headers_frame = 0x1, settings_frame = 0x4;
constexpr uint8_t end_stream = 0x1, settings_ack = 0x1, end_headers = 0x4;

// A frame: 24-bit length, type, flags, 31-bit stream id, payload.
void frame(std::string& out, uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  out += {static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n), static_cast<char>(type),
          static_cast<char>(flags)};
  out += {static_cast<char>(stream >> 24 & 0x7f), static_cast<char>(stream >> 16), static_cast<char>(stream >> 8),
          static_cast<char>(stream)};
  out += payload;
}

// An HPACK integer with an N-bit prefix (RFC 7541 section 5.1); `first` holds the pattern bits.
void integer(std::string& out, uint8_t first, int prefix_bits, size_t v) {
  const size_t max = (size_t{1} << prefix_bits) - 1;
  if (v < max) {
    out += static_cast<char>(first | v);
    return;
  }
  out += static_cast<char>(first | max);
  for (v -= max; v >= 128; v >>= 7) out += static_cast<char>(0x80 | (v & 0x7f));
  out += static_cast<char>(v);
}

// A header from the static table whose value is given: literal without indexing, indexed name
// (section 6.2.2), the value a plain string literal.
void literal(std::string& out, size_t name_index, std::string_view value) {
  integer(out, 0x00, 4, name_index);
  integer(out, 0x00, 7, value.size());
  out += value;
}

// Static table entries (RFC 7541 appendix A).
constexpr size_t authority = 1, path_slash = 4, method_get = 2, scheme_https = 7, status_200 = 8, status_400 = 12;
constexpr size_t path_name = 4, content_length = 28, content_type = 31, user_agent = 58, accept_name = 19;

// Reads an HPACK integer with an N-bit prefix off the front of `s`.
bool read_integer(std::string_view& s, int prefix_bits, size_t& v) {
  if (s.empty()) return false;
  const size_t max = (size_t{1} << prefix_bits) - 1;
  v = static_cast<uint8_t>(s[0]) & max;
  s.remove_prefix(1);
  if (v < max) return true;
  for (int shift = 0; shift < 28; shift += 7) {
    if (s.empty()) return false;
    const auto b = static_cast<uint8_t>(s[0]);
    s.remove_prefix(1);
    v += size_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

std::string h2_request(const std::string& host, const std::string& path) {
  std::string block;
  integer(block, 0x80, 7, method_get);  // indexed fields (section 6.1)
  integer(block, 0x80, 7, scheme_https);
  if (path == "/")
    integer(block, 0x80, 7, path_slash);
  else
    literal(block, path_name, path);
  literal(block, authority, host);
  literal(block, user_agent, "deploysim");
  literal(block, accept_name, "*/*");
  std::string out = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  frame(out, settings_frame, 0, 0, {});
  frame(out, headers_frame, end_headers | end_stream, 1, block);
  return out;
}

std::string h2_response(const std::string& body, int status) {
  std::string block;
  integer(block, 0x80, 7, status == 400 ? status_400 : status_200);
  literal(block, content_type, "text/plain");
  literal(block, content_length, std::to_string(body.size()));
  std::string out;
  frame(out, settings_frame, 0, 0, {});
  frame(out, settings_frame, settings_ack, 0, {});
  frame(out, headers_frame, end_headers, 1, block);
  frame(out, data_frame, end_stream, 1, body);
  return out;
}

std::string h2_summary(const std::string& bytes) {
  std::string_view s = bytes;
  if (s.substr(0, 24) == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") s.remove_prefix(24);
  while (s.size() >= 9) {
    const size_t n =
        size_t{static_cast<uint8_t>(s[0])} << 16 | size_t{static_cast<uint8_t>(s[1])} << 8 | static_cast<uint8_t>(s[2]);
    if (s.size() < 9 + n) return {};
    std::string_view block = s.substr(9, n);
    if (static_cast<uint8_t>(s[3]) != headers_frame) {
      s.remove_prefix(9 + n);
      continue;
    }
    // This encoder's subset of HPACK: indexed fields and literals with an indexed name, no
    // Huffman coding.
    std::string method, scheme, authority_value, path_value, status;
    while (!block.empty()) {
      const auto b = static_cast<uint8_t>(block[0]);
      const bool indexed = b & 0x80;
      size_t index = 0, len = 0;
      if (!read_integer(block, indexed ? 7 : 4, index)) return {};
      if (indexed) {
        if (index == method_get) method = "GET";
        if (index == scheme_https) scheme = "https";
        if (index == path_slash) path_value = "/";
        if (index == status_200) status = "200";
        if (index == status_400) status = "400";
        continue;
      }
      if (block.empty() || !read_integer(block, 7, len) || block.size() < len) return {};
      const std::string_view value = block.substr(0, len);
      if (index == authority) authority_value = value;
      if (index == path_name) path_value = value;
      block.remove_prefix(len);
    }
    if (!status.empty()) return ":status " + status;
    if (!method.empty()) return method + " " + scheme + "://" + authority_value + path_value;
    return {};
  }
  return {};
}

}  // namespace deploysim::loopback
