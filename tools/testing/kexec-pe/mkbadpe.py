#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write malformed variants of a real PE image for the pe-bad-input cases.

Each variant breaks one thing in an otherwise valid vmlinuz.efi (or makes
it a PE file that is not a Linux boot image); the guest feeds every one
to kexec_file_load() and expects -ENOEXEC, the reason in dmesg, and no
oops or WARN.  The file NAME.why holds the reason
the kernel must print ("-" when the probe refuses silently).  With --x86
the image is x86-pe-bad-input's pe.efi (x86 systemd-stub and a bzImage
as .linux): the machine is x86_64's, and the variants that are no Linux
image are a stub without .linux and a .linux that is no kernel.

Usage: mkbadpe.py [--x86] PE_FILE OUTDIR
"""
import os
import struct
import sys


def u16(b, off):
    return struct.unpack_from('<H', b, off)[0]


def u32(b, off):
    return struct.unpack_from('<I', b, off)[0]


def section(b, sect, nsec, name):
    """The header offset of the section called name."""
    for i in range(nsec):
        hdr = sect + i * 40
        if b[hdr:hdr + 8].rstrip(b'\0') == name:
            return hdr
    sys.exit('no %s section' % name.decode())


def main():
    x86 = sys.argv[1] == '--x86'
    if x86:
        del sys.argv[1]
    src, out = sys.argv[1], sys.argv[2]
    good = bytearray(open(src, 'rb').read())
    pe = u32(good, 0x3c)
    nsec = u16(good, pe + 6)
    opt = pe + 24
    sect = opt + u16(good, pe + 20)
    last = sect + (nsec - 1) * 40
    data_rva, data_off = u32(good, last + 12), u32(good, last + 20)

    variants = {}

    variants['truncated'] = (good[:8192], 'section data outside the file')

    b = bytearray(good)
    struct.pack_into('<I', b, 0x3c, 0x7ffffff8)
    variants['bad-e_lfanew'] = (b, '-')

    b = bytearray(good)
    struct.pack_into('<I', b, last + 20, 0x7fff0000)
    variants['section-outside-file'] = (b, 'section data outside the file')

    b = bytearray(good)
    struct.pack_into('<I', b, opt + 56, 0xfffff000)
    variants['huge-SizeOfImage'] = (b, 'SizeOfImage is zero or too large')

    b = bytearray(good)
    other = 0xaa64 if x86 else 0x8664
    struct.pack_into('<H', b, pe + 4, other)
    variants['machine-arm64' if x86 else 'machine-x64'] = (
        b, "PE machine 0x%x is not this machine's" % other)

    # A base relocation directory at the start of the last section, with
    # one HIGHLOW (type 3) entry: 32-bit relocations have no place in a
    # 64-bit image.
    b = bytearray(good)
    struct.pack_into('<II', b, opt + 112 + 5 * 8, data_rva, 12)
    struct.pack_into('<IIHH', b, data_off, 0x1000, 12, (3 << 12) | 8, 0)
    variants['bad-relocation'] = (b, 'unsupported relocation type')

    variants['not-pe'] = (b'#!/bin/sh\necho not a kernel\n' * 64, '-')

    if x86:
        # Well-formed EFI applications that are not Linux boot images: the
        # stub with its .linux renamed, or a .linux whose setup header
        # lost its "HdrS".
        linux = section(good, sect, nsec, b'.linux')
        b = bytearray(good)
        b[linux:linux + 8] = b'.linuy\0\0'
        variants['stub-without-linux'] = (
            b, 'systemd-stub without a .linux section, not a Linux kernel')
        b = bytearray(good)
        off = u32(good, linux + 20)
        assert b[off + 0x202:off + 0x206] == b'HdrS'
        b[off + 0x202:off + 0x206] = b'\0\0\0\0'
        variants['linux-not-a-kernel'] = (
            b, 'an EFI application, not a Linux kernel')
        write(out, variants)
        return

    # Well-formed EFI applications that are not Linux boot images: the
    # zboot header's image type cleared, or a compression no kernel uses.
    b = bytearray(good)
    b[4:8] = b'\0\0\0\0'
    variants['efi-application'] = (b, 'an EFI application, not a Linux kernel')

    b = bytearray(good)
    b[0x18:0x20] = b'brotli\0\0'
    variants['zboot-unknown-compression'] = (
        b, 'zboot image of an unknown compression')

    write(out, variants)


def write(out, variants):
    os.makedirs(out, exist_ok=True)
    for name, (data, why) in variants.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
        with open(os.path.join(out, name + '.why'), 'w') as f:
            f.write(why + '\n')


if __name__ == '__main__':
    main()
