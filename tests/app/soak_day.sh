#!/usr/bin/env bash
# The soak scenario's first day through the command line (the full year is scripts/soak.sh and
# bench/bench_soak): the four replicas keep the service available while one of them crashes
# about every hour and Docker restarts it, and Caddy renews the certificate that starts with 15
# days left. Not timed: speed is measured by the benchmark.
set -euo pipefail
bin="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/err" "$tmp/summary"; exit 1; }
"$bin" run "$src/tests/scenarios/soak-year.toml" --until 1d --trace-level none --summary \
  --metrics-json "$tmp/m.json" > "$tmp/summary" 2> "$tmp/err" || fail "run failed"
grep -q "restarts" "$tmp/summary" || fail "no lifecycle in the summary"
python3 - "$tmp/m.json" <<'PY' || fail "metrics"
import json, sys
m = json.load(open(sys.argv[1]))
def need(ok, what):
    if not ok:
        print("FAIL:", what)
        sys.exit(1)
req, ok = m["requests"], m["succeeded"]
# 20 requests/s for a day: 1,728,000, Poisson.
need(1_700_000 < req < 1_760_000, f"requests {req}")
need(ok / req > 0.995, f"availability {ok / req:.5f}")
need(ok < req, "a crash costs some requests")
# About 24 crashes, each restarted by Docker.
need(12 <= m["restarts"] <= 48, f"restarts {m['restarts']}")
days = {d: series[-1]["value"] for d, series in m["cert_days_left"].items()}
need(days.get("www.example.test", 0) > 80, f"www renewed (days left at the end {days})")
need(58 < days.get("api.example.test", 0) < 61, f"api not due yet {days}")
PY
echo "soak_day: ok"
