#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one command as a single TAP test: "ok 1 NAME" when it exits 0,
# otherwise "not ok 1 NAME" with the last lines of its output.  The full
# output goes to LOG.
#
# Usage: tap-wrap.sh NAME LOG CMD...
set -uo pipefail
name=$1 log=$2
shift 2
echo "TAP version 13"
echo "1..1"
if "$@" >"$log" 2>&1; then
	echo "ok 1 $name"
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
		"$log" | sed 's/^/# /'
else
	echo "not ok 1 $name"
	tail -n 30 "$log" | sed 's/^/#   /'
	exit 1
fi
