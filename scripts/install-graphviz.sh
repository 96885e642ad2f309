#!/usr/bin/env bash
# Install Graphviz's `dot` (Debian's `graphviz` package) when it is missing; `make install` runs it.
#
# `lineage diagram -o x.svg|png|pdf` needs the `dot` binary; `.dot` and `.mmd` output do not.
# A no-op when `dot` is already on PATH; scripts/install-debian.sh does the work.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/install-debian.sh" dot:graphviz
