#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail when an option of the config fragment did not survive olddefconfig
# (a missing dependency silently drops it otherwise).
#
# Usage: mk/check-config.sh FRAGMENT DOTCONFIG
set -euo pipefail
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }
	opt=${opt%%[= ]*}
	got=$(grep -E "^($opt=|# $opt is not set)" "$2" || echo "# $opt is not set")
	if [ "$got" != "$want" ]; then
		echo "config: wanted '$want', got '$got'" >&2
		bad=1
	fi
done <"$1"
exit $bad
