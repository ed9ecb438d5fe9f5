#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract into DIR, from the kernel source tarball, the pristine files that
# the given patches modify (their "--- a/" paths; files they create have
# none), at their paths below the tree's root.
#
# Usage: mk/pristine-files.sh TARBALL DIR PATCH...
set -euo pipefail

tarball=$1 dir=$2
shift 2
top=$(tar -tf "$tarball" 2>/dev/null | head -n 1 || true)
top=${top%%/*}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
sed -n 's|^--- a/||p' "$@" | sort -u | sed "s|^|$top/|" >"$list"
mkdir -p "$dir"
[ -s "$list" ] || exit 0
tar -C "$dir" --strip-components=1 -xf "$tarball" -T "$list"
