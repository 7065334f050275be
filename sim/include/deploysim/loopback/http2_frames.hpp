#pragma once
// The one HTTP/2 request and response a loopback connection carries when ALPN chose h2, as real
// frames (RFC 9113) with HPACK header blocks (RFC 7541: static-table names, literal values, no
// Huffman coding), so that a capture decodes in Wireshark as HTTP/2 rather than as HTTP/1.1 text
// inside an h2 connection.
#include <string>

namespace deploysim::loopback {

/// The client's connection preface, an empty SETTINGS frame and a HEADERS frame on stream 1
/// (END_STREAM): GET `path` of `host` over https.
std::string h2_request(const std::string& host, const std::string& path);

/// The server's empty SETTINGS frame, the ACK of the client's, a HEADERS frame (:status 200,
/// content-type text/plain, content-length) and one DATA frame (END_STREAM) holding `body`;
/// `status` 400 instead of 200 for nginx's refusals.
std::string h2_response(const std::string& body, int status = 200);

/// "GET https://host/path" or ":status 200" read back from h2_request / h2_response bytes (the
/// first HEADERS frame, this encoder's subset of HPACK); "" when there is none.
std::string h2_summary(const std::string& bytes);

}  // namespace deploysim::loopback
