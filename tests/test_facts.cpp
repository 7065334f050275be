// Typed facts in the trace: what the models know about nodes and records (role, host, process
// state, request outcome and cause, "reports a failure"), read from the trace as a panel does.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "deploysim/kinds.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"
#include "deploysim/trace.hpp"

using namespace deploysim;

namespace {

Run run_shipped(const std::string& file, const std::string& variant = "") {
  const LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file);
  REQUIRE_MESSAGE(base.scenario, (base.error ? base.error->to_string() : ""));
  const LoadResult sc = variant.empty() ? base : apply_variant(*base.scenario, variant);
  REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : ""));
  return simulate(*sc.scenario);
}

}  // namespace

TEST_CASE("the facts a model gives stay with the record and cost no bytes per record") {
  Trace t;
  const NodeId w = t.node("api/worker-1", NodeRole::worker, 2);
  const RecordSpec spec{.kind = kinds::supervisor_give_up,
                        .stage = Stage::supervisor,
                        .actor = w,
                        .narration = kinds::supervisor_give_up_fatal,
                        .state = ProcState::failed,
                        .reports_failure = true};
  t.append(spec);
  t.append({.kind = kinds::client_error,
            .actor = t.node("browser", NodeRole::client),
            .outcome = Outcome::failed,
            .failure = FailureCause::certificate_expired,
            .reports_failure = true});
  t.append({.kind = kinds::client_response, .actor = t.node("browser"), .outcome = Outcome::ok});
  CHECK(t[0].state == ProcState::failed);
  CHECK(t[0].reports_failure);
  CHECK(t[1].outcome == Outcome::failed);
  CHECK(failure_cause_name(t[1].failure) == "certificate_expired");
  CHECK(t[2].outcome == Outcome::ok);
  CHECK_FALSE(t[2].reports_failure);
  CHECK(t.node_role(w) == NodeRole::worker);
  CHECK(t.node_host(w) == 2);
  CHECK(t.node_role(t.node("browser")) == NodeRole::client);
  CHECK(t.node_host(t.node("browser")) == -1);
  const Trace copy = t;  // copies keep them
  CHECK(copy.node_role(w) == NodeRole::worker);
  CHECK(copy[0].state == ProcState::failed);
  // The facts are part of the interned shape: a thousand such records add shapes, not bytes.
  for (int i = 0; i < 1000; ++i) t.append(spec);
  CHECK(t.shape_count() == 3);
}

TEST_CASE("every shipped run: outcome records count what the metrics count, by cause") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DEPLOYSIM_ASSETS_DIR) / "scenarios"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const Run run = run_shipped(file.filename().string());
    std::map<std::string, uint64_t> failures;
    uint64_t ok = 0;
    for (const Record& r : run.trace.records()) {
      if (r.outcome == Outcome::ok) ++ok;
      if (r.outcome == Outcome::failed) {
        ++failures[std::string(failure_cause_name(r.failure))];
        CHECK(r.reports_failure);
      }
      CHECK_MESSAGE((r.failure != FailureCause::none) == (r.outcome == Outcome::failed), file.filename().string(), ": ",
                    run.trace.kind(r));
      if (r.state != ProcState::none)
        CHECK_MESSAGE(r.proc != ProcId::none, file.filename().string(), ": ", run.trace.kind(r));
    }
    CHECK_MESSAGE(ok == run.metrics.succeeded, file.filename().string());
    CHECK_MESSAGE(failures == run.metrics.failures, file.filename().string());
  }
}

TEST_CASE("crash loop: the trace says crashed, backing off, starting and finally failed") {
  const Run run = run_shipped("crash-loop-supervisors.toml");
  std::vector<ProcState> states;
  for (const Record& r : run.trace.records())
    if (r.state != ProcState::none && (states.empty() || states.back() != r.state)) states.push_back(r.state);
  REQUIRE(states.size() >= 4);
  CHECK(std::count(states.begin(), states.end(), ProcState::crashed) >= 2);
  CHECK(std::count(states.begin(), states.end(), ProcState::backing_off) >= 2);
  CHECK(std::count(states.begin(), states.end(), ProcState::starting) >= 2);
  bool gave_up_failed = false;
  for (const Record& r : run.trace.records())
    if (run.trace.kind(r) == kinds::supervisor_give_up) {
      CHECK(r.state == ProcState::failed);
      gave_up_failed = true;
    }
  CHECK(gave_up_failed);
}

TEST_CASE("basic https: every node has the role and host the scenario gives it") {
  const Run run = run_shipped("basic-https.toml");
  const Trace& t = run.trace;
  std::map<NodeRole, int> roles;
  for (size_t k = 0; k < t.node_count(); ++k) ++roles[t.node_role(static_cast<NodeId>(k))];
  CHECK(roles[NodeRole::client] >= 1);
  CHECK(roles[NodeRole::resolver] == 1);
  CHECK(roles[NodeRole::dns_server] >= 3);  // root, TLD, authoritative
  CHECK(roles[NodeRole::proxy] == 1);
  CHECK(roles[NodeRole::worker] >= 1);
  CHECK(roles[NodeRole::host] >= 1);
  for (size_t k = 0; k < t.node_count(); ++k) {
    const auto id = static_cast<NodeId>(k);
    if (t.node_role(id) == NodeRole::worker || t.node_role(id) == NodeRole::proxy) CHECK(t.node_host(id) == 0);
    if (t.node_role(id) == NodeRole::client || t.node_role(id) == NodeRole::dns_server) CHECK(t.node_host(id) == -1);
  }
}

TEST_CASE("certbot and cert-manager are ACME clients in the trace, the ACME server the CA") {
  // A learner reading the exported trace must not take certbot for the authority that signs.
  struct Case {
    const char *file, *variant, *client;
  };
  for (const Case& c : {Case{"cert-renewal.toml", "certbot certonly with a deploy hook", "certbot"},
                        Case{"managed-https.toml", "", "cert-manager"}}) {
    INFO(c.file);
    const char* client = c.client;
    const Run run = run_shipped(c.file, c.variant);
    const Trace& t = run.trace;
    REQUIRE(t.find_node(client) != NodeId::none);
    CHECK(std::string(node_role_name(t.node_role(t.find_node(client)))) == "acme_client");
    REQUIRE(t.find_node("acme-ca") != NodeId::none);
    CHECK(t.node_role(t.find_node("acme-ca")) == NodeRole::ca);
  }
}

TEST_CASE("a TLS configuration is a value: equal configurations are one key, any field tells two apart") {
  TlsConfig a;
  a.sni = "api.example.test";
  a.alpn_offered = {"h2", "http/1.1"};
  TlsConfig b = a;
  CHECK(a == b);
  CHECK(TlsConfigHash{}(a) == TlsConfigHash{}(b));
  b.cert_alt_names.push_back("www.example.test");
  CHECK_FALSE(a == b);
  b = a;
  b.alpn_offered = {"h2"};
  b.alpn_supported = {"http/1.1"};
  CHECK_FALSE(a == b);
  CHECK(TlsConfigHash{}(a) != TlsConfigHash{}(b));
}
