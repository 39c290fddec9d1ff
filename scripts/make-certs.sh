#!/usr/bin/env bash
# Makes the certificates the "direct" transport needs: one certificate authority (CA) per site
# network, and one certificate per account whose subject CN is the account itself and whose
# subjectAltName says its role, so that a terminal's certificate can never act as a relay.
#
#   scripts/make-certs.sh [--ca-name NAME] [--days N] DIR CERTIFICATE...
#
#   CERTIFICATE is one of
#     relay:ACCOUNT                 a relay server, e.g. relay:relay-server1@net
#     terminal:ACCOUNT:RELAY        a terminal of the relay RELAY,
#                                   e.g. terminal:client11@relay-server1.net:relay-server1@net
#
#   DIR/NAME.pem, DIR/NAME.key      the CA (NAME is "ca" unless --ca-name), valid 10 years;
#                                   made only when missing
#   DIR/ACCOUNT.pem, DIR/ACCOUNT.key one per account, CN=ACCOUNT, subjectAltName
#                                   IP:127.0.0.1,DNS:localhost and the role URI
#                                   (urn:relaysync:relay or urn:relaysync:terminal:RELAY), signed
#                                   by that CA, valid --days days (default 825); made only when
#                                   missing
#
# Keys are EC P-256, unencrypted, mode 600. Running it again skips what exists, so it is safe to
# re-run to add accounts. `--ca-name rogue-ca` with another DIR makes a separate, unrelated CA
# (tests use one to check that foreign certificates are refused).
# Never commit the .key files; only the CA's .pem goes to other sites.
set -euo pipefail

usage() {
    echo "usage: $0 [--ca-name NAME] [--days N] DIR (relay:ACCOUNT | terminal:ACCOUNT:RELAY)..." >&2
    exit 2
}

ca_name=ca
leaf_days=825
while [ $# -gt 0 ]; do
    case "$1" in
        --ca-name) [ $# -ge 2 ] || usage; ca_name=$2; shift 2 ;;
        --days) [ $# -ge 2 ] || usage; leaf_days=$2; shift 2 ;;
        --help|-h) usage ;;
        --) shift; break ;;
        -*) echo "$0: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage
dir=$1
shift

# A name becomes a file name: refuse anything that could leave DIR or look like an option.
check_name() {
    case "$1" in
        ''|.*|-*|*/*|*[!A-Za-z0-9@._+-]*)
            echo "$0: '$1' is not usable as $2 (letters, digits, @ . _ + - only; not starting with . or -)" >&2
            exit 2 ;;
    esac
}
check_name "$ca_name" "a CA name"
case "$leaf_days" in ''|*[!0-9]*) echo "$0: --days needs a number of days" >&2; exit 2 ;; esac
# Each request becomes "ACCOUNT ROLE-URI" in $requests.
requests=()
for request in "$@"; do
    case "$request" in
        relay:*:*) echo "$0: '$request': a relay is relay:ACCOUNT" >&2; exit 2 ;;
        relay:*)
            account=${request#relay:}
            check_name "$account" "an account name"
            requests+=("$account urn:relaysync:relay") ;;
        terminal:*:*)
            rest=${request#terminal:}
            account=${rest%%:*}
            relay=${rest#*:}
            check_name "$account" "an account name"
            check_name "$relay" "a relay account"
            requests+=("$account urn:relaysync:terminal:$relay") ;;
        *)
            echo "$0: '$request': say what the certificate is for: relay:ACCOUNT or terminal:ACCOUNT:RELAY" >&2
            exit 2 ;;
    esac
done

command -v openssl >/dev/null || { echo "$0: the openssl command is needed" >&2; exit 1; }
umask 077
mkdir -p "$dir"
work=$(mktemp -d "$dir/.make-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT

new_key() {  # new_key FILE
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>"$work/openssl.err" ||
        { cat "$work/openssl.err" >&2; echo "$0: could not make a key" >&2; exit 1; }
    chmod 600 "$1"
}

# Both files of a pair exist (true: skip), neither does (false: make), or one is missing (stop:
# never overwrite a key whose certificate may be in use). Not run in a subshell, so exit stops.
pair_present() {  # pair_present BASE
    if [ -e "$1.pem" ] && [ -e "$1.key" ]; then return 0; fi
    if [ ! -e "$1.pem" ] && [ ! -e "$1.key" ]; then return 1; fi
    echo "$0: only one of $1.pem and $1.key exists; move the other away or restore it" >&2
    exit 1
}

ca="$dir/$ca_name"
if ! pair_present "$ca"; then
    new_key "$work/ca.key"
    openssl req -x509 -new -key "$work/ca.key" -sha256 -days 3650 \
        -subj "/CN=relaysync CA $ca_name" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$work/ca.pem"
    chmod 644 "$work/ca.pem"
    mv "$work/ca.key" "$ca.key"
    mv "$work/ca.pem" "$ca.pem"
    echo "made CA $ca.pem (key $ca.key)"
else
    echo "kept CA $ca.pem"
fi

for request in "${requests[@]}"; do
    account=${request%% *}
    role=${request#* }
    out="$dir/$account"
    if pair_present "$out"; then
        echo "kept $out.pem"
        continue
    fi
    cat >"$work/leaf.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,URI:$role
EOF
    new_key "$work/leaf.key"
    openssl req -new -key "$work/leaf.key" -subj "/CN=$account" -out "$work/leaf.csr"
    openssl x509 -req -in "$work/leaf.csr" -CA "$ca.pem" -CAkey "$ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -sha256 -days "$leaf_days" \
        -extfile "$work/leaf.ext" -out "$work/leaf.pem" 2>"$work/openssl.err" ||
        { cat "$work/openssl.err" >&2; echo "$0: could not sign the certificate for $account" >&2; exit 1; }
    chmod 644 "$work/leaf.pem"
    mv "$work/leaf.key" "$out.key"
    mv "$work/leaf.pem" "$out.pem"
    echo "made $out.pem (key $out.key) for $account (${role#urn:relaysync:})"
done
