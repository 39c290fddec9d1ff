#!/usr/bin/env bash
# Makes and manages the certificates the "direct" transport needs (docs/transport-direct.md,
# "Certificates"): one certificate authority (CA) per relaysync network, and one certificate per
# account whose subject CN is the account itself and whose subjectAltName says its role, so that
# a terminal's certificate can never act as a relay. `make-certs.sh --help` says how.
#
# Keys are EC P-256, unencrypted, mode 600, and never overwritten. Never commit the .key files;
# only the CA's .pem (and its revocation list) go to other sites.
set -euo pipefail

prog=${0##*/}

usage() {
    cat <<EOF
usage:
  All in one place (one administrator holds every key; the demo and the tests):
    $prog [--ca-name NAME] [--days N] DIR [CERTIFICATE...]
        makes DIR/NAME.pem + .key (the CA) when missing, and DIR/ACCOUNT.pem + .key for each
        CERTIFICATE that is missing. With no CERTIFICATE it makes only the CA.

  Private keys made where they are used (only requests and certificates travel):
    $prog request DIR CERTIFICATE
        at the site: makes DIR/ACCOUNT.key (stays there, mode 600) and the request DIR/ACCOUNT.csr
        to send to the CA's operator.
    $prog sign [--ca-name NAME] [--days N] [--out FILE] CA_DIR REQUEST.csr CERTIFICATE
        at the CA: checks that the request is for exactly CERTIFICATE (account and role, as the
        operator states them here) and signs it: FILE (default ACCOUNT.pem beside the request),
        and a copy in CA_DIR/issued/. Send it back with CA_DIR/NAME.pem.

  Revocation (the nodes' "crl" setting names the list; they reread it when it changes):
    $prog revoke [--ca-name NAME] [--crl-days N] [--reason REASON] CA_DIR (CERT.pem | ACCOUNT)...
        revokes a certificate file, or every certificate of ACCOUNT this CA made (CA_DIR/ACCOUNT.pem
        and CA_DIR/issued/ACCOUNT.*.pem), and writes the list CA_DIR/NAME.crl.pem.
    $prog crl [--ca-name NAME] [--crl-days N] CA_DIR
        writes CA_DIR/NAME.crl.pem afresh with what is revoked so far (none at first).

  CERTIFICATE says what the certificate is for:
    relay:ACCOUNT              a relay server, e.g. relay:relay-server1@net
    terminal:ACCOUNT:RELAY     a terminal of the relay RELAY,
                               e.g. terminal:client11@relay-server1.net:relay-server1@net

options:
  --ca-name NAME   the CA's files are NAME.pem / NAME.key (default: ca)
  --days N         validity of a node certificate in days (default: 825); the CA: 10 years
  --out FILE       sign: where the certificate goes
  --crl-days N     validity of the revocation list in days (default: 3650)
  --reason REASON  revoke: unspecified (default), keyCompromise, affiliationChanged,
                   superseded or cessationOfOperation
  -h, --help       this text

Node certificates carry CN=ACCOUNT and subjectAltName IP:127.0.0.1, DNS:localhost and the role
URI urn:relaysync:relay or urn:relaysync:terminal:RELAY. It needs the openssl command.
EOF
}

# Exit 2: the command line is wrong. Exit 1: it is right, but the work cannot be done.
usage_error() {
    echo "$prog: $*" >&2
    echo "($prog --help says how to use it)" >&2
    exit 2
}
die() {
    echo "$prog: $*" >&2
    exit 1
}

# --- the command line ---------------------------------------------------------------------

command="make"
ca_name=ca
leaf_days=825
crl_days=3650
reason=unspecified
out=
given=()       # options given, to refuse those the command does not take
positional=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --ca-name|--days|--out|--crl-days|--reason)
            [ $# -ge 2 ] || usage_error "$1 needs a value"
            given+=("$1")
            case "$1" in
                --ca-name) ca_name=$2 ;;
                --days) leaf_days=$2 ;;
                --out) out=$2 ;;
                --crl-days) crl_days=$2 ;;
                --reason) reason=$2 ;;
            esac
            shift 2 ;;
        --) shift; positional+=("$@"); break ;;
        -*) usage_error "unknown option $1" ;;
        *)
            if [ ${#positional[@]} -eq 0 ] && [ "$command" = make ]; then
                case "$1" in request|sign|revoke|crl) command=$1; shift; continue ;; esac
            fi
            positional+=("$1"); shift ;;
    esac
done

allowed_options() {  # allowed_options OPTION...: refuse any other option given
    local option allowed
    for option in "${given[@]+"${given[@]}"}"; do
        for allowed in "$@"; do [ "$option" = "$allowed" ] && continue 2; done
        usage_error "$option does not go with '$command'"
    done
}
case "$command" in
    make) allowed_options --ca-name --days ;;
    request) allowed_options ;;
    sign) allowed_options --ca-name --days --out ;;
    revoke) allowed_options --ca-name --crl-days --reason ;;
    crl) allowed_options --ca-name --crl-days ;;
esac

# A name becomes a file name: refuse anything that could leave DIR or look like an option.
check_name() {  # check_name NAME WHAT
    case "$1" in
        ''|.*|-*|*/*|*[!A-Za-z0-9@._+-]*)
            usage_error "'$1' is not usable as $2 (letters, digits, @ . _ + - only; not starting with . or -)" ;;
    esac
}
check_days() {  # check_days VALUE OPTION
    case "$1" in ''|0|*[!0-9]*) usage_error "$2 needs a whole number of days" ;; esac
}
check_name "$ca_name" "a CA name"
check_days "$leaf_days" --days
check_days "$crl_days" --crl-days
case "$reason" in
    unspecified|keyCompromise|affiliationChanged|superseded|cessationOfOperation) ;;
    *) usage_error "--reason '$reason': one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation" ;;
esac

# parse_certificate SPEC: sets account, role (the URI) and role_text ("relay", "terminal of X").
parse_certificate() {
    case "$1" in
        relay:*:*) usage_error "'$1': a relay is relay:ACCOUNT" ;;
        relay:*)
            account=${1#relay:}
            check_name "$account" "an account name"
            role=urn:relaysync:relay
            role_text=relay ;;
        terminal:*:*)
            local rest=${1#terminal:}
            account=${rest%%:*}
            local relay=${rest#*:}
            check_name "$account" "an account name"
            check_name "$relay" "a relay account"
            role=urn:relaysync:terminal:$relay
            role_text="terminal of $relay" ;;
        *) usage_error "'$1': say what the certificate is for: relay:ACCOUNT or terminal:ACCOUNT:RELAY" ;;
    esac
}

# --- shared steps -------------------------------------------------------------------------

command -v openssl >/dev/null || die "the openssl command is needed"
umask 077
work=
trap '[ -z "$work" ] || rm -rf "$work"' EXIT
make_work_dir() {  # make_work_dir DIR: scratch files beside the results, so that mv is atomic
    work=$(mktemp -d "$1/.make-certs.XXXXXX")
    work=$(cd "$work" && pwd)  # absolute: openssl ca runs in another folder
}

# Runs openssl; on failure shows what it said and stops with WHAT.
run_openssl() {  # run_openssl WHAT ARG...
    local what=$1
    shift
    openssl "$@" 2>"$work/openssl.err" || { cat "$work/openssl.err" >&2; die "$what"; }
}

new_key() {  # new_key FILE
    run_openssl "could not make a key" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
    chmod 600 "$1"
}

# The subject for -subj: "+" would start a second attribute there.
subject_of() { printf '/CN=%s' "${1//+/\\+}"; }

# The SHA-256 of a public key, for the site and the CA to compare over the phone.
key_fingerprint() {  # key_fingerprint req|x509 FILE
    openssl "$1" -in "$2" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -c1-64
}

# Both files of a pair exist (true: skip), neither does (false: make), or one is missing (stop:
# never overwrite a key whose certificate may be in use). Not run in a subshell, so exit stops.
pair_present() {  # pair_present BASE
    if [ -e "$1.pem" ] && [ -e "$1.key" ]; then return 0; fi
    if [ ! -e "$1.pem" ] && [ ! -e "$1.key" ]; then return 1; fi
    die "only one of $1.pem and $1.key exists; move the other away or restore it"
}

need_ca() {  # need_ca CA_DIR: sets ca (the files' path without .pem/.key)
    ca="$1/$ca_name"
    [ -d "$1" ] || die "$1 is not a folder"
    if [ ! -f "$ca.pem" ] || [ ! -f "$ca.key" ]; then
        die "no CA in $1 ($ca.pem and $ca.key); make one with: $prog $([ "$ca_name" = ca ] || echo "--ca-name $ca_name ")$1"
    fi
}

# Signs a request as the certificate of ACCOUNT in ROLE: the subject and every extension are set
# here, whatever the request asks for (openssl x509 copies none of its extensions).
sign_request() {  # sign_request CSR OUT ACCOUNT ROLE
    cat >"$work/leaf.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,URI:$4
EOF
    run_openssl "could not sign the certificate for $3" x509 -req -in "$1" -subj "$(subject_of "$3")" \
        -CA "$ca.pem" -CAkey "$ca.key" -set_serial "0x$(openssl rand -hex 16)" -sha256 -days "$leaf_days" \
        -extfile "$work/leaf.ext" -out "$2"
    chmod 644 "$2"
}

serial_of() { openssl x509 -in "$1" -noout -serial | sed 's/^serial=//'; }
end_of() { openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//'; }

# --- all in one place ---------------------------------------------------------------------

make_all() {
    [ ${#positional[@]} -ge 1 ] || usage_error "say in which folder: $prog DIR [CERTIFICATE...]"
    local dir=${positional[0]} spec
    case "$dir" in
        request|sign|revoke|crl)
            usage_error "'$dir' is a command: write it first ($prog $dir ...), or ./$dir for a folder of that name" ;;
    esac
    # All are checked before anything is made.
    local accounts=() roles=() role_texts=()
    for spec in "${positional[@]:1}"; do
        parse_certificate "$spec"
        accounts+=("$account")
        roles+=("$role")
        role_texts+=("$role_text")
    done

    mkdir -p "$dir"
    make_work_dir "$dir"
    ca="$dir/$ca_name"
    if ! pair_present "$ca"; then
        new_key "$work/ca.key"
        run_openssl "could not make the CA" req -x509 -new -key "$work/ca.key" -sha256 -days 3650 \
            -subj "$(subject_of "relaysync CA $ca_name")" \
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

    local i out_base
    for i in "${!accounts[@]}"; do
        account=${accounts[$i]}
        role=${roles[$i]}
        role_text=${role_texts[$i]}
        out_base="$dir/$account"
        if pair_present "$out_base"; then
            echo "kept $out_base.pem"
            continue
        fi
        new_key "$work/leaf.key"
        run_openssl "could not make the request for $account" req -new -key "$work/leaf.key" \
            -subj "$(subject_of "$account")" -out "$work/leaf.csr"
        sign_request "$work/leaf.csr" "$work/leaf.pem" "$account" "$role"
        mv "$work/leaf.key" "$out_base.key"
        mv "$work/leaf.pem" "$out_base.pem"
        echo "made $out_base.pem (key $out_base.key) for $account ($role_text)"
    done
}

# --- at the site: a key and a request ------------------------------------------------------

make_request() {
    [ ${#positional[@]} -eq 2 ] || usage_error "usage: $prog request DIR CERTIFICATE"
    local dir=${positional[0]}
    parse_certificate "${positional[1]}"
    local base="$dir/$account"
    [ ! -e "$base.key" ] ||
        die "$base.key exists already; keys are never overwritten: to renew, move $base.key and $base.pem away first"
    [ ! -e "$base.csr" ] || die "$base.csr exists already; move it away first"
    mkdir -p "$dir"
    make_work_dir "$dir"
    new_key "$work/node.key"
    # The request asks for the role too, so that the CA can check it against what its operator
    # was told; the CA sets the certificate's extensions itself.
    run_openssl "could not make the request for $account" req -new -key "$work/node.key" -sha256 \
        -subj "$(subject_of "$account")" -addext "subjectAltName=URI:$role" -out "$work/node.csr"
    chmod 644 "$work/node.csr"
    mv "$work/node.key" "$base.key"
    mv "$work/node.csr" "$base.csr"
    echo "made the key $base.key (keep it here: it never leaves this machine)"
    echo "made the request $base.csr for $account ($role_text)"
    echo "public key SHA-256: $(key_fingerprint req "$base.csr")"
    echo "send $base.csr to the CA's operator; put the certificate you get back at $base.pem, with the CA's .pem"
}

# --- at the CA: sign a request ---------------------------------------------------------------

# The role URIs a request asks for in its subjectAltName, one a line.
requested_roles() {  # requested_roles CSR
    openssl req -in "$1" -noout -text | grep -o 'URI:urn:relaysync:[^,[:space:]]*' | sed 's/^URI://' || true
}

# Refuses a key too weak to trust: RSA below 2048 bits; EC keys and Ed25519 are fine.
check_request_key() {  # check_request_key CSR
    local text bits
    text=$(openssl req -in "$1" -noout -text)
    if grep -q 'Public Key Algorithm: rsaEncryption' <<<"$text"; then
        bits=$(grep -o 'Public-Key: ([0-9]*' <<<"$text" | grep -o '[0-9]*$' || echo 0)
        [ "${bits:-0}" -ge 2048 ] || die "$csr: its RSA key has ${bits:-an unknown number of} bits; at least 2048 are needed"
    fi
}

sign_one() {
    [ ${#positional[@]} -eq 3 ] || usage_error "usage: $prog sign [--ca-name NAME] [--days N] [--out FILE] CA_DIR REQUEST.csr CERTIFICATE"
    local ca_dir=${positional[0]}
    csr=${positional[1]}
    parse_certificate "${positional[2]}"
    need_ca "$ca_dir"
    [ -f "$csr" ] || die "$csr is not a file"
    [ -n "$out" ] || out="$(dirname -- "$csr")/$account.pem"
    [ ! -e "$out" ] || die "$out exists already; move it away, or name another file with --out"
    make_work_dir "$ca_dir"

    # The request must be intact and be, exactly, what the operator says it is for.
    cp -- "$csr" "$work/request.csr"
    openssl req -in "$work/request.csr" -noout -verify >"$work/verify.out" 2>&1 || true
    grep -q 'verify OK' "$work/verify.out" ||
        { cat "$work/verify.out" >&2; die "$csr is not a certificate request whose signature checks out"; }
    local subject expected roles
    subject=$(openssl req -in "$work/request.csr" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
    expected="CN=${account//+/\\+}"
    [ "$subject" = "$expected" ] ||
        die "REFUSED: $csr is for '$subject', not for $account (expected exactly '$expected'); nothing was signed"
    roles=$(requested_roles "$work/request.csr")
    [ -n "$roles" ] ||
        die "REFUSED: $csr names no relaysync role; make requests with '$prog request'; nothing was signed"
    [ "$roles" = "$role" ] ||
        die "REFUSED: $csr asks for the role '$(tr '\n' ' ' <<<"$roles" | sed 's/ $//')', but you said $role ($role_text); nothing was signed"
    check_request_key "$work/request.csr"

    sign_request "$work/request.csr" "$work/signed.pem" "$account" "$role"
    local serial
    serial=$(serial_of "$work/signed.pem")
    mkdir -p "$ca_dir/issued"
    cp "$work/signed.pem" "$ca_dir/issued/$account.$serial.pem"
    mv "$work/signed.pem" "$work/out.pem"
    # Into the target folder under a temporary name first, so that OUT appears complete or not at all.
    local temporary
    temporary=$(mktemp "$(dirname -- "$out")/.make-certs.XXXXXX")
    if ! { cp "$work/out.pem" "$temporary" && chmod 644 "$temporary" && mv "$temporary" "$out"; }; then
        rm -f "$temporary"
        die "could not write $out"
    fi
    echo "signed $out:"
    echo "  subject            CN=$account"
    echo "  role               $role_text ($role)"
    echo "  serial             $serial"
    echo "  valid until        $(end_of "$out")"
    echo "  public key SHA-256 $(key_fingerprint x509 "$out")  (the site's request printed it: compare)"
    echo "  signed by          $ca.pem; a copy is in $ca_dir/issued/$account.$serial.pem"
    echo "send $out and $ca.pem back to the site"
}

# --- revocation --------------------------------------------------------------------------

# openssl ca keeps what is revoked in a small database beside the CA: CA_DIR/NAME-revocations/.
prepare_revocations() {  # prepare_revocations CA_DIR
    local db="$ca_name-revocations"
    mkdir -p "$1/$db"
    [ -e "$1/$db/index.txt" ] || : >"$1/$db/index.txt"
    [ -e "$1/$db/crlnumber" ] || echo 01 >"$1/$db/crlnumber"
    # Names relative to CA_DIR (openssl runs there): a path could hold characters the config
    # file format would read as variables.
    cat >"$work/ca.cnf" <<EOF
[ ca ]
default_ca = relaysync_ca
[ relaysync_ca ]
database = $db/index.txt
crlnumber = $db/crlnumber
certificate = $ca_name.pem
private_key = $ca_name.key
default_md = sha256
default_crl_days = $crl_days
unique_subject = no
crl_extensions = crl_extensions
[ crl_extensions ]
authorityKeyIdentifier = keyid:always
EOF
}

openssl_ca() {  # openssl_ca CA_DIR WHAT ARG...
    local dir=$1 what=$2
    shift 2
    (cd "$dir" && openssl ca -config "$work/ca.cnf" "$@") >"$work/ca.out" 2>&1 ||
        { cat "$work/ca.out" >&2; die "$what"; }
}

write_crl() {  # write_crl CA_DIR
    local crl="$ca.crl.pem" count
    openssl_ca "$1" "could not write the revocation list" -gencrl -out "$work/crl.pem"
    chmod 644 "$work/crl.pem"
    mv "$work/crl.pem" "$crl"
    count=$(openssl crl -in "$crl" -noout -text | grep -c 'Serial Number:' || true)
    echo "wrote $crl: $count revoked certificate(s), valid until $(openssl crl -in "$crl" -noout -nextupdate | sed 's/^nextUpdate=//')"
    echo "copy it to every node's crl file (replace the file: running nodes reread it and cut revoked peers off)"
}

is_revoked() {  # is_revoked CA_DIR SERIAL
    awk -F'\t' -v serial="$2" '$1 == "R" && toupper($4) == toupper(serial) { found = 1 } END { exit !found }' \
        "$1/$ca_name-revocations/index.txt"
}

revoke_file() {  # revoke_file CA_DIR CERT
    local cert=$2 serial subject
    openssl x509 -in "$cert" -noout >/dev/null 2>&1 || die "$cert holds no PEM certificate"
    openssl verify -no_check_time -CAfile "$ca.pem" "$cert" >"$work/verify.out" 2>&1 ||
        { cat "$work/verify.out" >&2; die "$cert was not made by the CA $ca.pem"; }
    serial=$(serial_of "$cert")
    subject=$(openssl x509 -in "$cert" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
    if is_revoked "$1" "$serial"; then
        echo "already revoked: $subject, serial $serial ($cert)"
        return
    fi
    local absolute
    absolute=$(cd "$(dirname -- "$cert")" && pwd)/$(basename -- "$cert")
    openssl_ca "$1" "could not revoke $cert" -revoke "$absolute" -crl_reason "$reason"
    echo "revoked $subject, serial $serial, reason $reason ($cert)"
}

revoke_some() {
    [ ${#positional[@]} -ge 2 ] || usage_error "usage: $prog revoke [--ca-name NAME] [--crl-days N] [--reason REASON] CA_DIR (CERT.pem | ACCOUNT)..."
    local ca_dir=${positional[0]} what found file
    need_ca "$ca_dir"
    # Everything named must be found before anything is revoked.
    local files=()
    for what in "${positional[@]:1}"; do
        if [ -f "$what" ]; then
            files+=("$what")
            continue
        fi
        check_name "$what" "a certificate file or an account (no such file)"
        found=0
        for file in "$ca_dir/$what.pem" "$ca_dir/issued/$what".*.pem; do
            [ -f "$file" ] || continue
            files+=("$file")
            found=1
        done
        [ $found -eq 1 ] ||
            die "$what: no such file, and no certificate of that account in $ca_dir ($what.pem) or $ca_dir/issued/"
    done
    make_work_dir "$ca_dir"
    prepare_revocations "$ca_dir"
    for file in "${files[@]}"; do revoke_file "$ca_dir" "$file"; done
    write_crl "$ca_dir"
}

make_crl() {
    [ ${#positional[@]} -eq 1 ] || usage_error "usage: $prog crl [--ca-name NAME] [--crl-days N] CA_DIR"
    need_ca "${positional[0]}"
    make_work_dir "${positional[0]}"
    prepare_revocations "${positional[0]}"
    write_crl "${positional[0]}"
}

case "$command" in
    make) make_all ;;
    request) make_request ;;
    sign) sign_one ;;
    revoke) revoke_some ;;
    crl) make_crl ;;
esac
