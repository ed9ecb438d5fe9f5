#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kexec-pe end-to-end selftest: boot the guest in QEMU virt (aarch64) or
# q35 (x86_64), let its /init run one scenario that ends in a kexec reboot,
# and assert on the serial console what the second kernel reports.  Output
# is TAP.
#
# Each case runs in its own QEMU; a hung guest fails at the timeout, a
# panicking one at once (panic=-1 and -no-reboot), with the last console
# lines shown.  Logs (host timestamp per line) go to OUT/CASE.log.
set -uo pipefail

usage() {
	cat <<EOU
usage: $0 [-b BUILD] [-o OUT] [-t SECS] [-r N] [-i SHIFT] [-a ARCH] [-v] [-l] [-c]
       [CASE...]
  -b BUILD  build directory (default: build)
  -o OUT    where console logs go (default: BUILD/e2e)
  -t SECS   per-case timeout in seconds (default: 120)
  -r N      run each case N times (default: 1), for benchmarks
  -i SHIFT  QEMU -icount shift=SHIFT,sleep=off: guest time advances
            2^SHIFT ns an instruction (for make bench)
  -v        stream the guest console to the terminal
  -a ARCH   only the cases of ARCH (arm64 or x86_64)
  -l        list the cases and exit
  -c        check the logs in OUT again instead of running QEMU (the
            tokens come from the first kernel's command line there)
  CASE      cases to run (default: all but make bench's)
Defaults: QEMU=$QEMU, CPU=$CPU, MEM=$MEM, SMP=$SMP,
  AAVMF_CODE=$AAVMF_CODE, AAVMF_VARS=$AAVMF_VARS,
  QEMU_X86=$QEMU_X86, CPU_X86=$CPU_X86,
  OVMF_CODE=$OVMF_CODE, OVMF_VARS=$OVMF_VARS,
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
# arch=x86_64 cases: q35 with OVMF as the firmware (fw=uefi).
QEMU_X86=${QEMU_X86:-qemu-system-x86_64}
CPU_X86=${CPU_X86:-max}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
BUILD=build OUT= TIMEOUT=120 REPEAT=1 VERBOSE=0 LIST=0 RECHECK=0 ICOUNT=
ONLY_ARCH=
while getopts "b:o:t:r:i:a:vlch" o; do
	case $o in
	b) BUILD=$OPTARG ;;
	a) ONLY_ARCH=$OPTARG ;;
	o) OUT=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	i) ICOUNT=$OPTARG ;;
	v) VERBOSE=1 ;;
	l) LIST=1 ;;
	c) RECHECK=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
OUT=${OUT:-$BUILD/e2e}
KOBJ=$BUILD/kernel/arch/arm64/boot
KOBJ39=$BUILD/kernel-va39/arch/arm64/boot
KOBJ64K=$BUILD/kernel-64k/arch/arm64/boot
GUEST=$BUILD/guest/guest.cpio
KOBJX86=$BUILD/kernel-x86_64/arch/x86/boot
KOBJX86F=$BUILD/kernel-x86_64-force/arch/x86/boot
GUESTX86=$BUILD/guest-x86_64/guest.cpio

# One record a case: its name, then KEY=VALUE words, each read by field().
#   arch=x86_64      a q35 guest of the x86 kernel (default: arm64, virt)
#   fw=direct|uefi   first boot: -kernel Image (x86: bzImage), or AAVMF
#                    and vmlinuz.efi (x86: OVMF and bzImage)
#   kernel=va39|64k  the first kernel's variant build (x86: force, with
#                    KEXEC_SIG_FORCE)
#   machine=OPTS     more -M virt options (acpi=off for a DT under AAVMF)
#   cpu=CPU smbios=OPTS dtb=reserved guest=debian console=hvc0
#   args=A,B         more first-kernel command line (@CK@, @CKMIN@ and
#                    @CKSMALL@: the crashkernel= sizes below)
#   run=ACTION pe=FILE opt=OPTION hops=N probe=pstore|ima efidebug=1
#   kexec=kexec-2.0.32
#                    what the guest's /init does (passed as kexecpe.*);
#                    kexec= runs stock kexec-tools in place of ours
#   want=KEY:VALUE,...
#                    what the next kernel must report of itself, checked in
#                    the guest (kexecpe.want; efi:yes|no comes from fw= and
#                    pe=, see next_wants())
#   stub=257         the UKI's stub is systemd-stub 257 (it adds .osrel)
#   end=reset        the emulator resets: there is no next kernel
#   check=F,G        host checks: F gets fw=, the others nothing
#   todo=REASON      an expected failure (TAP TODO)
#   only=bench       run only when named (make bench's cases)
CASES=(
	"image-direct fw=direct run=kexec_tools_boot pe=Image check=check_kexec"
	"image-direct-sys fw=direct run=syscall_boot pe=Image check=check_kexec"
	"image-uefi fw=uefi run=kexec_tools_boot pe=Image machine=acpi=off \
		check=check_kexec"
	"image-uefi-sys fw=uefi run=syscall_boot pe=Image machine=acpi=off \
		check=check_kexec"
	"pe-zboot-direct fw=direct run=kexec_tools_boot pe=vmlinuz.efi \
		check=check_pe_kexec,check_memattr"
	"pe-zboot-direct-sys fw=direct run=syscall_boot pe=vmlinuz.efi \
		check=check_pe_kexec,check_memattr"
	"pe-zstd-direct fw=direct run=kexec_tools_boot pe=vmlinuz-zstd.efi \
		check=check_pe_kexec,check_memattr"
	"pe-zstd-direct-sys fw=direct run=syscall_boot pe=vmlinuz-zstd.efi \
		check=check_pe_kexec,check_memattr"
	"pe-zboot-uefi fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		machine=acpi=off check=check_pe_kexec,check_memattr"
	"pe-zboot-uefi-sys fw=uefi run=syscall_boot pe=vmlinuz.efi \
		machine=acpi=off check=check_pe_kexec,check_memattr"
	"pe-bad-input fw=direct run=bad_input check=check_bad_input"
	"pe-chain fw=direct run=kexec_tools_boot pe=vmlinuz.efi hops=3 \
		check=check_chain"
	"uki-direct fw=direct run=uki_boot pe=uki.efi check=check_uki"
	"uki-uefi fw=uefi run=uki_boot pe=uki.efi machine=acpi=off \
		check=check_uki"
	"uki-zboot-direct-sys fw=direct run=uki_syscall_boot pe=uki-zboot.efi \
		check=check_uki"
	"uki-zboot-uefi-sys fw=uefi run=uki_syscall_boot pe=uki-zboot.efi \
		machine=acpi=off check=check_uki"
	"uki-append-direct fw=direct run=uki_boot pe=uki.efi \
		opt=--append=@NEXT@ check=check_uki_append"
	"uki-initrd-refused fw=direct run=uki_initrd_refused \
		args=crashkernel=@CK@ check=check_uki_refused"
	"pe-stub-fails-direct fw=direct run=kexec_tools_boot \
		pe=vmlinuz-corrupt.efi check=check_stub_fails end=reset"
	"pe-nx-direct fw=direct run=kexec_tools_boot pe=vmlinuz-nx.efi \
		check=check_nx end=reset"
	"pe-nx-el2 fw=direct run=kexec_tools_boot pe=vmlinuz-nx.efi \
		machine=virtualization=on check=check_nx,check_el2 end=reset"
	"kdump-image-direct fw=direct run=crash_boot pe=Image \
		args=crashkernel=@CK@ check=check_kdump"
	"kdump-pe-direct fw=direct run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ check=check_kdump"
	"kdump-pe-uefi fw=uefi run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ machine=acpi=off check=check_kdump"
	"kdump-pe-uefi-sys fw=uefi run=crash_load pe=vmlinuz.efi opt=-sys \
		args=crashkernel=@CK@ machine=acpi=off check=check_kdump"
	"kdump-uki-direct fw=direct run=crash_load pe=uki.efi \
		args=crashkernel=@CK@ check=check_kdump"
	"kdump-uki-uefi fw=uefi run=crash_load pe=uki.efi args=crashkernel=@CK@ \
		machine=acpi=off check=check_kdump"
	"kdump-pe-min fw=direct run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CKMIN@ check=check_kdump"
	"sig-lockdown fw=direct run=signatures \
		args=lockdown=integrity,crashkernel=@CK@ check=check_sig"
	"sig-profile-lockdown fw=direct run=signed_profiles \
		args=lockdown=integrity,crashkernel=@CK@ check=check_sig_profile \
		stub=257"
	"image-el2 fw=direct run=kexec_tools_boot pe=Image \
		machine=virtualization=on check=check_kexec,check_el2"
	"pe-zboot-el2 fw=direct run=kexec_tools_boot pe=vmlinuz.efi \
		machine=virtualization=on check=check_pe_kexec,check_memattr,check_el2"
	"pe-zboot-uefi-el2 fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		machine=acpi=off,virtualization=on \
		check=check_pe_kexec,check_memattr,check_el2"
	"kdump-pe-el2 fw=direct run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ machine=virtualization=on \
		check=check_kdump,check_el2"
	"kdump-pe-toosmall fw=direct run=crash_too_small pe=vmlinuz.efi \
		args=crashkernel=@CKSMALL@ check=check_kdump_refused"
	"image-uefi-gic3 fw=uefi run=kexec_tools_boot pe=Image \
		machine=acpi=off,gic-version=3,its=on check=check_kexec,check_gic3"
	"pe-zboot-uefi-gic3 fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		machine=acpi=off,gic-version=3,its=on \
		check=check_pe_kexec,check_memattr,check_gic3"
	"image-uefi-acpi fw=uefi run=kexec_tools_boot pe=Image \
		check=check_kexec,check_acpi"
	"pe-zboot-uefi-acpi fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		check=check_pe_kexec,check_memattr,check_acpi"
	"uki-uefi-acpi fw=uefi run=uki_boot pe=uki.efi \
		check=check_uki,check_acpi"
	"kdump-pe-uefi-acpi fw=uefi run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ check=check_kdump,check_acpi"
	"pe-stub-fails-acpi fw=uefi run=kexec_tools_boot pe=vmlinuz-corrupt.efi \
		check=check_stub_fails,check_acpi end=reset"
	"pe-zboot-uefi-vamap fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		machine=acpi=off smbios=type=4,processor-id=0x0a160001 \
		check=check_pe_kexec,check_memattr,check_vamap"
	"uki-uefi-vamap fw=uefi run=uki_boot pe=uki.efi machine=acpi=off \
		smbios=type=4,processor-id=0x0a160001 check=check_uki,check_vamap"
	"kdump-pe-uefi-noruntime fw=uefi run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ machine=acpi=off \
		check=check_kdump,check_noruntime"
	"image-reserved-direct fw=direct run=reserved_boot pe=Image \
		dtb=reserved check=check_kexec,check_reserved probe=pstore efidebug=1"
	"pe-reserved-direct fw=direct run=reserved_boot pe=vmlinuz.efi \
		dtb=reserved check=check_pe_kexec,check_reserved probe=pstore \
		efidebug=1"
	"pe-ima-direct fw=direct run=ima_boot pe=vmlinuz.efi \
		args=ima_policy=tcb check=check_pe_kexec,check_ima probe=ima \
		efidebug=1"
	"pe-gic3-late-cpu fw=uefi run=late_cpu_boot pe=vmlinuz.efi \
		args=maxcpus=1 machine=acpi=off,gic-version=3,its=on \
		check=check_pe_kexec,check_late_cpu efidebug=1"
	"pe-zboot-uefi-va39-vamap fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		kernel=va39 machine=acpi=off smbios=type=4,processor-id=0x0a160001 \
		check=check_pe_kexec,check_memattr,check_vamap"
	"pe-zboot-uefi-va39 fw=uefi run=kexec_tools_boot pe=vmlinuz.efi \
		kernel=va39 machine=acpi=off check=check_va39,check_memattr"
	"pe-zboot-a57-direct fw=direct run=kexec_tools_boot pe=vmlinuz.efi \
		cpu=cortex-a57 check=check_pe_kexec,check_memattr"
	"pe-zboot-quiet-direct fw=direct run=kexec_tools_boot pe=vmlinuz.efi \
		console=hvc0 check=check_quiet"
	"uki257-direct fw=direct run=uki_boot pe=uki257.efi check=check_uki \
		stub=257"
	"uki257-uefi fw=uefi run=uki_boot pe=uki257.efi machine=acpi=off \
		check=check_uki stub=257"
	"uki257-zboot-uefi-sys fw=uefi run=uki_syscall_boot pe=uki257-zboot.efi \
		machine=acpi=off check=check_uki stub=257"
	"uki257-profile-direct fw=direct run=uki_boot pe=uki257-profile.efi \
		opt=--append=@1 check=check_uki_profile stub=257"
	"kdump-uki257-direct fw=direct run=crash_load pe=uki257.efi \
		args=crashkernel=@CK@ check=check_kdump stub=257"
	"uki257-dtb-direct fw=direct run=uki_boot pe=uki257-dtb.efi \
		check=check_uki_dtb stub=257"
	"kdump-uki257-dtb-direct fw=direct run=crash_load pe=uki257-dtb.efi \
		args=crashkernel=@CK@ check=check_uki_dtb stub=257"
	"pe-61-direct fw=direct run=kexec_tools_boot pe=vmlinuz-61.efi \
		check=check_pe_kexec,check_loadfile2"
	"pe-61-uefi fw=uefi run=kexec_tools_boot pe=vmlinuz-61.efi \
		machine=acpi=off check=check_pe_kexec,check_loadfile2"
	"pe-16k-direct fw=direct run=kexec_tools_boot pe=vmlinuz-16k.efi \
		check=check_pe_kexec,check_pagesize want=pagesize:16384"
	"pe-64k-direct fw=direct run=kexec_tools_boot pe=vmlinuz-64k.efi \
		check=check_pe_kexec,check_pagesize want=pagesize:65536"
	"pe-64k-uefi fw=uefi run=kexec_tools_boot pe=vmlinuz-64k.efi \
		machine=acpi=off check=check_pe_kexec,check_pagesize \
		want=pagesize:65536"
	"pe-64k-first-direct fw=direct run=kexec_tools_boot pe=vmlinuz.efi \
		kernel=64k check=check_pe_kexec,check_pagesize want=pagesize:4096"
	"kdump-pe-64k-first-direct fw=direct run=crash_boot pe=vmlinuz.efi \
		args=crashkernel=@CK@ kernel=64k check=check_kdump,check_pagesize \
		want=pagesize:4096"
	"debian-uki-direct fw=direct run=debian_boot pe=debian/uki.efi \
		guest=debian check=check_debian_uki"
	"debian-uki257-uefi fw=uefi run=debian_boot pe=debian/uki257.efi \
		guest=debian machine=acpi=off check=check_debian_uki stub=257"
	"theirs-uki-direct fw=direct run=uki_boot pe=uki.efi kexec=kexec-2.0.32 \
		check=check_theirs_uki"
	"theirs-lockdown fw=direct run=lockdown_compare args=lockdown=integrity \
		check=check_lockdown_compare"
	"x86-image-direct arch=x86_64 fw=direct run=kexec_tools_boot pe=bzImage \
		check=check_kexec"
	"x86-image-ovmf arch=x86_64 fw=uefi run=kexec_tools_boot pe=bzImage \
		check=check_kexec"
	"x86-uki-direct arch=x86_64 fw=direct run=uki_boot pe=uki.efi \
		check=check_uki"
	"x86-uki-ovmf arch=x86_64 fw=uefi run=uki_boot pe=uki.efi \
		check=check_uki"
	"x86-uki-sys arch=x86_64 fw=direct run=uki_syscall_boot pe=uki.efi \
		check=check_uki"
	"x86-pe-direct arch=x86_64 fw=direct run=kexec_tools_boot pe=pe.efi \
		machine=smbios-entry-point-type=64 \
		check=check_pe_kexec"
	"x86-pe-chain arch=x86_64 fw=direct run=kexec_tools_boot pe=pe.efi \
		hops=3 check=check_chain"
	"x86-sig-lockdown arch=x86_64 fw=direct run=forced_signatures \
		kernel=force args=lockdown=integrity,crashkernel=@CK@ \
		check=check_sig_forced"
	"x86-pe-bad-input arch=x86_64 fw=direct run=bad_input \
		args=crashkernel=@CK@ check=check_bad_input"
	"x86-kdump-uki-direct arch=x86_64 fw=direct run=crash_load pe=uki.efi \
		args=crashkernel=@CK@ check=check_kdump"
	"x86-kdump-uki-ovmf arch=x86_64 fw=uefi run=crash_load pe=uki.efi \
		args=crashkernel=@CK@ check=check_kdump"
	"x86-kdump-pe-direct arch=x86_64 fw=direct run=crash_boot pe=pe.efi \
		args=crashkernel=@CK@ check=check_kdump"
)
# make bench's cases: the payloads users boot, after both first boots, by
# ours and by stock kexec-tools 2.0.32 (bench-PAYLOAD-FW-ours|theirs).
for p in zboot:vmlinuz.efi zstd:vmlinuz-zstd.efi uki-zboot:uki-zboot.efi \
	uki:uki.efi; do
	for fw in direct uefi; do
		r="fw=$fw pe=${p#*:} only=bench"
		[ $fw = uefi ] && r+=" machine=acpi=off"
		case $p in
		uki*)
			CASES+=("bench-${p%%:*}-$fw-ours $r run=bench_uki_boot $(
				)check=check_uki")
			CASES+=("bench-${p%%:*}-$fw-theirs $r run=bench_uki_boot $(
				)kexec=kexec-2.0.32 check=check_theirs_uki")
			;;
		*)
			CASES+=("bench-${p%%:*}-$fw-ours $r run=bench_boot $(
				)check=check_pe_kexec")
			CASES+=("bench-${p%%:*}-$fw-theirs $r run=bench_boot $(
				)kexec=kexec-2.0.32 check=check_kexec")
			;;
		esac
	done
done

# The crashkernel= reservation of the kdump cases; kdump-pe-min uses the
# smallest one a PE crash kernel boots in (make bench measures it).
CRASHKERNEL=${CRASHKERNEL:-256M}
CRASHKERNEL_MIN=${CRASHKERNEL_MIN:-20M}
# Too small for vmlinuz.efi once its kernel is decompressed and aligned:
# the load must fail, not the crash kernel's boot after the crash.
CRASHKERNEL_TOOSMALL=${CRASHKERNEL_TOOSMALL:-16M}

# The value of KEY in the record REC, else $2.
field() {
	local w

	for w in $REC; do
		[[ "$w" == "$1="* ]] && { echo "${w#*=}"; return; }
	done
	echo "${2:-}"
}

# What every kernel after the first checks it reports: EFI if the image
# is a PE that ours boots or the first boot was through firmware (the
# Image and bzImage paths hand its system table on), and the record's
# want=.
next_wants() {
	local efi=no want

	want=$(field want)
	if [ "$(field fw)" = uefi ]; then
		efi=yes
	elif [ -z "$(field kexec)" ]; then
		case "$(field pe)" in Image | bzImage) ;; *) efi=yes ;; esac
	fi
	echo "efi:$efi${want:+,$want}"
}

# The UART of the case's machine, and the line each kernel starts with.
is_x86() { [ "$(field arch)" = x86_64 ]; }
# The guest build directory of the case's architecture.
gdir() { if is_x86; then echo "$BUILD/guest-x86_64"; else echo "$BUILD/guest"; fi; }
# The stub got as far as ExitBootServices(): arm64's generic stub says
# so; x86's does not, and the emulator reports the call.
check_exit_boot_services() {
	if is_x86; then
		expect "EFI stub ran to ExitBootServices" \
			has "efi-emu: tsc=[0-9]+ at ExitBootServices"
	else
		expect "EFI stub ran to ExitBootServices" \
			has "EFI stub: Exiting boot services"
	fi
}
uart() { if is_x86; then echo ttyS0; else echo ttyAMA0; fi; }
banner() {
	if is_x86; then echo "Linux version [0-9]"
	else echo "Booting Linux on physical CPU"; fi
}

# The first kernel's command line: the case's own words and the guest's
# kexecpe.* orders.
first_boot_cmdline() {
	local k v args

	echo -n "console=$(field console "$(uart)") panic=-1 kexecpe.test=$NAME"
	echo -n " kexecpe.token=$TOKEN kexecpe.itoken=$ITOKEN"
	for k in run pe opt hops probe efidebug kexec; do
		v=$(field $k)
		[ -n "$v" ] && echo -n " kexecpe.$k=$v"
	done
	echo -n " kexecpe.want=$(next_wants)"
	args=$(field args)
	args=${args//,/ }
	args=${args//@CKMIN@/$CRASHKERNEL_MIN}
	args=${args//@CKSMALL@/$CRASHKERNEL_TOOSMALL}
	args=${args//@CK@/$CRASHKERNEL}
	echo " $args"
}

if [ $LIST = 1 ]; then
	for c in "${CASES[@]}"; do echo "${c%% *}"; done
	exit 0
fi

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

# The kernels after the first check themselves (init.sh) and each print
# one verdict: N of them, all "pass"; the checks that failed are shown.
# No oops or WARN from the second kernel's banner on (what the host sees
# from there on is cheaper to read here than dmesg in the guest).
check_verdicts() {
	local n=$1 got re s

	re='Oops|WARNING:|BUG:|Unable to handle|Internal error'
	s=$(awk -v re="$(banner)" '$0 ~ re { n++ } n >= 2' <<<"$TEXT")
	expect "no oops or WARN in the later kernels" \
		eval '! grep -qE "$re" <<<"$s"'

	got=$(grep -c "KEXECPE: verdict=pass" <<<"$TEXT")
	grep "KEXECPE: check .*: FAIL" <<<"$TEXT" | sed 's/^/# guest: /'
	expect "$n guest verdicts pass ($got)" test "$got" = "$n"
	expect "no guest verdict fails" eval '! has "KEXECPE: verdict=fail"'
}

# x86 after OVMF: the next kernel calls SetVirtualAddressMap() itself,
# with a map the first boot's firmware cannot take again (x86 gives boot
# services regions virtual addresses too); the emulator refuses it and the
# kernel runs without runtime services, while the stub, before
# ExitBootServices(), still read OVMF's variables.
check_x86_runtime_off() {
	local s2
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	expect "EFI variables in stage 1" \
		grep -qE "KEXECPE: efivars=[1-9]" <<<"$(sed -n \
			'/KEXECPE: stage=1/,/KEXECPE: stage=2/p' <<<"$TEXT")"
	expect "emulator refused SetVirtualAddressMap()" \
		has "efi-emu: SetVirtualAddressMap\(\) refused"
	expect "stage 2 without runtime services" \
		has "Unable to switch EFI into virtual mode"
	expect "no EFI variables in stage 2" \
		grep -q "KEXECPE: efivars=none" <<<"$s2"
}

# x86: each of the case's $1 kernels read the first boot's SMBIOS (DMI).
# The next kernel boots through EFI and finds it in a configuration table
# only: after a BIOS boot the one the loader made of the BIOS area's
# entry point, after OVMF the firmware's.
check_dmi() {
	local dmi
	is_x86 || return 0
	dmi=$(marker dmi)
	expect "stage-1 DMI ($dmi)" test -n "$dmi" -a "$dmi" != none
	expect "the same DMI in all $1 kernels" \
		test "$(grep -cF "KEXECPE: dmi=$dmi" <<<"$TEXT")" = "$1"
	# A BIOS with a 64-bit (SMBIOS 3) entry point: that one is passed.
	[[ "$(field machine)" != *smbios-entry-point-type=64* ]] ||
		expect "the SMBIOS 3 entry point handed on" \
			has "efi: .*SMBIOS 3\.0=0x"
}

check_kexec() {
	local mode=$1 cmd2
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$NAME\$"
	cmd2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: cmdline=//p' \
		<<<"$TEXT" | head -n 1)
	expect "stage-2 cmdline has token ($cmd2)" \
		grep -q -- " token=$TOKEN\\b" <<<" $cmd2"
	expect "stage-2 initrd token" \
		test "$(marker initrd-token)" = "$ITOKEN"
	check_verdicts 1
	check_dmi 2
	if [ "$mode" = uefi ]; then
		expect "EFI in stage 1" test "$(marker efi)" = yes
		# Runtime services of the firmware work in both kernels.
		expect "EFI variables in stage 1" \
			has "KEXECPE: efivars=[1-9]"
		[ -n "${NO_RT2:-}" ] ||
			expect "EFI variables in stage 2" \
				grep -qE "KEXECPE: efivars=[1-9]" \
				<<<"$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")"
	else
		expect "no EFI in stage 1" test "$(marker efi)" = no
	fi
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# A PE image through the emulator: everything check_kexec asserts, the
# emulator and the image's own EFI stub on the console, and EFI (from the
# emulator's system table) in the next kernel.
check_pe_kexec() {
	check_kexec "$1"
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	check_exit_boot_services
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	# x86 maps everything writable and executable (x86/main.c); the
	# guest CPU has RDRAND.
	if is_x86; then
		expect "RNG protocol from RDRAND" \
			has "efi-emu: EFI_RNG_PROTOCOL from RDRAND"
		expect "random seed for the next kernel" \
			grep -q "RNG=0x" <<<"$(sed -n \
				'/efi: EFI v2\.[0-9]* by kexec-pe/{n;p;q}' <<<"$TEXT")"
		return
	fi
	# W^X as the payload leaves it at ExitBootServices().
	expect "map: the stub's code r-x" has "efi-emu: map: payload entry r-x"
	expect "map: the PE file rw-" has "efi-emu: map: PE file rw-"
	expect "map: free RAM rw-" has "efi-emu: map: free RAM rw-"
	expect "map: emulator text r-x" has "efi-emu: map: emulator text r-x"
	expect "map: emulator stack rw-" has "efi-emu: map: emulator stack rw-"
	expect "map: stack guard page ---" has "efi-emu: map: stack guard ---"
	expect "map: console rw- device" has "efi-emu: map: console rw- device"
	check_rng
}

# A 6.12 zboot stub maps the kernel it decompressed W^X through
# EFI_MEMORY_ATTRIBUTE_PROTOCOL (efi_remap_image()): one query (the
# EfiLoaderCode it allocated is executable), the code made read-only, the
# rest non-executable.
check_memattr() {
	expect "stub used the memory attribute protocol" \
		has "efi-emu: memory attributes: get 1, set 2, clear 0"
}

# The 6.1 zboot stub loads its kernel through its own LoadFile2.
check_loadfile2() {
	expect "6.1 stub: LoadImage() through its LoadFile2" \
		has "efi-emu: LoadImage\(\) through the caller's LoadFile2"
}

# Page sizes: the first kernel has 64 KiB pages with kernel=64k, else
# 4 KiB; the next kernel's (want=pagesize:N) is checked in the guest, and
# here that the check ran.
check_pagesize() {
	local want1=4096 want2
	[ "$(field kernel)" = 64k ] && want1=65536
	want2=$(sed -n 's/.*pagesize:\([0-9]*\).*/\1/p' <<<"$(field want)")
	expect "stage 1 page size $want1" \
		grep -q "KEXECPE: pagesize=$want1\$" \
		<<<"$(sed -n '1,/KEXECPE: stage=2/p' <<<"$TEXT")"
	expect "the record says the next page size (want=pagesize:N)" \
		test -n "$want2"
	expect "stage 2 checked its page size $want2" \
		has "KEXECPE: check pagesize=$want2: ok"
}

# EFI_RNG_PROTOCOL comes from RNDR when the CPU has it (-cpu max), and the
# stub then hands the next kernel a LINUX_EFI_RANDOM_SEED table ("RNG=" in
# its efi: line); without RNDR (-a57 cases) there is no protocol and no
# seed, and the kernel boots all the same.  (Of the CPUs QEMU 7.2 has,
# only max implements FEAT_RNG.)
check_rng() {
	local efi2 re
	# 6.12 prints the revision as v2.10, 6.1 as v2.100.
	efi2=$(sed -n '/efi: EFI v2\.[0-9]* by kexec-pe/{n;p;q}' <<<"$TEXT")
	if [[ "$(field cpu "$CPU")" != max* ]]; then
		re="efi-emu: EFI_RNG_PROTOCOL not offered: the CPU has no RNDR,"
		expect "no RNG protocol without RNDR" \
			has "$re the firmware no SMCCC TRNG"
		expect "no random seed for the next kernel ($efi2)" \
			eval '! grep -q "RNG=" <<<"$efi2"'
	else
		expect "RNG protocol from RNDR" \
			has "efi-emu: EFI_RNG_PROTOCOL from RNDR"
		expect "random seed for the next kernel ($efi2)" \
			grep -q "RNG=0x" <<<"$efi2"
	fi
}

# pe-zboot-quiet-direct: the first kernel has no console (console=hvc0
# names none; /init writes to ttyAMA0 as a plain tty), so the UART the DT
# names is nobody's console: the kernel says so at load time and the
# emulator stays silent, but still boots the next kernel, which has the
# UART as its console again.
check_quiet() {
	check_kexec "$1"
	expect "load: the UART is no console of the first kernel" \
		has "kexec_file\(PE\): UART at 0x9000000 is not a console of this kernel"
	expect "the emulator printed nothing" eval '! has "efi-emu:"'
	expect "nor did the stub through ConOut" eval '! has "EFI stub: "'
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
	check_verdicts 3
	check_dmi 4
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
	[ -n "$want" ] || want=$(cat "$(gdir)/uki.cmdline")
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$test2\$"
	cmd2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: cmdline=//p' \
		<<<"$TEXT" | head -n 1)
	expect "stage-2 cmdline is '$want' ('$cmd2')" test "$cmd2" = "$want"
	expect "stage-2 init from the UKI's .initrd" \
		test "$(marker initrd-token)" = "$(cat "$(gdir)/uki.itoken")"
	check_extra_osrel
	check_verdicts 1
	check_dmi 2
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	check_exit_boot_services
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	# Debian's kernel has efivarfs as a module, which the test initrd
	# lacks: that its variable services registered must do there.
	if [ "$mode" = uefi ] && [ "$(field guest)" = debian ]; then
		expect "EFI variable services in stage 2" \
			grep -q "efivars: Registered efivars operations" \
			<<<"$(sed -n '/efi: EFI v2.10 by kexec-pe/,$p' <<<"$TEXT")"
	elif [ "$mode" = uefi ] && is_x86; then
		check_x86_runtime_off
	elif [ "$mode" = uefi ]; then
		expect "EFI variables in stage 2" \
			grep -qE "KEXECPE: efivars=[1-9]" \
			<<<"$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")"
	fi
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# systemd-stub 257 (stub=257) appends its .osrel to the initrd
# (/.extra/os-release); 252 passes the .initrd alone.  Either way it is the
# stub that ran.
check_extra_osrel() {
	local want=none
	[ "$(field stub)" = 257 ] && want=kexecpe
	expect "stage-2 /.extra/os-release: $want" \
		test "$(marker extra-osrel)" = "$want"
}

# A two-profile UKI (257) booted with "@1" as its only argument: profile 1's
# .cmdline, the base's .initrd.
check_uki_profile() {
	WANT_TEST=uki-profile1 \
		WANT_CMDLINE=$(cat "$BUILD/guest/uki-profile1.cmdline") \
		check_uki "$1"
}

# A UKI of 257 with a .dtb: the stub installs it in place of the DT the
# loader made, after EFI_DT_FIXUP_PROTOCOL put the loader's /chosen
# properties into it.  The next kernel (as a crash kernel: with
# /proc/vmcore, which needs linux,elfcorehdr) runs on the UKI's DT.
check_uki_dtb() {
	expect "stage 2 runs on the UKI's DT" test "$(sed -n \
		'/KEXECPE: stage=2/,$s/.*KEXECPE: dt-model=//p' <<<"$TEXT" |
		head -n 1)" = kexecpe-uki-dtb
	expect "stage 1 did not" has "KEXECPE: dt-model=linux,dummy-virt"
	case "$(field run)" in
	crash_*) check_kdump "$1" ;;
	*) check_uki "$1" ;;
	esac
}

# kexec --append with a UKI: without Secure Boot, systemd-stub (252) takes
# the LoadOptions instead of its .cmdline; the initrd is still the UKI's.
check_uki_append() {
	local want="console=ttyAMA0 panic=-1 kexecpe.stage=2"

	want+=" kexecpe.test=$NAME kexecpe.hops=1 token=$TOKEN"
	want+=" kexecpe.want=$(next_wants)"
	WANT_TEST=$NAME WANT_CMDLINE=$want check_uki "$1"
}

# kexec --initrd with a UKI that has its own .initrd: systemd-stub would
# refuse to register its initrd over ours at kexec -e (for kdump: after
# the crash), so the load fails now, with EINVAL and the reason, for
# kexec-tools and the raw syscall, as a kernel and as a crash kernel; a
# kexec -e afterwards has nothing to run.
check_uki_refused() {
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec-tools load refused" has "KEXECPE: uki-initrd kexec-rc=[1-9]"
	expect "raw syscall refused with EINVAL" \
		has "KEXECPE: uki-initrd kexec_file_load: errno=22 "
	expect "crash kernel refused with EINVAL" \
		has "KEXECPE: uki-initrd-crash kexec_file_load: errno=22 "
	expect "nothing loaded" has "KEXECPE: loaded=0 crash-loaded=0"
	expect "dmesg says why" has "KEXECPE: dmesg: .*kexec_file\\(PE\\): $(
		)this Unified Kernel Image brings its own initrd"
	expect "kexec -e has nothing to run" has "KEXECPE: kexec-e-rc=[1-9]"
	expect "emulator never started" eval '! has "efi-emu: starting"'
	expect "clean end" has "KEXECPE: done"
}

# The payload's stub fails after kexec -e (vmlinuz-corrupt.efi: the zboot
# image with its gzip magic destroyed, which no load-time check reads):
# the emulator prints the failure and resets through PSCI, with the
# conduit from the DT or, in -acpi, from the FADT (QEMU's PSCI is SMCCC
# 1.0, which does not say); QEMU exits on the reset with -no-reboot.
check_stub_fails() {
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	expect "the stub fails to decompress" \
		has "EFI decompressor: uncompression error"
	expect "emulator reports and resets" \
		has "efi-emu: the PE image did not boot \(status 0x8[0-9a-f]+\); resetting"
	expect "QEMU exited on the reset" has "HOST: qemu-exit rc=0"
	expect "no stage 2" eval '! has "KEXECPE: stage=2"'
}

# -nx cases: the image's entry point lies in its writable data section.
# The emulator maps it non-executable: the first instruction fetch there
# is an instruction abort (EC 0x21, a permission fault) at the entry
# itself, reported and followed by a reset; nothing of the payload runs.
check_nx() {
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "emulator started" has "efi-emu: starting a [0-9]+ byte PE image"
	expect "instruction abort at the entry, in data" \
		has "efi-emu: exception [0-9]+: ESR 0x860000[0-9a-f][0-9a-f] $(
			)ELR (0x[0-9a-f]+) FAR \\1\r?\$"
	expect "the data never ran" eval '! has "efi-emu: payload returned"'
	expect "QEMU exited on the reset" has "HOST: qemu-exit rc=0"
	expect "no stage 2" eval '! has "KEXECPE: stage=2"'
}

# -vamap cases: QEMU's SMBIOS says Ampere Altra, so the first boot's stub
# calls SetVirtualAddressMap() and the firmware then runs only at compact
# virtual addresses from 512 MiB.  The next stub (the same quirk) must be
# allowed to keep exactly that mapping, and the next kernel must use the
# firmware's runtime services (efivarfs lists variables) without a fault.
check_vamap() {
	local s2 want=2 re
	s2=$(sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT")
	# A 39-bit stub calls it anyway and does not look at SMBIOS.
	[ "$(field kernel)" = va39 ] && want=1
	expect "stubs working around SetVirtualAddressMap(): $want" test "$(grep -c \
		'Working around broken SetVirtualAddressMap()' <<<"$TEXT")" = $want
	re="efi-emu: SetVirtualAddressMap\(\): first boot's map of [1-9][0-9]* kept"
	expect "emulator keeps the first boot's runtime mapping" \
		grep -qE "$re" <<<"$s2"
	re="Unable to handle|Internal error|efi: .*(invalid|not be available)"
	expect "no fault in stage 2" eval '! grep -qE "$re" <<<"$s2"'
}

# The stage-2 EFI map (efi=debug) as "start end type" lines.
stage2_map() {
	sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT" |
		sed -n 's/.*efi: *\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) \[\([A-Za-z ]*\)|.*/\1 \2 \3/p'
}

# Does every entry of the stage-2 map overlapping [START, START+SIZE) have
# a type matching TYPES (an extended regex), and is the range covered?
map_covers() {
	local start=$(($1)) end=$(($1 + $2)) types=$3 a b t cov=0 bad=0
	while read -r a b t; do
		((b + 1 <= start || a >= end)) && continue
		if grep -qE "^($types)" <<<"$t"; then
			cov=$((cov + (b + 1 < end ? b + 1 : end) - (a > start ? a : start)))
		else
			echo "# $a-$b [$t] overlaps $1+$2"
			bad=1
		fi
	done < <(stage2_map)
	[ $bad = 0 ] && [ $cov = $(($2)) ]
}

# -reserved cases: the first kernel's /memreserve/ entry, ramoops region
# and no-map region survive.  Stage 1 writes a token to /dev/pmsg0; stage 2
# must read it from pstore (and checks so itself).  Through the
# emulator, the next kernel's EFI
# map must report the /memreserve/ and no-map ranges reserved (the stub
# deleted /memreserve/ from the DT) and the ramoops range as memory that
# was never free (the DT node reserves it in the next kernel).
check_reserved() {
	local s2
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	expect "stage 1 ramoops in the reserved region" \
		has "ramoops: using 0x100000@0x61000000"
	expect "stage 1 wrote the pmsg token" has "KEXECPE: pmsg-written=1"
	expect "stage 2 reads the token from pstore" \
		grep -q "KEXECPE: pmsg=kexecpe-$ITOKEN\$" <<<"$s2"
	[ "$(field pe)" = Image ] && return 0
	expect "stage 2 EFI map printed" test -n "$(stage2_map)"
	expect "/memreserve/ range reserved in the EFI map" \
		map_covers $RSV_MEMRESERVE Reserved
	expect "no-map range reserved in the EFI map" \
		map_covers $RSV_NOMAP Reserved
	expect "ramoops range never free in the EFI map" \
		map_covers $RSV_RAMOOPS "Boot Data|Reserved"
}

# pe-ima-direct: stage 1 ran a script named after the initrd token under
# ima_policy=tcb; stage 2's measurement list has its entry, and the buffer
# it came in (the segment the kexec core added for it, in stage 1's
# kexec_file debug output) is kept (EfiACPIReclaimMemory) in the next
# kernel's map.
check_ima() {
	local s2 buf= addr re
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	re='.*KEXECPE: seg: .*measurement buffer for the loaded kernel at'
	addr=$(sed -n "s/$re \(0x[0-9a-f]*\).*/\1/p" <<<"$TEXT" | head -n 1)
	re='.*KEXECPE: seg: .*segment\[[0-9]*\]: .*'
	[ -n "$addr" ] && buf=$(sed -n \
		"s/$re mem=$addr memsz=\(0x[0-9a-f]*\).*/$addr \1/p" \
		<<<"$TEXT" | head -n 1)
	expect "stage 1 measured the token script" has "KEXECPE: ima-entries=[1-9]"
	expect "stage 2 checked it has stage 1's measurement" \
		grep -q "KEXECPE: check ima-entries: ok" <<<"$s2"
	expect "stage 2 restored the list without error" \
		eval '! grep -qiE "ima: .*(error|beyond memory)" <<<"$s2"'
	expect "stage 1 placed the IMA buffer ($buf)" test -n "$buf"
	[ -n "$buf" ] && expect "IMA buffer kept in the EFI map" \
		map_covers $buf "ACPI Reclaim"
}

# pe-gic3-late-cpu: CPU1 comes online after kexec -l and reserves its LPI
# pending table in the memreserve list then; the emulator must keep that
# table out of what it hands out, so the next kernel's map has it in use
# (Boot Data), and the next kernel finds both tables reserved.
check_late_cpu() {
	local s2 pend re
	s2=$(sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT")
	re='.*GICv3: CPU1: using allocated LPI pending table @'
	pend=$(sed -n "/KEXECPE: cpu1-online/,\$s/$re\(0x[0-9a-f]*\).*/\1/p" \
		<<<"$TEXT" | head -n 1)
	expect "CPU1 onlined after the load, with a new pending table ($pend)" \
		test -n "$pend"
	[ -n "$pend" ] && expect "CPU1's pending table in use in the next map" \
		map_covers "$pend" 0x10000 "Boot Data"
	expect "next kernel: both pending tables reserved" \
		test "$(grep -c 'using reserved LPI pending table' <<<"$s2")" = 2
	expect "no unreserved LPI table" \
		eval '! grep -qE "Expected reserved range|memory probably corrupted" <<<"$s2"'
}

# pe-zboot-uefi-va39: the 39-bit first kernel's stub called
# SetVirtualAddressMap(); the next (48-bit) stub has no reason to and maps
# the firmware 1:1, where it does not run.  The emulator never confirms
# the mapping, so the next kernel boots without runtime services: no EFI
# variables, and no fault.
check_va39() {
	local s2
	s2=$(sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT")
	NO_RT2=1 check_pe_kexec "$1"
	expect "emulator: runtime only at the first boot's VAs" \
		grep -q "efi-emu: runtime services at the first boot's VAs" <<<"$s2"
	expect "no SetVirtualAddressMap() from the next stub" \
		eval '! grep -q "SetVirtualAddressMap()" <<<"$s2"'
	expect "stage 2 without EFI variables" \
		grep -q "KEXECPE: efivars=none" <<<"$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")"
	expect "no fault in stage 2" \
		eval '! grep -qE "Unable to handle|Internal error" <<<"$s2"'
}

# kexec -s -p after a boot through AAVMF: the crash kernel gets the
# emulator's stand-in runtime services, never the crashed system's.
check_noruntime() {
	local s2
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	expect "emulator withholds the crashed system's runtime services" \
		has "efi-emu: crash kernel: runtime services withheld"
	expect "stage 1 had EFI variables" has "KEXECPE: efivars=[1-9]"
	# efivarfs needs the variable services RTPROP would have to offer.
	expect "crash kernel has no EFI variables" \
		grep -q "KEXECPE: efivars=none" <<<"$s2"
}

# kdump: the first kernel crashes (sysrq c) with a crash kernel loaded in
# its crashkernel= reservation; the crash kernel must boot (through the
# emulator unless it is the plain Image), find its command line and
# initrd (a UKI's own), and offer /proc/vmcore: an ELF64 little-endian
# core file for the machine (checked in the guest).  It must also have
# been given no more memory than the reservation.  On x86 the crash
# kernel finds the ELF core header through elfcorehdr= alone, which the
# emulator appends to whatever command line the kernel gets.
check_kdump() {
	local mode=$1 test2=$NAME cmd2 s2 mem rsv ehdr=
	[[ "$(field pe)" == *uki* ]] && test2=uki
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "crash kernel loaded" has "KEXECPE: crash-loaded=1"
	expect "sysrq crash" has "KEXECPE: crash\$"
	expect "kernel panicked" has "Kernel panic"
	expect "stage-2 marker" has "KEXECPE: stage=2 test=$test2\$"
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	cmd2=$(sed -n 's/.*KEXECPE: cmdline=//p' <<<"$s2" | head -n 1)
	if is_x86; then
		ehdr='s/.*efi-emu: kernel command line += "\(elfcorehdr=0x[0-9a-f]*\)"$/\1/p'
		ehdr=$(sed -n "$ehdr" <<<"$TEXT" | head -n 1)
		expect "emulator appended elfcorehdr= ($ehdr)" test -n "$ehdr"
		expect "elfcorehdr= at the end of the crash kernel's cmdline" \
			test "${cmd2% "$ehdr"}" != "$cmd2"
		expect "the ELF core header lies in the reservation" \
			in_reservation "${ehdr#elfcorehdr=}"
		cmd2=${cmd2% "$ehdr"}
	fi
	if [ "$test2" = uki ]; then
		expect "crash kernel cmdline is the UKI's" \
			test "$cmd2" = "$(cat "$(gdir)/uki.cmdline")"
		expect "crash kernel init from the UKI's .initrd" \
			test "$(marker initrd-token)" = \
			"$(cat "$(gdir)/uki.itoken")"
		check_extra_osrel
	else
		expect "crash kernel cmdline has token ($cmd2)" \
			grep -q -- " token=$TOKEN\\b" <<<" $cmd2"
		expect "crash kernel initrd token" \
			test "$(marker initrd-token)" = "$ITOKEN"
	fi
	check_verdicts 1
	check_dmi 2
	expect "/proc/vmcore checked: an ELF64 LE $(field arch aarch64) core ($(
		)$(marker vmcore-head))" has "KEXECPE: check vmcore-elf: ok"
	expect "/proc/vmcore checked: not empty ($(marker vmcore-size))" \
		has "KEXECPE: check vmcore-size: ok"
	mem=$(marker memtotal-kb)
	rsv=$(marker crash-size)
	expect "crash kernel memory ${mem:-?} KiB within the reservation" \
		test "${mem:-0}" -gt 0 -a "$((${mem:-0} * 1024))" -le "${rsv:-0}"
	if [ "$(field pe)" = Image ]; then
		expect "no emulator for a plain Image" \
			eval '! has "efi-emu: starting"'
	else
		expect "emulator started" \
			has "efi-emu: starting a [0-9]+ byte PE image"
		check_exit_boot_services
		# The cases whose crash kernel has efi=debug print its map.
		grep -q "efi=debug" <<<"$cmd2" &&
			expect "crash kernel's EFI map inside the reservation" \
				crash_map_inside
	fi
	expect "no emulator failure" eval '! has "efi-emu: .*resetting"'
	expect "clean end" has "KEXECPE: done"
	expect "no FAIL" eval '! has "KEXECPE: FAIL"'
}

# The first kernel's crashkernel= reservation, "LOW HIGH" (inclusive).
reservation() {
	local hex='\(0x[0-9a-f]*\)'
	sed -n "s/.*crashkernel reserved: $hex - $hex.*/\1 \2/p" <<<"$TEXT" |
		head -n 1
}

# Is address $1 inside it?
in_reservation() {
	local lo hi
	read -r lo hi < <(reservation)
	[ -n "$lo" ] && (($1 >= lo && $1 < hi))
}

# The EFI memory map the crash kernel printed (efi=debug): every range of
# a usable type (what the emulator or the stub could have handed out)
# must lie in the first kernel's crashkernel= reservation, or on x86 in
# the low 1 MiB, which the first kernel never used and the bzImage path
# gives the crash kernel too.
crash_map_inside() {
	local lo hi a b n=0 bad=0 low=0
	local hex='\(0x[0-9a-f]*\)'

	read -r lo hi < <(reservation)
	[ -n "$lo" ] || { echo "# no crashkernel line"; return 1; }
	is_x86 && low=0x100000
	# x86 prints "efi: mem07: [Conventional|...] range=[a-b] (size)"
	local x86map=".*range=\[$hex-$hex\].*"
	while read -r a b; do
		n=$((n + 1))
		((b < low)) && continue
		if ((a < lo || b >= hi)); then
			echo "# $a-$b is outside $lo-$hi"
			bad=$((bad + 1))
		fi
	done < <(sed -n '/KEXECPE: crash$/,$p' <<<"$TEXT" | sed -n \
		-e "s/.*efi: *$hex-$hex \[\(Conventional\|Loader\|Boot\).*/\1 \2/p" \
		-e "s/.*efi: mem[0-9]*: \[\(Conventional\|Loader\|Boot\)$x86map/\2 \3/p")
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

# Under lockdown the kernel said twice (kexec -l, kexec -p) that a signed
# UKI boots with its signed .cmdline, not the one kexec was given.
check_signed_cmdline_kept() {
	local re="KEXECPE: dmesg: .*locked down: $(
		)this Unified Kernel Image boots with its signed .cmdline"

	expect "dmesg: the signed .cmdline stays, twice" \
		test "$(grep -c "$re" <<<"$TEXT")" = 2
}

# What check_sig and check_sig_forced share: a signed EFI application
# that is no Linux image is refused with ENOEXEC (dmesg saying $1), and
# the signed UKI keeps its signed .cmdline: kexec's command line is
# refused with EPERM, for kexec -l and for kexec -p.
check_sig_refusals() {
	expect "signed EFI application, not Linux: ENOEXEC" \
		has "KEXECPE: sig signed/stub-alone.efi kexec_file_load: errno=8 "
	expect "dmesg: systemd-stub alone is no Linux image" \
		has "KEXECPE: dmesg: .*refusing PE image: $1"
	expect "signed UKI with a command line: EPERM" \
		has "KEXECPE: sig signed/uki.efi\\+cmdline kexec_file_load: errno=1 "
	expect "signed UKI with a command line, kdump: EPERM" \
		has "KEXECPE: sig signed/uki.efi-crash\\+cmdline kexec_file_load: errno=1 "
	check_signed_cmdline_kept
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
	expect "signed, revoked by hash: EKEYREJECTED" \
		has "KEXECPE: sig signed/vmlinuz-revoked.efi kexec_file_load: errno=129 "
	expect "dmesg: the revoked digest" \
		has "KEXECPE: dmesg: .*the image is revoked: its Authenticode SHA-256 $(cat "$BUILD/keys/blacklist-hashes" | tr -d '"' | sed 's/^bin://') is blacklisted"
	expect "signed UKI of a revoked .linux: EKEYREJECTED" \
		has "KEXECPE: sig signed/uki-revoked.efi kexec_file_load: errno=129 "
	expect "dmesg: the UKI's .linux is revoked" \
		has "KEXECPE: dmesg: .*the image's .linux section is revoked"
	check_sig_refusals "an EFI application, not a Linux kernel"
	expect "signed UKI without a command line loads" \
		has "KEXECPE: sig signed/uki.efi-nocmdline kexec_file_load: ok"
	expect "signed UKI loads" has "KEXECPE: sig signed/uki.efi loaded"
	expect "signed Image loads" has "KEXECPE: sig signed/Image loaded"
	check_pe_kexec "$1"
}

# x86-sig-lockdown: the first kernel has KEXEC_SIG_FORCE and runs with
# lockdown=integrity.  Unsigned images (the UKI, pe.efi, the bzImage) are
# refused by the enforced check itself (ENODATA, which lockdown alone
# turns into EPERM), a tampered one with EKEYREJECTED; a signed EFI
# application that is no Linux image with ENOEXEC; the signed UKI with
# another command line with EPERM, as a crash kernel too; signed images
# load, and the signed UKI boots (check_uki).
check_sig_forced() {
	local f
	expect "kernel locked down" has "KEXECPE: lockdown=.*\\[integrity\\]"
	for f in uki.efi pe.efi bzImage; do
		expect "unsigned $f refused with ENODATA" \
			has "KEXECPE: sig $f kexec_file_load: errno=61 "
	done
	expect "dmesg: unsigned, three times" test "$(grep -c \
		"KEXECPE: dmesg: .*PEFILE: Unsigned PE binary" <<<"$TEXT")" = 3
	expect "dmesg: the enforced check refused them and the tampered one" \
		test "$(grep -c "KEXECPE: dmesg: .*Enforced kernel signature $(
			)verification failed" <<<"$TEXT")" = 4
	expect "tampered UKI: EKEYREJECTED" \
		has "KEXECPE: sig signed/uki-tampered.efi kexec_file_load: errno=129 "
	check_sig_refusals "systemd-stub without a .linux section"
	expect "signed UKI as a crash kernel loads" \
		has "KEXECPE: sig signed/uki.efi-crash kexec_file_load: ok"
	for f in pe.efi bzImage; do
		expect "signed $f loads" has "KEXECPE: sig signed/$f loaded"
	done
	check_uki "$1"
}

# A signed two-profile UKI under lockdown: "@1" boots profile 1 (its
# signed .cmdline); a profile it lacks and a command line after "@1" are
# refused with EPERM at load time.
check_sig_profile() {
	local c
	expect "kernel locked down" has "KEXECPE: lockdown=.*\\[integrity\\]"
	for c in @2 "@1 x" @1x; do
		expect "'$c' refused with EPERM" \
			has "KEXECPE: sig profile '$c' kexec_file_load: errno=1 "
	done
	expect "dmesg: no profile @2" \
		has "KEXECPE: dmesg: .*has 2 signed profiles, none is @2"
	check_signed_cmdline_kept
	check_uki_profile "$1"
}

# debian-* cases: Debian's signed kernel, loaded as it is, is taken by the
# Image loader and no other; its UKI (systemd-stub 252 or 257) boots it
# through the PE path with the UKI's .cmdline and .initrd.
check_debian_uki() {
	local rel
	rel=$(sed 's/^linux-image-\([^ ]*\) .*/\1/' "$BUILD/debian-kernel/version")
	expect "Debian's vmlinuz loads" \
		has "KEXECPE: debian-image kexec_file_load: ok"
	expect "the Image loader took it" \
		has "KEXECPE: dmesg: .*kexec_file\\(Image\\): Loaded kernel at"
	expect "the PE loader did not" \
		eval '! has "KEXECPE: dmesg: .*kexec_file\\(PE\\)"'
	expect "stage 2 runs Debian's $rel" test "$(sed -n \
		'/KEXECPE: stage=2/,$s/.*KEXECPE: release=//p' <<<"$TEXT" |
		head -n 1)" = "$rel"
	check_uki "$1"
}

# theirs-uki-direct: stock kexec-tools 2.0.32 takes the UKI apart in user
# space (kexec/kexec-uki.c: .linux and .initrd to files, .cmdline not
# read) and loads its .linux through the Image path: the next kernel runs
# the UKI's .initrd, on no command line at all, and neither the emulator
# nor the UKI's stub runs.  (uki-direct is ours: the .cmdline too.)
check_theirs_uki() {
	local cmd2 s2
	s2=$(sed -n '/KEXECPE: kexec-e/,$p' <<<"$TEXT")
	expect "stage-1 marker" has "KEXECPE: stage=1 test=$NAME\$"
	expect "kexec -e reached" has "KEXECPE: kexec-e"
	expect "a later kernel, without our command line" \
		has "KEXECPE: stage=2 test=none\$"
	cmd2=$(sed -n '/KEXECPE: stage=2/,$s/.*KEXECPE: cmdline=//p' \
		<<<"$TEXT" | head -n 1)
	expect "stage 2 has an empty command line, not the UKI's ('$cmd2')" \
		test -z "$cmd2"
	expect "stage-2 init from the UKI's .initrd" \
		test "$(marker initrd-token)" = "$(cat "$BUILD/guest/uki.itoken")"
	check_verdicts 1
	expect "the emulator never ran" eval '! has "efi-emu: starting"'
	expect "nor did a stub" eval '! grep -q "EFI stub: " <<<"$s2"'
	expect "clean end" has "KEXECPE: done"
}

# theirs-lockdown: under lockdown=integrity, stock kexec-tools 2.0.32
# cannot load the UKI or the zboot image that are signed on the envelope
# only: it hands the kernel the unsigned Image inside them, which the
# kernel refuses (EPERM, "Unsigned PE binary"); ours boots the signed UKI.
check_lockdown_compare() {
	local f
	expect "kernel locked down" has "KEXECPE: lockdown=.*\\[integrity\\]"
	for f in signed/uki.efi signed/vmlinuz.efi; do
		expect "theirs: $f not loaded" \
			has "KEXECPE: theirs $f kexec-rc=[1-9][0-9]* loaded=0"
	done
	expect "theirs: EPERM from kexec_file_load, twice" test "$(grep -c \
		"KEXECPE: theirs: kexec_file_load failed: Operation not permitted" \
		<<<"$TEXT")" = 2
	expect "dmesg: the Image inside is unsigned, twice" test "$(grep -c \
		"KEXECPE: dmesg: .*PEFILE: Unsigned PE binary" <<<"$TEXT")" = 2
	check_uki "$1"
}

# Every malformed image in the guest's payloads/bad: ENOEXEC from the
# syscall, a failure from kexec-tools, the reason in dmesg, no oops.
check_bad_input() {
	local f name why n=0
	for f in "$(gdir)"/bad/*.why; do
		name=$(basename "$f" .why)
		why=$(cat "$f")
		n=$((n + 1))
		expect "$name: ENOEXEC" \
			has "KEXECPE: bad $name kexec_file_load: errno=8 .* kexec-tools-rc=[1-9]"
		[ "$why" = - ] && continue
		expect "$name: dmesg says '$why'" has "KEXECPE: dmesg: .*$why"
	done
	expect "at least 6 malformed images ($n)" test "$n" -ge 6
	# x86: a crash kernel's command line must leave room for elfcorehdr=.
	if is_x86; then
		expect "overlong kdump command line: EINVAL" \
			has "KEXECPE: bad kdump-cmdline kexec_file_load: errno=22 "
		expect "dmesg says it leaves no room for elfcorehdr=" \
			has "KEXECPE: dmesg: .*a [0-9]+ byte command line $(
			)leaves no room for the crash kernel's elfcorehdr="
		expect "a shorter one loads" \
			has "KEXECPE: bad kdump-cmdline-fits kexec_file_load: ok"
	fi
	expect "no oops or WARN" has "KEXECPE: bad-oops=0"
	expect "clean end" has "KEXECPE: done"
}

# -el2 cases: both kernels ran at EL2, and so did the emulator between
# them if there was one (kexec enters the next image at EL2).
check_el2() {
	local kernels=2
	# end=reset: the emulator resets, there is no second kernel.
	[ "$(field end)" = reset ] && kernels=1
	expect "every kernel at EL2" test "$(grep -c \
		'CPU: All CPU(s) started at EL2' <<<"$TEXT")" = $kernels
	[ "$(field pe)" = Image ] ||
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
# kernels must have run on ACPI.  (With end=reset there is no second
# kernel: the emulator resets through the PSCI conduit the FADT names.)
check_acpi() {
	local s1 s2
	s1=$(sed -n '1,/KEXECPE: stage=2/p' <<<"$TEXT")
	s2=$(sed -n '/KEXECPE: stage=2/,$p' <<<"$TEXT")
	expect "stage 1 on ACPI" grep -q "KEXECPE: acpi=yes" <<<"$s1"
	expect "stage 1 console from SPCR" \
		grep -q "ACPI: SPCR: console: pl011" <<<"$s1"
	[ "$(field end)" = reset ] && return
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

# The ranges the -reserved cases' DT keeps (RAM is 0x40000000 up).
RSV_MEMRESERVE="0x60000000 0x10000"
RSV_RAMOOPS="0x61000000 0x100000"
RSV_NOMAP="0x62000000 0x10000"

reserved_dtb() {
	local base=$OUT/$NAME.base.dtb dts=$OUT/$NAME.dts
	"$QEMU" -M "$1,dumpdtb=$base" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
		-display none -nic none >/dev/null 2>&1 &&
		dtc -q -I dtb -O dts -o "$dts" "$base" || {
		FAILS+=("cannot make the DTB")
		return 1
	}
	set -- $RSV_MEMRESERVE $RSV_RAMOOPS $RSV_NOMAP
	sed -i "s|^/dts-v1/;|&\\n/memreserve/ $1 $2;|" "$dts"
	cat >>"$dts" <<-EOD
	/ {
		reserved-memory {
			#address-cells = <2>;
			#size-cells = <2>;
			ranges;
			ramoops@${3#0x} {
				compatible = "ramoops";
				reg = <0x0 $3 0x0 $4>;
				record-size = <0x4000>;
				console-size = <0x4000>;
				pmsg-size = <0x10000>;
			};
			nomap@${5#0x} {
				reg = <0x0 $5 0x0 $6>;
				no-map;
			};
		};
	};
	EOD
	dtc -q -I dts -O dtb -o "$OUT/$NAME.dtb" "$dts" || {
		FAILS+=("cannot compile the DTB")
		return 1
	}
}

run_qemu() {
	local mode=$1 kernel fw=() initrd=$GUEST machine=virt cpu v qemu=$QEMU

	[ "$(field guest)" = debian ] && initrd=$BUILD/guest/guest-debian.cpio
	if is_x86; then
		qemu=$QEMU_X86 machine=q35 initrd=$GUESTX86
		kernel=$KOBJX86/bzImage
		[ "$(field kernel)" = force ] && kernel=$KOBJX86F/bzImage
		# OVMF starts the bzImage through its EFI stub.
		if [ "$mode" = uefi ]; then
			cp "$OVMF_VARS" "$OUT/$NAME.vars.fd"
			fw=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
				-drive "if=pflash,format=raw,file=$OUT/$NAME.vars.fd")
		fi
	elif [ "$mode" = uefi ]; then
		cp "$AAVMF_VARS" "$OUT/$NAME.vars.fd"
		fw=(-drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE"
			-drive "if=pflash,format=raw,file=$OUT/$NAME.vars.fd")
		kernel=$KOBJ/vmlinuz.efi
		[ "$(field kernel)" = va39 ] && kernel=$KOBJ39/vmlinuz.efi
	else
		kernel=$KOBJ/Image
		[ "$(field kernel)" = 64k ] && kernel=$KOBJ64K/Image
	fi
	v=$(field machine)
	[ -n "$v" ] && machine+=,$v
	v=$(field smbios)
	[ -n "$v" ] && fw+=(-smbios "$v")
	# dtb=reserved: QEMU's own DT plus a /memreserve/ entry and a
	# /reserved-memory with a ramoops region and a no-map region.
	if [ "$(field dtb)" = reserved ]; then
		reserved_dtb "$machine" || return 0
		fw+=(-dtb "$OUT/$NAME.dtb")
	fi
	cpu=$(field cpu "$CPU")
	is_x86 && cpu=$(field cpu "$CPU_X86")
	printf '%s %s\n' "$EPOCHREALTIME" "HOST: qemu-start" >"$LOG"
	[ -n "$ICOUNT" ] && fw+=(-icount "shift=$ICOUNT,sleep=off")
	timeout -k 5 "$TIMEOUT" "$qemu" -M "$machine" -cpu "$cpu" -smp "$SMP" \
		-m "$MEM" -display none -monitor none -serial stdio -nic none \
		-no-reboot "${fw[@]}" -kernel "$kernel" -initrd "$initrd" \
		-append "$(first_boot_cmdline)" </dev/null 2>&1 | stamp
	local rc=${PIPESTATUS[0]}
	printf '%s %s\n' "$EPOCHREALTIME" "HOST: qemu-exit rc=$rc" >>"$LOG"
	[ "$rc" = 124 ] && FAILS+=("timeout after ${TIMEOUT}s")
	return 0
}

# -c: the tokens of the run that wrote LOG, from its first command line.
log_tokens() {
	local cmdline

	cmdline=$(sed -n '/Kernel command line:/{p;q}' "$LOG" 2>/dev/null)
	TOKEN=$(sed -n 's/.* kexecpe\.token=\([0-9a-f]*\).*/\1/p' <<<"$cmdline")
	ITOKEN=$(sed -n 's/.* kexecpe\.itoken=\([0-9a-f]*\).*/\1/p' <<<"$cmdline")
	[ -n "$TOKEN" ] || FAILS+=("-c: no first command line in $LOG")
}

SEL=()
for c in "${CASES[@]}"; do
	if [ -n "$ONLY_ARCH" ]; then
		a=arm64
		[[ " $c " == *" arch=x86_64 "* ]] && a=x86_64
		[ "$a" = "$ONLY_ARCH" ] || continue
	fi
	if [ $# -eq 0 ]; then
		[[ " $c " == *" only=bench "* ]] || SEL+=("$c")
	elif printf '%s\n' "$@" | grep -qx "${c%% *}"; then
		SEL+=("$c")
	fi
done
[ ${#SEL[@]} -eq 0 ] && { echo "no case matches: $*" >&2; exit 2; }

# What the selected cases boot must be there.
need=()
for c in "${SEL[@]}"; do
	case " $c " in
	*" arch=x86_64 "*) need+=(x86_64) ;;
	*) need+=(arm64) ;;
	esac
done
for a in $(printf '%s\n' "${need[@]}" | sort -u); do
	if [ $a = x86_64 ]; then
		files=("$KOBJX86/bzImage" "$GUESTX86" "$OVMF_CODE") q=$QEMU_X86
		t=guest-x86
	else
		files=("$KOBJ/Image" "$KOBJ/vmlinuz.efi" "$GUEST" "$AAVMF_CODE")
		q=$QEMU t=guest
	fi
	for f in "${files[@]}"; do
		if [ ! -r "$f" ]; then
			echo "1..0 # SKIP missing $f (run make $t)"
			exit 4
		fi
	done
	command -v "$q" >/dev/null || { echo "1..0 # SKIP no $q"; exit 4; }
done

echo "TAP version 13"
echo "1..$((${#SEL[@]} * REPEAT))"
n=0 pass=0 fail=0 todo=0
for c in "${SEL[@]}"; do
	REC=$c NAME=${c%% *}
	mode=$(field fw) checks=$(field check) reason=$(field todo)
	for ((r = 1; r <= REPEAT; r++)); do
		n=$((n + 1))
		TOKEN=$(rand) ITOKEN=$(rand) FAILS=()
		LOG=$OUT/$NAME.log
		[ "$REPEAT" -gt 1 ] && LOG=$OUT/$NAME.$r.log
		if [ "$RECHECK" = 1 ]; then
			log_tokens
		else
			run_qemu "$mode"
		fi
		TEXT=$(sed 's/^[0-9.]* //' "$LOG")
		arg=$mode
		for check in ${checks//,/ }; do
			if declare -F "$check" >/dev/null; then
				$check $arg
			else
				FAILS+=("no check function '$check'")
			fi
			arg=
		done
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
