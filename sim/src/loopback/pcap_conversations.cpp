// Several connections in one classic pcap file: each a TCP conversation of its own.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "deploysim/loopback/pcap_export.hpp"

namespace deploysim::loopback {

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

std::string write_pcap_conversations(const std::string& path, const std::vector<std::vector<Flight>>& conversations,
                                     const PcapOptions& options) {
  const std::vector<uint8_t> bytes = pcap_conversations_bytes(conversations, options);
  std::unique_ptr<FILE, decltype(&std::fclose)> out(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), out.get()) == bytes.size();
  ok = std::fclose(out.release()) == 0 && ok;
  return ok ? "" : "cannot write " + path + ": " + std::strerror(errno);
}

}  // namespace deploysim::loopback
