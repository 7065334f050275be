#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

/// How the synthetic TCP/IPv4 conversation around the TLS bytes looks.
struct PcapOptions {
  uint16_t client_port = 50000;     ///< Ephemeral port of the browser.
  uint16_t server_port = 443;       ///< Port of the termination proxy.
  uint16_t mss = 1460;              ///< Segment size: flights are split at it (Ethernet MTU 1500 - 40).
  int64_t start_unix = 1793523600;  ///< Timestamp of the SYN, UTC seconds.
  int64_t step_us = 250;            ///< Time between consecutive packets.
};

/// The raw IPv4 packets (127.0.0.1 <-> 127.0.0.1): SYN, SYN-ACK, ACK, every flight as PSH|ACK
/// segments of at most `mss` bytes each acknowledged by the peer, then the FIN exchange.
/// Checksums are computed, so Wireshark reassembles the stream.
std::vector<std::vector<uint8_t>> build_packets(const std::vector<Flight>& flights, const PcapOptions& options);

/// The conversation as a classic pcap file's bytes (LINKTYPE_RAW, microsecond timestamps).
std::vector<uint8_t> pcap_bytes(const std::vector<Flight>& flights, const PcapOptions& options);

/// The conversation as a pcapng file's bytes with `keylog` (keylog_text) inside it, in a
/// Decryption Secrets Block: Wireshark 3.0 and later (and tshark) decrypt it without being told
/// of a key log file. No secrets block when `keylog` is empty.
std::vector<uint8_t> pcapng_bytes(const std::vector<Flight>& flights, const PcapOptions& options,
                                  const std::string& keylog);

/// Writes the conversation as a classic pcap file (pcap_bytes).
/// Returns "" on success, else what went wrong.
std::string write_pcap(const std::string& path, const std::vector<Flight>& flights, const PcapOptions& options);

/// Several conversations in one classic pcap file, one after the other: conversation i uses
/// client port `client_port + i` and starts `i` seconds after `start_unix` (resumption: the full
/// handshake, then the resumed one, as two TCP connections). Only in builds with OpenSSL.
std::vector<uint8_t> pcap_conversations_bytes(const std::vector<std::vector<Flight>>& conversations,
                                              const PcapOptions& options);

/// Writes pcap_conversations_bytes to `path`. Returns "" on success, else what went wrong.
std::string write_pcap_conversations(const std::string& path, const std::vector<std::vector<Flight>>& conversations,
                                     const PcapOptions& options);

/// The NSS key log file's text (SSLKEYLOGFILE format: one line per secret, newline-terminated)
/// that Wireshark decrypts the conversation with.
std::string keylog_text(const Capture& capture);

/// Writes keylog_text to a file only the user may read. Returns "" on success, else what went
/// wrong. Only in builds with OpenSSL (DEPLOYSIM_TLS): it uses the socket platform's file call.
std::string write_keylog(const std::string& path, const Capture& capture);

}  // namespace deploysim::loopback
