#!/usr/bin/env bash
# Configures and builds relaysync in ./build (Ninja, ccache when present). Extra arguments are
# ninja targets; none builds everything.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
build_type=${RELAYSYNC_BUILD_TYPE:-Debug}
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
ninja -C "$top/build" "$@"
