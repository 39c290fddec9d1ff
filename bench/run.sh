#!/usr/bin/env bash
# Builds the benchmarks optimised (./build-bench) and runs them, each printing relaysync side by
# side with its named peer (find, whole-share synchronize, sipp through Kamailio); then a soak
# of the four sites (docs/soak.md), SOAK_SECONDS long (default 60) with SOAK_FILES files
# (default 3000).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
cmake -S "$top" -B "$top/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$top/build-bench" relaysync-bench-check relaysync-bench-sync relaysync-bench-sip relaysync-bench-soak
echo "== CheckResource against find"
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-check"
echo
echo "== targeted against whole-share synchronize"
"$top/build-bench/bin/relaysync-bench-sync"
echo
echo "== SIP MESSAGE throughput against sipp"
# relay -> Kamailio -> relay and sipp -> Kamailio -> sipp, each against a fresh Kamailio
# (config/kamailio, scripts/kamailio.sh) on 127.0.0.1; SIP_MESSAGES messages (default 20000).
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-sip" --messages "${SIP_MESSAGES:-20000}"
echo
echo "== soak: four sites over TLS under changes, synchronizes, kills and restarts"
"$top/build-bench/bench/relaysync-bench-soak" --seconds "${SOAK_SECONDS:-60}" --files "${SOAK_FILES:-3000}" \
  --data "$top/build-bench/soak"
echo
echo "== a no-change synchronize over SIP (relays through Kamailio) against the same over direct"
ninja -C "$top/build-bench" relaysync-bench-sip-sync
"$top/build-bench/bench/relaysync-bench-sip-sync" --data "$top/build-bench/sip-sync"
echo
echo "== CheckResource on an SMB share against smbclient"
# A whole-share check through the smb store (the plugin through the plugin host) on a private
# smbd (scripts/samba.sh) on 127.0.0.1, against `smbclient -c 'recurse; ls'` listing the same
# tree; SMB_FILES files (default 5000) in SMB_FOLDERS folders (default 50), median of 5 rounds.
ninja -C "$top/build-bench" relaysync-bench-smb
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-smb" \
  --files "${SMB_FILES:-5000}" --folders "${SMB_FOLDERS:-50}"
echo
echo "== the hash checker against openssl dgst and sha256sum"
# HASH_MB MiB (default 2048) of random bytes in HASH_FILES files (default 128): a full check
# (every file read) and a re-check of the unchanged tree (from the checker's cache).
ninja -C "$top/build-bench" relaysync-bench-hash
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-hash" \
  --megabytes "${HASH_MB:-2048}" --files "${HASH_FILES:-128}"
echo
echo "== remote fetch through two relays against one openssl s_server/s_client TLS copy"
# FETCH_MB MiB (default 1024) fetched by client21 from client31 through R2 and R3; the relays'
# peak memory (VmHWM) before and after.
ninja -C "$top/build-bench" relaysync-bench-fetch
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bench/relaysync-bench-fetch" \
  --megabytes "${FETCH_MB:-1024}" --data "$top/build-bench/fetch"
