#pragma once
// Helpers of the importer's tests (test_import*.cpp): the English and Korean catalogues,
// imports that must succeed, the scenario they make, and report lookups.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "import/import.hpp"

namespace imp = deploysim::import;

namespace import_test {

using namespace deploysim;

inline const std::string dir = std::string(DEPLOYSIM_TEST_DIR) + "/import";

// A shipped language's catalogue (the test fails when it does not load).
inline Messages load_words(const char* lang) {
  std::string error;
  auto m = Messages::load(lang, &error);
  REQUIRE_MESSAGE(m, error);
  return *m;
}

inline const Messages& en() {
  static const Messages words = load_words("en");
  return words;
}

inline const Messages& ko() {
  static const Messages words = load_words("ko");
  return words;
}

inline imp::ImportResult import_ok(const std::vector<std::filesystem::path>& paths) {
  imp::ImportResult r = imp::import_paths(paths, en());
  for (const auto& e : r.report)
    if (e.kind == imp::EntryKind::error) FAIL_CHECK(e.pos.str() << ": " << e.message);
  REQUIRE(r.ok());
  REQUIRE_FALSE(r.scenario_text.empty());
  return r;
}

// One Kubernetes file, k8s.yaml, that must import without an error.
inline imp::ImportResult import_ok_texts(const std::string& yaml) {
  imp::ImportResult r = imp::import_texts({{"k8s.yaml", yaml, true}}, en());
  for (const auto& e : r.report)
    if (e.kind == imp::EntryKind::error) FAIL_CHECK(e.pos.str() << ": " << e.message);
  REQUIRE(r.ok());
  return r;
}

inline Scenario load(const imp::ImportResult& r) {
  const LoadResult loaded = load_scenario_text(r.scenario_text, "imported.toml");
  if (loaded.error) FAIL_CHECK(loaded.error->to_string() << "\n" << r.scenario_text);
  REQUIRE(loaded.scenario);
  return *loaded.scenario;
}

// Whether the written scenario holds `text`.
inline bool has_text(const imp::ImportResult& r, const std::string& text) {
  return r.scenario_text.find(text) != std::string::npos;
}

// The report entry of this kind at file:line whose message holds `text`.
inline bool has_entry(const imp::ImportResult& r, imp::EntryKind kind, const std::string& file_line,
                      const std::string& text) {
  return std::any_of(r.report.begin(), r.report.end(), [&](const imp::ReportEntry& e) {
    imp::SourcePos p = e.pos;
    p.col = 0;
    return e.kind == kind && p.str() == file_line && e.message.find(text) != std::string::npos;
  });
}

// An error at `where` ("file:line:col") whose message is `message` (holds it, when not `whole`).
inline bool has_error(const imp::ImportResult& r, const std::string& where, const std::string& message,
                      bool whole = true) {
  return std::any_of(r.report.begin(), r.report.end(), [&](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::error && e.pos.str() == where &&
           (whole ? e.message == message : e.message.find(message) != std::string::npos);
  });
}

inline const ServiceSpec& service(const Scenario& sc, const std::string& name) {
  const auto it = std::find_if(sc.services.begin(), sc.services.end(), [&](const auto& s) { return s.name == name; });
  REQUIRE(it != sc.services.end());
  return *it;
}

inline size_t count_kind(const Run& run, std::string_view kind) {
  size_t n = 0;
  for (const Record& rec : run.trace.records()) n += run.trace.kind(rec) == kind ? 1 : 0;
  return n;
}

// Files that must import without an error.
inline imp::ImportResult import_files(const std::vector<imp::TextFile>& files) {
  imp::ImportResult r = imp::import_texts(files, en());
  for (const auto& e : r.report)
    if (e.kind == imp::EntryKind::error) FAIL_CHECK(e.pos.str() << ": " << e.message);
  REQUIRE(r.ok());
  return r;
}

// A Deployment (or another workload `kind`) "api" of one container; `container` is the rest of
// its keys (line 15 on).
inline std::string api_deployment(const std::string& container, const std::string& kind = "Deployment") {
  return R"(apiVersion: apps/v1
kind: )" +
         kind + R"(
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/api:1.4.2
)" + container;
}

// The Service "api" in front of api_deployment's pods (port 80 to 8000): seven lines, "---" first.
inline const std::string api_service = R"(---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8000}]
)";

}  // namespace import_test
