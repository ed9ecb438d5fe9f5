#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rewrite a patch under patches/linux/ in git format-patch form: apply it
# to the pristine files it touches in a scratch repository, commit it with
# its own From/Subject/body, and format it again.  checkpatch.pl reads
# that form reliably; hand-made diffs may confuse it.
#
# Usage: mk/normalize-patch.sh TARBALL PATCH...
set -euo pipefail
tarball=$1
shift
for patch in "$@"; do
	tmp=$(mktemp -d)
	"$(dirname "$0")"/pristine-files.sh "$tarball" "$tmp/repo" "$patch"
	git -C "$tmp/repo" init -q
	git -C "$tmp/repo" add -A
	git -C "$tmp/repo" -c user.name=base -c user.email=base@localhost \
		commit -q --allow-empty -m base
	git -C "$tmp/repo" am -q "$(realpath "$patch")"
	git -C "$tmp/repo" format-patch -q -1 --no-signature \
		--stdout >"$tmp/out.patch"
	# Drop the mbox line with the scratch commit's id.
	sed -i '1{/^From [0-9a-f]\{40\} /d}' "$tmp/out.patch"
	mv "$tmp/out.patch" "$patch"
	rm -rf "$tmp"
done
