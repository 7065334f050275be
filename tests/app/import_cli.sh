#!/usr/bin/env bash
# `deploysim import`: a folder of Kubernetes manifests becomes a scenario file that `check`
# accepts and `run` simulates; the report goes to stdout with -o (to stderr without); bad input
# exits 2 with the located error on stderr and nothing on stdout.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
k8s="$src/tests/import/k8s"

if ! "$bin" --lang en import "$k8s" -o "$tmp/out.toml" >"$tmp/report" 2>"$tmp/err"; then
  echo "FAIL: import of $k8s: $(cat "$tmp/err")"
  fail=1
fi
grep -q "^Mapped:$" "$tmp/report" || { echo "FAIL: no Mapped section: $(cat "$tmp/report")"; fail=1; }
grep -q "^  $k8s/api.yaml:9: spec.replicas -> hosts = 3$" "$tmp/report" ||
  { echo "FAIL: replicas not reported with file:line"; fail=1; }
grep -q "^  $k8s/ingress.yaml:49: renewBefore: " "$tmp/report" || { echo "FAIL: renewBefore not reported as ignored"; fail=1; }
grep -q "^Wrote $tmp/out.toml$" "$tmp/report" || { echo "FAIL: no 'Wrote' line"; fail=1; }
grep -q "^workers = 2  # from $k8s/api.yaml:34$" "$tmp/out.toml" || { echo "FAIL: no provenance comment"; fail=1; }

if ! out="$("$bin" check "$tmp/out.toml" 2>&1)" || [[ "$out" != "$tmp/out.toml: ok (1 client, 1 service, 4 hosts, "* ]]; then
  echo "FAIL: check of the imported scenario: $out"
  fail=1
fi
if ! "$bin" run "$tmp/out.toml" --summary >"$tmp/run" 2>&1; then
  echo "FAIL: run of the imported scenario: $(tail -5 "$tmp/run")"
  fail=1
fi
grep -q "availability  *100.00 %" "$tmp/run" || { echo "FAIL: imported scenario did not serve every request: $(head -8 "$tmp/run")"; fail=1; }

# Without -o: the scenario on stdout (it checks the same), the report on stderr.
"$bin" --lang en import "$k8s" >"$tmp/stdout.toml" 2>"$tmp/stderr"
cmp -s "$tmp/stdout.toml" "$tmp/out.toml" || { echo "FAIL: stdout scenario differs from the -o file"; fail=1; }
grep -q "^Mapped:$" "$tmp/stderr" || { echo "FAIL: no report on stderr"; fail=1; }

# Bad input: exit 2, the located error on stderr, nothing on stdout.
bad="$src/tests/import/broken/bad-yaml/docker-compose.yml"
"$bin" --lang en import "$bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 || "$(cat "$tmp/err")" != "$bad:7:6: YAML syntax error: end of map not found" || -s "$tmp/out" ]]; then
  echo "FAIL: YAML syntax error: rc=$rc err=$(cat "$tmp/err") out=$(cat "$tmp/out")"
  fail=1
fi
notes="$src/tests/import/broken/notes.txt"
"$bin" --lang en import "$notes" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 ]] || ! grep -q "^$notes: not a docker-compose file" "$tmp/err"; then
  echo "FAIL: unknown file kind: rc=$rc err=$(cat "$tmp/err")"
  fail=1
fi

# Nothing to simulate: the error, and the report of what each file was and why it was left out.
ingress="$src/tests/import/k8s/ingress.yaml"
"$bin" --lang en import "$ingress" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 ]] || ! grep -q "^$ingress: nothing to simulate" "$tmp/err" ||
  ! grep -q "^  $ingress (kubernetes)$" "$tmp/err" || [[ -s "$tmp/out" ]]; then
  echo "FAIL: nothing to simulate: rc=$rc err=$(cat "$tmp/err")"
  fail=1
fi

# -f as docker compose takes it: the files merged in that order, one file each time (a path after
# -f stays a path); PATH may then be left out, but not both.
cf="$src/tests/import/compose-files"
if ! "$bin" --lang en import -f "$cf/compose.yml" -f "$cf/compose.prod.yml" -o "$tmp/f.toml" >"$tmp/report" 2>"$tmp/err"; then
  echo "FAIL: import -f: $(cat "$tmp/err")"
  fail=1
fi
grep -q "^  $cf/compose.prod.yml:10: restart -> supervisor.restart = \"always\"$" "$tmp/report" ||
  { echo "FAIL: -f: the later file's restart not mapped at its line: $(cat "$tmp/report")"; fail=1; }
"$bin" --lang en import -f "$cf/compose.yml" "$cf/compose.prod.yml" -o "$tmp/g.toml" >"$tmp/report" 2>"$tmp/err"
grep -q "^  $cf/compose.prod.yml: not read: docker compose reads only the Compose files -f names" "$tmp/report" ||
  { echo "FAIL: a path after -f: $(cat "$tmp/report" "$tmp/err")"; fail=1; }
"$bin" --lang en import >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -eq 0 ]] || ! grep -q "^nothing to import: give files or folders, or Compose files with -f$" "$tmp/err"; then
  echo "FAIL: import without PATH or -f: rc=$rc err=$(cat "$tmp/err")"
  fail=1
fi

[[ $fail -eq 0 ]] && echo "import_cli: all good"
exit $fail
