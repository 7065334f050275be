// What an on-path observer sees of one connection, with and without ECH (RFC 9849) and DNS over
// HTTPS (RFC 8484). The values are the run's own (trace records); the rules decide what shows:
// plain DNS names the host (UDP 53), SNI names it unless ECH hides it behind the public name, TLS
// 1.2 sends the certificate in clear, the HTTP request is always inside TLS, and the address,
// sizes and timing are always visible.
#include "deploysim/observer.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include "deploysim/kinds.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/tls_model.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

std::string_view ech_status_name(EchStatus s) {
  switch (s) {
    case EchStatus::on:
      return "on";
    case EchStatus::client_off:
      return "client_off";
    case EchStatus::no_config:
      return "no_config";
    case EchStatus::not_in_dns:
      return "not_in_dns";
    case EchStatus::no_tls13:
      return "no_tls13";
    case EchStatus::no_sni:
      return "no_sni";
  }
  return "client_off";
}

const char* ech_status_key(EchStatus s) {
  switch (s) {
    case EchStatus::on:
      return "observer.ech_on";
    case EchStatus::client_off:
      return "observer.ech_client_off";
    case EchStatus::no_config:
      return "observer.ech_no_config";
    case EchStatus::not_in_dns:
      return "observer.ech_not_in_dns";
    case EchStatus::no_tls13:
      return "observer.ech_no_tls13";
    case EchStatus::no_sni:
      return "observer.ech_no_sni";
  }
  return "observer.ech_client_off";
}

const char* observer_column_key(size_t i) {
  constexpr const char* keys[] = {"observer.col_plain", "observer.col_ech", "observer.col_doh", "observer.col_both"};
  return keys[i < 4 ? i : 3];
}

const char* observer_seen_key(Seen s) {
  return s == Seen::clear ? "observer.seen_clear" : s == Seen::hidden ? "observer.seen_hidden" : "observer.seen_none";
}

EchStatus ech_status(bool client_ech, bool proxy_publishes, bool config_in_dns, bool has_sni, bool tls13) {
  if (!client_ech) return EchStatus::client_off;
  if (!proxy_publishes) return EchStatus::no_config;
  if (!config_in_dns) return EchStatus::not_in_dns;
  if (!has_sni) return EchStatus::no_sni;
  if (!tls13) return EchStatus::no_tls13;
  return EchStatus::on;
}

std::string_view observer_row_key(ObserverRow row) {
  switch (row) {
    case ObserverRow::dns:
      return "observer.row_dns";
    case ObserverRow::destination:
      return "observer.row_destination";
    case ObserverRow::sni:
      return "observer.row_sni";
    case ObserverRow::alpn:
      return "observer.row_alpn";
    case ObserverRow::certificate:
      return "observer.row_certificate";
    case ObserverRow::http:
      return "observer.row_http";
    case ObserverRow::sizes:
      return "observer.row_sizes";
    case ObserverRow::name:
      return "observer.row_name";
  }
  return "observer.row_dns";
}

namespace {

// The connection's records, found in one pass.
struct ConnRecords {
  std::optional<Record> hello, syn, server_hello, certificate, client_certificate, established, request, response;
};

ConnRecords find_records(const Trace& trace, ConnId conn, std::span<const uint32_t> indices) {
  ConnRecords c;
  const auto take = [](std::optional<Record>& slot, const Record& r) {
    if (!slot) slot = r;
  };
  const size_t n = indices.empty() ? trace.size() : indices.size();
  for (size_t i = 0; i < n && !c.response; ++i) {
    const Record r = trace[indices.empty() ? i : indices[i]];
    if (r.conn != conn) continue;
    const std::string_view kind = trace.kind(r);
    if (kind == kinds::tls_client_hello) take(c.hello, r);
    if (kind == kinds::tcp_syn) take(c.syn, r);
    if (kind == kinds::tls_server_hello) take(c.server_hello, r);
    // Mutual TLS: the client's own Certificate comes from the client.
    if (kind == kinds::tls_certificate)
      take(c.hello && r.from == c.hello->from ? c.client_certificate : c.certificate, r);
    if (kind == kinds::tls_established) take(c.established, r);
    if (kind == kinds::http_request) take(c.request, r);
    if (kind == kinds::http_response && c.request && r.t_ns >= c.request->t_ns) take(c.response, r);
  }
  return c;
}

ObserverCell cell(Seen seen, std::string key, std::vector<std::string> args = {}) {
  ObserverCell c;
  c.seen = seen;
  c.key = std::move(key);
  c.args = std::move(args);
  return c;
}

}  // namespace

ConnId observer_connection(const Trace& trace, std::string_view client) {
  for (const Record& r : trace.records())
    if (trace.kind(r) == kinds::tls_client_hello && r.conn != ConnId::none &&
        (client.empty() || trace.node_name(r.actor) == client))
      return r.conn;
  return ConnId::none;
}

std::optional<ObserverView> observe(const Scenario& sc, const Trace& trace, ConnId conn,
                                    std::span<const uint32_t> conn_records) {
  if (conn == ConnId::none) return std::nullopt;
  const ConnRecords rec = find_records(trace, conn, conn_records);
  if (!rec.hello) return std::nullopt;
  const std::string client_name(trace.node_name(rec.hello->actor));
  const ClientSpec* client = nullptr;
  for (const ClientSpec& c : sc.clients)
    if (c.name == client_name) client = &c;
  if (!client) return std::nullopt;

  ObserverView view;
  view.client = client_name;
  view.conn = conn;
  view.name = client->url_host;
  const std::string sni(trace.detail_str(*rec.hello, "sni"));
  const std::string alpn(trace.detail_str(*rec.hello, "alpn"));
  const std::string ip = rec.syn ? std::string(trace.detail_str(*rec.syn, "ip")) : std::string();
  const int64_t port = rec.syn ? trace.detail_int(*rec.syn, "port", client->url_port) : client->url_port;
  const bool by_ip = is_ip_literal(client->url_host);
  const ProxySpec* proxy = sc.proxy ? &*sc.proxy : nullptr;
  std::string proxy_ip;
  if (proxy)
    for (const HostSpec& h : sc.hosts)
      if (h.name == proxy->host) proxy_ip = h.ip;
  const bool publishes = proxy && !proxy->ech_public_name.empty();
  // The HTTPS record comes with the name's address, so a client reaches the config only through
  // a DNS answer that points at the proxy.
  const bool config_in_dns = !by_ip && !ip.empty() && ip == proxy_ip;
  // Without a ServerHello the handshake stopped early; what the client offered decides then.
  const std::string_view version = rec.server_hello ? trace.detail_str(*rec.server_hello, "version") : "";
  const bool is13 = rec.server_hello ? version == tls_version_name(tls13)
                                     : (client->tls_versions & tls13) && proxy && (proxy->tls_versions & tls13);
  const bool is12 = rec.server_hello && version == tls_version_name(tls12);
  const std::string resolver = client->resolver.empty() ? sc.resolver.name : client->resolver;
  const std::string cert_domain =
      rec.certificate ? std::string(trace.detail_str(*rec.certificate, "domain")) : std::string();

  for (size_t i = 0; i < view.columns.size(); ++i) {
    ObserverColumn& col = view.columns[i];
    col.ech = i == 1 || i == 3;
    col.doh = i >= 2;
    col.actual = col.ech == client->ech && col.doh == client->dns_over_https;
    col.ech_status = ech_status(col.ech, publishes, config_in_dns, !sni.empty(), is13);
    const bool ech = col.ech_status == EchStatus::on;
    auto& rows = col.rows;
    std::vector<std::string> leaks;

    if (by_ip)
      rows[size_t(ObserverRow::dns)] = cell(Seen::none, "observer.dns_none");
    else if (col.doh)
      rows[size_t(ObserverRow::dns)] = cell(Seen::hidden, "observer.dns_doh", {resolver});
    else {
      rows[size_t(ObserverRow::dns)] =
          cell(Seen::clear, col.ech ? "observer.dns_plain_https" : "observer.dns_plain", {client->url_host});
      leaks.push_back("observer.via_dns");
    }

    rows[size_t(ObserverRow::destination)] =
        cell(Seen::clear, "observer.destination", {ip.empty() ? client->url_host : ip, std::to_string(port)});

    if (sni.empty())
      rows[size_t(ObserverRow::sni)] = cell(Seen::none, "observer.sni_none");
    else if (ech)
      rows[size_t(ObserverRow::sni)] = cell(Seen::hidden, "observer.sni_outer", {proxy->ech_public_name});
    else {
      rows[size_t(ObserverRow::sni)] = cell(Seen::clear, "observer.sni_clear", {sni});
      leaks.push_back("observer.via_sni");
    }

    rows[size_t(ObserverRow::alpn)] =
        ech ? cell(Seen::hidden, "observer.alpn_inner") : cell(Seen::clear, "observer.alpn_clear", {alpn});

    if (!rec.certificate)
      rows[size_t(ObserverRow::certificate)] = cell(Seen::none, "observer.cert_none");
    else if (is12) {
      rows[size_t(ObserverRow::certificate)] =
          rec.client_certificate ? cell(Seen::clear, "observer.cert_clear_client",
                                        {cert_domain, std::string(trace.detail_str(*rec.client_certificate, "issuer"))})
                                 : cell(Seen::clear, "observer.cert_clear", {cert_domain});
      leaks.push_back("observer.via_cert");
    } else
      rows[size_t(ObserverRow::certificate)] = cell(Seen::hidden, "observer.cert_encrypted");

    rows[size_t(ObserverRow::http)] = rec.request ? cell(Seen::hidden, "observer.http_encrypted",
                                                         {std::string(trace.detail_str(*rec.request, "host")),
                                                          std::string(trace.detail_str(*rec.request, "path"))})
                                                  : cell(Seen::none, "observer.http_none");

    ObserverCell& sizes = rows[size_t(ObserverRow::sizes)];
    if (rec.established && rec.request && rec.response) {
      sizes = cell(Seen::clear, "observer.sizes");
      sizes.times = {ns(trace.detail_int(*rec.established, "handshake")), rec.response->end() - rec.request->t()};
    } else if (rec.established) {
      sizes = cell(Seen::clear, "observer.sizes_handshake");
      sizes.times = {ns(trace.detail_int(*rec.established, "handshake"))};
    } else {
      sizes = cell(Seen::clear, "observer.sizes_only");
    }

    ObserverCell& name = rows[size_t(ObserverRow::name)];
    if (leaks.empty()) {
      name = cell(Seen::hidden, "observer.name_hidden", {view.name, ip.empty() ? client->url_host : ip});
    } else {
      name = cell(Seen::clear, "observer.name_visible", {view.name});
      name.list = std::move(leaks);
    }
  }
  return view;
}

std::string observer_text(const ObserverCell& cell, const Messages& words) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const std::string& a : cell.args) store.push_back(a);
  for (const Time t : cell.times) store.push_back(words.time(t));
  if (!cell.list.empty()) {
    std::string joined;
    for (const std::string& key : cell.list)
      joined += (joined.empty() ? "" : words("observer.list_separator")) + words(key);
    store.push_back(joined);
  }
  return fmt::vformat(words(cell.key), store);
}

}  // namespace deploysim
