#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Add up the TAP files of every test tier and print the closing line
# "N passed, N failed" (", N skipped" when any were).  Expected failures
# ("# TODO") are listed but counted in neither.  Exits non-zero when a test
# failed or when no test ran at all.
#
# Usage: tap-summary.sh FILE.tap...
set -euo pipefail
pass=0 fail=0 skip=0 todo=0
for f in "$@"; do
	[ -f "$f" ] || continue
	while IFS= read -r line; do
		case "$line" in
		"not ok "*"# TODO"*) todo=$((todo + 1)) ;;
		"not ok "*"# SKIP"* | "ok "*"# SKIP"*) skip=$((skip + 1)) ;;
		"not ok "*) fail=$((fail + 1)); echo "FAILED ($f): $line" ;;
		"ok "*) pass=$((pass + 1)) ;;
		"1..0 # SKIP"*) skip=$((skip + 1)); echo "SKIPPED ($f): $line" ;;
		esac
	done <"$f"
done
[ $todo -gt 0 ] && echo "# $todo expected failure(s) marked TODO"
if [ $((pass + fail)) -eq 0 ]; then
	echo "no test ran"
	fail=1
fi
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
