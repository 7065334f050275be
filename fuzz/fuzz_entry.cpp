#include "fuzz_entry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "deploysim/messages.hpp"

namespace deploysim::fuzz {

namespace {

constexpr Target all[] = {
    {"scenario", run_scenario, init_scenario},
    {"lesson", run_lesson, init_lesson},
    {"exercise", run_exercise, init_exercise},
    {"settings", run_settings},
    {"trace_json", run_trace_json},
#if DEPLOYSIM_FUZZ_TLS
    {"tls_decode", run_tls_decode},
#endif
    {"set_param", run_set_param, init_set_param},
    {"notations", run_notations},
    {"simulate", run_simulate},
#if DEPLOYSIM_FUZZ_IMPORT
    {"import_nginx", run_import_nginx, init_import},
    {"import_caddy", run_import_caddy, init_import},
    {"import_systemd", run_import_systemd, init_import},
    {"import_yaml", run_import_yaml, init_import},
    {"import_certbot", run_import_certbot, init_import},
#endif
};

}  // namespace

std::span<const Target> targets() { return all; }

const Target* find_target(std::string_view name) {
  const auto it = std::find_if(std::begin(all), std::end(all), [&](const Target& t) { return t.name == name; });
  return it == std::end(all) ? nullptr : &*it;
}

void warm_up(std::string_view name) {
  if (const Target* t = find_target(name); t && t->init) t->init();
}

const Messages& shipped_messages(std::string_view lang) {
  static std::map<std::string, Messages, std::less<>> loaded;
  if (const auto it = loaded.find(lang); it != loaded.end()) return it->second;
  std::string error;
  auto m = Messages::load(std::string(lang), &error);
  require(m.has_value(), "a shipped catalogue loads");
  return loaded.emplace(std::string(lang), std::move(*m)).first->second;
}

void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace deploysim::fuzz
