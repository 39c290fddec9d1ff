#!/usr/bin/env bash
# CTest make_certs: scripts/make-certs.sh as two administrators use it, a site and a CA, in
# folders of their own. The site makes its key and a request; the CA signs a request only for
# the account and role its operator names, and the certificate it returns matches the site's
# key; revoking it puts it on the list OpenSSL checks. Also the one-place mode the demo and the
# tests use, and the command line's errors. That the transport accepts a certificate made this
# way, and refuses a revoked one, the transport_direct suite proves (RevocationTest).
#
#   make_certs_test.sh SCRIPT
set -euo pipefail

script=${1:?usage: make_certs_test.sh path/to/make-certs.sh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/relaysync-make-certs-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
site=$tmp/site
ca=$tmp/ca
out=$tmp/out
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect CODE WHAT COMMAND...: runs it, output in $out; checks the exit code.
expect() {
    local code=$1 what=$2 got=0
    shift 2
    "$@" >"$out" 2>&1 || got=$?
    [ "$got" -eq "$code" ] || { fail "$what: exit $got, expected $code; it said:"; sed 's/^/    /' "$out" >&2; }
}
said() {  # said TEXT WHAT: the last command's output has TEXT
    grep -qF -- "$1" "$out" || { fail "$2: no '$1' in:"; sed 's/^/    /' "$out" >&2; }
}
mode_of() { stat -c %a "$1"; }
public_key() { openssl "$1" -in "$2" -noout -pubkey 2>/dev/null || openssl pkey -in "$2" -pubout; }

terminal=terminal:client11@relay-server1.net:relay-server1@net

# --- the CA's operator makes the CA, alone -------------------------------------------------
expect 0 "making the CA alone" bash "$script" "$ca"
if [ ! -f "$ca/ca.pem" ] || [ "$(mode_of "$ca/ca.key")" != 600 ]; then fail "the CA's files, key mode 600"; fi

# --- the site makes its key and request ----------------------------------------------------
expect 0 "request" bash "$script" request "$site" "$terminal"
key=$site/client11@relay-server1.net.key
csr=$site/client11@relay-server1.net.csr
[ "$(mode_of "$key")" = 600 ] || fail "the site's key is mode $(mode_of "$key"), not 600"
[ -f "$csr" ] || fail "no request $csr"
said "public key SHA-256:" "request prints the key's fingerprint"
request_fingerprint=$(sed -n 's/^public key SHA-256: //p' "$out")
key_before=$(cat "$key")
expect 1 "a second request for the same account" bash "$script" request "$site" "$terminal"
said "never overwritten" "a second request"
[ "$(cat "$key")" = "$key_before" ] || fail "a second request changed the key"

# --- the CA refuses what its operator did not name -----------------------------------------
refused() {  # refused WHAT CERTIFICATE [REQUEST]
    expect 1 "$1" bash "$script" sign "$ca" "${3:-$csr}" "$2"
    said "REFUSED" "$1"
    [ ! -e "$site/client11@relay-server1.net.pem" ] || fail "$1: a certificate was written anyway"
    [ -z "$(ls -A "$ca/issued" 2>/dev/null)" ] || fail "$1: the CA recorded a certificate anyway"
}
refused "another account" terminal:client12@relay-server1.net:relay-server1@net
refused "a terminal of another relay" terminal:client11@relay-server1.net:relay-server2@net
refused "a relay instead of a terminal" relay:client11@relay-server1.net

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/other.key" 2>/dev/null
openssl req -new -key "$tmp/other.key" -subj "/O=Example/CN=client11@relay-server1.net" \
    -addext "subjectAltName=URI:urn:relaysync:terminal:relay-server1@net" -out "$tmp/extra-subject.csr"
refused "a subject with more than the CN" "$terminal" "$tmp/extra-subject.csr"
openssl req -new -key "$tmp/other.key" -subj "/CN=client11@relay-server1.net" -out "$tmp/no-role.csr"
refused "a request without a role" "$terminal" "$tmp/no-role.csr"
openssl req -new -key "$tmp/other.key" -subj "/CN=client11@relay-server1.net" \
    -addext "subjectAltName=URI:urn:relaysync:terminal:relay-server1@net,URI:urn:relaysync:relay" -out "$tmp/two-roles.csr"
refused "a request with two roles" "$terminal" "$tmp/two-roles.csr"
# One byte of the signature changed: the request no longer proves it holds its key.
python3 - "$csr" "$tmp/tampered.csr" <<'EOF'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
body = bytearray(base64.b64decode("".join(l for l in lines if l and not l.startswith("-----"))))
body[-3] ^= 1
text = base64.encodebytes(bytes(body)).decode()
open(sys.argv[2], "w").write("-----BEGIN CERTIFICATE REQUEST-----\n" + text + "-----END CERTIFICATE REQUEST-----\n")
EOF
expect 1 "a tampered request" bash "$script" sign "$ca" "$tmp/tampered.csr" "$terminal"
said "signature checks out" "a tampered request"

# --- and signs what it was told ------------------------------------------------------------
expect 0 "sign" bash "$script" sign "$ca" "$csr" "$terminal"
cert=$site/client11@relay-server1.net.pem
said "subject            CN=client11@relay-server1.net" "sign prints the subject"
said "terminal of relay-server1@net" "sign prints the role"
said "$request_fingerprint" "sign prints the fingerprint the request printed"
[ -f "$cert" ] || fail "no certificate at $cert"
openssl verify -CAfile "$ca/ca.pem" "$cert" >/dev/null || fail "the certificate is not signed by the CA"
[ "$(public_key x509 "$cert")" = "$(public_key pkey "$key")" ] || fail "the certificate is not for the site's key"
subject=$(openssl x509 -in "$cert" -noout -subject -nameopt RFC2253)
[ "$subject" = "subject=CN=client11@relay-server1.net" ] || fail "subject '$subject'"
extensions=$(openssl x509 -in "$cert" -noout -ext subjectAltName,extendedKeyUsage,basicConstraints)
for part in "URI:urn:relaysync:terminal:relay-server1@net" "IP Address:127.0.0.1" "DNS:localhost" \
    "TLS Web Server Authentication, TLS Web Client Authentication" "CA:FALSE"; do
    grep -qF "$part" <<<"$extensions" || fail "the certificate lacks $part: $extensions"
done
# The same extensions as a certificate made in one place.
expect 0 "one place" bash "$script" "$ca" relay:relay-server1@net
[ "$(openssl x509 -in "$ca/relay-server1@net.pem" -noout -ext keyUsage,extendedKeyUsage,basicConstraints)" = \
    "$(openssl x509 -in "$cert" -noout -ext keyUsage,extendedKeyUsage,basicConstraints)" ] ||
    fail "a signed request's certificate differs from a one-place certificate"
ls "$ca/issued/client11@relay-server1.net."*.pem >/dev/null 2>&1 || fail "the CA kept no copy in issued/"
for file in "$ca"/* "$ca"/issued/*; do
    [ "$(cat "$file" 2>/dev/null)" != "$key_before" ] || fail "the site's key is in the CA's folder: $file"
done
expect 1 "signing over an existing certificate" bash "$script" sign "$ca" "$csr" "$terminal"
said "exists already" "signing over an existing certificate"

# --- '+' is part of an account, not a second attribute --------------------------------------
expect 0 "request with +" bash "$script" request "$site" relay:relay+2@net
expect 0 "sign with +" bash "$script" sign "$ca" "$site/relay+2@net.csr" relay:relay+2@net
[ "$(openssl x509 -in "$site/relay+2@net.pem" -noout -subject -nameopt RFC2253)" = 'subject=CN=relay\+2@net' ] ||
    fail "an account with + became $(openssl x509 -in "$site/relay+2@net.pem" -noout -subject -nameopt RFC2253)"

# --- revocation ------------------------------------------------------------------------------
expect 0 "an empty list" bash "$script" crl "$ca"
said "0 revoked certificate(s)" "an empty list"
openssl verify -crl_check -CAfile "$ca/ca.pem" -CRLfile "$ca/ca.crl.pem" "$cert" >/dev/null ||
    fail "an unrevoked certificate fails the CRL check"
expect 0 "revoke by account" bash "$script" revoke --reason keyCompromise "$ca" client11@relay-server1.net
said "revoked CN=client11@relay-server1.net" "revoke by account"
said "1 revoked certificate(s)" "revoke by account"
expect 2 "revoke: verify -crl_check" openssl verify -crl_check -CAfile "$ca/ca.pem" -CRLfile "$ca/ca.crl.pem" "$cert"
said "certificate revoked" "the revoked certificate fails the CRL check"
expect 0 "revoke again" bash "$script" revoke "$ca" "$cert"
said "already revoked" "revoke again"
said "1 revoked certificate(s)" "revoke again"
expect 0 "revoke a file" bash "$script" revoke "$ca" "$ca/relay-server1@net.pem"
said "2 revoked certificate(s)" "revoke a file"
openssl verify -crl_check -CAfile "$ca/ca.pem" -CRLfile "$ca/ca.crl.pem" "$site/relay+2@net.pem" >/dev/null ||
    fail "revoking others revoked relay+2@net too"
expect 1 "revoke an unknown account" bash "$script" revoke "$ca" nobody@net
expect 0 "a foreign CA" bash "$script" --ca-name rogue-ca "$tmp/rogue" relay:relay-server1@net
expect 1 "revoke a foreign certificate" bash "$script" revoke "$ca" "$tmp/rogue/relay-server1@net.pem"
said "was not made by the CA" "revoke a foreign certificate"

# --- the command line ------------------------------------------------------------------------
expect 0 "--help" bash "$script" --help
said "make-certs.sh request DIR CERTIFICATE" "--help"
expect 2 "an unknown option" bash "$script" --frobnicate "$tmp/x"
expect 2 "an option of another command" bash "$script" request --out "$tmp/x.pem" "$site" relay:r@net
expect 2 "a folder named like a command after an option" bash "$script" --days 5 sign relay:r@net
expect 2 "a bare account" bash "$script" sign "$ca" "$csr" client11@relay-server1.net
mkdir "$tmp/no-ca"
expect 1 "signing without a CA" bash "$script" sign "$tmp/no-ca" "$csr" "$terminal"
said "no CA in" "signing without a CA"
# One place, run again: keeps everything.
expect 0 "one place again" bash "$script" "$ca" relay:relay-server1@net
said "kept $ca/relay-server1@net.pem" "one place again"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "make-certs.sh: all checks passed"
