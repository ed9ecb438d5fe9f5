#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a Unified Kernel Image: systemd-stub with the kernel, initrd,
# command line and os-release added as PE sections.
#
# The sections go where systemd's ukify puts them: one after the other
# behind the stub's last section, each on a 4 KiB boundary, so the image
# is as large as its content (the fixed addresses of the old manual recipe,
# .linux at 0x2000000 and .initrd at 0x3000000, would make every UKI at
# least 48 MiB once loaded).  The stub finds its sections by name.
#
# A multi-profile UKI (systemd 257) repeats section names: the sections
# before the first .profile are the base, each .profile starts a profile
# whose sections override the base's.  objcopy addresses sections by name,
# so a repeated name is added under a placeholder of its own and renamed
# in the section table afterwards.
#
# Usage: mkuki.sh OUT STUB .osrel=FILE .cmdline=FILE .linux=FILE [.initrd=FILE]
#                 [.profile=FILE [.cmdline=FILE]...]...
set -euo pipefail

out=$1 stub=$2
shift 2
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}
OBJDUMP=${OBJDUMP:-aarch64-linux-gnu-objdump}
align=4096

# End of the highest section of the stub.
end=0
while read -r _ name size vma _; do
	[[ "$name" == .* ]] || continue
	e=$((0x$vma + 0x$size))
	[ $e -gt $end ] && end=$e
done < <("$OBJDUMP" -h "$stub")
[ $end -gt 0 ] || { echo "mkuki: no sections in $stub" >&2; exit 1; }

args=() renames=() seen=" " n=0
for s in "$@"; do
	name=${s%%=*} file=${s#*=}
	case "$name" in
	.osrel | .cmdline | .linux | .initrd | .splash | .dtb | .dtbauto | \
		.profile) ;;
	*) echo "mkuki: unknown section $name" >&2; exit 1 ;;
	esac
	[ -r "$file" ] || { echo "mkuki: cannot read $file" >&2; exit 1; }
	vma=$(((end + align - 1) / align * align))
	sect=$name
	if [[ "$seen" == *" $name "* ]]; then
		n=$((n + 1))
		sect=$(printf '.mkuki%02d' $n)
		renames+=("$sect=$name")
	fi
	seen+="$name "
	args+=(--add-section "$sect=$file"
		--change-section-vma "$(printf '%s=%#x' "$sect" "$vma")")
	end=$((vma + $(stat -c %s "$file")))
done
"$OBJCOPY" "${args[@]}" "$stub" "$out.tmp"
if [ ${#renames[@]} -gt 0 ]; then
	python3 - "$out.tmp" "${renames[@]}" <<-'EOP'
		import struct, sys
		f = open(sys.argv[1], 'r+b')
		b = bytearray(f.read())
		pe = struct.unpack_from('<I', b, 0x3c)[0]
		nsec, optsz = struct.unpack_from('<H', b, pe + 6)[0], \
		    struct.unpack_from('<H', b, pe + 20)[0]
		tab = pe + 24 + optsz
		names = dict(a.split('=', 1) for a in sys.argv[2:])
		for i in range(nsec):
		    o = tab + 40 * i
		    n = bytes(b[o:o + 8]).rstrip(b'\0').decode()
		    if n in names:
		        b[o:o + 8] = names.pop(n).encode().ljust(8, b'\0')
		if names:
		    sys.exit('mkuki: placeholders not found: %s' % names)
		f.seek(0)
		f.write(b)
	EOP
fi
# objcopy writes the time into the COFF header's TimeDateStamp (8 bytes
# into the PE header) and a checksum over it into the optional header (88
# bytes in); zero both, as the stub has them, so the same input gives the
# same UKI.  Firmware checks neither.
pe=$(od -An -tu4 -j 60 -N 4 "$out.tmp")
for off in 8 88; do
	printf '\0\0\0\0' | dd of="$out.tmp" bs=1 seek=$((pe + off)) \
		conv=notrunc status=none
done
mv "$out.tmp" "$out"
