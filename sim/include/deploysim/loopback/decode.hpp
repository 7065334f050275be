#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/loopback/tls_names.hpp"
#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

/// A ServerHello whose random is RFC 8446 4.1.3's special value: a HelloRetryRequest.
bool is_hello_retry_request(const CapturedMessage& message);
/// Decodes one captured message; `tls13` selects the TLS 1.3 layouts (Certificate, tickets).
DecodedMessage decode_message(const CapturedMessage& message, bool tls13);
/// Decodes a whole capture in order, learning the version from the ServerHello.
std::vector<DecodedMessage> decode_messages(const std::vector<CapturedMessage>& messages);
/// Extracts the learner-facing facts from a capture (decoding it).
TranscriptFacts summarize(const std::vector<CapturedMessage>& messages);
/// The same from already decoded messages (`decoded[i]` decodes `messages[i]`).
TranscriptFacts summarize(const std::vector<CapturedMessage>& messages, const std::vector<DecodedMessage>& decoded);

}  // namespace deploysim::loopback
