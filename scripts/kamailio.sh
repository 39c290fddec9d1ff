#!/usr/bin/env bash
# Runs relaysync's Kamailio configuration (config/kamailio/kamailio.cfg) in a folder of its own,
# for tests and for trying the SIP transport on one machine.
#
#   scripts/kamailio.sh prepare RUNDIR ACCOUNT=PASSWORD...  writes RUNDIR/db (the subscriber table)
#   scripts/kamailio.sh tls RUNDIR CERT KEY [CLIENT_CA]     copies the server's TLS certificate (PEM,
#                                                           chain) and key into RUNDIR/tls and
#                                                           writes RUNDIR/tls.cfg for the tls module;
#                                                           with CLIENT_CA, relays must present a
#                                                           certificate that CA signed
#   scripts/kamailio.sh run RUNDIR HOST:PORT [TLSHOST:PORT] runs kamailio in the foreground (exec:
#                                                           the caller's child pid is kamailio's);
#                                                           with TLSHOST:PORT also TLS (needs `tls`)
#   scripts/kamailio.sh start RUNDIR HOST:PORT [TLSHOST:PORT]  the same under setsid in the background;
#                                                           pid in RUNDIR/server.pid, log in RUNDIR/kamailio.log
#   scripts/kamailio.sh stop RUNDIR                         stops the one `start` recorded, by its pid
#   scripts/kamailio.sh check                               checks the configuration (TCP and TLS)
# Optional environment for run/start (defaults as for the tests):
#   KAMAILIO_SHM_MB=N        shared memory in MB (kamailio -m; default 64); under load give it
#                            ~128 MB per 1,000 messages/s (each transaction holds ~13.5 KB for ~5 s)
#   KAMAILIO_PIKE_DENSITY=N  requests per source address per 2 s before pike blocks it (the
#                            configuration's PIKE_DENSITY; default 2000); a benchmark from one
#                            address needs more
# Kamailio comes from Debian (scripts/setup.sh installs it and kamailio-tls-modules). Passwords
# go only into the table; the TLS key only into RUNDIR/tls (mode 600).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cfg=$top/config/kamailio/kamailio.cfg
kamailio=/usr/sbin/kamailio

usage() { sed -n '4,24p' "$0" >&2; exit 2; }
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
  tls)
    [[ $# -eq 3 || $# -eq 4 ]] || usage
    run=$(cd "$1" && pwd)
    [[ -r $2 && -r $3 ]] || { echo "kamailio.sh: cannot read $2 or $3" >&2; exit 2; }
    mkdir -p "$run/tls"
    chmod 700 "$run/tls"
    cp "$2" "$run/tls/server.pem"
    (umask 077 && cp "$3" "$run/tls/server.key")
    chmod 600 "$run/tls/server.key"
    # Relays check the server's certificate. Digest proves the relays; with CLIENT_CA the server
    # also requires each relay's certificate, signed by that CA.
    verify=no
    client_ca=
    if [[ $# -eq 4 ]]; then
      [[ -r $4 ]] || { echo "kamailio.sh: cannot read $4" >&2; exit 2; }
      cp "$4" "$run/tls/client-ca.pem"
      verify=yes
      client_ca="ca_list = $run/tls/client-ca.pem"
    fi
    cat > "$run/tls.cfg" <<EOF
# Written by scripts/kamailio.sh tls: the certificate relays check (their "ca" setting).
[server:default]
method = TLSv1.2+
verify_certificate = $verify
require_certificate = $verify
$client_ca
certificate = $run/tls/server.pem
private_key = $run/tls/server.key
cipher_list = HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!SHA1

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOF
    ;;
  run)
    [[ $# -eq 2 || $# -eq 3 ]] || usage
    run=$(cd "$1" && pwd)
    tls=()
    if [[ $# -eq 3 ]]; then
      [[ -r $run/tls.cfg ]] || { echo "kamailio.sh: $run/tls.cfg is missing: run 'kamailio.sh tls $1 CERT KEY' first" >&2; exit 2; }
      tls=(-A WITH_TLS -A "LISTEN_TLS=tls:$3" -A "TLS_CFG=\"$run/tls.cfg\"")
    fi
    shm_mb=${KAMAILIO_SHM_MB:-64}
    [[ $shm_mb =~ ^[1-9][0-9]*$ ]] || { echo "kamailio.sh: KAMAILIO_SHM_MB='$shm_mb' is not a number of MB" >&2; exit 2; }
    pike=()
    if [[ -n ${KAMAILIO_PIKE_DENSITY:-} ]]; then
      [[ $KAMAILIO_PIKE_DENSITY =~ ^[1-9][0-9]*$ ]] || { echo "kamailio.sh: KAMAILIO_PIKE_DENSITY='$KAMAILIO_PIKE_DENSITY' is not a number" >&2; exit 2; }
      pike=(-A "PIKE_DENSITY=$KAMAILIO_PIKE_DENSITY")
    fi
    exec "$kamailio" -f "$cfg" -DD -E -Y "$run" -w "$run" -P "$run/kamailio.pid" -m "$shm_mb" -M 8 \
      -A "LISTEN_TCP=tcp:$2" -A "DBURL=\"text://$run/db\"" "${tls[@]}" "${pike[@]}"
    ;;
  start)
    [[ $# -eq 2 || $# -eq 3 ]] || usage
    setsid "$0" run "$@" > "$1/kamailio.log" 2>&1 < /dev/null &
    echo $! > "$1/server.pid"
    ;;
  stop)
    [[ $# -eq 1 ]] || usage
    pid=$(cat "$1/server.pid")
    kill -TERM "$pid" 2>/dev/null || exit 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    # With the tls module (Kamailio 5.6, OpenSSL 3) a child sometimes hangs, spinning, in its
    # exit and outlives the main process: end what is left of the process group `start` made
    # (setsid), if it is one.
    kill -KILL -- "-$pid" 2>/dev/null || true
    ;;
  check)
    "$kamailio" -c -f "$cfg"
    # The TLS variant too, with a throwaway certificate (the tls module reads it when checking).
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 1 \
      -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    "$0" tls "$dir" "$dir/cert.pem" "$dir/key.pem"
    "$kamailio" -c -f "$cfg" -A WITH_TLS -A "TLS_CFG=\"$dir/tls.cfg\""
    ;;
  *) usage ;;
esac
