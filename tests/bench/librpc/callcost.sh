#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
#
# Per-call cost of librpc, measured not timed: instructions (callgrind, all
# threads: caller, both poll threads), pthread_mutex_lock calls (the
# channel's lock is librpc's own since the fifth pass: 0 there), system
# calls and, among them, futex calls (a thread that slept for a lock or a
# condition; strace -f) per round trip, both ends in one process over a
# socketpair, 32-byte payload. Each figure is (run of N2 calls - run of N1
# calls) / (N2 - N1), so setup and teardown cancel out.
#
# usage: callcost.sh [BENCH]   (default build/bench; runs BENCH count MODE N)
set -eu

prog=${1:-build/bench}
n1=${CALLCOST_N1:-200}
n2=${CALLCOST_N2:-2200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions and pthread_mutex_lock calls of one callgrind run.
cg() {
	valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg" "$prog" count "$1" "$2" >/dev/null
	awk '
		/^summary:/ { ir = $2 }
		/^c?fn=/ {
			# "fn=(id) name" / "cfn=(id) name" name an id once, later lines reuse it
			id = $1; sub(/^c?fn=/, "", id)
			if (NF > 1) name[id] = $2
			if ($0 ~ /^cfn=/) cur = name[id]
		}
		/^calls=/ {
			if (cur == "pthread_mutex_lock" || cur ~ /^pthread_mutex_lock@/ ||
			    cur == "___pthread_mutex_lock") { n = $1; sub(/^calls=/, "", n); locks += n }
		}
		END { printf "%s %d\n", ir, locks }' "$tmp/cg"
}

# System calls and futex calls of one run, all threads.
sc() {
	strace -f -c -o "$tmp/st" "$prog" count "$1" "$2" >/dev/null
	awk '	function calls() { return ($4 ~ /^[0-9]+$/) ? $4 : $3 }
		$NF == "futex" { fx = calls() }
		$NF == "total" { tot = calls() }
		END { printf "%d %d\n", tot, fx }' "$tmp/st"
}

printf '%-6s %12s %12s %10s %8s\n' mode 'instr/call' 'mutex locks' 'syscalls' 'futex'
for mode in raw call text; do
	# shellcheck disable=SC2046 # two numbers each, split on purpose
	set -- $(cg "$mode" "$n1") $(cg "$mode" "$n2")
	ir=$(( ($3 - $1) / (n2 - n1) ))
	lk=$(awk -v a="$2" -v b="$4" -v d=$((n2 - n1)) 'BEGIN { printf "%.1f", (b - a) / d }')
	# shellcheck disable=SC2046
	set -- $(sc "$mode" "$n1") $(sc "$mode" "$n2")
	sy=$(awk -v a="$1" -v b="$3" -v d=$((n2 - n1)) 'BEGIN { printf "%.1f", (b - a) / d }')
	fx=$(awk -v a="$2" -v b="$4" -v d=$((n2 - n1)) 'BEGIN { printf "%.2f", (b - a) / d }')
	printf '%-6s %12s %12s %10s %8s\n' "$mode" "$ir" "$lk" "$sy" "$fx"
done
