#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail when an option of the config fragments did not survive olddefconfig
# (a missing dependency silently drops it otherwise).  A later fragment
# overrides an earlier one, as merge_config.sh does.
#
# Usage: mk/check-config.sh DOTCONFIG FRAGMENT...
set -euo pipefail
dotconfig=$1
shift
declare -A want
order=()
for frag in "$@"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
		*) continue ;;
		esac
		[ -n "${want[$opt]+x}" ] || order+=("$opt")
		want[$opt]=$line
	done <"$frag"
done
bad=0
for opt in "${order[@]}"; do
	got=$(grep -E "^($opt=|# $opt is not set)" "$dotconfig" ||
		echo "# $opt is not set")
	if [ "$got" != "${want[$opt]}" ]; then
		echo "config: wanted '${want[$opt]}', got '$got'" >&2
		bad=1
	fi
done
exit $bad
