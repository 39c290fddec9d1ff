#!/usr/bin/env bash
# The main job: sets up, builds, and runs the four-site example (docs/demo.md) as real processes
# on 127.0.0.1: 4 relays and 8 terminal agents from config/four-site, talking over TLS with
# certificates made on the spot. It forms the relay groups, shares workspace1, adds resources,
# changes and deletes files, runs one synchronize, prints the tables before and after, and
# stops every process it started. State, logs and certificates are kept in ./.demo.
# Arguments go to relaysync-four-site: `scripts/demo.sh --sip` runs the same story with the
# relays talking only through a Kamailio it starts and stops (docs/transport-sip.md).
# Tokyo's and Nagoya's file servers are private smbd instances it starts and stops (network/z:
# through the smb store; docs/demo.md); `--no-samba` keeps the local stand-in.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/build.sh" relaysync-four-site
# Its profiles are config/four-site's, written into .demo/profiles with the smb file servers
# (and --sip); --config DIR runs given profiles as they are.
exec "$top/build/bin/relaysync-four-site" --data "$top/.demo" "$@"
