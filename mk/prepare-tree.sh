#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bring build/linux (or any tree) to "pristine tarball + patch series +
# project files", touching only what changed so Kbuild rebuilds only what
# depends on it.  Patches are tracked like quilt does: the applied series is
# kept in TREE/.kexec-pe/applied; on a change the differing tail is reversed
# and the new tail applied.  A patch that does not apply stops the build.
#
# Usage: mk/prepare-tree.sh TARBALL TREE SERIES_DIR [FILE_DIR...]
#   FILE_DIR: project directories copied in at the same relative path.
set -euo pipefail

tarball=$1 tree=$2 pdir=$3
shift 3
state=$tree/.kexec-pe
log() { printf 'prepare-tree: %s\n' "$*" >&2; }

id=$(stat -c '%s %Y' "$tarball")
if [ ! -f "$state/tarball" ] || [ "$(cat "$state/tarball")" != "$id" ]; then
	log "extracting $tarball"
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -C "$tree" --strip-components=1 -xf "$tarball"
	mkdir -p "$state/applied"
	: >"$state/files"
	echo "$id" >"$state/tarball"
fi

# Patch series: skip the common prefix, reverse the old tail, apply the new.
mapfile -t new < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series" 2>/dev/null || true)
mapfile -t old < <(cat "$state/applied/series" 2>/dev/null || true)
keep=0
while [ $keep -lt ${#new[@]} ] && [ $keep -lt ${#old[@]} ] &&
	[ "${new[$keep]}" = "${old[$keep]}" ] &&
	cmp -s "$pdir/${new[$keep]}" "$state/applied/${old[$keep]}"; do
	keep=$((keep + 1))
done
for ((i = ${#old[@]} - 1; i >= keep; i--)); do
	log "reverting ${old[$i]}"
	if ! patch -d "$tree" -p1 -R -s -f --no-backup-if-mismatch \
		<"$state/applied/${old[$i]}"; then
		log "cannot revert ${old[$i]}; the tree will be extracted again"
		rm -f "$state/tarball"
		exit 1
	fi
	rm -f "$state/applied/${old[$i]}"
done
printf '%s\n' "${new[@]:0:$keep}" | sed '/^$/d' >"$state/applied/series"
for ((i = keep; i < ${#new[@]}; i++)); do
	p=${new[$i]}
	log "applying $p"
	if ! patch -d "$tree" -p1 -s -f -N --no-backup-if-mismatch <"$pdir/$p"; then
		log "FAILED: $pdir/$p does not apply; fix the patch"
		rm -f "$state/tarball"
		exit 1
	fi
	mkdir -p "$(dirname "$state/applied/$p")"
	cp "$pdir/$p" "$state/applied/$p"
	echo "$p" >>"$state/applied/series"
done

# Project files: copy only what differs, so mtimes stay put otherwise.
# A file that left the project is removed (a pristine file it had replaced
# would have come back by re-extraction; the project never shadows one).
: >"$state/files.new"
for d in "$@"; do
	[ -d "$d" ] || continue
	find "$d" -type f ! -name '*~' | sort | while read -r f; do
		echo "$f" >>"$state/files.new"
		if ! cmp -s "$f" "$tree/$f"; then
			log "copying $f"
			mkdir -p "$tree/$(dirname "$f")"
			cp "$f" "$tree/$f"
		fi
	done
done
comm -23 <(sort "$state/files") <(sort "$state/files.new") | while read -r f; do
	log "removing $f"
	rm -f "$tree/$f"
done
mv "$state/files.new" "$state/files"
