#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe benchmark: the PE path (ours: kexec-tools with the PE file type,
# the kernel's PE loader, the EFI emulator and the payload's own stub)
# against what users run instead, stock kexec-tools 2.0.32, which takes a
# zboot image or a UKI apart in user space and loads the kernel it
# extracted through the Image path.  Same guest, same payloads, one run:
# the bench-* cases of run_kexec_pe.sh, each booted N times, after a
# direct boot and after AAVMF.
#
# Phases, in seconds from the host's timestamps on the serial console
# lines, and in guest instructions from the virtual counter the guest
# reads (cntvct) at each point, in a second run under -icount
# shift=0,sleep=off, where guest time advances 1 ns an instruction:
#   load   right before and right after "kexec -s -l"
#   exec   right before "kexec -e" -> first thing in the next /init
#   total  load + exec
# Instructions = ticks * 1e9 / CNTFRQ / 2^shift.  Ours' exec is split
# further at the emulator's entry and at ExitBootServices() (the emulator
# prints the counter there): the kexec reboot of the first kernel (and
# relocation of the segments), the emulator and the stub (for zboot: the
# decompression), and the next kernel's boot to /init.  With sleep=off the
# counter also jumps over the times every vCPU is idle waiting for a
# timer: those count as the instructions they would have taken.
# Placed: KiB of all segments kexec_file_load placed (the kernel's
# KEXEC_FILE_DEBUG segment lines), emulator page tables included.
# Medians (min, max) over N.  Nothing here is asserted: numbers are for
# reading; the functional differences are tests (theirs-* in make check).
#
# Then the smallest crashkernel= reservation in which a crash kernel boots
# and offers /proc/vmcore, for the plain Image and for vmlinuz.efi (sizes
# tried upwards from KDUMP_SIZES, one run each, first-boot mode direct).
#
# Usage: bench.sh [-b BUILD] [-n N] [-s] [-K] [PAYLOAD...]
#   -s  only summarise the logs of the last run in BUILD/bench
#   -K  skip the crashkernel= search
#   PAYLOAD  zboot zstd uki-zboot uki (default: all four)
set -euo pipefail
BUILD=build N=5 RUN=1 KDUMP=1 SHIFT=0
KDUMP_SIZES=${KDUMP_SIZES:-12M 16M 20M 24M 32M 48M 64M 96M 128M 192M 256M}
while getopts "b:n:sK" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	n) N=$OPTARG ;;
	s) RUN=0 ;;
	K) KDUMP=0 ;;
	*) echo "usage: $0 [-b BUILD] [-n N] [-s] [-K] [PAYLOAD...]" >&2; exit 2 ;;
	esac
done
[ "$N" -ge 2 ] || { echo "bench: N must be 2 or more" >&2; exit 2; }
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- zboot zstd uki-zboot uki
CASES=()
for p in "$@"; do
	for fw in direct uefi; do
		CASES+=("bench-$p-$fw-ours" "bench-$p-$fw-theirs")
	done
done
here=$(dirname "$0")
out=$BUILD/bench
if [ $RUN = 1 ]; then
	rm -rf "$out"
	mkdir -p "$out"
	"$here/run_kexec_pe.sh" -b "$BUILD" -o "$out/wall" -r "$N" \
		"${CASES[@]}" >"$out/wall.tap" || {
		cat "$out/wall.tap" >&2
		echo "bench: a run failed" >&2
		exit 1
	}
	"$here/run_kexec_pe.sh" -b "$BUILD" -o "$out/icount" -r "$N" \
		-i $SHIFT -t 600 "${CASES[@]}" >"$out/icount.tap" || {
		cat "$out/icount.tap" >&2
		echo "bench: a run under -icount failed" >&2
		exit 1
	}
fi

# t LOG PATTERN [FROM]: host time of the first console line matching
# PATTERN (after the first line matching FROM).
t() {
	sed -n "/${3:-.}/,\$p" "$1" | grep -m1 -E -- "$2" | cut -d' ' -f1
}

# c LOG POINT [FROM]: the guest's instructions at POINT (its counter line).
c() {
	sed -n "/${3:-.}/,\$p" "$1" | grep -m1 -E -- "KEXECPE: cnt $2 " |
		sed 's/.*cntvct=\([0-9]*\) cntfrq=\([0-9]*\).*/\1 \2/' |
		awk -v s=$SHIFT '{ printf "%.0f\n", $1 * 1e9 / $2 / 2 ^ s }'
}

# ins LOG PATTERN [FROM]: the instructions of the first counter value
# "cntvct=N" on a line matching PATTERN (after FROM), at CNTFRQ of LOG.
ins() {
	local f
	f=$(grep -m1 -o 'cntfrq=[0-9]*' "$1" | cut -d= -f2)
	sed -n "/${3:-.}/,\$p" "$1" | grep -m1 -E -- "$2" |
		sed 's/.*cntvct=\([0-9]*\).*/\1/' |
		awk -v f="$f" -v s=$SHIFT '{ printf "%.0f\n", $1 * 1e9 / f / 2 ^ s }'
}

# Per run of an ours CASE under -icount, "reboot emulator+stub kernel" in
# millions of instructions.
split() {
	local l x a b e
	for l in "$out/icount/$1".*.log; do
		x=$(ins "$l" 'KEXECPE: cnt exec')
		a=$(ins "$l" 'efi-emu: cntvct=[0-9]* at entry')
		b=$(ins "$l" 'efi-emu: cntvct=[0-9]* at ExitBootServices')
		e=$(ins "$l" 'KEXECPE: cnt init' 'KEXECPE: kexec-e')
		echo "$x $a $b $e" | awk '{ printf "%.1f %.1f %.1f\n",
			($2 - $1) / 1e6, ($3 - $2) / 1e6, ($4 - $3) / 1e6 }'
	done
}

# Per run of CASE in DIR, "load exec total" in seconds (wall) or in
# millions of instructions (icount).
phases() {
	local l a b d e
	for l in "$out/$2/$1".*.log; do
		if [ "$2" = wall ]; then
			a=$(t "$l" 'KEXECPE: cnt load-start')
			b=$(t "$l" 'KEXECPE: cnt load-end')
			d=$(t "$l" 'KEXECPE: cnt exec')
			e=$(t "$l" 'KEXECPE: cnt init' 'KEXECPE: kexec-e')
			echo "$a $b $d $e" |
				awk '{ printf "%.3f %.3f %.3f\n", $2 - $1, $4 - $3,
					$2 - $1 + $4 - $3 }'
		else
			a=$(c "$l" load-start)
			b=$(c "$l" load-end)
			d=$(c "$l" exec)
			e=$(c "$l" init 'KEXECPE: kexec-e')
			echo "$a $b $d $e" |
				awk '{ printf "%.1f %.1f %.1f\n", ($2 - $1) / 1e6,
					($4 - $3) / 1e6, ($2 - $1 + $4 - $3) / 1e6 }'
		fi
	done
}

# stats COLUMN: "median min max" of column COLUMN of stdin.
stats() {
	cut -d' ' -f"$1" | sort -g | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%g %g-%g", m, v[1], v[NR] }'
}

median() { stats "$1" | cut -d' ' -f1; }

# KiB of the segments the first run's debug load placed.
placed() {
	{ grep -o 'segment\[[0-9]*\]: .* memsz=0x[0-9a-f]*' \
		"$out/wall/$1.1.log" || true; } | sort -u |
		sed 's/.*memsz=0x//' | while read -r h; do
			echo $((16#$h))
		done | awk '{ s += $1 } END { print int(s / 1024) }'
}

# Did the next kernel get the UKI's .cmdline and .initrd?
got() {
	local l=$out/wall/$1.1.log cmd tok
	case $1 in bench-uki*) ;; *) echo "-/-"; return ;; esac
	cmd=$(sed -n '/KEXECPE: kexec-e/,$s/.*KEXECPE: cmdline=//p' "$l" |
		head -n 1)
	tok=$(sed -n 's/.*KEXECPE: initrd-token=//p' "$l" | head -n 1)
	[ "$cmd" = "$(cat "$BUILD/guest/uki.cmdline")" ] && cmd=yes || cmd=no
	[ "$tok" = "$(cat "$BUILD/guest/uki.itoken")" ] && tok=yes || tok=no
	echo "$cmd/$tok"
}

printf 'kexec-pe bench: %s, N=%d, %s\n' "$(date -u +%F)" "$N" \
	"$(nproc) cores, TCG, $(qemu-system-aarch64 --version | head -n 1)"
printf 'ours: kexec-tools 2.0.25 + PE file type -> PE loader + EFI emulator\n'
printf 'theirs: stock kexec-tools 2.0.32 -> user-space extraction -> Image\n'
printf 'seconds (wall) and millions of guest instructions (-icount %s):\n' \
	"shift=$SHIFT,sleep=off"
printf 'median min-max\n\n'
fmt='%-26s %-20s %-20s %-20s %-18s %-18s %-18s %7s %-9s\n'
printf "$fmt" case "load s" "exec s" "total s" "load Minsn" \
	"exec Minsn" "total Minsn" "placed" ".cmdline"
printf "$fmt" "" "" "" "" "" "" "" "KiB" "/.initrd"
declare -A med
for k in "${CASES[@]}"; do
	w=$(phases "$k" wall)
	i=$(phases "$k" icount)
	for f in 1 2 3; do
		med[$k.w$f]=$(median $f <<<"$w")
		med[$k.i$f]=$(median $f <<<"$i")
	done
	med[$k.p]=$(placed "$k")
	printf "$fmt" "${k#bench-}" "$(stats 1 <<<"$w")" "$(stats 2 <<<"$w")" \
		"$(stats 3 <<<"$w")" "$(stats 1 <<<"$i")" "$(stats 2 <<<"$i")" \
		"$(stats 3 <<<"$i")" "${med[$k.p]}" "$(got "$k")"
done

echo
echo "ours/theirs, medians (load exec total; placed KiB ours - theirs):"
for k in "${CASES[@]}"; do
	case $k in *-theirs) continue ;; esac
	th=${k%-ours}-theirs
	r() { awk -v a="$1" -v b="$2" 'BEGIN {
		if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
	printf '  %-22s seconds %s %s %s   instructions %s %s %s   placed %+d\n' \
		"${k#bench-}" \
		"$(r "${med[$k.w1]}" "${med[$th.w1]}")" \
		"$(r "${med[$k.w2]}" "${med[$th.w2]}")" \
		"$(r "${med[$k.w3]}" "${med[$th.w3]}")" \
		"$(r "${med[$k.i1]}" "${med[$th.i1]}")" \
		"$(r "${med[$k.i2]}" "${med[$th.i2]}")" \
		"$(r "${med[$k.i3]}" "${med[$th.i3]}")" \
		$((med[$k.p] - med[$th.p]))
done
printf '\nours: exec in millions of instructions, median min-max\n'
fmt2='%-26s %-22s %-22s %-22s\n'
printf "$fmt2" case "kexec reboot" "emulator + stub" "kernel to /init"
for k in "${CASES[@]}"; do
	case $k in *-theirs) continue ;; esac
	x=$(split "$k")
	printf "$fmt2" "${k#bench-}" "$(stats 1 <<<"$x")" "$(stats 2 <<<"$x")" \
		"$(stats 3 <<<"$x")"
done

echo
emu=$BUILD/kernel/drivers/firmware/efi/efi_emulator/efi_emulator.bin
if [ -r "$emu" ]; then
	memsz=$(od -An -tu8 -j16 -N8 "$emu" | tr -d ' ')
	printf '\nEFI emulator: %d bytes in the kernel image, ' "$(stat -c %s "$emu")"
	printf '%d KiB in memory (with BSS and stack)\n' $((memsz / 1024))
fi
{ grep -h -o 'Loaded parameters at .* memsz=0x[0-9a-f]*' "$out"/wall/*.1.log ||
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
