#!/usr/bin/env bash
# Builds the benchmarks optimised (./build-bench) and runs them. Arguments go to each benchmark.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
cmake -S "$top" -B "$top/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
ninja -C "$top/build-bench" relaysync-bench-check
RELAYSYNC_PLUGIN_DIR="$top/build-bench/plugins" "$top/build-bench/bin/relaysync-bench-check" "$@"
