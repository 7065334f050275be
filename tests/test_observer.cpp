// What an observer on the path sees (observer.hpp) and the ECH/DoH model behind it: the real
// name shows in the SNI unless ECH is in effect, in the DNS query unless DoH is on, in the
// certificate under TLS 1.2; the scenario keys are validated with located errors.
#include <doctest/doctest.h>

#include <string>

#include "deploysim/kinds.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/observer.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

const std::string shipped = std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/encrypted-client-hello.toml";

Scenario load(const std::string& variant = {}) {
  LoadResult r = load_scenario_file(shipped);
  REQUIRE_MESSAGE(r.scenario, (r.error ? r.error->to_string() : ""));
  if (!variant.empty()) r = apply_variant(*r.scenario, variant);
  REQUIRE_MESSAGE(r.scenario, (r.error ? r.error->to_string() : ""));
  return *r.scenario;
}

struct Observed {
  Run run;
  ObserverView view;
};

Observed observed(const Scenario& sc) {
  Observed o{simulate(sc), {}};
  const auto v = observe(sc, o.run.trace, observer_connection(o.run.trace, "browser"));
  REQUIRE(v);
  o.view = *v;
  return o;
}

const ObserverCell& cell(const ObserverView& v, size_t column, ObserverRow row) {
  return v.columns[column].rows[static_cast<size_t>(row)];
}

// Whether the text a learner reads in a cell names the real server.
bool names_site(const ObserverView& v, size_t column, ObserverRow row, const Messages& en) {
  return observer_text(cell(v, column, row), en).find("api.example.test") != std::string::npos;
}

std::string load_error(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.toml");
  REQUIRE(r.error);
  return r.error->to_string();
}

const char* base = R"(
[[dns.zone]]
origin = "example.test"
records = [ { name = "api.example.test", type = "A", value = "203.0.113.10" } ]

[[host]]
name = "edge-1"
ip = "203.0.113.10"

[proxy]
host = "edge-1"
routes = [ { host = "api.example.test", pool = "api" } ]
)";

}  // namespace

TEST_CASE("the four columns: only DoH and ECH together hide the name") {
  std::string error;
  const auto en = Messages::load("en", &error);
  REQUIRE_MESSAGE(en, error);
  const Observed o = observed(load());
  const ObserverView& v = o.view;
  CHECK(v.client == "browser");
  CHECK(v.name == "api.example.test");
  // Columns: plain, ECH only, DoH only, DoH + ECH; the shipped scenario runs the last one.
  CHECK_FALSE(v.columns[0].actual);
  CHECK(v.columns[3].actual);
  CHECK(v.columns[1].ech_status == EchStatus::on);
  CHECK(v.columns[3].ech_status == EchStatus::on);
  // SNI: the real name without ECH, the public name with it.
  CHECK(names_site(v, 0, ObserverRow::sni, *en));
  CHECK(names_site(v, 2, ObserverRow::sni, *en));
  CHECK_FALSE(names_site(v, 1, ObserverRow::sni, *en));
  CHECK_FALSE(names_site(v, 3, ObserverRow::sni, *en));
  CHECK(observer_text(cell(v, 1, ObserverRow::sni), *en).find("public.example.test") != std::string::npos);
  // DNS: the name in clear without DoH, only "HTTPS to the resolver" with it.
  CHECK(names_site(v, 0, ObserverRow::dns, *en));
  CHECK(names_site(v, 1, ObserverRow::dns, *en));
  CHECK_FALSE(names_site(v, 2, ObserverRow::dns, *en));
  CHECK_FALSE(names_site(v, 3, ObserverRow::dns, *en));
  CHECK(cell(v, 2, ObserverRow::dns).seen == Seen::hidden);
  // The verdict row: leaks through DNS and SNI, DNS only, SNI only, nowhere.
  CHECK(cell(v, 0, ObserverRow::name).list == std::vector<std::string>{"observer.via_dns", "observer.via_sni"});
  CHECK(cell(v, 1, ObserverRow::name).list == std::vector<std::string>{"observer.via_dns"});
  CHECK(cell(v, 2, ObserverRow::name).list == std::vector<std::string>{"observer.via_sni"});
  CHECK(cell(v, 3, ObserverRow::name).seen == Seen::hidden);
  // Always visible: the address; always hidden: the HTTP request; TLS 1.3 hides the certificate.
  for (size_t c = 0; c < 4; ++c) {
    CAPTURE(c);
    CHECK(observer_text(cell(v, c, ObserverRow::destination), *en).find("203.0.113.10") != std::string::npos);
    CHECK(cell(v, c, ObserverRow::http).seen == Seen::hidden);
    CHECK(observer_text(cell(v, c, ObserverRow::http), *en).find("/account") != std::string::npos);
    CHECK(cell(v, c, ObserverRow::certificate).seen == Seen::hidden);
    CHECK(cell(v, c, ObserverRow::sizes).seen == Seen::clear);
  }
  // The same table from a variant marks another column as the run's.
  CHECK(observed(load("DoH off")).view.columns[1].actual);
  CHECK(observed(load("both off")).view.columns[0].actual);
}

TEST_CASE("a TLS 1.2 proxy cannot do ECH and shows its certificate") {
  std::string error;
  const auto en = Messages::load("en", &error);
  REQUIRE_MESSAGE(en, error);
  const Observed o = observed(load("TLS 1.2 only proxy"));
  for (size_t c = 0; c < 4; ++c) {
    CAPTURE(c);
    CHECK(cell(o.view, c, ObserverRow::certificate).seen == Seen::clear);
    CHECK(names_site(o.view, c, ObserverRow::certificate, *en));
    CHECK(names_site(o.view, c, ObserverRow::sni, *en));  // no ECH without TLS 1.3
  }
  CHECK(o.view.columns[3].ech_status == EchStatus::no_tls13);
  CHECK(cell(o.view, 3, ObserverRow::name).list == std::vector<std::string>{"observer.via_sni", "observer.via_cert"});
  // The ClientHello says why, and narrates it.
  const Trace& t = o.run.trace;
  bool seen = false;
  for (const Record& r : t.records())
    if (t.kind(r) == kinds::tls_client_hello) {
      CHECK(t.detail_str(r, "ech_off") == "no_tls13");
      CHECK(t.detail_str(r, "ech_outer_sni").empty());
      CHECK(t.narration(r) == kinds::tls_client_hello_ech_no_tls13);
      seen = true;
    }
  CHECK(seen);
}

TEST_CASE("mutual TLS 1.2: the client's own certificate crosses the path in clear, TLS 1.3 hides it") {
  // Audit finding: the observer showed the server's certificate only.
  LoadResult r = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/mutual-tls.toml");
  REQUIRE(r.scenario);
  const Run run = simulate(*r.scenario);
  const auto billing = observe(*r.scenario, run.trace, observer_connection(run.trace, "billing"));  // TLS 1.2
  const auto orders = observe(*r.scenario, run.trace, observer_connection(run.trace, "orders"));    // TLS 1.3
  REQUIRE(billing);
  REQUIRE(orders);
  CHECK(cell(*billing, 0, ObserverRow::certificate).key == "observer.cert_clear_client");
  CHECK(cell(*billing, 0, ObserverRow::certificate).args.at(1) == "private-ca");
  CHECK(cell(*orders, 0, ObserverRow::certificate).key == "observer.cert_encrypted");
}

TEST_CASE("the trace: an ECH ClientHello carries the outer SNI; DoH marks the client's DNS as encrypted") {
  const Run run = simulate(load());
  const Trace& t = run.trace;
  int hellos = 0, stub_queries = 0, responses = 0;
  for (const Record& r : t.records()) {
    if (t.kind(r) == kinds::tls_client_hello) {
      ++hellos;
      CHECK(t.detail_str(r, "sni") == "api.example.test");  // the real handshake keeps the real name
      CHECK(t.detail_str(r, "ech_outer_sni") == "public.example.test");
      CHECK(t.narration(r) == kinds::tls_client_hello_ech);
    }
    if (t.kind(r) == kinds::dns_query && t.node_name(r.actor) == "browser") {
      ++stub_queries;
      CHECK(t.detail_int(r, "encrypted") == 1);
      CHECK(t.detail_str(r, "transport") == "https");
      CHECK(t.detail_str(r, "type") == "A, HTTPS");
      CHECK(t.narration(r) == kinds::dns_query_stub_doh);
    }
    if (t.kind(r) == kinds::dns_response) {
      ++responses;
      CHECK(t.detail_str(r, "ech_config") == "public.example.test");
      CHECK(t.narration(r) == kinds::dns_response_ech);
    }
  }
  CHECK(hellos == 1);  // keep-alive: the second request reuses the connection
  CHECK(stub_queries == 1);
  CHECK(responses == 1);
  // Without a published config the browser sends GREASE ECH: the name stays readable.
  Scenario no_config = load();
  no_config.proxy->ech_public_name.clear();
  const Run plain = simulate(no_config);
  for (const Record& r : plain.trace.records())
    if (plain.trace.kind(r) == kinds::tls_client_hello) {
      CHECK(plain.trace.detail_str(r, "ech_off") == "no_config");
      CHECK(plain.trace.narration(r) == kinds::tls_client_hello_ech_no_config);
    }
}

TEST_CASE("ECH and DoH keys: defaults, types and the public name's certificate, with located errors") {
  const std::string rest = R"(
[[certificate]]
domain = "api.example.test"

[[service]]
name = "api"
host = "edge-1"

[[client]]
name = "laptop"
url = "https://api.example.test/"
requests = 1
)";
  const LoadResult ok = load_scenario_text(std::string(base) + rest, "t.toml");
  REQUIRE_MESSAGE(ok.scenario, (ok.error ? ok.error->to_string() : ""));
  CHECK_FALSE(ok.scenario->clients[0].ech);
  CHECK_FALSE(ok.scenario->clients[0].dns_over_https);
  CHECK(ok.scenario->proxy->ech_public_name.empty());
  // A default client records nothing about ECH (golden traces keep their shape).
  const Run run = simulate(*ok.scenario);
  for (const Record& r : run.trace.records()) {
    CHECK(run.trace.detail_str(r, "ech_off").empty());
    CHECK(run.trace.detail_str(r, "transport").empty());
  }

  std::string with_public = base;
  with_public.insert(with_public.find("routes"), "ech_public_name = \"front.example.test\"\n");
  CHECK(load_error(with_public + rest) ==
        "t.toml:12:19: ech_public_name 'front.example.test' is on no [[certificate]] of the proxy; the "
        "client-facing server must complete a handshake for the public name: add [[certificate]] domain = "
        "\"front.example.test\" (with a route for it) or pick a name a certificate already holds");
  std::string bad_name = base;
  bad_name.insert(bad_name.find("routes"), "ech_public_name = \"not a name\"\n");
  CHECK(load_error(bad_name + rest).starts_with("t.toml:12:19: "));
  CHECK(load_error(std::string(base) + rest + "ech = \"yes\"\n").starts_with("t.toml:25:7: "));
  CHECK(load_error(std::string(base) + rest + "dns_over_https = 1\n").starts_with("t.toml:25:18: "));
  // In a variant too: the value's own position.
  const LoadResult sc = load_scenario_file(shipped);
  REQUIRE(sc.scenario);
  const LoadResult bad = set_param(*sc.scenario, "client.browser.ech", "\"on\"");
  REQUIRE(bad.error);
  CHECK(bad.error->to_string().find("ech") != std::string::npos);
  CHECK(bad.error->line > 0);
}
