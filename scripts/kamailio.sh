#!/usr/bin/env bash
# Runs relaysync's Kamailio configuration (config/kamailio/kamailio.cfg) in a folder of its own,
# for tests and for trying the SIP transport on one machine.
#
#   scripts/kamailio.sh prepare RUNDIR ACCOUNT=PASSWORD...  writes RUNDIR/db (the subscriber table)
#   scripts/kamailio.sh run RUNDIR HOST:PORT                runs kamailio in the foreground (exec:
#                                                           the caller's child pid is kamailio's)
#   scripts/kamailio.sh start RUNDIR HOST:PORT              the same under setsid in the background;
#                                                           pid in RUNDIR/server.pid, log in RUNDIR/kamailio.log
#   scripts/kamailio.sh stop RUNDIR                         stops the one `start` recorded, by its pid
#   scripts/kamailio.sh check                               checks the configuration
# Kamailio comes from Debian (scripts/setup.sh installs it). Passwords go only into the table.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cfg=$top/config/kamailio/kamailio.cfg
kamailio=/usr/sbin/kamailio

usage() { sed -n '4,12p' "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
command=$1
shift

case $command in
  prepare)
    [[ $# -ge 1 ]] || usage
    run=$1
    shift
    mkdir -p "$run/db"
    # db_text: ha1/ha1b must be nullable or auth_db fails on the first REGISTER.
    printf '%s\n' "table_name(string) table_version(int)" "subscriber:7" > "$run/db/version"
    {
      echo "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)"
      id=0
      for entry in "$@"; do
        account=${entry%%=*}
        password=${entry#*=}
        [[ $account == *@* && $entry == *=* ]] || { echo "kamailio.sh: '$account' is not user@domain=password" >&2; exit 2; }
        # db_text escapes ':' as '\:' inside values.
        id=$((id + 1))
        echo "$id:${account%@*}:${account#*@}:${password//:/\\:}::"
      done
    } > "$run/db/subscriber"
    chmod 600 "$run/db/subscriber"
    ;;
  run)
    [[ $# -eq 2 ]] || usage
    run=$(cd "$1" && pwd)
    exec "$kamailio" -f "$cfg" -DD -E -Y "$run" -w "$run" -P "$run/kamailio.pid" -m 64 -M 8 \
      -A "LISTEN_TCP=tcp:$2" -A "DBURL=\"text://$run/db\""
    ;;
  start)
    [[ $# -eq 2 ]] || usage
    setsid "$0" run "$1" "$2" > "$1/kamailio.log" 2>&1 < /dev/null &
    echo $! > "$1/server.pid"
    ;;
  stop)
    [[ $# -eq 1 ]] || usage
    pid=$(cat "$1/server.pid")
    kill -TERM "$pid" 2>/dev/null || exit 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    ;;
  check)
    "$kamailio" -c -f "$cfg"
    ;;
  *) usage ;;
esac
