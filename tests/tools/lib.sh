# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# A tiny test harness for rpcctl's shell tests (host and VM): run a test
# function, count it passed or failed, print a closing "N passed, N failed".
# Copyright (c) 2026 The rpmsg-rpc authors

T_PASSED=0
T_FAILED=0
T_FAILED_NAMES=()
T_PREFIX=${T_PREFIX:-}

# fail MESSAGE: mark the running test failed (it goes on, to show more).
fail() {
	echo "${T_PREFIX}    FAIL: $*"
	T_BAD=1
}

# run NAME FUNCTION: run one test and report it.
run() {
	T_BAD=0
	"$2"
	if [ "$T_BAD" = 0 ]; then
		T_PASSED=$((T_PASSED + 1))
		echo "${T_PREFIX}ok   $1"
	else
		T_FAILED=$((T_FAILED + 1))
		T_FAILED_NAMES+=("$1")
		echo "${T_PREFIX}FAIL $1"
	fi
}

# expect_rc WANT GOT WHAT
expect_rc() {
	[ "$2" = "$1" ] || fail "$3: exit status $2, expected $1"
}

# expect_eq WANT GOT WHAT
expect_eq() {
	[ "$2" = "$1" ] || fail "$3: got '$2', expected '$1'"
}

# expect_grep REGEX FILE WHAT
expect_grep() {
	grep -qE -- "$1" "$2" || fail "$3: no line matching '$1' in: $(head -c 600 "$2")"
}

# wait_for COMMAND...: retry for up to 10 s (for a background peer to come up)
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

summary() {
	local n
	for n in "${T_FAILED_NAMES[@]}"; do
		echo "${T_PREFIX}failed: $n"
	done
	echo "${T_PREFIX}$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" = 0 ]
}
