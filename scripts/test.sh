#!/usr/bin/env bash
# Sets up, builds, and runs every test suite (CppUnit suites registered with CTest).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/build.sh"
cd "$top/build"
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@"
