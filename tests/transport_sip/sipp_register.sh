#!/usr/bin/env bash
# Conformance of config/kamailio against an independent SIP implementation: sipp REGISTERs with
# the 401 digest challenge (sipp/register.xml) and must be registered; with a wrong password it
# must not. Kamailio runs in a temporary folder and is stopped by its pid on every exit path.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v sipp >/dev/null || { echo "sipp is not installed: run scripts/setup.sh" >&2; exit 1; }
run=$(mktemp -d /tmp/relaysync-sipp-XXXXXX)
cleanup() {
  [[ -f $run/server.pid ]] && "$top/scripts/kamailio.sh" stop "$run"
  rm -rf "$run"
}
trap cleanup EXIT

free_port() { python3 "$top/tests/support/free_port.py"; }
port=$(free_port)
sipp_port=$(free_port)
"$top/scripts/kamailio.sh" prepare "$run" 'sipp-user@sipp.test=s3cret:1'
"$top/scripts/kamailio.sh" start "$run" "127.0.0.1:$port"
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
printf 'SEQUENTIAL\nsipp-user;sipp.test\n' > "$run/users.csv"

register() {  # password; exit code of sipp (0: every call succeeded)
  timeout 30 sipp -sf "$top/tests/transport_sip/sipp/register.xml" -inf "$run/users.csv" -au sipp-user -ap "$1" \
    -t t1 -m 1 -i 127.0.0.1 -p "$sipp_port" "127.0.0.1:$port" -nostdin -timeout 10s -timeout_error \
    -trace_err -error_file "$run/sipp-errors.log" >"$run/sipp.out" 2>&1
}

if ! register 's3cret:1'; then
  echo "FAIL: sipp could not REGISTER with the right password"; cat "$run/sipp-errors.log" "$run/kamailio.log" 2>/dev/null | tail -30
  exit 1
fi
echo "ok: REGISTER with 401 digest challenge, then 200"
if register 'wrong'; then
  echo "FAIL: sipp registered with a wrong password"
  exit 1
fi
echo "ok: a wrong password is not registered"
