// Every simulated TLS record of the shipped HTTPS scenarios maps to a real OpenSSL message of the
// handshake it replays: the inspector's bytes are the real ones for that record's configuration.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "deploysim/loopback/record_bytes.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/simulate.hpp"

namespace lb = deploysim::loopback;
using deploysim::RecordId;

namespace {

deploysim::Run run_of(const std::string& file, const std::string& variant = "") {
  deploysim::LoadResult loaded =
      deploysim::load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file);
  REQUIRE(loaded.scenario);
  if (!variant.empty()) {
    loaded = deploysim::apply_variant(*loaded.scenario, variant);
    REQUIRE(loaded.scenario);
  }
  return deploysim::simulate(*loaded.scenario);
}

// The decoded field `name` of the real message behind record `id`, "<none>" when absent.
std::string real_field(const deploysim::Trace& tr, RecordId id, const std::string& name) {
  const RecordId hello = lb::client_hello_of(tr, id);
  REQUIRE(hello != RecordId::none);
  const auto cfg = lb::tls_config_of(tr, tr.at(hello));
  REQUIRE(cfg);
  const lb::Transcript& t = lb::transcript_for(*cfg);
  const deploysim::Record& r = tr.at(id);
  const auto dir = r.from == tr.at(hello).from ? lb::Direction::client_to_server : lb::Direction::server_to_client;
  const int i = lb::message_index_for(t, tr.kind(r), dir);
  REQUIRE_MESSAGE(i >= 0, std::string(tr.kind(r)));
  const lb::Field* f = t.decoded[static_cast<size_t>(i)].find(name);
  return f ? f->value : "<none>";
}

}  // namespace

TEST_CASE("message names follow the trace kinds") {
  CHECK(lb::message_name_of_kind("tls.client_hello") == "ClientHello");
  CHECK(lb::message_name_of_kind("tls.change_cipher_spec") == "ChangeCipherSpec");
  CHECK(lb::message_name_of_kind("tls.server_hello_done") == "ServerHelloDone");
  CHECK(lb::message_name_of_kind("tls.alert") == "Alert");
}

TEST_CASE("basic HTTPS: each TLS record has its real message; the ClientHello carries the SNI") {
  const deploysim::Run run = run_of("basic-https.toml");
  const deploysim::Trace& tr = run.trace;
  size_t tls_records = 0;
  bool saw_hello = false, saw_cert = false;
  for (uint32_t i = 0; i < tr.size(); ++i) {
    const deploysim::Record& r = tr.at(static_cast<RecordId>(i));
    if (r.stage != deploysim::Stage::tls || !r.is_message()) continue;
    ++tls_records;
    if (tr.kind(r) == "tls.client_hello") {
      saw_hello = true;
      CHECK(real_field(tr, static_cast<RecordId>(i), "server_name") == tr.detail_str(r, "sni"));
      CHECK(real_field(tr, static_cast<RecordId>(i), "server_name") != "<none>");
    }
    if (tr.kind(r) == "tls.certificate") {
      saw_cert = true;
      CHECK(real_field(tr, static_cast<RecordId>(i), "certificate[0].san")
                .find(std::string(tr.detail_str(r, "domain"))) != std::string::npos);
    }
    if (tr.kind(r) != "tls.client_hello") CHECK(real_field(tr, static_cast<RecordId>(i), "nonexistent") == "<none>");
  }
  CHECK(tls_records >= 3);
  CHECK(saw_hello);
  CHECK(saw_cert);
}

TEST_CASE("a client without SNI: the real ClientHello has no server_name") {
  const deploysim::Run run = run_of("no-sni.toml");
  const deploysim::Trace& tr = run.trace;
  size_t with = 0, without = 0;
  for (uint32_t i = 0; i < tr.size(); ++i) {
    const deploysim::Record& r = tr.at(static_cast<RecordId>(i));
    if (tr.kind(r) != "tls.client_hello") continue;
    const std::string sni = real_field(tr, static_cast<RecordId>(i), "server_name");
    if (tr.detail_str(r, "sni").empty()) {
      CHECK(sni == "<none>");
      ++without;
    } else {
      CHECK(sni == tr.detail_str(r, "sni"));
      ++with;
    }
  }
  CHECK(without > 0);
  CHECK(with > 0);
}

TEST_CASE("records outside a handshake have no ClientHello") {
  const deploysim::Run run = run_of("basic-https.toml");
  const deploysim::Trace& tr = run.trace;
  CHECK(lb::client_hello_of(tr, RecordId::none) == RecordId::none);
  for (uint32_t i = 0; i < tr.size(); ++i)
    if (tr.at(static_cast<RecordId>(i)).stage == deploysim::Stage::dns) {
      CHECK(lb::client_hello_of(tr, static_cast<RecordId>(i)) == RecordId::none);
      CHECK_FALSE(lb::tls_config_of(tr, tr.at(static_cast<RecordId>(i))));
      break;
    }
}

TEST_CASE("every TLS message of every shipped scenario and variant has its real message") {
  const std::filesystem::path dir = std::filesystem::path(DEPLOYSIM_ASSETS_DIR) / "scenarios";
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    const deploysim::LoadResult loaded = deploysim::load_scenario_file(entry.path().string());
    REQUIRE(loaded.scenario);
    std::vector<deploysim::Scenario> runs = {*loaded.scenario};
    for (const auto& v : loaded.scenario->variants)
      if (deploysim::LoadResult applied = deploysim::apply_variant(*loaded.scenario, v.name); applied.scenario)
        runs.push_back(*applied.scenario);
    for (const auto& sc : runs) {
      const deploysim::Run run = deploysim::simulate(sc);
      const deploysim::Trace& tr = run.trace;
      std::set<std::string> seen;  // one record per (kind, direction, configuration) is enough
      for (uint32_t i = 0; i < tr.size(); ++i) {
        const deploysim::Record& r = tr.at(static_cast<RecordId>(i));
        if (r.stage != deploysim::Stage::tls || !r.is_message()) continue;
        const RecordId hello = lb::client_hello_of(tr, static_cast<RecordId>(i));
        const auto cfg = hello == RecordId::none ? std::nullopt : lb::tls_config_of(tr, tr.at(hello));
        if (!cfg) FAIL(entry.path().filename().string() << " record " << i << ": no ClientHello on its cause chain");
        const bool from_client = r.from == tr.at(hello).from;
        const std::string key = std::string(tr.kind(r)) + (from_client ? ">" : "<") + cfg->sni + cfg->cert_domain +
                                std::to_string(cfg->offered_versions) + std::to_string(cfg->accepted_versions) +
                                std::to_string(cfg->check_time_unix >= cfg->not_after_unix) +
                                std::to_string(cfg->strict_sni) + std::to_string(static_cast<int>(cfg->ticket)) +
                                std::to_string(cfg->early_data) + std::to_string(cfg->client_groups.size());
        if (!seen.insert(key).second) continue;
        const lb::Transcript& t = lb::transcript_for(*cfg);
        // 0-RTT data is no handshake message: its record is read from the client's first flight.
        const int m =
            tr.kind(r) == "tls.early_data"
                ? (lb::early_data_record(t).empty() ? -1 : 0)
                : lb::message_index_for(t, tr.kind(r),
                                        from_client ? lb::Direction::client_to_server : lb::Direction::server_to_client,
                                        tr.detail_int(r, "retry") != 0 ? 1 : 0);
        CHECK_MESSAGE(m >= 0, sc.info.name << ": no real " << tr.kind(r)
                                           << (from_client ? " from the client" : " from the server"));
        ++checked;
      }
    }
  }
  CHECK(checked > 50);
  MESSAGE(checked << " distinct TLS records mapped to real messages");
}
