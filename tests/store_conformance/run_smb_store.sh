#!/bin/sh
# CTest store_conformance_smb: relaysync-store-conformance on the "smb" store, as an integrator
# runs it on theirs: a private smbd (scripts/samba.sh) on 127.0.0.1 with the share "finance",
# the fixture written on the server's disk in the share's folder folderZ (the store's root), a
# terminal profile whose smb store reads its password from a credentials file (mode 600), and
# root hooks that move folderZ away on the server's disk, put another folder in its place, and
# move it back. smbd is stopped by its pid on every exit path.
#   run_smb_store.sh RUNNER SAMBA_SCRIPT   (RELAYSYNC_PLUGIN_DIR: where relaysync-storage-smb.so is)
#
# An SMB client does not see links: the server resolves them. So the whole suite runs with
# --no-symlinks, and then symlinks.inside on its own (Samba serves a link to a file or folder
# inside as its target, as the case expects). symlinks.outside and symlinks.loop stay skipped,
# for what the server does, which the store cannot see past:
#  - Samba follows a link that stays inside the share, and the store's root is a folder inside
#    the share, so links/out-parent (-> ../..) reaches the share's top and is served as an
#    ordinary folder; nothing tells the store that this folder lies outside its root;
#  - Samba answers a loop of links (links/loop-a <-> loop-b) with "object name not found",
#    exactly as for a missing name, where the case expects io_error.
set -eu
runner=$1
samba=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/store-conformance-smb-XXXXXX")
cleanup() {
  trap '' HUP INT TERM  # a signal now must not cut the cleanup short
  "$samba" stop "$work/samba" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 "$(dirname "$0")/../support/free_port.py")
user=conformance
password='con form%ance'
"$samba" prepare "$work/samba" "127.0.0.1:$port" "$user" "$password" "finance=$work/share"
"$runner" --prepare-fixture "$work/share/folderZ"

(umask 077 && printf 'username = %s\npassword = %s\n' "$user" "$password" >"$work/credentials")
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
  - prefix: "f:"
    plugin: smb
    config:
      server: 127.0.0.1
      port: $port
      share: finance
      folder: folderZ
      credentials_file: $work/credentials
      timeout_ms: 2000
YAML

"$samba" start "$work/samba"

# The smb store has no `root` setting, so the hooks get the root's folder on the server's disk
# from SMB_ROOT_ON_DISK.
SMB_ROOT_ON_DISK=$work/share/folderZ
export SMB_ROOT_ON_DISK
"$runner" --profile "$work/site.yaml" --store f: --no-symlinks \
  --break-root 'mv "${SMB_ROOT_ON_DISK:?}" "$SMB_ROOT_ON_DISK.away"' \
  --replace-root 'mv "${SMB_ROOT_ON_DISK:?}" "$SMB_ROOT_ON_DISK.away" &&
                  mkdir "$SMB_ROOT_ON_DISK" && echo other >"$SMB_ROOT_ON_DISK/other.txt"' \
  --restore-root 'rm -rf "${SMB_ROOT_ON_DISK:?}" && mv "$SMB_ROOT_ON_DISK.away" "$SMB_ROOT_ON_DISK"'
# Links inside the root, which the server serves as their targets.
"$runner" --profile "$work/site.yaml" --store f: --case symlinks.inside
