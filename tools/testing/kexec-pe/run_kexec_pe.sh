#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe end-to-end selftest: boot the guest in QEMU virt (aarch64), let
# its /init run one scenario that ends in a kexec reboot, and assert on the
# serial console what the second kernel reports.  Output is TAP.
#
# Each case runs in its own QEMU; a hung guest fails at the timeout, a
# panicking one at once (panic=-1 and -no-reboot), with the last console
# lines shown.  Logs (host timestamp per line) go to OUT/CASE.log.
set -uo pipefail

usage() {
	cat <<EOU
usage: $0 [-b BUILD] [-o OUT] [-t SECS] [-r N] [-v] [-l] [CASE...]
  -b BUILD  build directory (default: build)
  -o OUT    where console logs go (default: BUILD/e2e)
  -t SECS   per-case timeout in seconds (default: 120)
  -r N      run each case N times (default: 1), for benchmarks
  -v        stream the guest console to the terminal
  -l        list the cases and exit
  CASE      cases to run (default: all)
Defaults: QEMU=$QEMU, CPU=$CPU, MEM=$MEM, SMP=$SMP,
  AAVMF_CODE=$AAVMF_CODE, AAVMF_VARS=$AAVMF_VARS,
  CRASHKERNEL=$CRASHKERNEL, CRASHKERNEL_MIN=$CRASHKERNEL_MIN,
  CRASHKERNEL_TOOSMALL=$CRASHKERNEL_TOOSMALL
EOU
	exit 2
}

QEMU=${QEMU:-qemu-system-aarch64}
CPU=${CPU:-max,pauth-impdef=on}
MEM=${MEM:-1G}
SMP=${SMP:-2}
AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
BUILD=build OUT= TIMEOUT=120 REPEAT=1 VERBOSE=0 LIST=0
while getopts "b:o:t:r:vlh" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	o) OUT=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	v) VERBOSE=1 ;;
	l) LIST=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
OUT=${OUT:-$BUILD/e2e}
KOBJ=$BUILD/kernel/arch/arm64/boot
GUEST=$BUILD/guest/guest.cpio

# name  first-boot  check  [todo reason]
CASES=(
	"image-direct         direct check_kexec"
	"image-direct-sys     direct check_kexec"
	"image-uefi           uefi   check_kexec"
	"image-uefi-sys       uefi   check_kexec"
	"pe-zboot-direct      direct check_pe_kexec"
	"pe-zboot-direct-sys  direct check_pe_kexec"
	"pe-zstd-direct       direct check_pe_kexec"
	"pe-zstd-direct-sys   direct check_pe_kexec"
	"pe-zboot-uefi        uefi   check_pe_kexec"
	"pe-zboot-uefi-sys    uefi   check_pe_kexec"
	"pe-bad-input         direct check_bad_input"
	"pe-chain             direct check_chain"
	"uki-direct           direct check_uki"
	"uki-uefi             uefi   check_uki"
	"uki-zboot-direct-sys direct check_uki"
	"uki-zboot-uefi-sys   uefi   check_uki"
	"uki-append-direct    direct check_uki_append"
	"uki-initrd-refused   direct check_uki_refused"
	"kdump-image-direct   direct check_kdump"
	"kdump-pe-direct      direct check_kdump"
	"kdump-pe-uefi        uefi   check_kdump"
	"kdump-pe-uefi-sys    uefi   check_kdump"
	"kdump-uki-direct     direct check_kdump"
	"kdump-uki-uefi       uefi   check_kdump"
	"kdump-pe-min         direct check_kdump"
	"sig-lockdown         direct check_sig"
	"image-el2            direct check_kexec"
	"pe-zboot-el2         direct check_pe_kexec"
	"pe-zboot-uefi-el2    uefi   check_pe_kexec"
	"kdump-pe-el2         direct check_kdump"
	"kdump-pe-toosmall    direct check_kdump_refused"
	"image-uefi-gic3      uefi   check_kexec"
	"pe-zboot-uefi-gic3   uefi   check_pe_kexec"
	"image-uefi-acpi      uefi   check_kexec"
	"pe-zboot-uefi-acpi   uefi   check_pe_kexec"
	"uki-uefi-acpi        uefi   check_uki"
	"kdump-pe-uefi-acpi   uefi   check_kdump"
	"uki-initrd-refused-acpi uefi check_uki_refused"
)

# The crashkernel= reservation of the kdump cases; kdump-pe-min uses the
# smallest one a PE crash kernel boots in (make bench measures it).
CRASHKERNEL=${CRASHKERNEL:-256M}
CRASHKERNEL_MIN=${CRASHKERNEL_MIN:-20M}
# Too small for vmlinuz.efi once its kernel is decompressed and aligned:
# the load must fail, not the crash kernel's boot after the crash.
CRASHKERNEL_TOOSMALL=${CRASHKERNEL_TOOSMALL:-16M}

# What a case adds to the first kernel's command line.
first_boot_args() {
	case "$1" in
	kdump-*-min) echo "crashkernel=$CRASHKERNEL_MIN" ;;
	kdump-*-toosmall) echo "crashkernel=$CRASHKERNEL_TOOSMALL" ;;
	kdump-*) echo "crashkernel=$CRASHKERNEL" ;;
	sig-*) echo "lockdown=integrity" ;;
	esac
}

if [ $LIST = 1 ]; then
	for c in "${CASES[@]}"; do echo "${c%% *}"; done
	exit 0
fi

for f in "$KOBJ/Image" "$KOBJ/vmlinuz.efi" "$GUEST" "$AAVMF_CODE"; do
	if [ ! -r "$f" ]; then
		echo "1..0 # SKIP missing $f (run make guest)"
		exit 4
	fi
done
command -v "$QEMU" >/dev/null || { echo "1..0 # SKIP no $QEMU"; exit 4; }
mkdir -p "$OUT"

rand() { od -An -N8 -tx8 /dev/urandom | tr -d ' '; }

# Console lines without the host timestamp (read once per case: no early
# exit of a reader can break a pipe here).
console() { printf '%s\n' "$TEXT"; }
has() { grep -qE -- "$1" <<<"$TEXT"; }
marker() { sed -n "s/.*KEXECPE: $1=//p" <<<"$TEXT" | head -n 1; }

# Each check prints "# ..." diagnostics and returns non-zero on failure.
FAILS=()
expect() {
	local what=$1
	shift
	if ! "$@"; then
		FAILS+=("$what")
	fi
}

check_kexec() {
	local mode=$1 efi2 cmd2 want2=no
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$NAME\$"
	cmd2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: cmdline=//p' \
		<<<"$TEXT" | head -n 1)
	expect "stage-2 cmdline has token ($cmd2)" \
		grep -q -- " token=$TOKEN\\b" <<<" $cmd2"
	expect "stage-2 initrd token" \
		test "$(marker initrd-token)" = "$ITOKEN"
	efi2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: efi=//p' \
		<<<"$TEXT" | head -n 1)
	# A PE image boots through its EFI stub: EFI in the next kernel.
	[ "$mode" = uefi ] || [ "${2:-}" = pe ] && want2=yes
	if [ "$mode" = uefi ]; then
		expect "EFI in stage 1" test "$(marker efi)" = yes
		# Runtime services of the firmware work in both kernels.
		expect "EFI variables in stage 1" \
			has "KEXECPE: efivars=[1-9]"
		expect "EFI variables in stage 2" \
			grep -qE "KEXECPE: efivars=[1-9]" \
			<<<"$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")"
	else
		expect "no EFI in stage 1" test "$(marker efi)" = no
	fi
	expect "EFI in stage 2 is $want2" test "$efi2" = "$want2"
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# A PE image through the emulator: everything check_kexec asserts, the
# emulator and the image's own EFI stub on the console, and EFI (from the
# emulator's system table) in the next kernel.
check_pe_kexec() {
	check_kexec "$1" pe
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	expect "EFI stub ran to ExitBootServices" \
		has "EFI stub: Exiting boot services"
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
}

# Three PE kexecs in a row in one guest: stages 2, 3 and 4 each report
# the token and the initrd they were handed.
check_chain() {
	local s
	for s in 2 3 4; do
		expect "stage $s marker" has "KEXECPE: stage=$s test=$NAME\$"
		expect "stage $s cmdline token" \
			has "KEXECPE: cmdline=.*kexecpe.stage=$s .* token=$TOKEN"
	done
	expect "three initrd tokens" \
		test "$(grep -c "KEXECPE: initrd-token=$ITOKEN" <<<"$TEXT")" = 3
	expect "three emulator runs" \
		test "$(grep -c "efi-emu: starting a" <<<"$TEXT")" = 3
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	expect "clean end" has "KEXECPE: done"
}

# A UKI loaded without --append or --initrd: the next kernel runs with the
# UKI's .cmdline, exactly, and the init of its .initrd (whose token file is
# in no other archive).  Under AAVMF the firmware's variables stay readable
# in the next kernel.  (The volatile variables systemd-stub sets, StubInfo
# and friends, are not: firmware refuses volatile SetVariable() calls at
# runtime, and the first boot's runtime services are all there is.)
# WANT_CMDLINE and WANT_TEST let check_uki_append reuse this.
check_uki() {
	local mode=$1 cmd2 want=${WANT_CMDLINE:-} test2=${WANT_TEST:-uki}
	[ -n "$want" ] || want=$(cat "$BUILD/guest/uki.cmdline")
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$test2\$"
	cmd2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: cmdline=//p' \
		<<<"$TEXT" | head -n 1)
	expect "stage-2 cmdline is '$want' ('$cmd2')" test "$cmd2" = "$want"
	expect "stage-2 init from the UKI's .initrd" \
		test "$(marker initrd-token)" = "$(cat "$BUILD/guest/uki.itoken")"
	expect "EFI in stage 2" test "$(sed -n \
		'/KEXECPE: stage=2/,$s/.*KEXECPE: efi=//p' <<<"$TEXT" |
		head -n 1)" = yes
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	expect "EFI stub ran to ExitBootServices" \
		has "EFI stub: Exiting boot services"
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	if [ "$mode" = uefi ]; then
		expect "EFI variables in stage 2" \
			grep -qE "KEXECPE: efivars=[1-9]" \
			<<<"$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")"
	fi
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# kexec --append with a UKI: without Secure Boot, systemd-stub (252) takes
# the LoadOptions instead of its .cmdline; the initrd is still the UKI's.
check_uki_append() {
	WANT_TEST=$NAME WANT_CMDLINE="console=ttyAMA0 panic=-1 kexecpe.stage=2 kexecpe.test=$NAME kexecpe.hops=1 token=$TOKEN" \
		check_uki "$1"
}

# kexec --initrd with a UKI: systemd-stub (252) will not register its
# .initrd over one that is already there and returns an error.  This is
# the emulator's failure path on real hardware terms: the reason on the
# console, then a PSCI reset (QEMU exits on it with -no-reboot).
check_uki_refused() {
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	expect "systemd-stub refuses the second initrd" \
		has "Error registering initrd: Already started"
	expect "emulator reports and resets" \
		has "efi-emu: the PE image did not boot \(status 0x8000000000000014\); resetting"
	expect "QEMU exited on the reset" has "HOST: qemu-exit rc=0"
	expect "no stage 2" eval '! has "KEXECPE: stage=2"'
}

# kdump: the first kernel crashes (sysrq c) with a crash kernel loaded in
# its crashkernel= reservation; the crash kernel must boot (through the
# emulator unless it is the plain Image), find its command line and
# initrd (a UKI's own), and offer /proc/vmcore: an ELF64 little-endian
# core file for AArch64.  It must also have been given no more memory than
# the reservation.
check_kdump() {
	local mode=$1 test2=$NAME cmd2 s2 size mem rsv head
	case "$NAME" in *uki*) test2=uki ;; esac
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "crash kernel loaded" has "KEXECPE: crash-loaded=1"
	expect "sysrq crash" has "KEXECPE: crash\$"
	expect "kernel panicked" has "Kernel panic"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$test2\$"
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	cmd2=$(sed -n 's/.*KEXECPE: cmdline=//p' <<<"$s2" | head -n 1)
	if [ "$test2" = uki ]; then
		expect "crash kernel cmdline is the UKI's" \
			test "$cmd2" = "$(cat "$BUILD/guest/uki.cmdline")"
		expect "crash kernel init from the UKI's .initrd" \
			test "$(marker initrd-token)" = \
			"$(cat "$BUILD/guest/uki.itoken")"
	else
		expect "crash kernel cmdline has token ($cmd2)" \
			grep -q -- " token=$TOKEN\\b" <<<" $cmd2"
		expect "crash kernel initrd token" \
			test "$(marker initrd-token)" = "$ITOKEN"
	fi
	head=$(marker vmcore-head)
	expect "/proc/vmcore is an ELF64 LE AArch64 core ($head)" \
		grep -qE '^7f454c460201.{20}0400b700$' <<<"$head"
	size=$(marker vmcore-size)
	expect "/proc/vmcore not empty ($size)" test "${size:-0}" -gt 0
	mem=$(marker memtotal-kb)
	rsv=$(marker crash-size)
	expect "crash kernel memory ${mem:-?} KiB within the reservation" \
		test "${mem:-0}" -gt 0 -a "$((${mem:-0} * 1024))" -le "${rsv:-0}"
	if [ "$NAME" = kdump-image-direct ]; then
		expect "no emulator for a plain Image" \
			eval '! has "efi-emu: starting"'
	else
		expect "emulator started" \
			has "efi-emu: starting a [0-9]+ byte PE image"
		expect "EFI stub ran to ExitBootServices" \
			has "EFI stub: Exiting boot services"
		expect "EFI in the crash kernel" \
			grep -q "KEXECPE: efi=yes" <<<"$s2"
		# The cases whose crash kernel has efi=debug print its map.
		grep -q "efi=debug" <<<"$cmd2" &&
			expect "crash kernel's EFI map inside the reservation" \
				crash_map_inside
	fi
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# The EFI memory map the crash kernel printed (efi=debug): every range of
# a usable type (what the emulator or the stub could have handed out)
# must lie in the first kernel's crashkernel= reservation.
crash_map_inside() {
	local lo hi a b n=0 bad=0
	read -r lo hi < <(sed -n 's/.*crashkernel reserved: \(0x[0-9a-f]*\) - \(0x[0-9a-f]*\).*/\1 \2/p' \
		<<<"$TEXT" | head -n 1)
	[ -n "$lo" ] || { echo "# no crashkernel line"; return 1; }
	while read -r a b; do
		n=$((n + 1))
		if ((a < lo || b >= hi)); then
			echo "# $a-$b is outside $lo-$hi"
			bad=$((bad + 1))
		fi
	done < <(sed -n '/Starting crashdump kernel/,$p' <<<"$TEXT" |
		sed -n 's/.*efi: *\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) \[\(Conventional\|Loader\|Boot\).*/\1 \2/p')
	echo "# crash kernel EFI map: $n usable ranges, $bad outside $lo-$hi"
	[ $n -gt 0 ] && [ $bad -eq 0 ]
}

# A reservation too small for the PE crash kernel: kexec_file_load -p
# fails with ENOMEM and says why, before anything crashes.
check_kdump_refused() {
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "load refused with ENOMEM" \
		has "KEXECPE: load kexec_file_load: errno=12 "
	expect "dmesg says what it needs" \
		has "KEXECPE: dmesg: .*kexec_file\\(PE\\): booting this image needs [0-9]+ MiB"
	expect "nothing loaded" has "KEXECPE: crash-loaded=0"
	expect "clean end" has "KEXECPE: done"
}

# Signatures under lockdown=integrity: unsigned PE images (the zboot
# image, the UKI, the plain Image) and a signed one with a flipped byte are
# refused with EPERM and the reason in dmesg; signed ones load, and the
# signed vmlinuz.efi boots like any other (check_pe_kexec).
check_sig() {
	local f
	expect "kernel locked down" has "KEXECPE: lockdown=.*\\[integrity\\]"
	for f in vmlinuz.efi uki.efi Image signed/vmlinuz-tampered.efi; do
		expect "$f refused with EPERM" \
			has "KEXECPE: sig $f kexec_file_load: errno=1 "
	done
	expect "dmesg: unsigned, three times" test "$(grep -c \
		"KEXECPE: dmesg: .*PEFILE: Unsigned PE binary" <<<"$TEXT")" = 3
	expect "dmesg: tampered" has "KEXECPE: dmesg: .*PEFILE: Digest mismatch"
	expect "signed UKI loads" has "KEXECPE: sig signed/uki.efi loaded"
	expect "signed Image loads" has "KEXECPE: sig signed/Image loaded"
	check_pe_kexec "$1"
}

# Every malformed image in the guest's payloads/bad: ENOEXEC from the
# syscall, a failure from kexec-tools, the reason in dmesg, no oops.
check_bad_input() {
	local f name why n=0
	for f in "$BUILD"/guest/bad/*.why; do
		name=$(basename "$f" .why)
		why=$(cat "$f")
		n=$((n + 1))
		expect "$name: ENOEXEC" \
			has "KEXECPE: bad $name kexec_file_load: errno=8 .* kexec-tools-rc=[1-9]"
		[ "$why" = - ] && continue
		expect "$name: dmesg says '$why'" has "KEXECPE: dmesg: .*$why"
	done
	expect "at least 6 malformed images ($n)" test "$n" -ge 6
	expect "no oops or WARN" has "KEXECPE: bad-oops=0"
	expect "clean end" has "KEXECPE: done"
}

# -el2 cases: both kernels ran at EL2, and so did the emulator between
# them if there was one (kexec enters the next image at EL2).
check_el2() {
	expect "both kernels at EL2" test "$(grep -c \
		'CPU: All CPU(s) started at EL2' <<<"$TEXT")" = 2
	[[ "$NAME" == image-* ]] ||
		expect "emulator at EL2" \
			has "efi-emu: starting a [0-9]+ byte PE image at EL2"
}

# -gic3 cases: the first kernel reserved its LPI tables in the EFI
# memreserve list; the next kernel finds LPIs enabled and must find the
# same tables reserved, never a warning that they are not.
check_gic3() {
	local s2
	s2=$(sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT")
	expect "next kernel reuses the LPI tables" \
		grep -q "GICv3: Using preallocated redistributor tables" <<<"$s2"
	expect "next kernel: LPI pending tables reserved" \
		test "$(grep -c 'using reserved LPI pending table' <<<"$s2")" = 2
	expect "no unreserved LPI table" \
		eval '! grep -qE "Expected reserved range|memory probably corrupted" <<<"$s2"'
}

# -acpi cases: AAVMF boots the first kernel with ACPI and no DT, so the
# console is the SPCR table's, and so must be the emulator's: with no
# /chosen/stdout-path its banner can only come from the SPCR UART.  Both
# kernels must have run on ACPI.  (uki-initrd-refused-acpi has no second
# kernel: its emulator resets through the PSCI conduit the FADT names,
# QEMU's PSCI being SMCCC 1.0, which does not say.)
check_acpi() {
	local s1 s2
	s1=$(sed -n '1,/KEXECPE: stage=2/p' <<<"$TEXT")
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	expect "stage 1 on ACPI" grep -q "KEXECPE: acpi=yes" <<<"$s1"
	expect "stage 1 console from SPCR" \
		grep -q "ACPI: SPCR: console: pl011" <<<"$s1"
	[[ "$NAME" == *-refused-* ]] && return
	expect "stage 2 on ACPI" grep -q "KEXECPE: acpi=yes" <<<"$s2"
}

# Prefix every console line with the host's time, so the benchmark can
# measure between markers.
stamp() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s %s\n' "$EPOCHREALTIME" "$line" >>"$LOG"
		[ $VERBOSE = 1 ] && printf '%s\n' "$line" >/dev/tty
	done
}

run_qemu() {
	local mode=$1 kernel append fw=()
	append="console=ttyAMA0 panic=-1 kexecpe.test=$NAME"
	append+=" kexecpe.token=$TOKEN kexecpe.itoken=$ITOKEN"
	[ "$NAME" = pe-chain ] && append+=" kexecpe.hops=3"
	append+=" $(first_boot_args "$NAME")"
	if [ "$mode" = uefi ]; then
		cp "$AAVMF_VARS" "$OUT/$NAME.vars.fd"
		fw=(-drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE"
			-drive "if=pflash,format=raw,file=$OUT/$NAME.vars.fd")
		kernel=$KOBJ/vmlinuz.efi
		machine=virt,acpi=off
		# -acpi cases: the firmware gives the kernel ACPI, not a DT.
		[[ "$NAME" == *-acpi ]] && machine=virt
	else
		kernel=$KOBJ/Image
		machine=virt
	fi
	# -el2 cases: the CPU has EL2, the first kernel boots there, and
	# kexec enters the next image (the emulator) at EL2.
	case "$NAME" in *-el2) machine+=,virtualization=on ;; esac
	# -gic3 cases: GICv3 with an ITS, whose LPI tables stay in use across
	# kexec and must stay reserved (the EFI memreserve list).
	case "$NAME" in *-gic3) machine+=,gic-version=3,its=on ;; esac
	printf '%s %s\n' "$EPOCHREALTIME" "HOST: qemu-start" >"$LOG"
	timeout -k 5 "$TIMEOUT" "$QEMU" -M "$machine" -cpu "$CPU" -smp "$SMP" \
		-m "$MEM" -display none -monitor none -serial stdio -nic none \
		-no-reboot "${fw[@]}" -kernel "$kernel" -initrd "$GUEST" \
		-append "$append" </dev/null 2>&1 | stamp
	local rc=${PIPESTATUS[0]}
	printf '%s %s\n' "$EPOCHREALTIME" "HOST: qemu-exit rc=$rc" >>"$LOG"
	[ "$rc" = 124 ] && FAILS+=("timeout after ${TIMEOUT}s")
	return 0
}

SEL=()
for c in "${CASES[@]}"; do
	if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "${c%% *}"; then
		SEL+=("$c")
	fi
done
[ ${#SEL[@]} -eq 0 ] && { echo "no case matches: $*" >&2; exit 2; }

echo "TAP version 13"
echo "1..$((${#SEL[@]} * REPEAT))"
n=0 pass=0 fail=0 todo=0
for c in "${SEL[@]}"; do
	read -r NAME mode check reason <<<"$c"
	for ((r = 1; r <= REPEAT; r++)); do
		n=$((n + 1))
		TOKEN=$(rand) ITOKEN=$(rand) FAILS=()
		LOG=$OUT/$NAME.log
		[ "$REPEAT" -gt 1 ] && LOG=$OUT/$NAME.$r.log
		run_qemu "$mode"
		TEXT=$(sed 's/^[0-9.]* //' "$LOG")
		if declare -F "$check" >/dev/null; then
			$check "$mode"
		else
			FAILS+=("no check function '$check'")
		fi
		[[ "$NAME" == *-el2 ]] && check_el2
		[[ "$NAME" == *-gic3 ]] && check_gic3
		[[ "$NAME" == *-acpi ]] && check_acpi
		if [ ${#FAILS[@]} -eq 0 ] && [ -z "$reason" ]; then
			echo "ok $n $NAME"
			pass=$((pass + 1))
			continue
		fi
		if [ ${#FAILS[@]} -eq 0 ]; then
			# The expected failure happened exactly as asserted.
			echo "not ok $n $NAME # TODO $reason"
			todo=$((todo + 1))
			continue
		fi
		echo "not ok $n $NAME"
		fail=$((fail + 1))
		for f in "${FAILS[@]}"; do echo "# failed: $f"; done
		echo "# last console lines ($LOG):"
		console | tail -n 25 | sed 's/^/#   /'
	done
done
echo "# Totals: pass:$pass fail:$fail xfail:$todo xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
