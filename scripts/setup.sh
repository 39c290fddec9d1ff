#!/usr/bin/env bash
# Installs what relaysync needs to build and test, from Debian's packages. Idempotent: when
# everything is already there it does nothing (no apt-get update, no network).
#   scripts/setup.sh          the build and the tests, plain and under g++'s sanitizers
#   scripts/setup.sh --fuzz   also Clang and its sanitizer/libFuzzer runtimes (scripts/test.sh --fuzz)
#   scripts/setup.sh --package  also what building and checking the Debian package needs
#                               (scripts/package.sh: dpkg-dev for its dependencies, systemd-analyze;
#                               the package's own dependencies, so that the deployment guide's test
#                               installs it without a network)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libpoco-dev libyaml-cpp-dev libboost-dev libssl-dev libcppunit-dev libpq-dev openssl
  # transport-sip: libosip2 parses SIP; its tests run Kamailio and sipp (config/kamailio).
  libosip2-dev kamailio sip-tester
  # transport: tls to Kamailio: its tls module.
  kamailio-tls-modules
  # The sip_nat test: network namespaces, veth pairs and an nftables NAT router per site.
  iproute2 nftables
  # The SDK's example plugin (sdk/examples/storage-archive), built by the sdk_install test, whose
  # driver reads relaysync-admin's --json answers with jq.
  libarchive-dev jq
  # SQLite's online backup (docs/deploy.md "Backup", and the tests that restore one).
  sqlite3
  # The check benchmark's second peer (rsync -an over an identical copy; bench/RESULTS.md).
  rsync
  # storage-smb: libsmbclient; its tests and the demo run a private smbd (scripts/samba.sh).
  libsmbclient-dev samba smbclient
)
for arg in "$@"; do
  case $arg in
    # libFuzzer and Clang's ASan/UBSan runtimes are in libclang-rt-14-dev, only a Recommends of clang.
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --package) packages+=(dpkg-dev file systemd adduser logrotate) ;;
    *) echo "usage: $0 [--fuzz] [--package]" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi
