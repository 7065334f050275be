#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/ids.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

class Messages;
class Trace;

/// Whether Encrypted Client Hello (RFC 9849) is in effect on a connection, or why not.
enum class EchStatus : uint8_t {
  on,          ///< The outer ClientHello carries the public name; the real SNI is encrypted inside.
  client_off,  ///< The client does not use ECH (`ech = false`).
  no_config,   ///< The proxy publishes no ECH config (browsers send GREASE ECH then).
  not_in_dns,  ///< No config reached the client: no DNS answer, or one that is not the proxy's.
  no_tls13,    ///< TLS 1.3 is not negotiated; ECH needs it.
  no_sni,      ///< The ClientHello names no server: nothing to hide.
};

/// The status's name in trace details ("on", "client_off", "no_config", ...).
std::string_view ech_status_name(EchStatus s);
/// The catalogue key of the sentence that says why ECH is on or off ("observer.ech_on", ...).
const char* ech_status_key(EchStatus s);

/// The model's rule: ECH applies only when the client uses it, the proxy publishes a config in its
/// DNS HTTPS record (RFC 9460), the client got that record with the proxy's address, the client
/// sends a name, and TLS 1.3 is negotiated. The first condition that fails is the reason.
EchStatus ech_status(bool client_ech, bool proxy_publishes, bool config_in_dns, bool has_sni, bool tls13);

/// How the observer on the path sees one value.
enum class Seen : uint8_t {
  clear,   ///< Readable on the wire.
  hidden,  ///< Encrypted: only that something was sent.
  none,    ///< Nothing is sent at all.
};

/// One cell of the table: a key of the observer catalogue ("observer.sni_clear") with the values
/// that fill its `{}` in order, and how the observer sees it.
struct ObserverCell {
  Seen seen = Seen::none;         ///< Colour and lock of the cell.
  std::string key;                ///< Catalogue key.
  std::vector<std::string> args;  ///< Values of its first placeholders, in order.
  std::vector<Time> times;        ///< Durations for the next placeholders (written in the language's units).
  std::vector<std::string> list;  ///< Catalogue keys translated and joined into its last placeholder.
};

/// The rows of the table, top to bottom.
enum class ObserverRow : uint8_t { dns, destination, sni, alpn, certificate, http, sizes, name };
/// Number of rows.
inline constexpr size_t observer_row_count = 8;
/// The catalogue key of a row's label ("observer.row_dns").
std::string_view observer_row_key(ObserverRow row);
/// The catalogue key of column `i` (0..3: plain DNS, ECH only, DoH only, both).
const char* observer_column_key(size_t i);
/// The catalogue key of what an observer makes of a cell ("observer.seen_clear", ...).
const char* observer_seen_key(Seen s);

/// One way to run the same client: with or without ECH, with or without DNS over HTTPS.
struct ObserverColumn {
  bool ech = false;                                   ///< The client has `ech = true`.
  bool doh = false;                                   ///< The client has `dns_over_https = true`.
  bool actual = false;                                ///< The scenario runs this column.
  EchStatus ech_status = EchStatus::client_off;       ///< What ECH does here, and why not.
  std::array<ObserverCell, observer_row_count> rows;  ///< One cell per ObserverRow.
};

/// What an on-path observer (the Wi-Fi, the ISP) sees of one client connection, in four columns
/// from the same scenario and trace: plain, ECH only, DoH only, DoH + ECH.
struct ObserverView {
  std::string client;                     ///< The client's name.
  ConnId conn = ConnId::none;             ///< The connection.
  std::string name;                       ///< The server name the client wants (the URL host).
  std::array<ObserverColumn, 4> columns;  ///< Plain, ECH only, DoH only, DoH + ECH.
};

/// The table for connection `conn` of a run of `sc`. Values come from the trace's records (SNI,
/// address, ALPN, version, certificate, request), the rules of ECH and DoH decide what shows;
/// nullopt when the trace has no ClientHello on that connection. `conn_records`, when given, are
/// the indices of that connection's records (the GUI's index), so the trace is not scanned.
std::optional<ObserverView> observe(const Scenario& sc, const Trace& trace, ConnId conn,
                                    std::span<const uint32_t> conn_records = {});

/// The first connection with a ClientHello of client `client` ("" = any client); none when none.
ConnId observer_connection(const Trace& trace, std::string_view client = {});

/// A cell in a language: its catalogue text with `args`, `times`, then `list` translated and joined by
/// the catalogue's separator (observer.list_separator), filled in.
std::string observer_text(const ObserverCell& cell, const Messages& words);

}  // namespace deploysim
