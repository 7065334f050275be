// `deploysim observe FILE`: what an observer on the network path sees of one connection, with
// and without ECH and DNS over HTTPS (sim/include/deploysim/observer.hpp), as text.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/columns.hpp"
#include "deploysim/observer.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

namespace {

struct ObserveOptions {
  std::string file;
  std::string client;
  std::string variant;
  std::string lang = "en";
};

int observe_command(const ObserveOptions& o, const Messages& words) {
  LoadResult loaded = load_scenario_file(o.file);
  if (loaded.error) {
    std::fprintf(stderr, "%s\n", loaded.error->to_string(words).c_str());
    return 2;
  }
  if (!o.variant.empty()) {
    loaded = apply_variant(*loaded.scenario, o.variant);
    if (loaded.error) {
      std::fprintf(stderr, "%s\n", loaded.error->to_string(words).c_str());
      return 2;
    }
  }
  const Scenario& sc = *loaded.scenario;
  if (!o.client.empty() &&
      std::none_of(sc.clients.begin(), sc.clients.end(), [&](const ClientSpec& c) { return c.name == o.client; })) {
    std::string names;
    for (const ClientSpec& c : sc.clients) names += (names.empty() ? "" : ", ") + c.name;
    std::fprintf(stderr, "%s\n", words.format("observer.no_client", o.client, names).c_str());
    return 2;
  }
  const Run run = simulate(sc);
  const ConnId conn = observer_connection(run.trace, o.client);
  const auto view = observe(sc, run.trace, conn);
  if (!view) {
    std::fprintf(stderr, "%s\n",
                 words.format("observer.no_connection", o.client.empty() ? sc.info.name : o.client).c_str());
    return 1;
  }
  std::string out = words.format("observer.cli_title", sc.info.tr.pick("name", sc.info.name, words.lang()),
                                 view->client, raw(view->conn)) +
                    "\n\n";
  size_t label_w = 0, seen_w = 0;
  for (size_t c = 0; c < 4; ++c) label_w = std::max(label_w, columns_of(words(observer_column_key(c))) + 2);
  for (Seen s : {Seen::clear, Seen::hidden, Seen::none})
    seen_w = std::max(seen_w, columns_of(words(observer_seen_key(s))));
  for (size_t row = 0; row < observer_row_count; ++row) {
    out += words(observer_row_key(static_cast<ObserverRow>(row))) + "\n";
    for (size_t c = 0; c < 4; ++c) {
      const ObserverColumn& col = view->columns[c];
      const ObserverCell& cell = col.rows[row];
      const std::string label = words(observer_column_key(c)) + (col.actual ? " *" : "");
      out += fmt::format("  {} {}  {}\n", pad_columns(label, label_w),
                         pad_columns(words(observer_seen_key(cell.seen)), seen_w), observer_text(cell, words));
    }
  }
  out += "\n";
  for (size_t c = 0; c < 4; ++c)
    out += fmt::format("{} {}\n", pad_columns(words(observer_column_key(c)) + ":", label_w + 1),
                       words(ech_status_key(view->columns[c].ech_status)));
  out += "\n" + words("observer.cli_this_run") + "\n" + words("observer.lesson") + "\n" + words("observer.modelled") +
         "\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

void register_observe_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ObserveOptions>();
  CLI::App* cmd = app.add_subcommand("observe", ctx.words("cli_help.observe"));
  cmd->add_option("file", opts->file, ctx.words("cli_help.run_file"))->required();
  cmd->add_option("--client", opts->client, ctx.words("cli_help.observe_client"));
  cmd->add_option("--variant", opts->variant, ctx.words("cli_help.run_variant"));
  opts->lang = ctx.words.lang();
  cmd->add_option("--lang", opts->lang, ctx.words("cli_help.observe_lang"))
      ->check(CLI::IsMember(Messages::languages()));
  cmd->callback([opts, &ctx] { ctx.exit_code = observe_command(*opts, ctx.words); });
}

}  // namespace deploysim::cli
