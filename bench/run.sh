#!/usr/bin/env bash
# Builds the benchmarks optimised (./build-bench) and runs them, each printing relaysync side by
# side with its named peer.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
cmake -S "$top" -B "$top/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$top/build-bench" relaysync-bench-check relaysync-bench-sync
echo "== CheckResource against find"
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-check"
echo
echo "== targeted against whole-share synchronize"
"$top/build-bench/bin/relaysync-bench-sync"
