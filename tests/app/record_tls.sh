#!/usr/bin/env bash
# `deploysim record-tls`: the pack the browser build shows real handshakes from holds, exactly, the
# TLS configuration of every ClientHello of every shipped scenario's base run, as the trace JSON
# spells it (read here independently of the C++ reader); each of its transcripts starts with a
# ClientHello; the command is hidden from the help.
set -euo pipefail
bin="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

out="$("$bin" record-tls --out "$tmp/pack.json")"
echo "$out"
# scripts/test.sh keeps the pack for the browser build, which would otherwise record it again.
if [ -n "${DEPLOYSIM_KEEP_RECORDED_TLS:-}" ]; then cp "$tmp/pack.json" "$DEPLOYSIM_KEEP_RECORDED_TLS"; fi
grep -qE "^record-tls: [0-9]+ TLS configurations" <<<"$out"
if "$bin" --help | grep -q "record-tls"; then
  echo "FAIL: record-tls is listed in the help"
  exit 1
fi
if "$bin" record-tls 2>/dev/null; then
  echo "FAIL: record-tls without --out succeeded"
  exit 1
fi

for f in "$src"/assets/scenarios/*.toml; do
  "$bin" run "$f" --trace-json "$tmp/$(basename "$f" .toml).trace.json" >/dev/null
done

python3 - "$tmp" <<'EOF'
import glob, json, sys

tmp = sys.argv[1]
pack = json.load(open(f"{tmp}/pack.json"))
assert pack["format"] == 1, pack["format"]
assert pack["openssl"].startswith("OpenSSL "), pack["openssl"]
keys = set()
for entry in pack["transcripts"]:
    keys.add(json.dumps(entry["key"], sort_keys=True))
    first = entry["transcript"]["capture"]["messages"][0]
    assert (first["dir"], first["content_type"], first["handshake_type"]) == ("C->S", 22, 1), first
    assert first["bytes"].startswith("01"), first["bytes"][:8]
assert len(keys) == len(pack["transcripts"]), "a key recorded twice"

def comma_list(s):
    return s.split(",") if s else []

def bits(versions):
    return (1 if "1.2" in versions else 0) | (2 if "1.3" in versions else 0)

def key_of(d):  # the key of a tls.client_hello record's details, as the pack spells it
    t, nb, na = d.get("check_time_unix", 0), d.get("not_before_unix", 0), d.get("not_after_unix", 0)
    auth = (d.get("client_auth") or "off,none,no-ocsp").split(",")  # mutual TLS and stapling
    return json.dumps({
        "sni": d.get("sni", ""), "verify_host": d.get("verify_host", ""),
        "offered_versions": bits(d.get("versions", "")), "accepted_versions": bits(d.get("server_versions", "")),
        "alpn_offered": comma_list(d.get("alpn", "")), "alpn_supported": comma_list(d.get("server_alpn", "")),
        "has_certificate": bool(d.get("has_certificate", 0)), "cert_domain": d.get("cert_domain", ""),
        "cert_alt_names": comma_list(d.get("cert_alt_names", "")),
        "cert_issuer": d.get("cert_issuer") or "letsencrypt", "not_before_unix": nb, "not_after_unix": na,
        "time_span": -1 if t < nb else (1 if t >= na else 0), "strict_sni": bool(d.get("strict_sni", 0)),
        "preset": d.get("preset", ""),
        "verify_clients": auth[0], "client_certificate": auth[1],
        "ocsp_stapling": auth[2].startswith("ocsp"), "cert_revoked": auth[2] == "ocsp-revoked",
        # groups, a session ticket and 0-RTT: written only when not the default (resumption.cpp)
        "client_groups": comma_list(d.get("groups", "")) or ["x25519", "p256"],
        "server_groups": comma_list(d.get("server_groups", "")) or ["x25519", "p256", "p384"],
        "ticket": d.get("ticket") or "none", "early_data": bool(d.get("early_data", 0)),
        "server_early_data": bool(d.get("server_early_data", 0)),
    }, sort_keys=True)

hellos = missing = 0
scenarios = 0
for path in sorted(glob.glob(f"{tmp}/*.trace.json")):
    trace = json.load(open(path))
    found = [r for r in trace["records"] if r["kind"] == "tls.client_hello"]
    scenarios += bool(found)
    for r in found:
        hellos += 1
        if key_of(r["detail"]) not in keys:
            missing += 1
            print(f"FAIL: {path.split('/')[-1]} record {r['seq']}: no recorded transcript for {key_of(r['detail'])}")
assert hellos > 100, hellos
print(f"record_tls: {hellos} ClientHellos in {scenarios} scenarios, {len(keys)} recorded configurations")
sys.exit(1 if missing else 0)
EOF
echo "record_tls: ok"
