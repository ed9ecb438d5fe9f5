#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP check of the freestanding build of the emulator core: the partial
# link must leave no undefined symbol (no libc, no kernel), and its size
# is reported.
#
# Usage: freestanding-check.sh OBJECT CROSS_PREFIX ('' for the host tools)
set -uo pipefail
obj=$1 cross=$2
echo "TAP version 13"
echo "1..1"
arch=$("${cross}objdump" -f "$obj" | sed -n 's/^architecture: \([^,]*\).*/\1/p')
undef=$("${cross}nm" -u "$obj")
if [ -z "$undef" ]; then
	echo "ok 1 freestanding core ($arch) links with no undefined symbols"
else
	echo "not ok 1 freestanding core ($arch) links with no undefined symbols"
	echo "$undef" | sed 's/^/#   /'
fi
"${cross}size" "$obj" | sed 's/^/# /'
[ -z "$undef" ]
