#!/usr/bin/env bash
# The shipped example of lesson 12: assets/scenarios/imported-example.toml is what
# `deploysim import assets/import-example` writes, followed by hand-written what-ifs below a marker
# line. Re-importing must give the imported part byte for byte (so the scenario cannot drift from
# the importer, whose name_ko and description_ko included), and the whole file must load,
# validate and simulate in every variant.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
shipped="$src/assets/scenarios/imported-example.toml"
marker='# ---- Added by hand below this line'

# Relative paths, as the lesson shows them: the provenance comments name assets/import-example/...
if ! (cd "$src" && "$bin" --lang en import assets/import-example -o "$tmp/imported.toml") >"$tmp/report" 2>"$tmp/err"; then
  echo "FAIL: import of assets/import-example: $(cat "$tmp/err")"
  fail=1
fi
if [ "$(grep -c "^$marker" "$shipped")" != 1 ]; then
  echo "FAIL: $shipped needs exactly one line starting with '$marker'"
  fail=1
fi
# The part above the marker, without the one blank line that separates it from the marker.
awk -v m="$marker" 'index($0, m) == 1 { exit } { print }' "$shipped" | sed '$ { /^$/d }' >"$tmp/head.toml"
if ! diff -u "$tmp/imported.toml" "$tmp/head.toml" >"$tmp/diff"; then
  echo "FAIL: the imported part of $shipped is not what the importer writes now (re-import and keep the part below the marker):"
  head -40 "$tmp/diff"
  fail=1
fi
# The report the lesson reads: what was assumed and what is not modelled, each at file:line.
for want in "^Assumed " "^Ignored " \
  "^  assets/import-example/deploy/k8s/api.yaml:24: initContainers -> pre_start.mode = \"per-replica\"$" \
  "^  assets/import-example/deploy/k8s/api.yaml:[0-9]*: rollout = \"rolling\": " \
  "^  assets/import-example/Dockerfile: a Dockerfile: deploysim reads one only for a Compose service whose build: names it"; do
  grep -q "$want" "$tmp/report" || { echo "FAIL: the import report has no line matching '$want'"; fail=1; }
done

if ! out="$("$bin" --lang en check "$shipped" 2>&1)" || [[ "$out" != *": ok (1 client, 1 service, 5 hosts, "*"2 variants)" ]]; then
  echo "FAIL: check of $shipped: $out"
  fail=1
fi
# Base run: the team's deployment as imported answers every request.
if ! "$bin" --lang en run "$shipped" --summary >"$tmp/base" 2>&1; then
  echo "FAIL: run of $shipped: $(tail -5 "$tmp/base")"
  fail=1
fi
grep -q "availability *100.00 %" "$tmp/base" || { echo "FAIL: the imported deployment does not answer every request"; fail=1; }
# The release: two new pods run the init container's migration together and one fails.
if ! "$bin" --lang en run "$shipped" --variant "the next release at 1 min" --metrics-json "$tmp/release.json" \
  --trace-json "$tmp/release-trace.json" >/dev/null 2>"$tmp/err"; then
  echo "FAIL: run of the release variant: $(cat "$tmp/err")"
  fail=1
fi
grep -q '"kind": *"deploy.pre_start_failed"' "$tmp/release-trace.json" ||
  { echo "FAIL: the release variant shows no failed migration"; fail=1; }
grep -q '"kind": *"deploy.rollout_done"' "$tmp/release-trace.json" ||
  { echo "FAIL: the release variant's rollout does not finish"; fail=1; }
# Memory: four workers of 300 MiB outgrow the 1Gi limit.
if ! "$bin" --lang en run "$shipped" --variant "each worker really needs 300 MiB" --trace-json "$tmp/mem.json" \
  >/dev/null 2>"$tmp/err"; then
  echo "FAIL: run of the memory variant: $(cat "$tmp/err")"
  fail=1
fi
grep -q '"kind": *"memory.limit_kill"' "$tmp/mem.json" || { echo "FAIL: the memory variant kills nothing"; fail=1; }

[ "$fail" = 0 ] && echo "import_example: ok"
exit "$fail"
