#include "deploysim/loopback/pcap_export.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <initializer_list>
#include <memory>
#include <utility>

namespace deploysim::loopback {
namespace {

constexpr uint8_t fin = 0x01, syn = 0x02, psh = 0x08, ack = 0x10;
constexpr uint32_t loopback_ip = 0x7f000001;  // 127.0.0.1

void put16(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  put16(b, at, v >> 16);
  put16(b, at + 2, v & 0xffff);
}

// RFC 1071 one's-complement sum.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += (uint32_t{p[i]} << 8) | p[i + 1];
  if (n & 1) acc += uint32_t{p[n - 1]} << 8;
  return acc;
}

uint16_t fold(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(~acc & 0xffff);
}

struct Endpoint {
  uint16_t port;
  uint32_t seq;
};

class PacketBuilder {
 public:
  std::vector<std::vector<uint8_t>> packets;

  void segment(const Endpoint& from, const Endpoint& to, uint8_t flags, const uint8_t* data, size_t len,
               uint16_t mss_option = 0) {
    const size_t tcp_len = mss_option ? 24 : 20;
    std::vector<uint8_t> p(20 + tcp_len + len, 0);
    p[0] = 0x45;
    put16(p, 2, static_cast<uint32_t>(p.size()));
    put16(p, 4, ip_id_++);
    put16(p, 6, 0x4000);  // don't fragment
    p[8] = 64;            // TTL
    p[9] = 6;             // TCP
    put32(p, 12, loopback_ip);
    put32(p, 16, loopback_ip);
    put16(p, 10, fold(sum16(p.data(), 20)));
    put16(p, 20, from.port);
    put16(p, 22, to.port);
    put32(p, 24, from.seq);
    put32(p, 28, (flags & ack) ? to.seq : 0);
    p[32] = static_cast<uint8_t>((tcp_len / 4) << 4);
    p[33] = flags;
    put16(p, 34, 65535);  // window
    if (mss_option) {
      p[40] = 2;  // MSS option kind
      p[41] = 4;
      put16(p, 42, mss_option);
    }
    if (len) std::memcpy(p.data() + 20 + tcp_len, data, len);
    // TCP checksum over the pseudo-header (src, dst, proto, length) and the segment.
    const size_t seg_len = tcp_len + len;
    uint32_t acc = sum16(p.data() + 12, 8);
    acc += 6 + static_cast<uint32_t>(seg_len);
    put16(p, 36, fold(sum16(p.data() + 20, seg_len, acc)));
    packets.push_back(std::move(p));
  }

 private:
  uint16_t ip_id_ = 1;
};

}  // namespace

std::vector<std::vector<uint8_t>> build_packets(const std::vector<Flight>& flights, const PcapOptions& o) {
  PacketBuilder b;
  Endpoint client{o.client_port, 0x1000};  // fixed initial sequence numbers: deterministic files
  Endpoint server{o.server_port, 0x8000};
  b.segment(client, server, syn, nullptr, 0, o.mss);
  client.seq += 1;
  b.segment(server, client, syn | ack, nullptr, 0, o.mss);
  server.seq += 1;
  b.segment(client, server, ack, nullptr, 0);
  const size_t mss = o.mss ? o.mss : 1460;
  for (const Flight& f : flights) {
    Endpoint& from = f.dir == Direction::client_to_server ? client : server;
    Endpoint& to = f.dir == Direction::client_to_server ? server : client;
    for (size_t off = 0; off < f.bytes.size(); off += mss) {
      const size_t n = std::min(mss, f.bytes.size() - off);
      b.segment(from, to, psh | ack, f.bytes.data() + off, n);
      from.seq += static_cast<uint32_t>(n);
    }
    b.segment(to, from, ack, nullptr, 0);
  }
  b.segment(client, server, fin | ack, nullptr, 0);
  client.seq += 1;
  b.segment(server, client, fin | ack, nullptr, 0);
  server.seq += 1;
  b.segment(client, server, ack, nullptr, 0);
  return b.packets;
}

std::vector<uint8_t> pcap_bytes(const std::vector<Flight>& flights, const PcapOptions& options) {
  // The classic pcap format (what libpcap's pcap_dump writes), little-endian as most machines
  // write it; readers tell the byte order from the magic number: a 24-byte file header, then per
  // packet a 16-byte record header and the packet.
  std::vector<uint8_t> out;
  const auto put = [&out](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  put(0xa1b2c3d4, 4);    // microsecond timestamps
  put(2, 2), put(4, 2);  // version 2.4
  put(0, 4), put(0, 4);  // thiszone, sigfigs
  put(65535, 4);         // snaplen
  put(101, 4);           // LINKTYPE_RAW: each packet starts with its IPv4 header
  int64_t t_us = 0;
  for (const auto& p : build_packets(flights, options)) {
    const auto len = static_cast<uint32_t>(p.size());
    put(static_cast<uint32_t>(options.start_unix + t_us / 1000000), 4);
    put(static_cast<uint32_t>(t_us % 1000000), 4);
    put(len, 4), put(len, 4);
    out.insert(out.end(), p.begin(), p.end());
    t_us += options.step_us;
  }
  return out;
}

std::vector<uint8_t> pcapng_bytes(const std::vector<Flight>& flights, const PcapOptions& options,
                                  const std::string& keylog) {
  // pcapng (IETF draft-ietf-opsawg-pcapng), little-endian: a Section Header Block, one Interface
  // Description Block (raw IPv4, microsecond timestamps by default), a Decryption Secrets Block
  // holding the key log, then an Enhanced Packet Block per packet. Every block: type, total
  // length, body padded to 4 bytes, total length again.
  std::vector<uint8_t> out;
  const auto put = [&out](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  const auto block = [&](uint32_t type, const std::vector<uint8_t>& head, const uint8_t* data, size_t n) {
    const size_t padded = (n + 3) & ~size_t{3};
    const auto total = static_cast<uint32_t>(12 + head.size() + padded);
    put(type, 4), put(total, 4);
    out.insert(out.end(), head.begin(), head.end());
    if (n) out.insert(out.end(), data, data + n);
    out.insert(out.end(), padded - n, 0);
    put(total, 4);
  };
  const auto le = [](std::initializer_list<std::pair<uint64_t, int>> fields) {
    std::vector<uint8_t> b;
    for (const auto& [v, bytes] : fields)
      for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return b;
  };
  block(0x0a0d0d0a, le({{0x1a2b3c4d, 4}, {1, 2}, {0, 2}, {~uint64_t{0}, 8}}), nullptr, 0);  // section, length unknown
  block(0x00000001, le({{101, 2}, {0, 2}, {65535, 4}}), nullptr, 0);                        // LINKTYPE_RAW, snaplen
  if (!keylog.empty())
    block(0x0000000a, le({{0x544c534b, 4}, {keylog.size(), 4}}),  // 'TLSK': an NSS key log
          reinterpret_cast<const uint8_t*>(keylog.data()), keylog.size());
  int64_t t_us = 0;
  for (const auto& p : build_packets(flights, options)) {
    const auto ts = static_cast<uint64_t>(options.start_unix * 1000000 + t_us);
    block(0x00000006, le({{0, 4}, {ts >> 32, 4}, {ts & 0xffffffff, 4}, {p.size(), 4}, {p.size(), 4}}), p.data(),
          p.size());
    t_us += options.step_us;
  }
  return out;
}

std::vector<uint8_t> pcap_conversations_bytes(const std::vector<std::vector<Flight>>& conversations,
                                              const PcapOptions& options) {
  constexpr size_t file_header = 24;  // classic pcap global header; packet records follow
  std::vector<uint8_t> out;
  for (size_t i = 0; i < conversations.size(); ++i) {
    PcapOptions o = options;
    o.client_port = static_cast<uint16_t>(options.client_port + i);
    o.start_unix = options.start_unix + static_cast<int64_t>(i);  // one after the other, a second apart
    const std::vector<uint8_t> one = pcap_bytes(conversations[i], o);
    out.insert(out.end(), one.begin() + (out.empty() ? 0 : static_cast<std::ptrdiff_t>(file_header)), one.end());
  }
  return out;
}

std::string write_pcap(const std::string& path, const std::vector<Flight>& flights, const PcapOptions& options) {
  return write_pcap_conversations(path, {flights}, options);
}

std::string write_pcap_conversations(const std::string& path, const std::vector<std::vector<Flight>>& conversations,
                                     const PcapOptions& options) {
  const std::vector<uint8_t> bytes = pcap_conversations_bytes(conversations, options);
  std::unique_ptr<FILE, decltype(&std::fclose)> out(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), out.get()) == bytes.size();
  ok = std::fclose(out.release()) == 0 && ok;
  return ok ? "" : "cannot write " + path + ": " + std::strerror(errno);
}

std::string keylog_text(const Capture& capture) {
  std::string out;
  for (const auto& line : capture.keylog) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace deploysim::loopback
