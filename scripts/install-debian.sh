#!/usr/bin/env bash
# Install the Debian packages whose commands are missing, given as COMMAND:PACKAGE pairs:
#
#   bash scripts/install-debian.sh strace:strace setpriv:util-linux
#
# A no-op for every command already on PATH. Uses sudo only when not running as root. `make test`
# runs it for the tools the red-team tests drive (strace traces neo4j.sh's launches; setpriv drops
# root's permission override; prlimit caps file sizes), as install-graphviz.sh does for `dot`.
set -euo pipefail

missing=()
for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-debian: no apt-get here; install ${missing[*]} with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-debian: not root and no sudo; install Debian's ${missing[*]} as root" >&2
    exit 1
fi

echo "install-debian: installing ${missing[*]}" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || { echo "install-debian: ${pair#*:} installed but \`${pair%%:*}\` is not on PATH" >&2; exit 1; }
done
