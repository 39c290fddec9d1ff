#!/usr/bin/env bash
# Issue 9, "behind NAT for real": relays of several sites, each behind its own NAT router, form
# a relay group through a Kamailio they reach only through their NAT, and nothing of relaysync
# listens on the WAN side.
#
#   tests/sip_nat/sip_nat.sh RELAY_BIN TERMINAL_BIN ADMIN_BIN     (CTest passes the built ones)
#
# Topology, all in network namespaces this run creates (names rs-<pid>-...):
#
#   site<i>  10.0.0.2/24 ── lan │ nat<i> │ wan 198.51.100.(4i-2)/30 ── 198.51.100.(4i-3) │ wan │ Kamailio 203.0.113.1
#   (relay, terminal)            masquerade                                             (no route to 10/8)
#
# Every site uses the same private network, as offices behind NAT often do, so Kamailio can
# route to a relay only by the NAT router's address its connection came from, never by what
# the relay's Contact says. Each router masquerades what leaves its WAN side and forwards in
# only replies (conntrack). The relays connect to Kamailio over TLS; their admin sockets are
# Unix sockets in the run's folder, which work across network namespaces.
#
# Each relay is also the SIP registrar of its site (lan_listen, TLS, on the site's private
# address), where the site's terminal registers; each terminal shares a file, and one
# synchronize from site 1 must reach every site.
#
# Needs root and `ip netns` (else: SKIP, exit 77), nft, kamailio with its tls module.
# Waits are polls with deadlines. Everything is removed on every exit path: processes are
# stopped by pid, namespaces deleted, the run's folder removed (kept with SIP_NAT_KEEP=1).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
relay_bin=${1:-$top/build/bin/relaysync-relay}
terminal_bin=${2:-$top/build/bin/relaysync-terminal}
admin_bin=${3:-$top/build/bin/relaysync-admin}
export RELAYSYNC_PLUGIN_DIR=${RELAYSYNC_PLUGIN_DIR:-$top/build/plugins}

sites=${SIP_NAT_SITES:-4}
kamailio_ip=203.0.113.1   # TEST-NET-3: exists only inside this run's WAN namespace
kamailio_tls_port=5061
site_ip=10.0.0.2          # the same at every site
lan_port=5070             # a relay's registrar for its terminals (lan_listen, TLS)
prefix=rs-$$              # namespace names; interface names are local to each namespace

skip() { echo "SKIP: $*"; exit 77; }

# ---------------------------------------------------------------------------------------------
# State for cleanup: what this run made, so that every exit path removes exactly that.
run=""
namespaces=()
pids=()
kamailio_started=no
failed=no

stop_pid() {  # pid: TERM, up to 10 s to exit, then KILL
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  [[ $kamailio_started == yes ]] && "$top/scripts/kamailio.sh" stop "$run/kamailio"
  # Deleting a namespace deletes the veth ends in it, and with them their peers.
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [[ -n $run ]]; then
    if [[ ${SIP_NAT_KEEP:-0} == 1 ]]; then echo "kept $run"; else rm -rf "$run"; fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Shows what the nodes and Kamailio said, then fails the test.
fail() {
  echo "FAIL: $*"
  if [[ $failed == no && -n $run ]]; then
    failed=yes
    for log in "$run"/*.log "$run"/*.out "$run/kamailio/kamailio.log"; do
      [[ -s $log ]] || continue
      echo "---- last lines of ${log#"$run"/}"
      tail -25 "$log"
    done
  fi
  exit 1
}

ok() { echo "ok: $*"; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds; after SECONDS the
# test fails saying WHAT did not happen. The last reason a predicate gave (in $why) is shown.
why=""
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  why=""
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what: not within $seconds s${why:+ ($why)}"
    sleep 0.2
  done
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---------------------------------------------------------------------------------------------
# Preconditions: without root or network namespaces this test cannot mean anything.
[[ $(id -u) -eq 0 ]] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "no ip command (iproute2)"
probe=$prefix-probe
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace (ip netns add failed)"
ip netns del "$probe"
for tool in nft ss jq openssl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed: run scripts/setup.sh"
done
[[ -x /usr/sbin/kamailio ]] || fail "kamailio is not installed: run scripts/setup.sh"
[[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ]] ||
  fail "kamailio's tls module is not installed (kamailio-tls-modules): run scripts/setup.sh"
for bin in "$relay_bin" "$terminal_bin" "$admin_bin"; do [[ -x $bin ]] || fail "$bin is not built"; done
((sites >= 2)) || fail "SIP_NAT_SITES must be 2 or more"

run=$(mktemp -d /tmp/relaysync-sipnat-XXXXXX)
wan=$prefix-wan
nat_ns() { echo "$prefix-nat$1"; }
site_ns() { echo "$prefix-site$1"; }
router_ip() { echo "198.51.100.$((4 * $1 - 2))"; }   # the NAT router's public address
uplink_ip() { echo "198.51.100.$((4 * $1 - 3))"; }   # the WAN namespace's end of that link
relay_account() { echo "relay-server$1@net"; }
terminal_account() { echo "client$1@relay-server$1.net"; }

# ---------------------------------------------------------------------------------------------
# The networks.

new_ns() {
  ip netns add "$1" || fail "cannot create namespace $1"
  namespaces+=("$1")
  ip -n "$1" link set lo up
}

make_wan() {
  new_ns "$wan"
  # Kamailio's address is on the WAN namespace's loopback: reachable through the links below.
  ip -n "$wan" addr add "$kamailio_ip/32" dev lo
}

# One site: its NAT router (masquerading) linked to the WAN namespace, and the site behind it.
make_site() {
  local i=$1 nat site
  nat=$(nat_ns "$i")
  site=$(site_ns "$i")
  new_ns "$nat"
  new_ns "$site"
  # WAN link: "wan" in the router, "nat<i>" in the WAN namespace. Both ends are made inside the
  # router's namespace, so that no name is ever taken in the host's namespace.
  ip -n "$nat" link add wan type veth peer name "nat$i"
  ip -n "$nat" link set "nat$i" netns "$wan"
  ip -n "$nat" addr add "$(router_ip "$i")/30" dev wan
  ip -n "$wan" addr add "$(uplink_ip "$i")/30" dev "nat$i"
  ip -n "$nat" link set wan up
  ip -n "$wan" link set "nat$i" up
  ip -n "$nat" route add default via "$(uplink_ip "$i")"
  # LAN link: "lan" in the router (10.0.0.1), "eth0" in the site (10.0.0.2).
  ip -n "$nat" link add lan type veth peer name eth0
  ip -n "$nat" link set eth0 netns "$site"
  ip -n "$nat" addr add 10.0.0.1/24 dev lan
  ip -n "$site" addr add "$site_ip/24" dev eth0
  ip -n "$nat" link set lan up
  ip -n "$site" link set eth0 up
  ip -n "$site" route add default via 10.0.0.1
  in_ns "$nat" sysctl -qw net.ipv4.ip_forward=1
  # A NAT router: what goes out to the WAN takes the router's address; from the WAN only
  # replies to connections the site opened come in.
  in_ns "$nat" nft -f - <<'EOF' || fail "cannot load the NAT rules into $nat"
table ip relaysync_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan" oifname "wan" accept
    iifname "wan" oifname "lan" ct state established,related accept
  }
}
EOF
}

# The point of the topology: the WAN side cannot address a site, so the relays' one outbound
# connection each is the only way anything reaches them.
# (Run once Kamailio listens: a TCP connection from each site must get through.)
check_isolation() {
  local i
  ip -n "$wan" route get "$site_ip" >/dev/null 2>&1 && fail "the WAN namespace has a route to $site_ip"
  for ((i = 1; i <= sites; i++)); do
    in_ns "$(site_ns "$i")" timeout 5 bash -c "exec 3<>/dev/tcp/$kamailio_ip/$kamailio_tls_port" 2>/dev/null ||
      fail "site $i cannot connect to $kamailio_ip:$kamailio_tls_port through its NAT router"
  done
  ok "$sites sites behind NAT connect to $kamailio_ip; the WAN namespace has no route to $site_ip"
}

# ---------------------------------------------------------------------------------------------
# Kamailio in the WAN namespace: TLS on the WAN address, plain TCP only on its loopback.

start_kamailio() {
  local accounts=() i
  for ((i = 1; i <= sites; i++)); do accounts+=("$(relay_account "$i")=relay-$i-secret"); done
  mkdir -p "$run/kamailio"
  "$top/scripts/kamailio.sh" prepare "$run/kamailio" "${accounts[@]}"
  # make-certs.sh's certificates name 127.0.0.1 and localhost: relays (and terminals, at their
  # relay) check the name localhost (tls_server_name) while connecting to another address. The
  # relays' certificates are for their registrars.
  local relays=()
  for ((i = 1; i <= sites; i++)); do relays+=("relay:$(relay_account "$i")"); done
  "$top/scripts/make-certs.sh" "$run/certs" relay:sip-server@net "${relays[@]}" >/dev/null
  "$top/scripts/kamailio.sh" tls "$run/kamailio" "$run/certs/sip-server@net.pem" "$run/certs/sip-server@net.key"
  in_ns "$wan" "$top/scripts/kamailio.sh" start "$run/kamailio" 127.0.0.1:5060 "$kamailio_ip:$kamailio_tls_port"
  kamailio_started=yes
  wait_for 20 "Kamailio listens on $kamailio_ip:$kamailio_tls_port" kamailio_listening
  ok "Kamailio listens on $kamailio_ip:$kamailio_tls_port (TLS) in $wan"
}

kamailio_listening() {
  kill -0 "$(cat "$run/kamailio/server.pid")" 2>/dev/null || fail "Kamailio exited"
  [[ -n $(ip netns exec "$wan" ss -Hltn "src $kamailio_ip:$kamailio_tls_port") ]]
}

# ---------------------------------------------------------------------------------------------
# Nodes.

relay_accounts_list() {
  local i list=""
  for ((i = 1; i <= sites; i++)); do list+="${list:+,}$(relay_account "$i")"; done
  echo "$list"
}

# Relay I talks to Kamailio over TLS and is the SIP registrar (TLS) of its site's terminal on
# the site's private address.
relay_profile() {
  local i=$1 accounts others="" j
  accounts=$(relay_accounts_list)
  for ((j = 1; j <= sites; j++)); do others+="${others:+, }$(relay_account "$j")"; done
  cat <<EOF
relaysync: 1
node:
  role: relay
  account: $(relay_account "$i")
  display_name: "Site $i"
database: sqlite:$run/relay$i.db
transport:
  plugin: sip
  config:
    server: $kamailio_ip:$kamailio_tls_port
    transport: tls
    ca: $run/certs/ca.pem
    tls_server_name: localhost
    password: relay-$i-secret
    relay_accounts: $accounts
    lan_listen: $site_ip:$lan_port
    lan_transport: tls
    lan_certificate: $run/certs/$(relay_account "$i").pem
    lan_private_key: $run/certs/$(relay_account "$i").key
    terminal_accounts_file: $run/relay$i-terminals
groups:
  accept_invitations_from: [$others]
  terminals: [$(terminal_account "$i")]
log:
  level: information
  file: $run/relay$i.log
EOF
}

terminal_profile() {
  local i=$1
  cat <<EOF
relaysync: 1
node:
  role: terminal
  account: $(terminal_account "$i")
  display_name: "PC at site $i"
  department: Site$i
  relay: $(relay_account "$i")
database: sqlite:$run/client$i.db
transport:
  plugin: sip
  config:
    server: $site_ip:$lan_port
    transport: tls
    ca: $run/certs/ca.pem
    tls_server_name: localhost
    password: client-$i-secret
    relay_accounts: $(relay_account "$i")
stores:
  - prefix: "c:"
    plugin: local
    config:
      root: $run/client$i/c
log:
  level: information
  file: $run/client$i.log
EOF
}

# start_node NS NAME BIN PROFILE: the daemon in the foreground inside NS; `ip netns exec`
# execs it, so $! is the daemon's own pid.
start_node() {
  local ns=$1 name=$2 bin=$3 profile=$4
  ip netns exec "$ns" "$bin" --profile="$profile" > "$run/$name.out" 2>&1 &
  pids+=($!)
}

# admin NODE ARGS...: relaysync-admin on NODE's socket (the database path plus .sock).
admin() {
  local node=$1
  shift
  "$admin_bin" --socket "$run/$node.db.sock" --timeout 20 "$@"
}

answers() { admin "$1" ping > /dev/null 2>&1; }

registered() {  # relay index: its log says Kamailio accepted its REGISTER
  grep -q "registered $(relay_account "$1") at the SIP server $kamailio_ip:$kamailio_tls_port" "$run/relay$1.log" 2>/dev/null
}

start_relays() {
  local i
  for ((i = 1; i <= sites; i++)); do
    relay_profile "$i" > "$run/relay$i.yaml"
    # The registrar refuses a terminal accounts file that others may read.
    (umask 077 && echo "$(terminal_account "$i") client-$i-secret" > "$run/relay$i-terminals")
    start_node "$(site_ns "$i")" "relay$i" "$relay_bin" "$run/relay$i.yaml"
  done
  for ((i = 1; i <= sites; i++)); do
    wait_for 30 "relay $i answers on its admin socket" answers "relay$i"
    wait_for 30 "relay $i registers at Kamailio through its NAT" registered "$i"
  done
  ok "$sites relays registered at $kamailio_ip:$kamailio_tls_port over TLS from behind their NAT routers"
}

# ---------------------------------------------------------------------------------------------
# Checks.

# Kamailio must see each relay's connection coming from its NAT router's public address.
check_connections_natted() {
  local peers expected i
  peers=$(ip netns exec "$wan" ss -Htn state established "sport = :$kamailio_tls_port" | awk '{print $4}' | sed 's/:[0-9]*$//' | sort)
  expected=$(for ((i = 1; i <= sites; i++)); do router_ip "$i"; done | sort)
  [[ $peers == "$expected" ]] ||
    fail "Kamailio's TLS connections come from [$(paste -sd' ' <<< "$peers")], expected one from each NAT router [$(paste -sd' ' <<< "$expected")]"
  ok "Kamailio sees exactly one connection per site, each from its NAT router's address"
}

# Nothing but Kamailio listens on the WAN side; nothing at all on a NAT router; at a site only
# on private or loopback addresses.
check_listeners() {
  local i line lines
  lines=$(ip netns exec "$wan" ss -Hltunp)
  [[ -n $lines ]] || fail "nothing listens in the WAN namespace: where is Kamailio?"
  while IFS= read -r line; do
    [[ $line == *'"kamailio"'* ]] || fail "something other than Kamailio listens in the WAN namespace: $line"
  done <<< "$lines"
  for ((i = 1; i <= sites; i++)); do
    lines=$(ip netns exec "$(nat_ns "$i")" ss -Hltunp)
    [[ -z $lines ]] || fail "something listens on NAT router $i: $lines"
    lines=$(ip netns exec "$(site_ns "$i")" ss -Hltunp)
    grep -q " $site_ip:$lan_port " <<< "$lines" || fail "relay $i's registrar does not listen on $site_ip:$lan_port: $lines"
    while IFS= read -r line; do
      [[ -z $line ]] && continue
      local address
      address=$(awk '{print $5}' <<< "$line")
      [[ $address == 10.* || $address == 127.* ]] ||
        fail "site $i listens on a non-private address $address: $line"
    done <<< "$lines"
  done
  ok "only Kamailio listens on the WAN side; nothing on the NAT routers; at the sites only the registrars, on $site_ip:$lan_port"
}

# group_everywhere GROUP NODES...: every NODE's status shows GROUP with every relay in it.
group_everywhere() {
  local group=$1 node want got
  shift
  want=$(relay_accounts_list | tr , '\n' | sort | paste -sd,)
  for node in "$@"; do
    got=$(admin "$node" --json status 2>/dev/null |
      jq -r --arg g "$group" '.groups[] | select(.id == $g) | .relays | map(.account) | sort | join(",")') || got=""
    [[ $got == "$want" ]] || { why="$node shows [${got}]"; return 1; }
  done
}

holds_group() {  # node group
  admin "$1" --json status 2>/dev/null | jq -e --arg g "$2" 'any(.groups[]; .id == $g)' > /dev/null
}

relay_nodes() { local i; for ((i = 1; i <= sites; i++)); do echo "relay$i"; done; }
terminal_nodes() { local i; for ((i = 1; i <= sites; i++)); do echo "client$i"; done; }

# Relay 1 creates the group inviting relay 2; each relay that joined invites the next, so every
# relay sends and receives through its NAT.
form_group() {
  local i
  group=$(admin relay1 --json create-group "$(relay_account 2)" | jq -r .group_id)
  [[ -n $group && $group != null ]] || fail "create-group gave no group id"
  for ((i = 2; i < sites; i++)); do
    wait_for 60 "relay $i holds $group" holds_group "relay$i" "$group"
    admin "relay$i" add-group "$(relay_account $((i + 1)))" "$group" > /dev/null || fail "relay $i could not invite relay $((i + 1))"
  done
  # shellcheck disable=SC2046  # one word per node
  wait_for 90 "every relay shows $group with all $sites relays" group_everywhere "$group" $(relay_nodes)
  ok "relay group $group formed across $sites NATed sites; every relay shows all $sites relays"
}

# ---------------------------------------------------------------------------------------------
# Terminals over SIP at their relay, a share, and a synchronize that reaches every site.

start_terminals() {
  local i
  for ((i = 1; i <= sites; i++)); do
    mkdir -p "$run/client$i/c/docs"
    echo "report of site $i" > "$run/client$i/c/docs/site$i.txt"
    terminal_profile "$i" > "$run/client$i.yaml"
    start_node "$(site_ns "$i")" "client$i" "$terminal_bin" "$run/client$i.yaml"
  done
  for ((i = 1; i <= sites; i++)); do
    wait_for 30 "terminal $i answers on its admin socket" answers "client$i"
    wait_for 30 "terminal $i registers at relay $i over SIP" terminal_registered "$i"
  done
  ok "each site's terminal registered at its relay over TLS on $site_ip:$lan_port"
}

terminal_registered() {  # index: the relay's registrar log names it, from the site's network
  grep -q "registered terminal $(terminal_account "$1") from $site_ip:" "$run/relay$1.log" 2>/dev/null
}

terminals_admitted() {  # every relay and terminal lists every terminal in the group
  local node got want
  want=$(terminal_nodes | while read -r n; do terminal_account "${n#client}"; done | sort | paste -sd,)
  for node in $(relay_nodes) $(terminal_nodes); do
    got=$(admin "$node" --json status 2>/dev/null |
      jq -r --arg g "$group" '.groups[] | select(.id == $g) | .terminals | map(.account) | sort | join(",")') || got=""
    [[ $got == "$want" ]] || { why="$node lists [${got}]"; return 1; }
  done
}

# share_entries SHARE COUNT [NAME SIZE]: every node holds SHARE with COUNT entries (and NAME of
# SIZE bytes).
share_entries() {
  local share=$1 count=$2 name=${3:-} size=${4:-} node got
  for node in $(relay_nodes) $(terminal_nodes); do
    got=$(admin "$node" --json status 2>/dev/null |
      jq -r --arg s "$share" --arg n "$name" '.shares[] | select(.id == $s) |
        "\(.entries | length) \(if $n == "" then "" else (.entries[] | select(.name == $n) | .size) end)"') || got=""
    [[ $got == "$count ${size}" ]] || { why="$node: [$got]"; return 1; }
  done
}

share_and_sync() {
  local i members=() share report size
  for ((i = 1; i <= sites; i++)); do
    admin "relay$i" add-terminal "$group" "$(terminal_account "$i")" "PC at site $i" "Site$i" > /dev/null ||
      fail "relay $i could not admit its terminal"
  done
  wait_for 90 "every node lists the $sites terminals of $group" terminals_admitted
  ok "each site's terminal is admitted and seen at every node"

  for ((i = 2; i <= sites; i++)); do members+=("$(terminal_account "$i")"); done
  share=$(admin client1 --json create-share "$group" natshare "${members[@]}" | jq -r .share_id)
  [[ -n $share && $share != null ]] || fail "create-share gave no share id"
  for ((i = 1; i <= sites; i++)); do
    wait_for 60 "terminal $i holds $share" share_held "client$i" "$share"
    admin "client$i" add-resource "$share" "site$i.txt" "c:/docs/site$i.txt" > /dev/null ||
      fail "terminal $i could not add its resource"
  done
  wait_for 90 "every node holds $share with $sites entries" share_entries "$share" "$sites"
  ok "share $share with one resource per site is held at every relay and terminal"

  # The last site's file changes; a synchronize from site 1 must reach it (and every owner).
  echo "changed at site $sites, behind its NAT" >> "$run/client$sites/c/docs/site$sites.txt"
  size=$(stat -c %s "$run/client$sites/c/docs/site$sites.txt")
  report=$(admin client1 --json --timeout 120 sync "$share") || fail "sync from terminal 1 failed: $report"
  [[ $(jq -r '"\(.checked) \(.changed) \(.unreachable_nodes | length)"' <<< "$report") == "$sites 1 0" ]] ||
    fail "sync report is not '$sites checked, 1 changed, none unreachable': $report"
  wait_for 90 "every node shows site$sites.txt at $size bytes" share_entries "$share" "$sites" "site$sites.txt" "$size"
  ok "a synchronize from site 1 checked all $sites sites' resources; the change reached every node"
}

share_held() { admin "$1" --json status 2>/dev/null | jq -e --arg s "$2" 'any(.shares[]; .id == $s)' > /dev/null; }

# ---------------------------------------------------------------------------------------------

main() {
  local i
  echo "run folder $run, namespaces $prefix-*, $sites sites"
  make_wan
  for ((i = 1; i <= sites; i++)); do make_site "$i"; done
  start_kamailio
  check_isolation
  start_relays
  check_connections_natted
  form_group
  start_terminals
  share_and_sync
  check_listeners
  check_connections_natted
  echo "PASS"
}

main
