#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the selftest guest initramfs.
#   OUT/base.cpio   busybox, kexec-tools, kexec-file-load and /init: the
#                   system both stages run; with -C the counter reader
#                   cntvct
#   OUT/guest.cpio  base.cpio plus /payloads (kernels to kexec, and
#                   base.cpio again for the next kernel's initrd); with
#                   -K, stock kexec-tools as /sbin/kexec-2.0.32 (only the
#                   first kernel runs it: the UKIs' initrds stay small)
#   OUT/uki.efi, OUT/uki-zboot.efi (with -u)
#                   Unified Kernel Images of systemd-stub STUB: .linux is
#                   the payload named Image (x86: bzImage, and no
#                   uki-zboot.efi), resp. vmlinuz.efi; .initrd is
#                   base.cpio plus a token file; .cmdline boots stage 2.
#                   OUT/uki.cmdline and OUT/uki.itoken keep what the tests
#                   expect; the tokens are made once per build directory.
#                   On x86 also /payloads/pe.efi: STUB and .linux only,
#                   and OUT/bad (also /payloads/bad): its malformed
#                   variants (mkbadpe.py --x86).
#   OUT/uki257.efi, OUT/uki257-zboot.efi, OUT/uki257-profile.efi,
#   OUT/uki257-dtb.efi (with -U)
#                   the same UKIs from systemd-stub STUB257 (257), one
#                   with two profiles: profile 0 keeps the base .cmdline,
#                   profile 1 (selected by "@1") has OUT/uki-profile1.cmdline,
#                   and one with a .dtb: QEMU's virt DT (for $CPU, $SMP,
#                   $MEM) with the model "kexecpe-uki-dtb";
#                   .linux is Image, vmlinuz.efi, vmlinuz.efi, Image
#   OUT/signed/     (with -k) vmlinuz.efi, uki.efi, Image (x86: bzImage,
#                   pe.efi) and (with -U) uki257-profile.efi signed with
#                   KEYDIR/key.pem and cert.pem by sbsign;
#                   vmlinuz-tampered.efi (x86: uki-tampered.efi): the signed
#                   vmlinuz.efi (uki.efi) with one
#                   byte of its signed content flipped; with -u as well,
#                   stub-alone.efi (systemd-stub without a kernel: an EFI
#                   application, not a Linux image), and with a
#                   vmlinuz-revoked.efi payload (which the first kernel's
#                   blacklist revokes) that image and uki-revoked.efi, a
#                   UKI whose .linux it is
#   OUT/guest-debian.cpio (with -D, -u and -U)
#                   guest.cpio plus /payloads/debian: VMLINUZ (Debian's
#                   signed kernel) and uki.efi, uki257.efi, UKIs of it
#                   from STUB and STUB257 with the .initrd and .cmdline of
#                   OUT/uki.efi; an archive of its own (three times 37 MB)
#                   so that only the cases which boot it pay for it
# Archives are replaced only when their content changed, so a rerun with
# nothing new leaves them (and whatever depends on them) alone.
#
# Usage: mkguest.sh [-u STUB] [-U STUB257] [-k KEYDIR] [-D VMLINUZ]
#                   [-K KEXEC232] [-C CNTVCT] OUT
#                   BUSYBOX KEXEC
#                   KEXEC_FILE_LOAD
#                   PAYLOAD...
#   A directory among the payloads is copied whole (e.g. the malformed
#   images of pe-bad-input).
set -euo pipefail

stub= stub257= keys= debian= kexec232= cntvct=
while [ $# -gt 0 ]; do
	case "$1" in
	-K) kexec232=$2 ;;
	-C) cntvct=$2 ;;
	-u) stub=$2 ;;
	-U) stub257=$2 ;;
	-k) keys=$2 ;;
	-D) debian=$2 ;;
	*) break ;;
	esac
	shift 2
done
out=$1 busybox=$2 kexec=$3 kfl=$4
shift 4
here=$(dirname "$(realpath "$0")")
root=$out/root
mkdir -p "$out"

# cpio of a directory with fixed owner and mtime: same input, same bytes.
mkcpio() {
	(cd "$1" && find . -mindepth 1 -exec touch -h -d @0 {} + &&
		find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2.tmp"
	if cmp -s "$2.tmp" "$2"; then rm "$2.tmp"; else mv "$2.tmp" "$2"; fi
}

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,payloads}
cp "$busybox" "$root/bin/busybox"
for applet in sh mount poweroff cat echo sleep cpio find rm mkdir head \
	dmesg grep sed ls od hexdump basename wc chmod tr uname; do
	ln -s busybox "$root/bin/$applet"
done
"${STRIP:-aarch64-linux-gnu-strip}" -o "$root/sbin/kexec" "$kexec"
cp "$kfl" "$root/sbin/kexec-file-load"
[ -z "$cntvct" ] || cp "$cntvct" "$root/sbin/cntvct"
install -m 755 "$here/init.sh" "$root/init"
mkcpio "$root" "$out/base.cpio"
[ -z "$kexec232" ] ||
	"${STRIP:-aarch64-linux-gnu-strip}" -o "$root/sbin/kexec-2.0.32" "$kexec232"

for p in "$@"; do
	cp -r "$p" "$root/payloads/"
done

# vmlinuz-corrupt.efi: the zboot image whose gzip payload (offset in the
# zboot header at 8) starts a deflate block of the reserved type 3 right
# after its 10-byte header.  It loads (the payload still looks like gzip);
# its stub fails to decompress after kexec -e, which exercises the
# emulator's reset path.
if [ -f "$root/payloads/vmlinuz.efi" ]; then
	python3 - "$root/payloads/vmlinuz.efi" \
		"$root/payloads/vmlinuz-corrupt.efi" <<-'EOP'
		import struct, sys
		b = bytearray(open(sys.argv[1], 'rb').read())
		assert b[4:8] == b'zimg'
		off = struct.unpack_from('<I', b, 8)[0]
		assert b[off:off + 4] == b'\x1f\x8b\x08\x00'
		b[off + 10] |= 0x06
		open(sys.argv[2], 'wb').write(b)
	EOP
fi

# vmlinuz-nx.efi: the zboot image with its entry point moved into its
# writable data section, where a "ret" waits.  It loads; the emulator maps
# that section non-executable, so the jump to it must fault and reset
# (with the data executable, the payload would return instead).
if [ -f "$root/payloads/vmlinuz.efi" ]; then
	python3 - "$root/payloads/vmlinuz.efi" \
		"$root/payloads/vmlinuz-nx.efi" <<-'EOP'
		import struct, sys
		b = bytearray(open(sys.argv[1], 'rb').read())
		pe = struct.unpack_from('<I', b, 0x3c)[0]
		nsec = struct.unpack_from('<H', b, pe + 6)[0]
		opt = pe + 24
		sect = opt + struct.unpack_from('<H', b, pe + 20)[0]
		for i in range(nsec):
		    s = sect + 40 * i
		    rva, raw, off, flags = struct.unpack_from('<III', b, s + 12) + \
		        struct.unpack_from('<I', b, s + 36)
		    if flags & 0x80000000 and not flags & 0x20000000 and raw >= 0x200:
		        break
		else:
		    sys.exit('no writable data section')
		struct.pack_into('<I', b, off + 0x100, 0xd65f03c0)	# ret
		struct.pack_into('<I', b, opt + 16, rva + 0x100)
		open(sys.argv[2], 'wb').write(b)
	EOP
fi

# An x86 guest's payload is a bzImage, its console ttyS0.
kimg=Image con=ttyAMA0 ukis="uki.efi=Image uki-zboot.efi=vmlinuz.efi"
if [ -f "$root/payloads/bzImage" ]; then
	kimg=bzImage con=ttyS0 ukis=uki.efi=bzImage
fi

if [ -n "$stub" ]; then
	u=$out/uki
	mkdir -p "$u/root/etc/kexecpe"
	for t in token itoken; do
		[ -s "$out/uki.$t" ] ||
			od -An -N8 -tx8 /dev/urandom | tr -d ' ' >"$out/uki.$t"
	done
	# The next kernel checks itself (kexecpe.want): whatever ran it, a
	# UKI's stub leaves EFI behind.
	printf '%s' "console=$con panic=-1 kexecpe.stage=2 kexecpe.test=uki" \
		" kexecpe.want=efi:yes token=$(cat "$out/uki.token")" \
		>"$out/uki.cmdline"
	cp "$out/uki.itoken" "$u/root/etc/kexecpe/initrd-token"
	mkcpio "$u/root" "$u/token.cpio"
	cat "$out/base.cpio" "$u/token.cpio" >"$u/initrd"
	printf 'ID=kexecpe\nPRETTY_NAME="kexec-pe selftest"\n' >"$u/os-release"
	for k in $ukis; do
		"$here/mkuki.sh" "$root/payloads/${k%=*}" "$stub" \
			.osrel="$u/os-release" .cmdline="$out/uki.cmdline" \
			.linux="$root/payloads/${k#*=}" .initrd="$u/initrd"
		cp "$root/payloads/${k%=*}" "$out/"
	done
	# x86: a PE image that is not a bzImage, with the command line and
	# initrd of the kexec call: the stub and .linux alone.
	# Its malformed variants are x86-pe-bad-input's.
	if [ "$kimg" = bzImage ]; then
		"$here/mkuki.sh" "$root/payloads/pe.efi" "$stub" \
			.osrel="$u/os-release" .linux="$root/payloads/bzImage"
		rm -rf "$out/bad"
		"$here/mkbadpe.py" --x86 "$root/payloads/pe.efi" "$out/bad"
		cp -r "$out/bad" "$root/payloads/"
	fi
	if [ -n "$stub257" ]; then
		printf '%s' "console=ttyAMA0 panic=-1 kexecpe.stage=2" \
			" kexecpe.test=uki-profile1 kexecpe.want=efi:yes" \
			" token=$(cat "$out/uki.token")" \
			>"$out/uki-profile1.cmdline"
		printf 'ID=default\n' >"$u/profile0"
		printf 'ID=one\nTITLE="profile one"\n' >"$u/profile1"
		# QEMU's own DT of the test machine, its model renamed so
		# that stage 2 can tell it booted with this one.
		"${QEMU:-qemu-system-aarch64}" -M virt,dtb-randomness=off,dumpdtb="$u/virt.dtb" \
			-cpu "${CPU:-max,pauth-impdef=on}" -smp "${SMP:-2}" -m "${MEM:-1G}" \
			-display none -nic none >/dev/null 2>&1
		fdtput -t s "$u/virt.dtb" / model "kexecpe-uki-dtb"
		for k in uki257.efi=Image uki257-zboot.efi=vmlinuz.efi \
			uki257-profile.efi=vmlinuz.efi uki257-dtb.efi=Image; do
			prof=()
			[[ "$k" == *-profile* ]] &&
				prof=(.profile="$u/profile0" .profile="$u/profile1"
					.cmdline="$out/uki-profile1.cmdline")
			[[ "$k" == *-dtb* ]] && prof=(.dtb="$u/virt.dtb")
			"$here/mkuki.sh" "$root/payloads/${k%=*}" "$stub257" \
				.osrel="$u/os-release" .cmdline="$out/uki.cmdline" \
				.linux="$root/payloads/${k#*=}" .initrd="$u/initrd" \
				"${prof[@]}"
			cp "$root/payloads/${k%=*}" "$out/"
		done
	fi
	cp "$stub" "$out/stub-alone.efi"
	if [ -f "$root/payloads/vmlinuz-revoked.efi" ]; then
		"$here/mkuki.sh" "$out/uki-revoked.efi" "$stub" \
			.osrel="$u/os-release" .cmdline="$out/uki.cmdline" \
			.linux="$root/payloads/vmlinuz-revoked.efi"
	fi
fi
# sbsign puts a signing time in the signature: sign only what changed.
if [ -n "$keys" ]; then
	mkdir -p "$out/signed" "$out/signed.sum"
	for f in vmlinuz.efi uki.efi Image vmlinuz-revoked.efi stub-alone.efi \
		uki-revoked.efi uki257-profile.efi bzImage pe.efi; do
		src=$root/payloads/$f
		[ -f "$src" ] || src=$out/$f
		[ -f "$src" ] || continue
		sum=$(cat "$src" "$keys/cert.pem" | sha256sum)
		[ -s "$out/signed/$f" ] &&
			[ "$(cat "$out/signed.sum/$f" 2>/dev/null)" = "$sum" ] &&
			continue
		rm -f "$out/signed/$f"
		sbsign --key "$keys/key.pem" --cert "$keys/cert.pem" \
			--output "$out/signed/$f" "$src" 2>&1 |
			grep -v '^Signing Unsigned' || true
		[ -s "$out/signed/$f" ] || exit 1
		echo "$sum" >"$out/signed.sum/$f"
	done
	# The byte in the middle of the file lies in signed section data
	# (x86: of the UKI's .linux).
	t=vmlinuz
	[ "$kimg" = bzImage ] && t=uki
	cp "$out/signed/$t.efi" "$out/signed/$t-tampered.efi"
	python3 - "$out/signed/$t-tampered.efi" <<-'EOP'
		import os, sys
		with open(sys.argv[1], 'r+b') as f:
		    f.seek(os.path.getsize(sys.argv[1]) // 2)
		    b = f.read(1)
		    f.seek(-1, 1)
		    f.write(bytes([b[0] ^ 0xff]))
	EOP
	cp -r "$out/signed" "$root/payloads/"
fi
cp "$out/base.cpio" "$root/payloads/base.cpio"
mkcpio "$root" "$out/guest.cpio"
ls -l "$out/base.cpio" "$out/guest.cpio"

# Built again only when an input changed: the UKIs take objcopy a while.
if [ -n "$debian" ] && [ -n "$stub" ] && [ -n "$stub257" ]; then
	d=$out/debian
	sum=$(cat "$debian" "$stub" "$stub257" "$u/initrd" "$out/uki.cmdline" \
		"$u/os-release" "$here/mkuki.sh" "$out/guest.cpio" | sha256sum)
	if ! [ -s "$out/guest-debian.cpio" ] ||
		[ "$(cat "$d.sum" 2>/dev/null)" != "$sum" ]; then
		rm -rf "$d" "$out/guest-debian.cpio"
		mkdir -p "$d/payloads/debian"
		cp "$debian" "$d/payloads/debian/vmlinuz"
		for k in uki.efi="$stub" uki257.efi="$stub257"; do
			"$here/mkuki.sh" "$d/payloads/debian/${k%%=*}" "${k#*=}" \
				.osrel="$u/os-release" .cmdline="$out/uki.cmdline" \
				.linux="$debian" .initrd="$u/initrd"
		done
		mkcpio "$d" "$out/debian.cpio"
		cat "$out/guest.cpio" "$out/debian.cpio" >"$out/guest-debian.cpio"
		rm -rf "$d" "$out/debian.cpio"
		echo "$sum" >"$d.sum"
	fi
	ls -l "$out/guest-debian.cpio"
fi
