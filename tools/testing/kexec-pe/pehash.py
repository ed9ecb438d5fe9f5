#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the Authenticode SHA-256 digest of PE files, or write them as a
CONFIG_SYSTEM_BLACKLIST_HASH_LIST file ("bin:<hex>" entries, the form UEFI
dbx SHA-256 entries take in the kernel's blacklist keyring).

The digest covers the headers without the CheckSum field and the
certificate table's directory entry, each section's file data in the order
of PointerToRawData, then what follows the sections except the certificate
table: the Authenticode rules (and the kernel's verify_pefile.c).

Usage: pehash.py FILE...
       pehash.py -o LIST [-r COPY] FILE...
  -o LIST  write the digests to LIST (rewritten only if it changed)
  -r COPY  first write COPY, the (single) FILE with 8 zero bytes appended:
           the same kernel, but a digest of its own, so the blacklist can
           revoke it without revoking FILE
"""
import hashlib
import os
import struct
import sys


def authenticode_sha256(data):
    pe = struct.unpack_from('<I', data, 0x3c)[0]
    if data[:2] != b'MZ' or data[pe:pe + 4] != b'PE\0\0':
        raise ValueError('not a PE file')
    nsec = struct.unpack_from('<H', data, pe + 6)[0]
    opt_size = struct.unpack_from('<H', data, pe + 20)[0]
    opt = pe + 24
    if struct.unpack_from('<H', data, opt)[0] != 0x20b:
        raise ValueError('not PE32+')
    header_size = struct.unpack_from('<I', data, opt + 60)[0]
    csum = opt + 64
    ndirs = struct.unpack_from('<I', data, opt + 108)[0]
    cert = opt + 112 + 4 * 8
    h = hashlib.sha256()
    h.update(data[:csum])
    certs_size = 0
    if ndirs > 4:
        certs_size = struct.unpack_from('<I', data, cert + 4)[0]
        h.update(data[csum + 4:cert])
        h.update(data[cert + 8:header_size])
    else:
        h.update(data[csum + 4:header_size])
    sects = []
    for i in range(nsec):
        s = opt + opt_size + 40 * i
        vaddr, raw_size, raw_off = struct.unpack_from('<III', data, s + 12)
        sects.append((raw_off, vaddr, i, raw_size))
    hashed = header_size
    for raw_off, _, _, raw_size in sorted(sects):
        if raw_size:
            h.update(data[raw_off:raw_off + raw_size])
            hashed += raw_size
    if len(data) > hashed + certs_size:
        h.update(data[hashed:len(data) - certs_size])
    return h.hexdigest()


def main():
    args = sys.argv[1:]
    out = copy = None
    if args[:1] == ['-o']:
        out, args = args[1], args[2:]
    if args[:1] == ['-r']:
        copy, args = args[1], args[2:]
        if len(args) != 1:
            sys.exit('pehash.py: -r takes one FILE')
        with open(args[0], 'rb') as fh:
            data = fh.read() + bytes(8)
        if not os.path.exists(copy) or open(copy, 'rb').read() != data:
            with open(copy + '.tmp', 'wb') as fh:
                fh.write(data)
            os.rename(copy + '.tmp', copy)
        args = [copy]
    digests = []
    for f in args:
        with open(f, 'rb') as fh:
            digests.append(authenticode_sha256(fh.read()))
    if out is None:
        for f, d in zip(args, digests):
            print(d, f)
        return
    text = ',\n'.join('"bin:%s"' % d for d in digests) + '\n'
    if os.path.exists(out) and open(out).read() == text:
        return
    with open(out + '.tmp', 'w') as fh:
        fh.write(text)
    os.rename(out + '.tmp', out)


if __name__ == '__main__':
    main()
