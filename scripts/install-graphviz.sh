#!/usr/bin/env bash
# Install Graphviz's `dot` (Debian's `graphviz` package) when it is missing; `make install` runs it.
#
# `lineage diagram -o x.svg|png|pdf` needs the `dot` binary; `.dot` and `.mmd` output do not.
# A no-op when `dot` is already on PATH. Uses sudo only when not running as root.
set -euo pipefail

if command -v dot >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-graphviz: no apt-get here; install Graphviz (the \`dot\` binary) with your package manager" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-graphviz: not root and no sudo; install Debian's graphviz package as root" >&2
    exit 1
fi

echo "install-graphviz: installing Debian's graphviz package (for \`dot\`)" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null

command -v dot >/dev/null 2>&1 || { echo "install-graphviz: graphviz installed but \`dot\` is not on PATH" >&2; exit 1; }
