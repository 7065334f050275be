#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "deploysim/loopback/transcript.hpp"
#include "deploysim/tls_model.hpp"
#include "deploysim/trace.hpp"

namespace deploysim::loopback {

/// The tls.client_hello that opened the handshake `id` belongs to (the record itself when it is
/// one), following the cause chain; RecordId::none for a record outside a TLS handshake.
RecordId client_hello_of(const Trace& trace, RecordId id);

/// The TLS configuration the path model recorded on a tls.client_hello record (SNI, checked
/// host, both sides' versions and ALPN lists, SNI policy, the certificate presented and the
/// client's clock); nullopt when `client_hello` is not such a record.
std::optional<TlsConfig> tls_config_of(const Trace& trace, const Record& client_hello);

/// The captured message a simulated TLS record stands for: the first message of the transcript
/// whose name matches the record's kind ("tls.client_hello" -> ClientHello, "tls.alert" -> Alert,
/// "tls.change_cipher_spec" -> ChangeCipherSpec, "tls.early_data" -> the 0-RTT ApplicationData) sent
/// in direction `dir`, skipping `occurrence` earlier ones (the second ClientHello after a
/// HelloRetryRequest, the second NewSessionTicket); -1 when none.
int message_index_for(const Transcript& transcript, std::string_view kind, Direction dir, int occurrence = 0);

/// The 0-RTT data as it went on the wire: the first application_data record of the client's first
/// flight, header included, encrypted with the early traffic key; empty when there is none.
std::vector<uint8_t> early_data_record(const Transcript& transcript);

/// "ClientHello" for "tls.client_hello": the CamelCase message name of a trace kind.
std::string message_name_of_kind(std::string_view kind);

}  // namespace deploysim::loopback
