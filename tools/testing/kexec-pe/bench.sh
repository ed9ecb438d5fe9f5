#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe benchmark: boot each case N times and measure on the host, from
# the timestamps the runner puts on every serial console line:
#   boot   QEMU start -> first kernel's init marker (stage=1)
#   kexec  "kexec-e" marker (printed just before kexec -e) -> second
#          kernel's init marker (stage=2)
# Medians (and min/max) over N runs.  Nothing here is asserted: numbers
# are for reading, not for passing.
#
# Usage: bench.sh [-b BUILD] [-n N] [CASE...]
set -euo pipefail
BUILD=build N=5
while getopts "b:n:" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	n) N=$OPTARG ;;
	*) echo "usage: $0 [-b BUILD] [-n N] [CASE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- image-direct image-uefi
here=$(dirname "$0")
out=$BUILD/bench
rm -rf "$out"
mkdir -p "$out"

"$here/run_kexec_pe.sh" -b "$BUILD" -o "$out" -r "$N" "$@" >"$out/tap" ||
	{ cat "$out/tap" >&2; echo "bench: a run failed" >&2; exit 1; }

# t LOG PATTERN: host time of the first console line matching PATTERN.
t() { grep -m1 -E -- "$2" "$1" | cut -d' ' -f1; }

# stats: "median min max" of numbers on stdin (seconds, 3 decimals).
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%6.3f %6.3f %6.3f", m, v[1], v[NR] }'
}

printf 'kexec-pe bench: %s, N=%d, %s\n' "$(date -u +%F)" "$N" \
	"$(nproc) cores, TCG, $(qemu-system-aarch64 --version | head -n 1)"
printf '%-22s %-32s %-28s\n' "" "first boot to init (s)" "kexec -e to next init (s)"
printf '%-22s %-32s %-28s\n' case "median    min    max" "median    min    max"
for c in "$@"; do
	boot=$(for l in "$out/$c".*.log; do
		echo "$(t "$l" 'KEXECPE: stage=1') - $(t "$l" 'HOST: qemu-start')" | bc
	done | stats)
	kx=$(for l in "$out/$c".*.log; do
		echo "$(t "$l" 'KEXECPE: stage=2') - $(t "$l" 'KEXECPE: kexec-e')" | bc
	done | stats)
	printf '%-22s %-32s %-28s\n' "$c" "$boot" "$kx"
done
