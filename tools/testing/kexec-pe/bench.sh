#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe benchmark: the plain Image path and the PE path through the EFI
# emulator, side by side in one run.  Each case boots N times; times are
# measured on the host from the timestamps the runner puts on every serial
# console line:
#   boot   QEMU start -> first kernel's init marker (stage=1)
#   kexec  "kexec-e" marker (printed just before kexec -e) -> next
#          kernel's init marker (stage=2)
# Memory is what kexec_file_load placed (the segments the kernel logs with
# KEXEC_FILE_DEBUG) plus the emulator's page tables.  Medians (min, max)
# over N runs.  Nothing here is asserted: numbers are for reading.
#
# Then the smallest crashkernel= reservation in which a crash kernel boots
# and offers /proc/vmcore, for the plain Image and for vmlinuz.efi (sizes
# tried upwards from KDUMP_SIZES, one run each, first-boot mode direct).
#
# Usage: bench.sh [-b BUILD] [-n N] [-s] [-K] [CASE...]
#   -s  only summarise the logs of the last run in BUILD/bench
#   -K  skip the crashkernel= search
set -euo pipefail
BUILD=build N=5 RUN=1 KDUMP=1
KDUMP_SIZES=${KDUMP_SIZES:-12M 16M 20M 24M 32M 48M 64M 96M 128M 192M 256M}
while getopts "b:n:sK" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	n) N=$OPTARG ;;
	s) RUN=0 ;;
	K) KDUMP=0 ;;
	*) echo "usage: $0 [-b BUILD] [-n N] [-s] [-K] [CASE...]" >&2; exit 2 ;;
	esac
done
[ "$N" -ge 2 ] || { echo "bench: N must be 2 or more" >&2; exit 2; }
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- image-direct-sys pe-zboot-direct-sys \
	pe-zstd-direct-sys uki-zboot-direct-sys image-uefi-sys \
	pe-zboot-uefi-sys uki-zboot-uefi-sys
here=$(dirname "$0")
out=$BUILD/bench
if [ $RUN = 1 ]; then
	rm -rf "$out"
	mkdir -p "$out"
	"$here/run_kexec_pe.sh" -b "$BUILD" -o "$out" -r "$N" "$@" \
		>"$out/tap" ||
		{ cat "$out/tap" >&2; echo "bench: a run failed" >&2; exit 1; }
fi

# t LOG PATTERN: host time of the first console line matching PATTERN.
t() { grep -m1 -E -- "$2" "$1" | cut -d' ' -f1; }

# stats: "median min max" of numbers on stdin (seconds, 3 decimals).
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%6.3f %6.3f %6.3f", m, v[1], v[NR] }'
}

median() { stats | cut -c1-6; }

# KiB placed by kexec_file_load (all segments) and in emulator page tables.
mem_kib() {
	local seg pt
	# Absent lines are zero, not an error (the Image path has no tables).
	seg=$({ grep -o 'segment\[[0-9]*\]: .* memsz=0x[0-9a-f]*' "$1" ||
		true; } | sed 's/.*memsz=0x//' | sort -u | while read -r h; do
			echo $((16#$h))
		done | awk '{ s += $1 } END { print int(s / 1024) }')
	pt=$({ grep -o 'emulator page tables: [0-9]*' "$1" || true; } |
		head -n 1 | awk '{ print $4 * 4 }')
	echo "${seg:-0} ${pt:-0}"
}

printf 'kexec-pe bench: %s, N=%d, %s\n' "$(date -u +%F)" "$N" \
	"$(nproc) cores, TCG, $(qemu-system-aarch64 --version | head -n 1)"
printf '%-20s %-22s %-22s %7s %9s %7s\n' "" "first boot to init" \
	"kexec -e to next init" "ratio" "segments" "tables"
printf '%-20s %-22s %-22s %7s %9s %7s\n' case "median  min    max" \
	"median  min    max" "vs Image" "KiB" "KiB"
declare -A kx_med
for c in "$@"; do
	boot=$(for l in "$out/$c".*.log; do
		echo "$(t "$l" 'KEXECPE: stage=1') - $(t "$l" 'HOST: qemu-start')" | bc
	done | stats)
	kx_all=$(for l in "$out/$c".*.log; do
		echo "$(t "$l" 'KEXECPE: stage=2') - $(t "$l" 'KEXECPE: kexec-e')" | bc
	done)
	kx=$(stats <<<"$kx_all")
	kx_med[$c]=$(median <<<"$kx_all")
	# Compare with the Image case of the same first-boot mode.
	base=image-direct-sys
	case $c in *uefi*) base=image-uefi-sys ;; esac
	ratio=-
	[ -n "${kx_med[$base]:-}" ] &&
		ratio=$(echo "scale=2; ${kx_med[$c]} / ${kx_med[$base]}" | bc)
	read -r seg pt < <(mem_kib "$out/$c.1.log")
	printf '%-20s %-22s %-22s %7s %9s %7s\n' "$c" "$boot" "$kx" "$ratio" \
		"$seg" "$pt"
done

emu=$BUILD/kernel/drivers/firmware/efi/efi_emulator/efi_emulator.bin
if [ -r "$emu" ]; then
	memsz=$(od -An -tu8 -j16 -N8 "$emu" | tr -d ' ')
	printf '\nEFI emulator: %d bytes in the kernel image, ' "$(stat -c %s "$emu")"
	printf '%d KiB in memory (with BSS and stack)\n' $((memsz / 1024))
fi
{ grep -h -o 'Loaded parameters at .* memsz=0x[0-9a-f]*' "$out"/*.1.log ||
	true; } |
	head -n 1 | sed 's/.*bufsz=0x\([0-9a-f]*\).*/\1/' |
	while read -r h; do echo "parameter blob: $((16#$h)) bytes"; done

[ $KDUMP = 1 ] || exit 0
echo
echo "smallest crashkernel= that boots a crash kernel with /proc/vmcore:"
for c in kdump-image-direct kdump-pe-direct; do
	found=none
	if [ $RUN = 1 ]; then
		for size in $KDUMP_SIZES; do
			if CRASHKERNEL=$size "$here/run_kexec_pe.sh" -b "$BUILD" \
				-o "$out/kdump-$size" "$c" >"$out/$c-$size.tap"; then
				found=$size
				break
			fi
		done
		echo "$found" >"$out/$c.min"
	fi
	printf '  %-20s %s\n' "$c" "$(cat "$out/$c.min" 2>/dev/null || echo -)"
done
