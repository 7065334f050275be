# Sourced by the handshake tests (handshake_cli.sh, handshake_variants.sh); needs $bin and $fail.
# check NAME EXPECTED_RC PATTERN... -- ARGS...: runs `deploysim handshake ARGS`, expects its exit
# code and every PATTERN (fixed strings) in its output; on a miss sets fail=1 and shows the end.
check() {
  local name="$1" want_rc="$2"; shift 2
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  local out rc
  out=$("$bin" handshake "$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want_rc" ]; then
    echo "FAIL $name: exit $rc, expected $want_rc"; echo "$out" | tail -20; fail=1; return
  fi
  for p in "${patterns[@]}"; do
    if ! grep -qF -- "$p" <<<"$out"; then
      echo "FAIL $name: output lacks '$p'"; echo "$out" | tail -20; fail=1
    fi
  done
}
