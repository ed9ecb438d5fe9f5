#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the series make series writes, as TAP: it applies with git am to
# pristine sources, the result is byte for byte the tree the build and
# the tests use, and checkpatch.pl --strict has nothing to say about any
# patch beyond the exceptions listed in patches/linux/checkpatch-exceptions.
# Then the same checks must fail on two broken copies of the series, or
# they could not fail at all.
#
# Usage: mk/series-check.sh OUT TARBALL TREE KT_DSC KT_TREE
#   OUT      scratch directory (the series is formatted into OUT/linux)
#   TARBALL  the pristine kernel tarball
#   TREE     the kernel tree the build uses (mk/prepare-tree.sh's)
#   KT_DSC   kexec-tools' Debian source package (.dsc)
#   KT_TREE  the patched kexec-tools source the build uses
#
# The series is formatted with the identity make series would use; with
# none set, with the author of the project's last commit (only content is
# compared here).
set -uo pipefail

out=$(realpath -m "$1") tarball=$(realpath "$2") tree=$(realpath "$3")
kt_dsc=$(realpath "$4") kt_tree=$(realpath "$5")
exceptions=$PWD/patches/linux/checkpatch-exceptions mk=$PWD/mk
n=0 failed=0

tap() {
	local ok=$1
	shift
	n=$((n + 1))
	if [ "$ok" = 0 ]; then
		echo "ok $n $*"
	else
		echo "not ok $n $*"
		failed=$((failed + 1))
	fi
}
diag() { sed 's/^/# /'; }

if [ -z "${SERIES_AUTHOR:-}" ] &&
   { [ -z "$(git config user.name)" ] || [ -z "$(git config user.email)" ]; }; then
	SERIES_AUTHOR=$(git log -1 --format='%an <%ae>')
	export SERIES_AUTHOR
fi

rm -rf "$out"
mkdir -p "$out"
# Formatted into a directory named relative to here, as make series names
# build/series: series.sh must take both.
rel=$(realpath --relative-to="$PWD" "$out")
mk/series.sh linux "$tarball" "$rel/linux" 2>"$out/format.log"
tap $? "series-format: mk/series.sh linux" || true
diag <"$out/format.log"
mk/series.sh kexec-tools "$kt_dsc" "$rel/kexec-tools" 2>"$out/format-kt.log"
tap $? "series-format-kexec-tools: mk/series.sh kexec-tools"
diag <"$out/format-kt.log"

# apply DIR BASE-CMD...: a fresh git repository from BASE-CMD (run in it),
# then git am of every numbered patch of DIR.  Prints the repository.
apply() {
	local dir=$1 repo
	shift
	repo=$(mktemp -d "$out/am.XXXXXX")
	(cd "$repo" && "$@") || return 1
	git -C "$repo" init -q && git -C "$repo" add -A &&
		git -C "$repo" -c user.name=base -c user.email=base@localhost \
			commit -q -m base || return 1
	GIT_COMMITTER_NAME=check GIT_COMMITTER_EMAIL=check@localhost \
		git -C "$repo" am -q $(ls "$(realpath "$dir")"/*.patch |
			grep -v '/0000-cover-letter.patch$') >&2 || return 1
	echo "$repo"
}

# The pristine files a series touches, extracted from the tarball.
pristine_linux() {
	"$mk"/pristine-files.sh "$tarball" . "$1"/*.patch
}
pristine_kt() { dpkg-source --no-check -x "$kt_dsc" src >/dev/null && mv src/* src/.[!.]* . 2>/dev/null; rmdir src; }

# same_files REPO TREE LIST: every file of LIST is the same in REPO as in
# TREE (the selftests: as in this checkout).
same_files() {
	local repo=$1 ref_tree=$2 list=$3 f ref bad=0

	while read -r f; do
		case $f in
		tools/testing/kexec-pe/*) ref=$f ;;
		*) ref=$ref_tree/$f ;;
		esac
		if ! diff -u "$ref" "$repo/$f" >"$out/diff.txt" 2>&1; then
			echo "differs: $f"
			head -n 20 "$out/diff.txt"
			bad=1
		fi
	done <"$list"
	return $bad
}

# same_linux REPO DIR: every file the series touches is the same in REPO
# as in the build's tree, and every file the build copies into its tree
# is in the series.
same_linux() {
	{ sed -n 's|^+++ b/||p' "$2"/*.patch
	  cat "$tree/.kexec-pe/files"
	  sed -n 's|^+++ b/||p' "$tree"/.kexec-pe/applied/*.patch; } |
		sort -u >"$out/touched.list"
	same_files "$1" "$tree" "$out/touched.list"
}
same_kt() {
	sed -n 's|^+++ b/||p' "$2"/*.patch | sort -u >"$out/touched-kt.list"
	same_files "$1" "$kt_tree" "$out/touched-kt.list"
}

# checkpatch PATCH: the messages of checkpatch.pl --strict that the
# exceptions file does not allow.  A line there, "NUMBER TYPE MAX reason",
# allows up to MAX messages of TYPE in patch NUMBER (0004; * for every
# patch); one more fails.  Writes "E W C excepted" totals to fd 3.
checkpatch() {
	local p=$1 num
	num=$(basename "$p" | cut -c1-4)
	(cd "$tree" && scripts/checkpatch.pl --strict --show-types --no-summary \
		--terse "$p") 2>&1 |
	awk -v num="$num" -v exc="$exceptions" '
		BEGIN {
			while ((getline line < exc) > 0) {
				if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
				split(line, f, " ")
				if (f[1] == num || f[1] == "*") max[f[2]] += f[3]
			}
		}
		match($0, /: (ERROR|WARNING|CHECK):[A-Z0-9_]+:/) {
			split(substr($0, RSTART + 2, RLENGTH - 3), t, ":")
			if (++seen[t[2]] <= max[t[2]]) {
				excepted++; next
			}
			c[t[1]]++; print; next
		}
		END {
			printf "%d %d %d %d\n", c["ERROR"], c["WARNING"], c["CHECK"],
				excepted > "/dev/fd/3"
		}'
}

# check_series DIR TAG [GLOB]: git am, identical trees, checkpatch of the
# patches GLOB matches (default all); TAP per patch.  Returns non-zero if
# any check failed.
check_series() {
	local dir=$1 tag=$2 only=${3:-*} repo p res e w c x bad=0
	if repo=$(apply "$dir" pristine_linux "$dir" 2>"$out/am.log"); then
		tap 0 "$tag-git-am: $(ls "$dir"/*.patch | grep -vc cover-letter) patches apply to pristine $(basename "$tarball")"
	else
		tap 1 "$tag-git-am"
		diag <"$out/am.log"
		return 1
	fi
	if same_linux "$repo" "$dir" >"$out/same.log"; then
		tap 0 "$tag-identical: $(wc -l <"$out/touched.list") files, as the build's tree and the selftests"
	else
		tap 1 "$tag-identical"
		diag <"$out/same.log"
		bad=1
	fi
	for p in "$dir"/$only.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		res=$(checkpatch "$p" 3>"$out/totals" 2>&1)
		read -r e w c x <"$out/totals"
		if [ "$e$w$c" = 000 ]; then
			tap 0 "$tag-checkpatch $(basename "$p"): 0 errors, 0 warnings, 0 checks ($x excepted)"
		else
			tap 1 "$tag-checkpatch $(basename "$p"): $e errors, $w warnings, $c checks ($x excepted)"
			bad=1
		fi
		[ -z "$res" ] || diag <<<"$res"
	done
	rm -rf "$repo"
	return $bad
}

if [ -d "$out/linux" ]; then
	check_series "$out/linux" series
	if repo=$(apply "$out/kexec-tools" pristine_kt 2>"$out/am.log") &&
	   same_kt "$repo" "$out/kexec-tools" >"$out/same.log"; then
		tap 0 "series-kexec-tools: applies to $(basename "$kt_dsc") and is the build's tree"
	else
		tap 1 "series-kexec-tools"
		diag <"$out/am.log"
		diag <"$out/same.log" 2>/dev/null
	fi

	# Two broken copies, each of which one check must catch: a changed
	# character in an added line of the emulator core (same length, so
	# the patch still applies; the tree differs), and an added line with
	# trailing white space (checkpatch).
	for kind in identical checkpatch; do
		rm -rf "$out/broken"
		cp -r "$out/linux" "$out/broken"
		core=$(ls "$out"/broken/0004-*.patch)
		if [ $kind = identical ]; then
			sed -i '0,/^+.*EFI_SUCCESS/s/EFI_SUCCESS/EFI_SUCCESs/' "$core"
		else
			sed -i '0,/^+.*EFI_SUCCESS;$/s/EFI_SUCCESS;$/EFI_SUCCESS; /' "$core"
		fi
		(n=0 failed=0; check_series "$out/broken" broken '0004-*') \
			>"$out/broken.tap" 2>&1
		if grep -q "^not ok [0-9]* broken-$kind" "$out/broken.tap"; then
			tap 0 "series-check-fails-on-broken-$kind: $(grep -c '^not ok' "$out/broken.tap") checks fail on a broken series"
		else
			tap 1 "series-check-fails-on-broken-$kind: the broken series passed it"
		fi
		grep '^not ok' "$out/broken.tap" | diag
	done
fi
exit 0
