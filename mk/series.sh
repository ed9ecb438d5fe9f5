#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write the project as git format-patch series: the kernel series against
# pristine v6.12 (Debian's linux-source-6.12 tarball) from the steps in
# patches/linux/steps, and the kexec-tools series against Debian's source
# package as the build unpacks it.  Each step becomes one commit in a
# scratch repository holding the pristine files the series touches; the
# patches are formatted from there.
#
# Usage: mk/series.sh linux TARBALL OUTDIR
#        mk/series.sh kexec-tools DSC OUTDIR
#
# The author of every patch, and its Signed-off-by:, is SERIES_AUTHOR
# ("Name <address>") or else git's user.name and user.email; without one
# this stops.  SERIES_DATE (any date git reads) dates the patches, by
# default the date of the project's last commit, so that the same inputs
# give the same bytes.  SERIES_PREFIX replaces "PATCH" in the subjects.
# SERIES_WORK is the scratch directory (default OUTDIR.work).
set -euo pipefail

log() { printf 'series: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The placeholder identity the patches under patches/ carry.
PLACEHOLDER='kexec-pe developers <kexec-pe@localhost>'

identity() {
	local name email
	if [ -n "${SERIES_AUTHOR:-}" ]; then
		[[ $SERIES_AUTHOR =~ ^[^\<\>]+\ \<[^\<\>@\ ]+@[^\<\>\ ]+\>$ ]] ||
			die "SERIES_AUTHOR must be 'Name <address>', not '$SERIES_AUTHOR'"
		echo "$SERIES_AUTHOR"
		return
	fi
	name=$(git config user.name 2>/dev/null || true)
	email=$(git config user.email 2>/dev/null || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		die "no author: set git config user.name and user.email, or SERIES_AUTHOR='Name <address>' (whoever sends the series signs it off)"
	fi
	echo "$name <$email>"
}

author=$(identity)
[ "$author" != "$PLACEHOLDER" ] || die "the placeholder identity cannot sign a series"
date=${SERIES_DATE:-$(git log -1 --format=%aD 2>/dev/null || true)}
[ -n "$date" ] || die "no date: not in a git checkout; set SERIES_DATE"
prefix=${SERIES_PREFIX:-PATCH}

export GIT_AUTHOR_NAME=${author% <*} GIT_AUTHOR_EMAIL=${author##*<}
GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git_() { git -C "$work" -c core.autocrlf=false -c commit.gpgsign=false \
	-c am.threeWay=false "$@"; }

# A patch of patches/: its own message and diff, in the series' identity.
rewrite_patch() {
	sed -e "s|^From: $PLACEHOLDER\$|From: $author|" \
	    -e "s|^Signed-off-by: $PLACEHOLDER\$|Signed-off-by: $author|" \
	    -e "s|^Date: .*|Date: $date|" "$1"
}

# Copy project files (a directory means all its files) into the work tree.
add_files() {
	local p f
	for p in "$@"; do
		[ -e "$p" ] || die "$steps: no such file or directory: $p"
		find "$p" -type f ! -name '*~' | sort | while read -r f; do
			mkdir -p "$work/$(dirname "$f")"
			cp "$f" "$work/$f"
			echo "$f"
		done
	done
}

# What the build measured, for the cover letter's @NAME@ lines.
B=${B:-build}
fact_sizes() {
	local d=$B/kernel o sz=${CROSS_COMPILE:-aarch64-linux-gnu-}size
	local bin=$d/drivers/firmware/efi/efi_emulator/efi_emulator.bin
	if [ ! -f "$bin" ]; then
		echo "(Sizes: not measured, $d has no build.)"
		return
	fi
	echo "Sizes (arm64, this build's configuration): the emulator is"
	echo "$(stat -c %s "$bin") bytes in the kernel image and needs" \
		"$(( $(od -An -j16 -N8 -tu8 "$bin") / 1024 )) KiB in memory;"
	echo "text+data+bss of the loader's objects:"
	for o in kernel/kexec_pe_image.o kernel/kexec_pe_check.o \
		arch/arm64/kernel/kexec_pe.o; do
		[ -f "$d/$o" ] && "$sz" "$d/$o" |
			awk -v o="$o" 'NR == 2 { printf "  %-30s %7d bytes\n", o, $4 }'
	done
}
fact_results() {
	local r=$B/results
	if ! ls "$r"/*.tap >/dev/null 2>&1; then
		echo "(Results: make check has not run in this build directory.)"
		return
	fi
	echo "The last make check of this build directory, per tier"
	echo "(passed/failed):"
	for t in "$r"/*.tap; do
		printf '  %-22s %4d/%d\n' "$(basename "$t" .tap)" \
			"$(grep -c '^ok ' "$t" || true)" \
			"$(grep -c '^not ok ' "$t" || true)"
	done
}
fact_bench() {
	if [ -f "$B/bench.txt" ]; then
		echo "make bench, from $B/bench.txt:"
		echo
		sed 's/^/  /' "$B/bench.txt"
	else
		echo "(make bench has not run in this build directory; the README"
		echo "has the last measured table.)"
	fi
}

# The cover letter: git's template filled from patches/linux/cover-letter;
# a line @NAME@ there becomes what fact_NAME prints.
fill_cover() {
	local cover=$1 text=$2 subject line blurb=$work/.git/blurb
	subject=$(sed -n '1s/^Subject: //p' "$text")
	[ -n "$subject" ] || die "$text: the first line must be 'Subject: ...'"
	sed -n '3,$p' "$text" | while IFS= read -r line; do
		if [[ $line =~ ^@([A-Z]+)@$ ]]; then
			"fact_${BASH_REMATCH[1],,}"
		else
			printf '%s\n' "$line"
		fi
	done >"$blurb"
	python3 - "$cover" "$subject" "$blurb" <<'EOF2'
import sys
cover, subject, blurb = sys.argv[1:]
s = open(cover).read()
assert '*** SUBJECT HERE ***' in s and '*** BLURB HERE ***' in s
s = s.replace('*** SUBJECT HERE ***', subject)
s = s.replace('*** BLURB HERE ***', open(blurb).read().rstrip('\n'))
open(cover, 'w').write(s)
EOF2
}

format() {
	local out=$1
	shift
	rm -rf "$out"
	mkdir -p "$out"
	printf 'MAINTAINERS\n*\n' >"$work/.git/orderfile"
	git_ format-patch -q --zero-commit --no-signature \
		-O"$work/.git/orderfile" --subject-prefix="$prefix" \
		-o "$(realpath "$out")" "$@" base..HEAD
	sed -i '1{/^From 0\{40\} /d}' "$out"/*.patch
}

# Commit everything staged, as the current step.
commit_msg() {
	local msg=$1
	sed -n '1s/^Subject: //p' "$msg" | grep -q . ||
		die "$msg: the first line must be 'Subject: ...'"
	{ sed -n '1s/^Subject: //p' "$msg"; sed -n '2,$p' "$msg"; } |
		git_ commit -q -s -F -
}

linux() {
	local tarball=$1 out=$2 pdir=patches/linux
	steps=$pdir/steps
	work=$(realpath -m "${SERIES_WORK:-$out.work}")
	rm -rf "$work"
	mkdir -p "$work"
	[ -f "$steps" ] || die "no $steps"

	# The pristine files the patches touch.
	local patches=()
	mapfile -t patches < <(grep -v '^#' "$steps" |
		awk -v d="$pdir" '$1 == "patch" { print d "/" $2 }')
	"$(dirname "$0")"/pristine-files.sh "$tarball" "$work" "${patches[@]}"
	git_ init -q
	git_ add -A
	git_ commit -q -m "base: $(basename "$tarball")"
	git_ tag base

	# One commit per step; every project file goes into exactly one.
	local kind arg rest n=0 listed=$work/.git/listed
	: >"$listed"
	finish() {
		[ $n -gt 0 ] || return 0
		git_ add -A
		if [ "$kind" = patch ]; then
			git_ commit -q --amend --no-edit
		else
			commit_msg "$pdir/$arg"
		fi
	}
	while read -r k a rest; do
		case $k in
		''|'#'*) continue ;;
		patch|message)
			finish
			kind=$k arg=$a n=$((n + 1))
			if [ "$k" = patch ]; then
				rewrite_patch "$pdir/$a" >"$work/.git/step.patch"
				git_ am -q "$work/.git/step.patch" ||
					die "$pdir/$a does not apply at step $n"
			fi
			;;
		files)
			[ $n -gt 0 ] || die "$steps: files before the first step"
			add_files $a $rest >>"$listed"
			;;
		*) die "$steps: unknown line '$k'" ;;
		esac
	done <"$steps"
	finish

	# Completeness: the files the build copies in, and the selftests.
	local missing dup
	dup=$(sort "$listed" | uniq -d)
	[ -z "$dup" ] || die "$steps: in more than one step: $dup"
	missing=$(comm -23 <(find kernel drivers arch include Documentation \
		tools/testing/kexec-pe -type f ! -name '*~' | sort) \
		<(sort "$listed"))
	[ -z "$missing" ] || die "$steps: in no step: $missing"

	format "$out" --cover-letter
	fill_cover "$out/0000-cover-letter.patch" "$pdir/cover-letter"
	log "$(ls "$out" | wc -l) files in $out, as $author"
}

kexec_tools() {
	local dsc=$1 out=$2 pdir=patches/kexec-tools p
	work=$(realpath -m "${SERIES_WORK:-$out.work}")
	rm -rf "$work"
	dpkg-source --no-check -x "$dsc" "$work" >/dev/null
	git_ init -q
	git_ add -A
	git_ commit -q -m "base: $(basename "$dsc")"
	git_ tag base
	for p in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/series"); do
		rewrite_patch "$pdir/$p" >"$work/.git/step.patch"
		git_ am -q "$work/.git/step.patch" || die "$pdir/$p does not apply"
	done
	format "$out"
	log "$(ls "$out" | wc -l) files in $out, as $author"
}

cmd=${1:-}
shift || true
case $cmd in
linux) [ $# -eq 2 ] || die "usage: $0 linux TARBALL OUTDIR"; linux "$@" ;;
kexec-tools) [ $# -eq 2 ] || die "usage: $0 kexec-tools DSC OUTDIR"; kexec_tools "$@" ;;
*) die "usage: $0 linux|kexec-tools ..." ;;
esac
