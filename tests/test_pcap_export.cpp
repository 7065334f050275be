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

uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, b.data() + at, 4);  // the writer's (this machine's) byte order
  return v;
}

uint16_t u16(const std::vector<uint8_t>& b, size_t at) {
  uint16_t v = 0;
  std::memcpy(&v, b.data() + at, 2);
  return v;
}

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
