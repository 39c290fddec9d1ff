#!/usr/bin/env bash
# Conformance of the sip transport and config/kamailio against an independent SIP implementation
# (sipp), through a real Kamailio on 127.0.0.1 (issue 9):
#   b. sipp -> Kamailio -> relay: MESSAGE with the 407 challenge answered gets the relay's 200 and
#      the relay hands over the body; another Content-Type gets 415; an authenticated account that
#      is not in relay_accounts gets the relay's 403; a From that is not the authenticated account
#      gets Kamailio's 403 and never reaches the relay.
#   c. relay -> Kamailio -> sipp: sipp registered (sipp/registered_uas.xml) answers the relay's
#      MESSAGEs (sipp/message_uas.xml) with 200, and the relay's send() says ok.
#   d. malformed requests (garbage, no Content-Length, a body over Kamailio's buffer, a bad From,
#      a body over the relay's limit) are answered 400 or dropped; Kamailio and the relay keep
#      serving: a good MESSAGE afterwards gets 200.
# The relay is relaysync-test-sip-peer (argument 1). Every process is stopped by its pid on every
# exit path; waits are polls with deadlines.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/transport_sip
peer=${1:?usage: sipp_conformance.sh PATH/relaysync-test-sip-peer}
command -v sipp >/dev/null || { echo "sipp is not installed: run scripts/setup.sh" >&2; exit 1; }
run=$(mktemp -d /tmp/relaysync-sipp-conformance-XXXXXX)
pids=()

stop_pid() {  # SIGTERM, up to 5 s, then SIGKILL
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  [[ -f $run/server.pid ]] && "$top/scripts/kamailio.sh" stop "$run"
  rm -rf "$run"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for f in "$run"/*.err "$run"/*.out "$run"/sipp-errors.log "$run/kamailio.log"; do
    [[ -f $f ]] && { echo "--- $f"; tail -25 "$f"; }
  done
  exit 1
}
ok() { echo "ok: $*"; }

wait_for() {  # SECONDS DESCRIPTION COMMAND...: polls COMMAND every 50 ms until it succeeds
  local deadline=$(( $(date +%s) + $1 )) seconds=$1 what=$2
  shift 2
  until "$@"; do
    (( $(date +%s) < deadline )) || fail "$what within ${seconds} s"
    sleep 0.05
  done
}

free_port() { python3 "$top/tests/support/free_port.py"; }
port=$(free_port)
relays=relay-server1@net,relay-server2@net
"$top/scripts/kamailio.sh" prepare "$run" relay-server1@net=pw-one relay-server2@net=pw-two \
  outsider@net=pw-out sipp-peer@net=pw-sipp
"$top/scripts/kamailio.sh" start "$run" "127.0.0.1:$port"
accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
wait_for 10 "Kamailio did not accept connections" accepting

# relay-server1@net as the receiving relay; a small max_payload_bytes so that an oversized body
# passes Kamailio's 64 KB buffer and reaches the relay's own limit.
"$peer" --server "127.0.0.1:$port" --account relay-server1@net --password pw-one --relay-accounts "$relays" \
  --set max_payload_bytes=1024 --set reconnect_initial_ms=100 --set reconnect_max_ms=500 --ignore-stdin \
  >"$run/relay.out" 2>"$run/relay.err" &
relay=$!
pids+=("$relay")
wait_for 15 "the relay did not register" grep -qs "registered relay-server1@net" "$run/relay.err"

# One MESSAGE from sipp: EXPECTED FROM AUTH_USER PASSWORD CONTENT_TYPE BODY. The final status is
# put into a copy of sipp/message.xml; exit code of sipp (0: that status came).
message() {
  local expected=$1 from=$2 user=$3 password=$4 type=$5 body=$6
  sed "s|<recv response=\"200\"/>|<recv response=\"$expected\"/>|" "$here/sipp/message.xml" >"$run/message-$expected.xml"
  timeout 60 sipp -sf "$run/message-$expected.xml" -key from "$from" -key to relay-server1@net -key content_type "$type" \
    -key body "$body" -au "$user" -ap "$password" -t t1 -m 1 -i 127.0.0.1 -p "$(free_port)" "127.0.0.1:$port" \
    -nostdin -timeout 30s -timeout_error -trace_err -error_file "$run/sipp-errors.log" >"$run/sipp.out" 2>&1
}
json=application/vnd.relaysync+json
received() { grep -qF "message from $1 (relay): $2" "$run/relay.out"; }

# b. sipp -> Kamailio -> relay.
message 200 relay-server2@net relay-server2 pw-two "$json" '{"hello":"from sipp"}' || fail "MESSAGE to the relay did not get 200"
wait_for 5 "the relay did not hand over the body" received relay-server2@net '{"hello":"from sipp"}'
ok "MESSAGE sipp -> Kamailio (407 answered) -> relay: 200, body handed over"
message 415 relay-server2@net relay-server2 pw-two text/plain '{"plain":1}' || fail "another Content-Type did not get 415"
ok "another Content-Type: 415"
message 403 outsider@net outsider pw-out "$json" '{"outsider":1}' || fail "an account not in relay_accounts did not get 403"
grep -q "refused a MESSAGE from outsider@net: not one of relay_accounts" "$run/relay.err" || fail "the 403 was not the relay's"
ok "an authenticated account not in relay_accounts: the relay's 403"
message 403 relay-server2@net outsider pw-out "$json" '{"spoofed":1}' || fail "a From other than the authenticated account did not get 403"
grep -q '"spoofed"' "$run/relay.out" && fail "a spoofed From reached the relay"
ok "From not the authenticated account: Kamailio's 403, never at the relay"

# c. relay -> Kamailio -> sipp. sipp registers from its one TCP connection; Kamailio routes the
# MESSAGEs back over it (fix_nated_register), to the out-of-call scenario.
sipp -sf "$here/sipp/registered_uas.xml" -oocsf "$here/sipp/message_uas.xml" -key account sipp-peer@net -key domain net \
  -s sipp-peer -au sipp-peer -ap pw-sipp -d 60000 -t t1 -m 1 -i 127.0.0.1 -p "$(free_port)" "127.0.0.1:$port" \
  -nostdin -timeout 90s -trace_err -error_file "$run/sipp-errors.log" -trace_logs -log_file "$run/uas.log" \
  >"$run/uas.out" 2>&1 &
pids+=("$!")
wait_for 10 "sipp did not register" grep -qs "registered sipp-peer@net" "$run/uas.log"
timeout 60 "$peer" --server "127.0.0.1:$port" --account relay-server2@net --password pw-two --relay-accounts "$relays" \
  --send-to sipp-peer@net --count 3 --payload '{"to sipp":{n}}' --exit-after-sends --ignore-stdin >"$run/sender.out" 2>"$run/sender.err" \
  || fail "the relay's sends to sipp were not all ok"
for n in 1 2 3; do
  grep -qF "send $n/3 to sipp-peer@net: ok" "$run/sender.out" || fail "send $n not reported ok"
  grep -qF "received $json: {\"to sipp\":$n}" "$run/uas.log" || fail "sipp did not log MESSAGE $n with its body"
done
ok "MESSAGE relay -> Kamailio -> registered sipp: 3 of 3 answered 200, send() ok, bodies intact"

# d. Malformed requests straight to Kamailio: the first line of its answer, "closed" or "no answer".
raw() {
  python3 -c '
import socket, sys
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(data)
try:
    reply = s.recv(65536)
    print(reply.split(b"\r\n", 1)[0].decode(errors="replace") if reply else "closed")
except socket.timeout:
    print("no answer")
except ConnectionResetError:
    print("closed")' "$port"
}
refused() {  # WHAT ANSWER: a 400 or a drop is right, anything else is not
  case $2 in
    "SIP/2.0 400"*|closed|"no answer") ok "$1: $2" ;;
    *) fail "$1 was answered '$2'" ;;
  esac
}
request='MESSAGE sip:relay-server1@net SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK%s\r\nTo: <sip:relay-server1@net>\r\nCall-ID: %s@raw\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Type: application/vnd.relaysync+json\r\n'
refused "garbage" "$( { head -c 2000 /dev/urandom; printf '\r\n\r\n'; } | raw)"
refused "a request line that is not SIP" "$(printf 'HELLO THERE\r\nContent-Length: 0\r\n\r\n' | raw)"
refused "no Content-Length" "$( { printf "$request" nocl nocl; printf 'From: <sip:relay-server2@net>;tag=1\r\n\r\n{}'; } | raw)"
refused "a negative Content-Length" "$( { printf "$request" neg neg; printf 'From: <sip:relay-server2@net>;tag=1\r\nContent-Length: -5\r\n\r\n{}'; } | raw)"
refused "a 70000-byte body (over Kamailio's buffer)" "$( { printf "$request" big big
  printf 'From: <sip:relay-server2@net>;tag=1\r\nContent-Length: 70000\r\n\r\n'; head -c 70000 /dev/zero | tr '\0' x; } | raw)"
refused "a From that is not a URI" "$( { printf "$request" from from; printf 'From: not a uri\r\nContent-Length: 2\r\n\r\n{}'; } | raw)"
# Through Kamailio to the relay: a body over the relay's max_payload_bytes (1024) is answered 413
# by the relay, which keeps its connection (and so its registration).
message 413 relay-server2@net relay-server2 pw-two "$json" "{\"big\":\"$(head -c 8000 /dev/zero | tr '\0' x)\"}" \
  || fail "a body over the relay's limit did not get 413"
grep -q "answered 413 to a MESSAGE from relay-server2@net" "$run/relay.err" || fail "the relay did not log the oversized body"
test "$(grep -c "registered relay-server1@net" "$run/relay.err")" -eq 1 || fail "the relay lost its registration over an oversized body"
ok "a body over the relay's limit: 413 from the relay, which stays registered"
kill -0 "$relay" 2>/dev/null || fail "the relay exited"
kill -0 "$(cat "$run/server.pid")" 2>/dev/null || fail "Kamailio exited"
message 200 relay-server2@net relay-server2 pw-two "$json" '{"after":"malformed"}' || fail "a good MESSAGE after the malformed ones did not get 200"
wait_for 5 "the relay did not hand over the good MESSAGE" received relay-server2@net '{"after":"malformed"}'
ok "after the malformed requests: Kamailio and the relay still serve, a good MESSAGE gets 200"
