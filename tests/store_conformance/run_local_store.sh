#!/bin/sh
# CTest store_conformance_local: relaysync-store-conformance on the in-tree local store, as an
# integrator runs it on theirs: a profile, the fixture prepared by the runner, root hooks
# with mv. Every case must pass or be skipped for a capability the store does not declare.
#   run_local_store.sh RUNNER   (RELAYSYNC_PLUGIN_DIR: where relaysync-storage-local.so is)
set -eu
runner=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/store-conformance-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$runner" --prepare-fixture "$work/root"
cat >"$work/site.yaml" <<YAML
relaysync: 1
node:
  role: terminal
  account: conformance@relay-server1.net
  relay: relay-server1@net
database: sqlite:$work/unused.db
transport:
  plugin: direct
stores:
  - prefix: "c:"
    plugin: local
    config:
      root: $work/root
YAML

# The hooks find the root in RELAYSYNC_STORE_ROOT (the store's `root` setting).
"$runner" --profile "$work/site.yaml" \
  --break-root 'mv "${RELAYSYNC_STORE_ROOT:?}" "$RELAYSYNC_STORE_ROOT.away"' \
  --replace-root 'mv "${RELAYSYNC_STORE_ROOT:?}" "$RELAYSYNC_STORE_ROOT.away" &&
                  mkdir "$RELAYSYNC_STORE_ROOT" && echo other >"$RELAYSYNC_STORE_ROOT/other.txt"' \
  --restore-root 'rm -rf "${RELAYSYNC_STORE_ROOT:?}" && mv "$RELAYSYNC_STORE_ROOT.away" "$RELAYSYNC_STORE_ROOT"'
