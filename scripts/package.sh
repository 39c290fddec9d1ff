#!/usr/bin/env bash
# Builds the Debian package (CPack, config/packaging) in its own build folder and checks it:
# its control fields, that it holds the programs, plugins, units, logrotate rule, examples and
# docs under the brand's names, that its units pass `systemd-analyze verify`, that its maintainer
# scripts parse, and that the programs it carries run (--version, --help, --check of a profile
# with the packaged plugins).
#
#   scripts/package.sh            the plain relaysync package, in ./build-package
#   scripts/package.sh --brand    a vendor's build (docs/branding.md) in ./build-package-brand,
#                                 with the example brand below: what CI checks
#   extra -DRELAYSYNC_BRAND_...=... arguments override the brand (with or without --brand)
#
# The .deb ends up in <build folder>/package/. RELAYSYNC_JOBS caps compile jobs (default nproc).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${RELAYSYNC_JOBS:-$(nproc)}
build=$top/build-package
brand=()
for arg in "$@"; do
  case $arg in
    --brand)
      build=$top/build-package-brand
      brand+=(-DRELAYSYNC_BRAND_NAME="Acme Sync" -DRELAYSYNC_BRAND_PROGRAM_PREFIX=acmesync
              -DRELAYSYNC_BRAND_VERSION=3.1.4 -DRELAYSYNC_BRAND_VENDOR="Acme Corp <support@acme.example>"
              -DRELAYSYNC_BRAND_SUPPORT_URL=https://support.acme.example/sync) ;;
    -DRELAYSYNC_BRAND_*) brand+=("$arg") ;;
    *) echo "usage: $0 [--brand] [-DRELAYSYNC_BRAND_...=VALUE...]" >&2; exit 2 ;;
  esac
done

"$top/scripts/setup.sh" --package
# /usr, as the package installs there: the plugin folder the programs search is compiled in.
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr \
  ${brand[@]+"${brand[@]}"} >/dev/null
ninja -C "$build" -j "$jobs"
rm -rf "$build/package"
(cd "$build" && cpack -G DEB >/dev/null)

# What the build was told, read back from its cache.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
name=$(cache RELAYSYNC_BRAND_NAME)
prefix=$(cache RELAYSYNC_BRAND_PROGRAM_PREFIX)
version=$(cache RELAYSYNC_BRAND_VERSION)
deb=$(ls "$build"/package/*.deb)
echo "package: $deb"

failures=0
fail() { echo "package check FAILED: $*" >&2; failures=$((failures + 1)); }
expect_field() {  # field, expected value
  local got
  got=$(dpkg-deb -f "$deb" "$1")
  [[ $got == "$2" ]] || fail "control field $1 is '$got', expected '$2'"
}

expect_field Package "$prefix"
expect_field Version "$version"
dpkg-deb -f "$deb" Depends | grep -q adduser || fail "Depends lacks adduser"
dpkg-deb -f "$deb" Depends | grep -q libpoco || fail "Depends lacks the Poco libraries (shlibdeps)"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
libdir=$(cache CMAKE_INSTALL_LIBDIR)
for path in \
  "/usr/bin/$prefix-relay" "/usr/bin/$prefix-terminal" "/usr/bin/$prefix-admin" "/usr/bin/$prefix-make-certs" \
  "/usr/bin/$prefix-store-conformance" \
  "/usr/$libdir/$prefix/plugins/relaysync-transport-direct.so" \
  "/usr/$libdir/$prefix/plugins/relaysync-transport-sip.so" \
  "/usr/$libdir/$prefix/plugins/relaysync-storage-local.so" \
  "/usr/$libdir/$prefix/plugins/relaysync-storage-smb.so" \
  "/usr/$libdir/$prefix/plugins/relaysync-checker-hash.so" \
  "/lib/systemd/system/$prefix-relay.service" "/lib/systemd/system/$prefix-terminal.service" \
  "/etc/logrotate.d/$prefix" \
  "/usr/share/doc/$prefix/copyright" "/usr/share/doc/$prefix/changelog.gz" \
  "/usr/share/doc/$prefix/deploy.md" "/usr/share/doc/$prefix/profile.md" \
  "/usr/share/doc/$prefix/examples/relay.yaml" "/usr/share/doc/$prefix/examples/terminal.yaml" \
  "/usr/include/relaysync/sdk/plugin.h"; do
  grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
if [[ $prefix != relaysync ]]; then
  # A vendor's package carries nothing under the plain names (the SDK's and plugins' names stay).
  grep -E '/(bin|systemd/system|logrotate\.d|doc)/relaysync' <<<"$contents" && fail "plain relaysync names in a branded package"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  sh -n "$work/control/$script" || fail "$script does not parse"
  [[ -x $work/control/$script ]] || fail "$script is not executable"
done
grep -qxF "/etc/logrotate.d/$prefix" "$work/control/conffiles" || fail "the logrotate rule is not a conffile"

# The programs run, and say whose they are.
for role in relay terminal admin; do
  program=$work/root/usr/bin/$prefix-$role
  out=$("$program" --version) || fail "$prefix-$role --version exited non-zero"
  [[ $(head -n1 <<<"$out") == "$prefix-$role ($name) $version" ]] || fail "$prefix-$role --version says: $out"
  grep -q '^protocol [0-9]*, plugin ABI [0-9.]*$' <<<"$out" || fail "$prefix-$role --version lacks the protocol: $out"
  "$program" --help | grep -qF "$name" || fail "$prefix-$role --help does not name $name"
done

# The packaged programs load the packaged plugins: --check of a relay profile made like the
# example, with certificates from the packaged make-certs.
export RELAYSYNC_PLUGIN_DIR=$work/root/usr/$libdir/$prefix/plugins
"$work/root/usr/bin/$prefix-make-certs" "$work/certs" relay:relay-server1@net >/dev/null
sed -e "s|/etc/$prefix/certs|$work/certs|g" -e "s|/var/lib/$prefix|$work|g" -e "s|/var/log/$prefix|$work|g" \
  -e "s|/run/$prefix/relay|$work|g" -e "/^  group:/d" -e "s|0.0.0.0:7443|127.0.0.1:7443|" \
  "$work/root/usr/share/doc/$prefix/examples/relay.yaml" >"$work/relay.yaml"
"$work/root/usr/bin/$prefix-relay" --profile="$work/relay.yaml" --check || fail "$prefix-relay --check of the example relay profile"

# Units: verified against a copy whose programs are the extracted ones (systemd-analyze checks
# that ExecStart exists); any output is a finding.
mkdir -p "$work/units"
for unit in "$prefix-relay.service" "$prefix-terminal.service"; do
  sed "s|/usr/bin/|$work/root/usr/bin/|" "$work/root/lib/systemd/system/$unit" >"$work/units/$unit"
done
if ! findings=$(cd "$work/units" && systemd-analyze verify --man=no ./*.service 2>&1) || [[ -n $findings ]]; then
  fail "systemd-analyze verify: $findings"
fi

if ((failures)); then
  echo "package: $failures check(s) failed" >&2
  exit 1
fi
echo "package: $prefix $version ($name) checked: contents, control, maintainer scripts, --version/--help, --check, units"
