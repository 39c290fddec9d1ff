#!/usr/bin/env bash
# The main job: sets up, builds, and runs the four-site example of design.md (relays R1..R4,
# terminals 11..42, SQLite files under ./.demo) and prints the relay-group and shared-resource
# tables before and after one synchronize.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/build.sh" relaysync-demo relaysync_storage_local
export RELAYSYNC_PLUGIN_DIR="$top/build/plugins"
exec "$top/build/bin/relaysync-demo" --config "$top/config/four-site" --data "$top/.demo" "$@"
