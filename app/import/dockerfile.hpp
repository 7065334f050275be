#pragma once
// A Dockerfile as docker build reads it, for what the image it builds runs: its HEALTHCHECK
// (Dockerfile reference, "HEALTHCHECK"), its CMD and ENTRYPOINT, and its ENV (with the ARGs it
// takes). A Compose service with `build:` runs that image, so its container has the check unless
// the Compose file's `healthcheck:` changes or disables it, runs its command unless `command:` or
// `entrypoint:` replace it, and starts with its ENV under `environment:`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "import/source_pos.hpp"

namespace deploysim::import {

/// One HEALTHCHECK instruction, with Docker's defaults for the options it leaves out.
struct DockerHealthcheck {
  SourcePos pos;        ///< Where the instruction starts.
  std::string written;  ///< "HEALTHCHECK --interval=10s CMD curl -f http://localhost:8000/health" (one line).
  bool none = false;    ///< `HEALTHCHECK NONE`: no check, not even the base image's.
  uint64_t interval_ms = 30000;
  uint64_t timeout_ms = 30000;
  uint64_t start_period_ms = 0;
  int retries = 3;
  std::string stage;  ///< The build stage it is in ("" for an unnamed one).
};

/// A CMD or ENTRYPOINT instruction as Docker runs it: the exec form's words as written, the shell
/// form's text after the stage's SHELL (["/bin/sh", "-c"] by default; Dockerfile reference,
/// "Shell and exec form").
struct DockerCommand {
  SourcePos pos;                  ///< Where the instruction starts.
  std::string written;            ///< "CMD uvicorn app.main:app --port 8000" (one line).
  std::vector<std::string> argv;  ///< {"/bin/sh", "-c", "uvicorn app.main:app --port 8000"}.
};

/// An instruction as the report quotes it: where it starts and its text on one line.
struct DockerLine {
  SourcePos pos;
  std::string written;  ///< "EXPOSE 8000", "ENV WEB_CONCURRENCY=${WORKERS} PORT=8000".
};

/// An ARG whose value an ENV took: where that value came from.
struct DockerArgUse {
  enum class From { default_value, build_arg, empty } from = From::empty;
  std::string name, value;
  SourcePos pos;  ///< The ARG instruction (its default's line; for a build argument, the ARG it fills).
};

/// A variable of the image's environment (Dockerfile reference, "ENV"), its value as docker build
/// replaces the variables in it ("Environment replacement": earlier ENV and the stage's ARG).
struct DockerEnvVar {
  std::string value;
  DockerLine line;                 ///< The ENV instruction that set it last.
  std::vector<DockerArgUse> args;  ///< The ARGs its value took, also through an earlier ENV.
};

/// The HEALTHCHECKs of a Dockerfile: the one of the image built, and the others with why each is not.
struct DockerfileHealth {
  /// The check the image built carries: the last HEALTHCHECK of the stage built (the `target`
  /// stage, else the last), or of a stage of the file it is built FROM; none when no HEALTHCHECK
  /// gives one (the base image's own check, if it has one, is not known).
  std::optional<DockerHealthcheck> effective;
  /// HEALTHCHECKs that do not reach the image: one a later one replaces ("only the last
  /// HEALTHCHECK will take effect"), or one in a stage the image is not built from.
  std::vector<DockerHealthcheck> unused;
  /// The stage built, as named in the file ("" when it has no name); whether `target` was found.
  std::string stage;
  bool target_found = true;
  /// The stages' names, in order ("" for an unnamed one).
  std::vector<std::string> stages;
  /// The CMD and ENTRYPOINT of the image built: the stage's own or those of the stage it is built
  /// FROM (an image from a registry: not known). An ENTRYPOINT clears a CMD the stage did not set
  /// before it ("If CMD is defined from the base image, setting ENTRYPOINT will reset CMD").
  std::optional<DockerCommand> cmd, entrypoint;
  /// The image's environment: the ENV of the stage built and of the stages it is built FROM (the
  /// base image's own, from a registry, is not known).
  std::map<std::string, DockerEnvVar> env;
  /// The ENV instructions of those stages, in order, and those of the file's other stages.
  std::vector<DockerLine> env_lines, env_other_stages;
  /// Every EXPOSE instruction of the file.
  std::vector<DockerLine> exposes;
  /// The ARGs the build declares (before the first FROM, in the stage built and the stages it is
  /// built FROM): name -> its first ARG instruction; a build argument no ARG declares is unused.
  std::map<std::string, SourcePos> arg_lines;
};

/// Reads the Dockerfile's text (`file` names it in positions): parser directives (`# escape=`),
/// line continuations, comments, stages (`FROM ... AS name`), HEALTHCHECK and its options, CMD,
/// ENTRYPOINT and SHELL (exec form as JSON; anything else the shell form, as Docker reads it),
/// ARG and ENV (with `build_args`, Compose's `build.args`, over the ARGs' defaults) and EXPOSE.
DockerfileHealth read_dockerfile_health(std::string_view text, const std::string& file, const std::string& target,
                                        const std::map<std::string, std::string>& build_args = {});

}  // namespace deploysim::import
