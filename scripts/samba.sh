#!/usr/bin/env bash
# A private Samba file server (smbd) on one address, for tests, the demo and benchmarks: its own
# configuration, state folders and password database under RUNDIR; nothing system-wide changes.
#
#   scripts/samba.sh prepare RUNDIR HOST:PORT USER PASSWORD SHARE=PATH...
#       writes RUNDIR/smb.conf with one share per SHARE=PATH (read-write) and a Samba account
#       USER with PASSWORD, mapped to the Unix user running this (smbd needs a Unix account;
#       `username map` lets the SMB name differ, so no account is added to the system)
#   scripts/samba.sh start RUNDIR     smbd (in a session of its own) in the background;
#                                     pid in RUNDIR/smbd.pid; returns once it accepts connections
#   scripts/samba.sh stop RUNDIR      SIGTERM to that pid, SIGKILL after 5 s
#   scripts/samba.sh check            prepares, starts, lists a share with smbclient, stops
#
# smbd is never given --no-process-group: with it, SIGTERM to smbd ends the caller's whole
# process group (the test runner included).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

wait_for_port() {  # host port seconds
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

command=${1:-}
shift || true
case "$command" in
  prepare)
    [[ $# -ge 5 ]] || { echo "usage: $0 prepare RUNDIR HOST:PORT USER PASSWORD SHARE=PATH..." >&2; exit 2; }
    run=$(realpath -m "$1"); address=$2; user=$3; password=$4; shift 4
    host=${address%:*}; port=${address##*:}
    mkdir -p "$run/state/ncalrpc"
    chmod 700 "$run/state"
    echo "$host $port" > "$run/address"
    printf '%s = %s\n' "$(id -un)" "$user" > "$run/users.map"
    {
      cat <<CONF
[global]
server role = standalone server
smb ports = $port
interfaces = $host
bind interfaces only = yes
disable netbios = yes
lock directory = $run/state
state directory = $run/state
cache directory = $run/state
pid directory = $run/state
private dir = $run/state
ncalrpc dir = $run/state/ncalrpc
log file = $run/state/log.%m
passdb backend = tdbsam:$run/state/passdb.tdb
username map = $run/users.map
map to guest = never
server min protocol = SMB2_02
load printers = no
printcap name = /dev/null
disable spoolss = yes
rpc start on demand helpers = no
CONF
      for share in "$@"; do
        name=${share%%=*}; path=$(realpath -m "${share#*=}")
        mkdir -p "$path"
        # catia maps the characters Windows names cannot hold (" * : < > ? |) to the Unicode
        # private-use stand-ins Macs and Windows' Services for Macintosh use (U+F020...), so that
        # a file named what?.txt on disk is served under one stable name instead of an 8.3
        # stand-in such as WINC9O~A.TXT; the smb store maps them back (docs/storage-smb.md).
        printf '[%s]\npath = %s\nread only = no\nvfs objects = catia\ncatia:mappings = %s\n' "$name" "$path" \
          0x22:0xf020,0x2a:0xf021,0x3a:0xf022,0x3c:0xf023,0x3e:0xf024,0x3f:0xf025,0x7c:0xf027
      done
    } > "$run/smb.conf"
    printf '%s\n%s\n' "$password" "$password" | smbpasswd -c "$run/smb.conf" -s -a "$(id -un)" >/dev/null
    ;;
  start)
    run=$(realpath "$1")
    read -r host port < "$run/address"
    # smbd makes itself a session (and process group) of its own: not under setsid, which
    # would make that fail.
    smbd --foreground --configfile="$run/smb.conf" --debug-stdout -d 1 > "$run/smbd.log" 2>&1 < /dev/null &
    echo $! > "$run/smbd.pid"
    if ! wait_for_port "$host" "$port" 10; then
      echo "smbd did not accept connections on $host:$port within 10 s:" >&2
      tail -20 "$run/smbd.log" >&2
      exit 1
    fi
    ;;
  stop)
    run=$(realpath "$1")
    [[ -f $run/smbd.pid ]] || exit 0
    pid=$(cat "$run/smbd.pid")
    kill -CONT -- "-$pid" 2>/dev/null || true  # a test may have hung it (its group) with SIGSTOP
    kill -TERM "$pid" 2>/dev/null || { rm -f "$run/smbd.pid"; exit 0; }
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$run/smbd.pid"
    ;;
  check)
    run=$(mktemp -d /tmp/relaysync-samba-check-XXXXXX)
    trap '"$0" stop "$run"; rm -rf "$run"' EXIT
    port=$(python3 "$here/../tests/support/free_port.py")
    "$0" prepare "$run" "127.0.0.1:$port" relaysync 'check secret' "finance=$run/share"
    echo hello > "$run/share/hello.txt"
    "$0" start "$run"
    smbclient -p "$port" //127.0.0.1/finance -U 'relaysync%check secret' -c ls | grep -q hello.txt
    echo "ok: smbd on 127.0.0.1:$port served the share"
    ;;
  *)
    echo "usage: $0 prepare|start|stop|check ..." >&2
    exit 2
    ;;
esac
