#pragma once
// `deploysim import`: a team's own deployment files (docker-compose, Kubernetes manifests,
// systemd units, nginx and Caddy configs) turned into a scenario, with a report of what was
// mapped, what was assumed, and what deploysim does not model (docs/import.md).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/messages.hpp"
#include "import/source_pos.hpp"

namespace deploysim::import {

/// What an imported file is.
/// systemd_dropin: NAME.service.d/*.conf, read over the unit NAME.service. traefik: Traefik's static
/// configuration file (traefik.yml, .yaml, .toml), read when a Traefik container of a Compose file mounts it.
/// traefik_dynamic: Traefik's dynamic configuration (the file provider's routers and services), read
/// with the Traefik container whose file provider names it. dockerfile: a Dockerfile a Compose service's
/// `build:` names, read for the image's HEALTHCHECK (a Dockerfile no build names is of no kind).
/// certbot: certbot's renewal configuration (renewal/NAME.conf) or a script of its renewal-hooks/.
enum class FileKind {
  compose,
  kubernetes,
  systemd,
  systemd_dropin,
  nginx,
  caddy,
  dotenv,
  traefik,
  traefik_dynamic,
  dockerfile,
  certbot,
  unknown
};

/// The kind's name as the report prints it ("compose", "kubernetes", ...).
const char* kind_name(FileKind kind);

/// How a report entry came about.
enum class EntryKind {
  mapped,   ///< A value of the files became a scenario value.
  assumed,  ///< The files are silent: deploysim picked a default (said as such).
  ignored,  ///< In the files, but deploysim does not model it.
  error,    ///< Bad input: the import fails.
};

/// One line of the report: what, where, and why (in the language of the words given).
struct ReportEntry {
  EntryKind kind = EntryKind::mapped;
  SourcePos pos;
  std::string message;
};

/// A file that was read, and what it was taken for.
struct ImportedFile {
  std::string path;  ///< As the report names it.
  FileKind kind = FileKind::unknown;
};

/// The scenario made from the files, and the report.
struct ImportResult {
  std::string scenario_text;        ///< A scenario file (empty when an error stopped the import).
  std::vector<ReportEntry> report;  ///< Every entry, in the order found.
  std::vector<ImportedFile> files;  ///< Every file looked at.
  /// No error entry (the scenario text is then set).
  bool ok() const;
};

/// Reads the files (a folder is walked, each file's kind recognised by name and content) and
/// makes one scenario of them. Report texts and the scenario's comments are in `words`' language.
/// `compose_files`: Compose files as `docker compose -f` takes them, merged in that order (the
/// first is the base; the .env beside it is read too).
ImportResult import_paths(const std::vector<std::filesystem::path>& paths, const Messages& words,
                          const std::vector<std::filesystem::path>& compose_files = {});

/// A file already read: its name (as the report names it; its kind is also told by it) and text.
struct TextFile {
  std::string name;   ///< Path or name, e.g. "deploy/docker-compose.yml".
  std::string text;   ///< Its contents.
  bool given = true;  ///< Named by the user (an unknown kind is an error) or found in a folder (ignored).
};

/// The same as import_paths, from texts already read (tests, fuzzing, the browser);
/// `compose_files` names some of them, as -f would.
ImportResult import_texts(const std::vector<TextFile>& files, const Messages& words,
                          const std::vector<std::string>& compose_files = {});

/// The kind of a file from its name and text (a YAML file is told by its content).
FileKind detect_kind(const std::filesystem::path& path, std::string_view text);

/// The report as the CLI prints it: errors first, then mapped, assumed and ignored, each line
/// `file:line: message`.
std::string format_report(const ImportResult& result, const Messages& words);

}  // namespace deploysim::import
