#!/usr/bin/env bash
# `deploysim serve` with real clients: openssl s_client resumes a saved session (TLS 1.3 ticket and
# TLS 1.2 session ticket) and not after serve restarted (new ticket keys); with --early-data it
# sends its request as 0-RTT data, which the proxy forwards with Early-Data: 1, and the same ticket
# cannot carry 0-RTT twice (single-use); with --require-client-cert a client without a certificate
# is refused with alert 116 and one with the exported certificate gets 200 (s_client and curl);
# the scenario's own [proxy] early_data and verify_clients = "optional" do the same without flags;
# its [proxy] groups = ["p256"] sends s_client's X25519 key share a HelloRetryRequest, and serve
# says that its one process stands for the scenario's `instances`; a client that closes before
# sending a request keeps a ticket that resumes, with early data on (second-visit.toml).
# mutual-tls.toml staples an OCSP response that s_client -status reads. Every client verifies the
# proxy's certificate against the exported CA.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/serve_control.bash"
bin=$(realpath "$1")
src=$(realpath "$2")
scenario="$src/assets/scenarios/one-ip-two-domains.toml"
host=api.example.test
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
fail=0
check() {  # check DESCRIPTION COMMAND...: runs the command, reports a failure
  local what=$1
  shift
  "$@" || { echo "FAIL: $what"; fail=1; }
}

# start SCENARIO LOG ARGS...: serve on a port the kernel picks, read back from its start-up line.
start() {
  local scen=$1 log=$2
  shift 2
  "$bin" serve "$scen" --port 0 --export-ca "$work/ca.pem" "$@" >"$log" 2>&1 &
  pid=$!
  serve_port "$log"
}
stop() { serve_stop; }
# sc ARGS...: openssl s_client to the proxy, verifying its certificate; -ign_eof waits for the
# proxy's answer and close (so the session tickets, sent after the handshake, are read too).
sc() {
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername "$host" -CAfile "$work/ca.pem" \
    -verify_return_error -verify_hostname "$host" -ign_eof "$@" 2>&1
}
printf 'GET /items/1 HTTP/1.1\r\nHost: %s\r\n\r\n' "$host" >req.txt
has() { grep -qF -- "$2" <<<"$1"; }
log_has() { grep -qE -- "$2" "$1"; }

# (a) Resumption: a saved session is offered and accepted; after a restart it is not.
start "$scenario" "$work/a.log"
out=$(sc -sess_out s13.pem <req.txt)
check "first TLS 1.3 connection is new" has "$out" "New, TLSv1.3"
check "first TLS 1.3 connection got an answer" has "$out" "pool=api worker=api/worker-"
out=$(sc -sess_in s13.pem <req.txt)
check "s_client resumes over TLS 1.3" has "$out" "Reused, TLSv1.3"
check "resumed TLS 1.3 connection got an answer" has "$out" "pool=api worker=api/worker-"
out=$(sc -tls1_2 -sess_out s12.pem <req.txt)
check "first TLS 1.2 connection is new" has "$out" "New, TLSv1.2"
out=$(sc -tls1_2 -sess_in s12.pem <req.txt)
check "s_client resumes over TLS 1.2 (session ticket)" has "$out" "Reused, TLSv1.2"
check "serve says the first handshake was full" log_has "$work/a.log" "conn=1 tls.established version=TLS 1.3 .* resumed=no"
check "serve says TLS 1.3 resumed" log_has "$work/a.log" "conn=2 tls.established version=TLS 1.3 .* resumed=yes"
check "serve says TLS 1.2 resumed" log_has "$work/a.log" "conn=4 tls.established version=TLS 1.2 .* resumed=yes"
check "serve lists the TLS 1.2 client's ChangeCipherSpec" log_has "$work/a.log" "conn=3 .*C->S ChangeCipherSpec, C->S Finished"
check "serve announces tickets" log_has "$work/a.log" "tls.resumption tickets=on ticket_key=per-process early_data=off"
stop

# (b) 0-RTT. The restarted proxy has new ticket keys: the old session gives a full handshake.
start "$scenario" "$work/b.log" --early-data
out=$(sc -sess_in s13.pem <req.txt)
check "a ticket from before the restart is not resumed" has "$out" "New, TLSv1.3"
out=$(sc -sess_out e.pem <req.txt)
check "the ticket allows 0-RTT" has "$out" "Max Early Data: 16384"
out=$(sc -sess_in e.pem -early_data req.txt </dev/null)
check "s_client's early data was accepted" has "$out" "Early data was accepted"
check "0-RTT connection resumed" has "$out" "Reused, TLSv1.3"
check "the backend answered the 0-RTT request" has "$out" "HTTP/1.1 200 OK"
check "the backend saw Early-Data: 1" has "$out" "early-data=1"
check "serve forwarded before the handshake completed" \
  log_has "$work/b.log" "conn=3 proxy.forward pool=api .* early-data=1 handshake=incomplete"
check "serve says early_data=accepted" log_has "$work/b.log" "conn=3 tls.established .*resumed=yes early_data=accepted"
# The same ticket again, as a replaying attacker would: OpenSSL's anti-replay made it single-use.
out=$(sc -sess_in e.pem -early_data req.txt <req.txt)
check "a used ticket's early data is rejected" has "$out" "Early data was rejected"
check "after the rejection the request is sent again and answered" has "$out" "pool=api worker=api/worker-"
grep -q "early-data=1" <<<"$out" && { echo "FAIL: a request after the handshake carried Early-Data"; fail=1; }
check "serve says early_data=rejected" log_has "$work/b.log" "conn=4 tls.established .*resumed=no early_data=rejected"
stop

# (c) Client certificates: required, refused without one, accepted with the exported one.
start "$scenario" "$work/c.log" --require-client-cert --export-client-cert "$work/client.pem"
check "client.pem holds a certificate" grep -q "BEGIN CERTIFICATE" client.pem
check "client.pem holds its key" grep -q "PRIVATE KEY" client.pem
check "client.pem is readable by its owner only" test "$(stat -c %a client.pem)" = 600
# No request is sent (stdin is empty), so the proxy has read everything when it refuses and the
# alert arrives intact.
out=$(sc </dev/null)
check "s_client without a certificate gets alert 116" has "$out" "alert number 116"
grep -q "pool=api" <<<"$out" && { echo "FAIL: a client without a certificate got an answer"; fail=1; }
check "serve logs the refusal and its reason" \
  log_has "$work/c.log" 'tls.failed alert=116 \(certificate required\) reason="client sent no certificate'
out=$(sc -cert client.pem -key client.pem <req.txt)
check "s_client with the exported certificate gets 200" has "$out" "HTTP/1.1 200 OK"
check "the backend hears the proxy verified the client" has "$out" "x-client-verify=SUCCESS"
check "serve names the verified client" log_has "$work/c.log" 'tls.established .* client_cert="CN=alice \(client\),O=deploysim'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=mallory" -days 1 \
  -keyout other.key -out other.pem 2>/dev/null
out=$(sc -cert other.pem -key other.key </dev/null)
check "a certificate from another CA gets alert 48" has "$out" "alert number 48"
check "serve logs why it refused that certificate" log_has "$work/c.log" 'tls.failed alert=48 .*reason="client certificate rejected'
url="https://$host:$port/items/1"
if curl -sS --max-time 10 --resolve "$host:$port:127.0.0.1" --cacert "$work/ca.pem" "$url" >/dev/null 2>&1; then
  echo "FAIL: curl without a client certificate got in"; fail=1
fi
body=$(curl -sS --max-time 10 --resolve "$host:$port:127.0.0.1" --cacert "$work/ca.pem" \
  --cert "$work/client.pem" --key "$work/client.pem" "$url")
check "curl --cert/--key gets the backend's answer" has "$body" "pool=api worker=api/worker-"
stop

# (d) The same from the scenario's keys, no flags: nginx with ssl_early_data and
# ssl_verify_client optional. A client without a certificate gets in, and the app is told so
# even when the client claims otherwise.
sed -e 's/^preset = "caddy".*/preset = "nginx"/' \
  -e 's/^renewal = "proxy".*/renewal = "certbot"/' \
  -e 's/^strict_sni = false.*/&\nearly_data = true\nverify_clients = "optional"/' "$scenario" >keys.toml
start "$work/keys.toml" "$work/d.log"
check "serve reads the scenario's keys" log_has "$work/d.log" "early_data=on .*verify_clients=optional"
body=$(curl -sS --max-time 10 --resolve "$host:$port:127.0.0.1" --cacert "$work/ca.pem" \
  -H "X-Client-Verify: SUCCESS" "https://$host:$port/items/1")
check "optional: a client without a certificate gets in" has "$body" "pool=api worker=api/worker-"
check "optional: the app hears NONE, not the client's claim" has "$body" "x-client-verify=NONE"
out=$(sc -sess_out k.pem <req.txt)
out=$(sc -sess_in k.pem -early_data req.txt </dev/null)
check "the scenario's early_data = true accepts 0-RTT" has "$out" "Early data was accepted"
stop

# (e) The scenario's groups: the proxy accepts P-256 only. s_client's key share is for X25519,
# its first group: a HelloRetryRequest (a second ClientHello) and P-256; X25519 alone: alert 40.
sed -e 's/^strict_sni = false.*/&\ngroups = ["p256"]\ninstances = 3/' "$scenario" >groups.toml
start "$work/groups.toml" "$work/e.log"
check "serve says which groups it accepts" log_has "$work/e.log" "tls.groups P-256"
check "serve says its one process stands for the scenario's three instances" \
  log_has "$work/e.log" "tls.instances 1 \(the scenario's proxy has 3 instances"
out=$(sc -groups X25519:P-256 -msg <req.txt)
check "X25519 first: two ClientHellos (HelloRetryRequest)" test "$(grep -c ', ClientHello$' <<<"$out")" -eq 2
check "the handshake ends on P-256" has "$out" "Server Temp Key: ECDH, prime256v1"
check "after the retry the request is answered" has "$out" "pool=api worker=api/worker-"
out=$(sc -groups P-256 -msg <req.txt)
check "P-256 first: one ClientHello" test "$(grep -c ', ClientHello$' <<<"$out")" -eq 1
out=$(sc -groups X25519 </dev/null)
check "no shared group: alert 40" has "$out" "alert number 40"
check "serve logs why" log_has "$work/e.log" "tls.failed alert=40 .*no suitable key share"
stop

# (f) A first connection that sends no request still leaves a ticket that resumes. With early data
# on (second-visit.toml) OpenSSL's anti-replay keeps the tickets in the proxy's session cache;
# s_client with an empty stdin sends close_notify right after the handshake, and a proxy that
# freed the connection without its own close_notify dropped that session (ssl_clear_bad_session):
# the saved ticket then gave "New". No -ign_eof here: the client closes first, as a browser that
# opened a spare connection and never used it would.
start "$src/assets/scenarios/second-visit.toml" "$work/f.log"
check "second-visit.toml serves with early data on" log_has "$work/f.log" "early_data=on"
# stdin stays open for 2 s before its EOF: s_client reads the NewSessionTickets (sent after the
# handshake) meanwhile, then closes with close_notify, having sent nothing.
sc_close() {
  (sleep 2) | timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername "$host" -CAfile "$work/ca.pem" \
    -verify_return_error -verify_hostname "$host" "$@" 2>&1
}
out=$(sc_close -sess_out f.pem)
check "a first connection without a request is new" has "$out" "New, TLSv1.3"
check "s_client saved the session" grep -q "BEGIN SSL SESSION PARAMETERS" f.pem
check "serve logs the client's close before a request" \
  log_has "$work/f.log" 'conn=1 http.failed reason="client closed before a whole request"'
out=$(sc_close -sess_in f.pem)
check "its ticket resumes (the proxy kept the session)" has "$out" "Reused, TLSv1.3"
check "serve says the second connection resumed" log_has "$work/f.log" "conn=2 tls.established .*resumed=yes"
stop

# (g) OCSP stapling from the scenario's keys (mutual-tls.toml: ocsp_stapling = true, a private-CA
# certificate, client certificates required): s_client -status gets the stapled response.
start "$src/assets/scenarios/mutual-tls.toml" "$work/g.log" --export-client-cert "$work/mtls.pem"
printf 'GET / HTTP/1.1\r\nHost: api.internal.test\r\n\r\n' >req_internal.txt
out=$(timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername api.internal.test -CAfile "$work/ca.pem" \
  -verify_return_error -cert mtls.pem -key mtls.pem -status -ign_eof <req_internal.txt 2>&1)
check "serve staples an OCSP response" has "$out" "OCSP Response Status: successful"
check "the stapled response says good" has "$out" "Cert Status: good"
check "the stapled connection got an answer" has "$out" "HTTP/1.1 200 OK"
stop

[ "$fail" -ne 0 ] && for f in a b c d e f g; do echo "--- serve $f"; cat "$work/$f.log"; done
[ "$fail" -eq 0 ] && echo "serve_resume: all checks passed"
exit "$fail"
