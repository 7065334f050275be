#!/usr/bin/env bash
# The fuzz targets (fuzz/, issue #19) under libFuzzer with ASan + UBSan (the "fuzz" preset).
#   scripts/fuzz.sh --list                    the targets
#   scripts/fuzz.sh TARGET SECONDS [ARGS...]  one target for SECONDS; ARGS go to libFuzzer
#   scripts/fuzz.sh all SECONDS [ARGS...]     every target, two at a time, then a
#                                             table of executions and coverage (cov, ft) per target
# Builds build/fuzz when needed (DEPLOYSIM_FUZZ_BUILD overrides). Each run starts from the seeds
# (shipped scenarios and lessons, tests/scenarios/broken, tests/fuzz_regressions/TARGET, and what
# fuzz_seeds makes) plus the corpus earlier runs grew in BUILD/fuzz-work/corpus/TARGET. An input
# that crashes, takes over 1 s (simulate: 3 s, two runs) or needs over 2 GiB is written to
# BUILD/fuzz-work/findings/TARGET/ and the script exits non-zero: fix it and keep the input in
# tests/fuzz_regressions/TARGET/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DEPLOYSIM_FUZZ_BUILD:-$root/build/fuzz}"
work="$build/fuzz-work"

usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The targets, from fuzz/CMakeLists.txt (tls_decode needs DEPLOYSIM_TLS and the import_* ones the
# importer, which the presets have).
targets() {
  sed -n -e 's/^set(_fuzz_targets \(.*\))$/\1/p' -e 's/^ *list(APPEND _fuzz_targets \(.*\))$/\1/p' \
    "$root/fuzz/CMakeLists.txt" | tr ' ' '\n'
}

build_targets() {
  if [ ! -f "$build/build.ninja" ]; then
    cmake --preset fuzz -B "$build" >/dev/null
  fi
  mkdir -p "$work"
  if ! cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target fuzz_all >"$work/build.log" 2>&1; then
    grep -E -A5 'error' "$work/build.log" | head -n 30 >&2
    echo "fuzz.sh: the fuzz build failed (all of it: $work/build.log)" >&2
    exit 1
  fi
}

# Copies files into the seed directory of a target, each under a name that keeps apart files
# of the same name from different places.
add_seeds() {
  local dir="$1"
  shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$dir/$(echo "${f#"$root"/}" | tr '/' '_')"
  done
}

assemble_seeds() {
  local target="$1" dir="$work/seeds/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  shopt -s nullglob
  case "$target" in
    scenario | simulate)
      add_seeds "$dir" "$root"/assets/scenarios/*.toml "$root"/tests/scenarios/broken/*.toml ;;
    lesson)
      add_seeds "$dir" "$root"/assets/lessons/*.toml "$root"/tests/lessons/*/*.toml ;;
    exercise)
      # The first byte: even, an exercise file follows; odd, a learner's settings file
      # (run_exercise; 5 picks memory-fit-workers).
      local f n=0
      for f in "$root"/assets/exercises/*.toml "$root"/tests/exercises/broken/*.toml; do
        { printf '\000'; cat "$f"; } >"$dir/exercise-$n"
        n=$((n + 1))
      done
      ;;
    trace_json | tls_decode)
      # Whole traces of several seconds are large: reading one twice takes over a second under ASan.
      local f
      for f in "$work"/generated/"$target"/*; do
        if [ "$(wc -c <"$f")" -le 32768 ]; then add_seeds "$dir" "$f"; fi
      done
      ;;
    notations)
      # Every duration, size and rate the shipped scenarios write.
      local n=0 v
      while IFS= read -r v; do
        printf '%s' "$v" >"$dir/value-$n"
        n=$((n + 1))
      done < <(grep -ohE '"[-+]?[0-9][0-9.]*[a-zA-Z]*(/[a-z]+)?"' "$root"/assets/scenarios/*.toml | tr -d '"' | sort -u)
      ;;
    import_nginx)
      add_seeds "$dir" "$root"/tests/import/files/nginx/*.conf "$root"/tests/import/files/nginx/broken/*
      # An nginx.conf that includes conf.d/*.conf, NUL, each file as conf.d/site.conf (run_import_nginx).
      local f n=0
      for f in "$root"/tests/import/files/nginx/*.conf; do
        { printf 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n\000'; cat "$f"; } >"$dir/included-$n"
        n=$((n + 1))
      done
      ;;
    import_certbot) add_seeds "$dir" "$root"/tests/import/certbot-*/etc/letsencrypt/renewal/*.conf \
      "$root"/tests/import/certbot-*/etc/letsencrypt/renewal-hooks/*/* "$root"/tests/import/certbot-broken/renewal/* ;;
    import_caddy) add_seeds "$dir" "$root"/tests/import/files/caddy/Caddyfile "$root"/tests/import/files/caddy/broken/* ;;
    import_systemd) add_seeds "$dir" "$root"/tests/import/files/systemd/*.service "$root"/tests/import/files/systemd/broken/* \
      "$root"/tests/import/*/*/*.service.d/*.conf ;;
    import_yaml)
      # The first byte picks the file name (run_import_yaml): 0 docker-compose.yml, 1 a manifest,
      # 4 a Compose file and its override, NUL between them.
      local f n=0
      for f in "$root"/tests/import/*/docker-compose.yml "$root"/tests/import/k8s/*.yaml; do
        case "$f" in */k8s/*) printf '\001' ;; *) printf '\000' ;; esac >"$dir/yaml-$n"
        cat "$f" >>"$dir/yaml-$n"
        n=$((n + 1))
      done
      # 0xF0: a Compose file and the traefik.yml its Traefik container mounts (0xF1: traefik.toml);
      # tests/fuzz_regressions/import_yaml/traefik-static-* are two.
      # 0xD0: a Dockerfile under a fixed Compose file that builds it (0xD1: after a Compose file).
      # tests/fuzz_regressions/import_yaml/dockerfile-* are more.
      { printf '\320'; cat "$root/assets/import-example/Dockerfile"; } >"$dir/yaml-$n"
      n=$((n + 1))
      for f in "$root"/tests/import/*/compose.override.yml; do
        { printf '\004'; cat "$(dirname "$f")/compose.yaml"; printf '\000'; cat "$f"; } >"$dir/yaml-$n"
        n=$((n + 1))
      done
      ;;
  esac
  add_seeds "$dir" "$root"/tests/fuzz_regressions/"$target"/*
  shopt -u nullglob
}

generate_seeds() {
  # Seeds no shipped file gives (trace JSON, TLS messages): made once per build of fuzz_seeds.
  if [ ! -f "$work/generated/.done" ] || [ "$build/fuzz/fuzz_seeds" -nt "$work/generated/.done" ]; then
    rm -rf "$work/generated"
    mkdir -p "$work/generated"
    "$build/fuzz/fuzz_seeds" "$work/generated" >/dev/null
    touch "$work/generated/.done"
  fi
}

dict_of() {
  case "$1" in
    simulate) echo "$root/fuzz/dict/scenario.dict" ;;
    *) [ -f "$root/fuzz/dict/$1.dict" ] && echo "$root/fuzz/dict/$1.dict" ;;
  esac
  return 0
}

# The last status line's numbers: "TARGET executions exec/s cov ft corpus".
summary_of() {
  local target="$1" log="$work/logs/$1.log"
  local line execs
  line="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  printf '%-11s %11s %8s %6s %7s %8s\n' "$target" "${execs:-?}" \
    "$(echo "$line" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')" \
    "$(echo "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')" \
    "$(echo "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')" \
    "$(echo "$line" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')"
}

run_one() {
  local target="$1" seconds="$2"
  shift 2
  local exe="$build/fuzz/fuzz_$target"
  [ -x "$exe" ] || { echo "fuzz.sh: no fuzz target '$target' (scripts/fuzz.sh --list)" >&2; return 2; }
  assemble_seeds "$target"
  mkdir -p "$work/corpus/$target" "$work/findings/$target" "$work/logs"
  local dict args=()
  dict="$(dict_of "$target")"
  [ -n "$dict" ] && args+=("-dict=$dict")
  # -timeout: a hang is an input that takes over 1 s. simulate runs an input twice for a simulated
  # minute, at most fuzz_entry.hpp's simulate_max_events events each: the shipped loaded-workers.toml
  # (its whole minute, about 24,500 events a run) takes 0.2 s on an idle core under ASan, the
  # slowest input of a 10-minute corpus 0.35 s (sim/CMakeLists.txt keeps comparison tracing out of
  # the trace store and the event queue).
  local timeout=1
  local rc=0
  # -rss_limit_mb: over 2 GiB is out of memory.
  # Leaks are findings too (ASan's leak check runs at each input that grew memory). An allocation
  # beyond ASan's maximum throws std::bad_alloc (allocator_may_return_null), so that libFuzzer
  # writes the input out as it does for any crash.
  (cd "$work/findings/$target" &&
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}" \
      "$exe" "$work/corpus/$target" "$work/seeds/$target" -max_total_time="$seconds" -timeout="$timeout" \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/findings/$target/" "${args[@]}" "$@") \
    >"$work/logs/$target.log" 2>&1 || rc=$?
  local findings
  # crash-, timeout-, oom- and leak- files; not slow-unit- (a report at -report_slow_units, 10 s,
  # which a busy machine reaches too: -timeout is what decides a hang).
  findings="$(find "$work/findings/$target" -type f ! -name 'slow-unit-*' -newer "$work/logs/.start-$target" \
    2>/dev/null | wc -l)"
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    echo "fuzz_$target: FINDING (exit $rc): see $work/logs/$target.log and $work/findings/$target/" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant|.*runtime error)' "$work/logs/$target.log" | head -n 5 >&2 || true
    return 1
  fi
  return 0
}

[ $# -ge 1 ] || usage
case "$1" in
  --list)
    targets
    exit 0
    ;;
  -h | --help) usage ;;
esac
[ $# -ge 2 ] || usage
target="$1"
seconds="$2"
shift 2
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  build_targets
  generate_seeds
fi
mkdir -p "$work/logs"
if [ "$target" != all ]; then
  touch "$work/logs/.start-$target"
  run_one "$target" "$seconds" "$@"
  rc=$?
  summary_of "$target"
  exit $rc
fi

# Every target, two at a time (2 cores): each a child of this script without rebuilding.
in_all() { targets; }
status=0
FUZZ_NO_BUILD=1 xargs -P 2 -I{} "${BASH_SOURCE[0]}" {} "$seconds" "$@" < <(in_all) >/dev/null || status=1
printf '%-11s %11s %8s %6s %7s %8s\n' target executions exec/s cov ft corpus
while read -r t; do summary_of "$t"; done < <(in_all)
for t in $(in_all); do
  if grep -qE '^(==[0-9]+==ERROR|SUMMARY: |fuzz invariant)' "$work/logs/$t.log"; then
    echo "fuzz_$t: FINDING: see $work/logs/$t.log and $work/findings/$t/" >&2
    status=1
  fi
done
exit $status
