// The pcap export: the file layout Wireshark, tshark and libpcap read (tests/app/tshark_export.sh
// checks what tshark makes of it).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "deploysim/loopback/pcap_export.hpp"

using namespace deploysim::loopback;

namespace {

// Both files are written little-endian.
uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 | uint32_t{b[at + 3]} << 24;
}

uint16_t u16(const std::vector<uint8_t>& b, size_t at) { return static_cast<uint16_t>(b[at] | b[at + 1] << 8); }

std::vector<Flight> two_flights() {
  Flight hello{Direction::client_to_server, std::vector<uint8_t>(300, 0x16)};
  Flight reply{Direction::server_to_client, std::vector<uint8_t>(4000, 0x17)};  // three segments at MSS 1460
  return {hello, reply};
}

}  // namespace

TEST_CASE("the pcap file holds a classic header and every packet, in order, with its timestamp") {
  const std::string path = "/tmp/deploysim_test_pcap_" + std::to_string(getpid()) + ".pcap";
  PcapOptions o;
  o.start_unix = 1793523600;
  o.step_us = 250;
  const auto flights = two_flights();
  REQUIRE(write_pcap(path, flights, o).empty());
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());

  REQUIRE(file.size() >= 24);
  CHECK(u32(file, 0) == 0xa1b2c3d4);  // microsecond timestamps
  CHECK(u16(file, 4) == 2);
  CHECK(u16(file, 6) == 4);
  CHECK(u32(file, 16) == 65535);  // snaplen
  CHECK(u32(file, 20) == 101);    // LINKTYPE_RAW

  const auto packets = build_packets(flights, o);
  // SYN, SYN-ACK, ACK; 1 + 1 ack; 3 + 1 ack; FIN, FIN, ACK.
  REQUIRE(packets.size() == 3 + 2 + 4 + 3);
  size_t at = 24;
  for (size_t i = 0; i < packets.size(); ++i) {
    REQUIRE(at + 16 <= file.size());
    const uint64_t t_us = i * 250;
    CHECK(u32(file, at) == 1793523600 + t_us / 1000000);
    CHECK(u32(file, at + 4) == t_us % 1000000);
    CHECK(u32(file, at + 8) == packets[i].size());
    CHECK(u32(file, at + 12) == packets[i].size());
    REQUIRE(at + 16 + packets[i].size() <= file.size());
    CHECK(std::vector<uint8_t>(file.begin() + static_cast<long>(at + 16),
                               file.begin() + static_cast<long>(at + 16 + packets[i].size())) == packets[i]);
    CHECK((packets[i][0] >> 4) == 4);  // each packet starts with its IPv4 header
    at += 16 + packets[i].size();
  }
  CHECK(at == file.size());
}

TEST_CASE("a pcap path that cannot be written gives an error naming it") {
  const std::string err = write_pcap("/nonexistent-dir/out.pcap", two_flights(), PcapOptions{});
  CHECK(err.find("/nonexistent-dir/out.pcap") != std::string::npos);
  CHECK(err.find("No such file") != std::string::npos);
}

TEST_CASE("the pcapng file carries the key log in a Decryption Secrets Block before the packets") {
  PcapOptions o;
  o.start_unix = 1793523600;
  const auto flights = two_flights();
  const std::string keys = "CLIENT_RANDOM 00 11\n";  // 20 bytes: padded to 20
  const std::vector<uint8_t> file = pcapng_bytes(flights, o, keys);
  const auto packets = build_packets(flights, o);
  std::vector<uint32_t> types;
  size_t at = 0, packet = 0;
  while (at + 12 <= file.size()) {
    const uint32_t type = u32(file, at), total = u32(file, at + 4);
    REQUIRE(total % 4 == 0);
    REQUIRE(at + total <= file.size());
    CHECK(u32(file, at + total - 4) == total);  // the length again at the block's end
    types.push_back(type);
    if (type == 0x0a0d0d0a) CHECK(u32(file, at + 8) == 0x1a2b3c4d);  // byte-order magic
    if (type == 0x00000001) CHECK(u16(file, at + 8) == 101);         // LINKTYPE_RAW
    if (type == 0x0000000a) {
      CHECK(u32(file, at + 8) == 0x544c534b);  // 'TLSK'
      REQUIRE(u32(file, at + 12) == keys.size());
      CHECK(std::string(file.begin() + static_cast<long>(at + 16),
                        file.begin() + static_cast<long>(at + 16 + keys.size())) == keys);
    }
    if (type == 0x00000006) {
      REQUIRE(packet < packets.size());
      const uint64_t ts = uint64_t{u32(file, at + 12)} << 32 | u32(file, at + 16);
      CHECK(ts == 1793523600ull * 1000000 + packet * 250);
      CHECK(u32(file, at + 20) == packets[packet].size());
      CHECK(std::vector<uint8_t>(file.begin() + static_cast<long>(at + 28),
                                 file.begin() + static_cast<long>(at + 28 + packets[packet].size())) ==
            packets[packet]);
      ++packet;
    }
    at += total;
  }
  CHECK(at == file.size());
  CHECK(packet == packets.size());
  REQUIRE(types.size() == 3 + packets.size());
  CHECK(types[0] == 0x0a0d0d0a);
  CHECK(types[1] == 0x00000001);
  CHECK(types[2] == 0x0000000a);
  // Without a key log: no secrets block.
  CHECK(pcapng_bytes(flights, o, "").size() == file.size() - (16 + keys.size() + 4));
}
