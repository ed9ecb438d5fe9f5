#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the kexec-pe selftest guest.  The host names the case
# (kexecpe.test=NAME, only echoed back) and says what to do on the first
# kernel's command line: kexecpe.run=ACTION, one of the functions below,
# with kexecpe.pe=FILE under /payloads and kexecpe.opt=OPTION; stage 1
# runs it, usually ending in "kexec -e", and the kernel it boots
# (kexecpe.stage=2) reports what it got, with kexecpe.probe=pstore|ima
# reporting more, checks itself and prints one verdict.  No case is known
# by name here.  Every line the host asserts on starts with "KEXECPE: ".
# The guest always ends with a poweroff so QEMU exits.

export PATH=/bin:/sbin
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev 2>/dev/null
# console=hvc0 (the -quiet- cases' first kernel) names no console: the
# UART is then written as a plain tty.
# The command line, read once: a fork costs the most in a kernel after the
# first under TCG (its pages held translated code of the kernel before).
CMDLINE=$(cat /proc/cmdline)
# The UART: PL011 on arm64 (virt), COM1 on x86_64 (q35); and the ELF
# machine of a core file of this kernel (e_machine at offset 18).
case "$(uname -m)" in
x86_64) TTY=ttyS0 EM=3e00 ;;
*) TTY=ttyAMA0 EM=b700 ;;
esac
case " $CMDLINE " in
*" console=hvc0 "*) QUIET=1; exec </dev/$TTY >/dev/$TTY 2>&1 ;;
*) QUIET=0; exec </dev/console >/dev/console 2>&1 ;;
esac

say() { echo "KEXECPE: $*"; }
# The virtual counter at point $1, for make bench (instructions under
# -icount): "KEXECPE: cnt NAME cntvct=TICKS cntfrq=HZ".
counter() { [ -x /sbin/cntvct ] && say "cnt $1 $(/sbin/cntvct)"; }
counter init
# say KEY=VALUE, and keep VALUE as R_KEY (- as _) for this kernel's checks.
report() {
	say "$1=$2"
	eval "R_${1//-/_}=\$2"
}
# getarg VAR KEY: VAR is the value of KEY= on the command line, or empty.
getarg() {
	eval "$1="
	for w in $CMDLINE; do
		case "$w" in "$2"=*) eval "$1=\${w#*=}"; return ;; esac
	done
}
finish() {
	say "done"
	poweroff -f
	sleep 10
}
fail() {
	say "FAIL: $*"
	finish
}

getarg TEST kexecpe.test
getarg RUN kexecpe.run
getarg PE kexecpe.pe
getarg OPT kexecpe.opt
getarg PROBE kexecpe.probe
getarg WANT kexecpe.want
getarg EFIDEBUG kexecpe.efidebug
getarg STAGE kexecpe.stage
# kexecpe.kexec=kexec-2.0.32: stock kexec-tools in place of ours.
getarg KEXEC kexecpe.kexec
KEXEC=${KEXEC:-kexec}
# Booted with our initrd but none of our command line (stock kexec-tools
# drops a UKI's .cmdline): a later kernel all the same.
if [ -z "$STAGE" ] && [ -r /etc/kexecpe/initrd-token ]; then
	STAGE=2 TEST=none
fi
STAGE=${STAGE:-1}
P=/payloads
CONSOLE="console=$TTY panic=-1"

# The kernel's page size: AT_PAGESZ (6) in od's own auxiliary vector.
pagesize() {
	set -- $(od -An -tu8 -v /proc/self/auxv)
	while [ $# -ge 2 ]; do
		[ "$1" = 6 ] && { echo "$2"; return; }
		shift 2
	done
	echo unknown
}

# report KEY yes|no: does directory $2 exist?
report_dir() { if [ -d "$2" ]; then report "$1" yes; else report "$1" no; fi; }

say "stage=$STAGE test=$TEST"
report pagesize "$(pagesize)"
report release "$(uname -r)"
[ -r /sys/firmware/devicetree/base/model ] &&
	report dt-model "$(tr -d '\000' </sys/firmware/devicetree/base/model)"
report_dir efi /sys/firmware/efi
report_dir acpi /sys/firmware/acpi/tables
# SMBIOS as the kernel read it (DMI): after a BIOS boot the x86 loader
# hands the entry point on to the next kernel.
if [ -r /sys/class/dmi/id/product_name ]; then
	report dmi "$(cat /sys/class/dmi/id/product_name)"
else
	report dmi none
fi
# Runtime services at work: the variables GetNextVariableName() lists.
if [ -d /sys/firmware/efi/efivars ] &&
	mount -t efivarfs none /sys/firmware/efi/efivars 2>/dev/null; then
	report efivars "$(ls /sys/firmware/efi/efivars | wc -l)"
else
	report efivars none
fi
say "cmdline=$CMDLINE"

# A kernel after the first checks itself, as U-Boot's selftests do: one
# line a check, then one verdict line, which the host asserts on as well
# as on the tokens.
NCHECK=0 FAILED=
check() {
	name=$1
	shift
	NCHECK=$((NCHECK + 1))
	if "$@"; then
		say "check $name: ok"
	else
		say "check $name: FAIL"
		FAILED="$FAILED $name"
	fi
}
verdict() {
	if [ -z "$FAILED" ]; then
		say "verdict=pass checks=$NCHECK"
	else
		say "verdict=fail checks=$NCHECK failed:$FAILED"
	fi
}
# kexecpe.want=KEY:VALUE,...: what each kernel after the first must
# report (from the host, passed on by every kernel that kexecs).
wanted() {
	ifs=$IFS
	IFS=,
	set -- $WANT
	IFS=$ifs
	for w; do
		k=${w%%:*}
		eval "v=\${R_${k//-/_}:-}"
		check "$k=${w#*:}" test "$v" = "${w#*:}"
	done
}
# An ELF64 little-endian core file (ET_CORE) for this machine.
vmcore_is_elf() {
	case "$R_vmcore_head" in
	7f454c460201????????????????????0400$EM) return 0 ;;
	esac
	return 1
}

# ---- stage 2 and later: report what this kernel was handed --------------
getarg HOPS kexecpe.hops
HOPS=${HOPS:-1}
if [ "$STAGE" -ge 2 ]; then
	if [ -r /etc/kexecpe/initrd-token ]; then
		ITOKEN=$(cat /etc/kexecpe/initrd-token)
	else
		ITOKEN=none
	fi
	report initrd-token "$ITOKEN"
	check initrd-token test "$ITOKEN" != none
	# systemd-stub 257 adds its .osrel to the initrd; 252 does not.
	if [ -r /.extra/os-release ]; then
		report extra-osrel "$(sed -n 's/^ID=//p' /.extra/os-release)"
		check extra-osrel test "$R_extra_osrel" = kexecpe
	else
		report extra-osrel none
	fi
	# A crash kernel: the dump of the first kernel, and how much memory
	# this kernel was given (the crashkernel= reservation at most).
	if [ -e /proc/vmcore ]; then
		report vmcore-head "$(head -c 20 /proc/vmcore | od -An -tx1 |
			tr -d ' \n')"
		set -- $(ls -l /proc/vmcore)
		report vmcore-size "$5"
		report memtotal-kb "$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' \
			/proc/meminfo)"
		check vmcore-elf vmcore_is_elf
		check vmcore-size test "$5" -gt 0
	fi
	case "$PROBE" in
	pstore)
		mount -t pstore none /sys/fs/pstore 2>/dev/null
		report pmsg "$(cat /sys/fs/pstore/pmsg-ramoops-0 2>/dev/null)"
		check pmsg test "$R_pmsg" = "kexecpe-$ITOKEN"
		;;
	ima)
		mount -t securityfs none /sys/kernel/security 2>/dev/null
		report ima-entries "$(grep -c "ima-$ITOKEN" \
			/sys/kernel/security/ima/ascii_runtime_measurements)"
		check ima-entries test "$R_ima_entries" -ge 1
		;;
	esac
	wanted
	verdict
	getarg TOKEN token
	# A chain goes on until it has made HOPS reboots.
	[ "$STAGE" -gt "$HOPS" ] && finish
else
	getarg TOKEN kexecpe.token
	getarg ITOKEN kexecpe.itoken
fi
[ -n "$TOKEN" ] && [ -n "$ITOKEN" ] || fail "no kexecpe.token/itoken"

# The next kernel's initrd: the base system plus a file that exists only in
# this run's archive, so the next kernel can prove which initrd it found.
make_initrd2() {
	rm -rf /tmp/i2 && mkdir -p /tmp/i2/etc/kexecpe
	echo "$ITOKEN" >/tmp/i2/etc/kexecpe/initrd-token
	(cd /tmp/i2 && find etc | cpio -o -H newc -R 0:0 2>/dev/null) \
		>/tmp/token.cpio || fail "cpio"
	if [ "$HOPS" -gt 1 ]; then
		# The whole system again: the next kernel kexecs on.
		(cd / && find . -xdev ! -path './tmp*' ! -path './payloads/bad*' |
			cpio -o -H newc -R 0:0 2>/dev/null) >/tmp/base.cpio ||
			fail "cpio /"
		cat /tmp/base.cpio /tmp/token.cpio >/tmp/initrd2 ||
			fail "initrd2"
		return
	fi
	cat $P/base.cpio /tmp/token.cpio >/tmp/initrd2 || fail "initrd2"
}

# The next kernel's command line: its probe, efi=debug where the host
# checks the next kernel's EFI map, what it must report of itself, and for
# a chain what to run again.
next_cmdline() {
	local more=
	[ -n "$PROBE" ] && more=" kexecpe.probe=$PROBE"
	[ "$EFIDEBUG" = 1 ] && more="$more efi=debug"
	[ -n "$WANT" ] && more="$more kexecpe.want=$WANT"
	[ "$HOPS" -gt 1 ] && more="$more kexecpe.run=$RUN kexecpe.pe=$PE"
	echo "$CONSOLE kexecpe.stage=$((STAGE + 1)) kexecpe.test=$TEST" \
		"kexecpe.hops=$HOPS token=$TOKEN$more"
}

# $KEXEC -e, the counter read right before it.
kexec_exec() {
	say "kexec-e"
	counter exec
	$KEXEC -e
	fail "kexec -e returned"
}

# $KEXEC -s -l ARGS, the counter read before and after.
kexec_load() {
	counter load-start
	$KEXEC -s -l "$@" || fail "$KEXEC -s -l $*: rc=$?"
	counter load-end
}

# kexec-tools: load KERNEL with our initrd and command line, then exec.
kexec_tools_boot() {
	make_initrd2
	kexec_load "$1" --initrd=/tmp/initrd2 --append="$(next_cmdline)"
	# No console: what the loader said is only in the log.
	[ "$QUIET" = 1 ] &&
		dmesg | grep 'kexec_file(PE)' | sed 's/^/KEXECPE: dmesg: /'
	kexec_exec
}

# The segments the kernel placed (kexec_file_load -d), for the benchmark's
# memory column.
show_segments() {
	dmesg | grep -E 'segment\[[0-9]+\]|emulator page tables|Loaded |measurement buffer' |
		sed 's/^/KEXECPE: seg: /'
}

# The raw syscall, what systemctl kexec does without kexec-tools: load
# with ARGS, show the segments, reboot.
syscall_exec() {
	counter load-start
	out=$(kexec-file-load -d "$@")
	counter load-end
	say "$out"
	[ "$out" = "kexec_file_load: ok" ] || fail "kexec_file_load $*"
	show_segments
	say "kexec-e"
	counter exec
	kexec-file-load -e
	fail "reboot(KEXEC) returned"
}

syscall_boot() {
	make_initrd2
	syscall_exec -i /tmp/initrd2 -c "$(next_cmdline)" "$1"
}

# make bench: what a load of FILE [INITRD CMDLINE] places, from a load with
# the kernel's debug output (kexec_file_load's KEXEC_FILE_DEBUG), shown
# and undone before the load that is timed.  Ours hands the file to the
# kernel as it is, so the raw syscall places the same; stock kexec-tools
# (its -d) places what it extracted.
bench_segments() {
	if [ "$KEXEC" = kexec ]; then
		if [ $# -gt 1 ]; then
			kexec-file-load -d -i "$2" -c "$3" "$1" >/dev/null
		else
			kexec-file-load -d "$1" >/dev/null
		fi
		kexec-file-load -u >/dev/null
	else
		if [ $# -gt 1 ]; then
			$KEXEC -d -s -l "$1" --initrd="$2" --append="$3" \
				>/dev/null 2>&1
		else
			$KEXEC -d -s -l "$1" >/dev/null 2>&1
		fi
		$KEXEC -s -u
	fi
	show_segments
	dmesg -c >/dev/null
}

# make bench: FILE with our initrd and command line, or a UKI as it is.
bench_boot() {
	make_initrd2
	bench_segments "$1" /tmp/initrd2 "$(next_cmdline)"
	kexec_load "$1" --initrd=/tmp/initrd2 --append="$(next_cmdline)"
	kexec_exec
}

bench_uki_boot() {
	bench_segments "$1"
	kexec_load "$1"
	kexec_exec
}

# A Unified Kernel Image brings its own command line and initrd; ARGS are
# passed to kexec as they are.
uki_boot() {
	kexec_load "$@"
	kexec_exec
}

uki_syscall_boot() {
	syscall_exec "$1"
}

# kdump: load FILE as the crash kernel (ARGS as given to kexec -s -p, or
# -sys: the raw syscall with our initrd and command line), then crash.
crash_load() {
	f=$1
	shift
	if [ "${1:-}" = -sys ]; then
		make_initrd2
		out=$(kexec-file-load -p -i /tmp/initrd2 -c "$(next_cmdline)" "$f")
		say "$out"
		[ "$out" = "kexec_file_load: ok" ] || fail "kexec_file_load -p $f"
	else
		$KEXEC -s -p "$f" "$@" || fail "$KEXEC -s -p $f $*: rc=$?"
	fi
	say "crash-loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	say "crash-size=$(cat /sys/kernel/kexec_crash_size)"
	say "crash"
	echo c >/proc/sysrq-trigger
	fail "alive after the crash"
}

# efi=debug: the crash kernel prints the EFI memory map it was given.
crash_boot() {
	make_initrd2
	crash_load "$1" --initrd=/tmp/initrd2 \
		--append="$(next_cmdline) efi=debug"
}

# The signature cases: the signed UKI given a command line in place of
# its signed .cmdline, for kexec -l and kexec -p.
sig_uki_cmdline() {
	say "sig signed/uki.efi+cmdline $(kexec-file-load -c x $P/signed/uki.efi)"
	say "sig signed/uki.efi-crash+cmdline $(kexec-file-load -p -c x \
		$P/signed/uki.efi)"
}

# sig_kexec_tools NAME...: load each signed image with kexec-tools.
sig_kexec_tools() {
	local f

	for f in "$@"; do
		if kexec -s -l $P/signed/$f >/dev/null 2>&1; then
			say "sig signed/$f loaded"
		else
			say "sig signed/$f refused: rc=$?"
		fi
		kexec -s -u
	done
}

# Signatures with lockdown=integrity: unsigned and tampered images are
# refused, signed ones load, and a signed vmlinuz.efi boots.  Signed with
# the trusted key and still refused: an EFI application that is no Linux
# image, an image the blacklist revokes (itself, or a UKI's .linux), and a
# UKI given a command line in place of its signed .cmdline.
signatures() {
	mount -t securityfs none /sys/kernel/security 2>/dev/null
	say "lockdown=$(cat /sys/kernel/security/lockdown)"
	for f in vmlinuz.efi uki.efi Image signed/vmlinuz-tampered.efi \
		signed/stub-alone.efi signed/vmlinuz-revoked.efi \
		signed/uki-revoked.efi; do
		say "sig $f $(kexec-file-load -c x $P/$f)"
	done
	sig_uki_cmdline
	say "sig signed/uki.efi-nocmdline $(kexec-file-load $P/signed/uki.efi)"
	kexec -s -u
	dmesg | grep -E 'PEFILE|kexec_file' | sed 's/^/KEXECPE: dmesg: /'
	sig_kexec_tools uki.efi Image
	kexec_tools_boot $P/signed/vmlinuz.efi
}

# x86-sig-lockdown: KEXEC_SIG_FORCE and lockdown=integrity.  Unsigned and
# tampered images, a signed EFI application, the signed UKI with another
# command line (also for kdump) are refused; the signed UKI (as a crash
# kernel too), pe.efi and bzImage load, and the signed UKI boots.
forced_signatures() {
	mount -t securityfs none /sys/kernel/security 2>/dev/null
	say "lockdown=$(cat /sys/kernel/security/lockdown)"
	for f in uki.efi pe.efi bzImage signed/uki-tampered.efi \
		signed/stub-alone.efi; do
		say "sig $f $(kexec-file-load -c x $P/$f)"
	done
	sig_uki_cmdline
	say "sig signed/uki.efi-crash $(kexec-file-load -p $P/signed/uki.efi)"
	dmesg | grep -E 'PEFILE|kexec_file|signature' |
		sed 's/^/KEXECPE: dmesg: /'
	sig_kexec_tools pe.efi bzImage
	uki_boot $P/signed/uki.efi
}

# sig-profile-lockdown: under lockdown a signed two-profile UKI may be told
# which of its profiles to boot ("@1"), and nothing else: no profile it
# does not have, no command line after the profile.
signed_profiles() {
	mount -t securityfs none /sys/kernel/security 2>/dev/null
	say "lockdown=$(cat /sys/kernel/security/lockdown)"
	f=$P/signed/uki257-profile.efi
	for c in @2 "@1 x" @1x; do
		say "sig profile '$c' $(kexec-file-load -c "$c" $f)"
	done
	dmesg | grep 'kexec_file(PE)' | sed 's/^/KEXECPE: dmesg: /'
	uki_boot $f --append=@1
}

# debian-* cases: Debian's signed kernel loaded as it is stays on the Image
# loader (the kernel says which loader took it); the UKI of it then boots
# through the PE path.
debian_boot() {
	say "debian-image $(kexec-file-load -d $P/debian/vmlinuz)"
	dmesg | grep 'kexec_file' | sed 's/^/KEXECPE: dmesg: /'
	kexec-file-load -u >/dev/null
	uki_boot "$1"
}

# -reserved cases: a token in pstore's pmsg, which lives in a ramoops
# region of /reserved-memory, for the next kernel to read back.
reserved_boot() {
	mount -t pstore none /sys/fs/pstore 2>/dev/null
	if echo "kexecpe-$ITOKEN" >/dev/pmsg0; then
		say "pmsg-written=1"
	else
		say "pmsg-written=0"
	fi
	kexec_tools_boot "$1"
}

# pe-ima-direct: run a script whose name carries the initrd token, so
# ima_policy=tcb measures it, then carry the list across the kexec.  The
# script lives on a ramfs: tcb measures nothing on tmpfs, which the
# initramfs is.
ima_boot() {
	mount -t securityfs none /sys/kernel/security 2>/dev/null
	mkdir -p /ima && mount -t ramfs none /ima || fail "mount ramfs"
	printf '#!/bin/sh\ntrue\n' >/ima/ima-$ITOKEN.sh
	chmod 755 /ima/ima-$ITOKEN.sh
	/ima/ima-$ITOKEN.sh
	say "ima-entries=$(grep -c "ima-$ITOKEN" \
		/sys/kernel/security/ima/ascii_runtime_measurements)"
	syscall_boot "$1"
}

# pe-gic3-late-cpu: booted with maxcpus=1; CPU1 comes online between the
# load and kexec -e, so its LPI pending table joins the memreserve list
# after the loader read it.
late_cpu_boot() {
	make_initrd2
	kexec_load "$1" --initrd=/tmp/initrd2 --append="$(next_cmdline)"
	echo 1 >/sys/devices/system/cpu/cpu1/online || fail "cpu1 online"
	say "cpu1-online"
	dmesg | grep 'GICv3: CPU1' | sed 's/^/KEXECPE: dmesg: /'
	kexec_exec
}

# Under lockdown=integrity, images signed on their envelope only (the
# kernel inside is not): stock kexec-tools takes them apart and hands the
# kernel the unsigned inner Image, which is refused; ours hands over the
# signed file, which boots (here the UKI, through the emulator).
lockdown_compare() {
	mount -t securityfs none /sys/kernel/security 2>/dev/null
	say "lockdown=$(cat /sys/kernel/security/lockdown)"
	for f in signed/uki.efi signed/vmlinuz.efi; do
		kexec-2.0.32 -s -l $P/$f >/tmp/out 2>&1
		say "theirs $f kexec-rc=$? loaded=$(cat /sys/kernel/kexec_loaded)"
		sed 's/^/KEXECPE: theirs: /' /tmp/out
		kexec-2.0.32 -s -u
	done
	dmesg | grep -E 'PEFILE|kexec_file|kexec_image' |
		sed 's/^/KEXECPE: dmesg: /'
	uki_boot $P/signed/uki.efi
}

# A UKI with its own .initrd and --initrd: refused at load time, as a
# kernel and as a crash kernel, and kexec -e then has nothing to run.
uki_initrd_refused() {
	make_initrd2
	kexec -s -l $P/uki.efi --initrd=/tmp/initrd2 >/dev/null 2>&1
	say "uki-initrd kexec-rc=$?"
	say "uki-initrd $(kexec-file-load -i /tmp/initrd2 $P/uki.efi)"
	say "uki-initrd-crash $(kexec-file-load -p -i /tmp/initrd2 $P/uki.efi)"
	l=$(cat /sys/kernel/kexec_loaded)
	say "loaded=$l crash-loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	dmesg | grep 'kexec_file(PE)' | sed 's/^/KEXECPE: dmesg: /'
	kexec -e >/dev/null 2>&1
	say "kexec-e-rc=$?"
	finish
}

# Malformed PE images: each must be refused with ENOEXEC by the kernel
# (raw syscall) and by kexec-tools, and none may oops or WARN.
bad_input() {
	for f in $P/bad/*; do
		case "$f" in *.why) continue ;; esac
		out=$(kexec-file-load -c x "$f")
		kexec -s -l "$f" >/dev/null 2>&1
		say "bad $(basename "$f") $out kexec-tools-rc=$?"
	done
	# x86: the crash kernel's command line must leave room for the
	# elfcorehdr= the emulator appends (COMMAND_LINE_SIZE 2048).
	if [ -r $P/pe.efi ] && [ "$(cat /sys/kernel/kexec_crash_size)" != 0 ]; then
		long=$(head -c 2030 /dev/zero | tr '\0' x)
		say "bad kdump-cmdline $(kexec-file-load -p -c "$long" $P/pe.efi)"
		long=$(head -c 2000 /dev/zero | tr '\0' x)
		say "bad kdump-cmdline-fits $(kexec-file-load -p -c "$long" \
			$P/pe.efi)"
	fi
	say "bad-oops=$(dmesg | grep -c -E 'Oops|WARNING:|BUG:|Call trace')"
	dmesg | grep 'kexec_file(PE)' | sed 's/^/KEXECPE: dmesg: /'
	finish
}

# A crash kernel too big for its reservation: refused at load, not after
# the crash.
crash_too_small() {
	make_initrd2
	say "load $(kexec-file-load -p -i /tmp/initrd2 -c x "$1")"
	say "crash-loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	dmesg | grep 'kexec_file(PE)' | sed 's/^/KEXECPE: dmesg: /'
	finish
}

# kexecpe.opt=--append=@NEXT@ appends this kernel's next command line.
case "$KEXEC" in
kexec | kexec-2.0.32) ;;
*) fail "unknown kexecpe.kexec '$KEXEC'" ;;
esac
case "$OPT" in
*@NEXT@*) OPT="${OPT%%@NEXT@*}$(next_cmdline)${OPT#*@NEXT@}" ;;
esac
case "$RUN" in
kexec_tools_boot | syscall_boot | uki_boot | uki_syscall_boot | crash_boot | \
	crash_load | debian_boot | reserved_boot | ima_boot | late_cpu_boot | \
	crash_too_small | bench_boot | bench_uki_boot)
	[ -n "$PE" ] || fail "kexecpe.run=$RUN without kexecpe.pe"
	[ -r "$P/$PE" ] || fail "no payload $P/$PE"
	if [ -n "$OPT" ]; then "$RUN" "$P/$PE" "$OPT"; else "$RUN" "$P/$PE"; fi
	;;
bad_input | signatures | signed_profiles | uki_initrd_refused | \
	lockdown_compare | forced_signatures)
	"$RUN"
	;;
shell) exec sh ;;
*) fail "unknown kexecpe.run '$RUN'" ;;
esac
