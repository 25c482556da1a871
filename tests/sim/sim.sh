# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# sim.sh: the shell twin of libsim, for shell tests (source it). Every
# function wraps tests/sim/simctl; failures print simctl's error and return
# non-zero. Remotes created here are destroyed by sim_cleanup (call it from
# an EXIT trap).
# Copyright (c) 2026 The rpmsg-rpc authors

SIMCTL=${SIMCTL:-$(dirname "${BASH_SOURCE[0]}")/simctl}
# The remotes to destroy, in a file: sim_create is called as IDX=$(sim_create),
# a subshell, where a shell variable would be lost (and the remote leaked).
SIM_CREATED_FILE=$(mktemp /tmp/sim-created.XXXXXX)

# sim_create [VRING_NUM [stopped]]: prints the new remote's index
sim_create() {
	local idx
	idx=$("$SIMCTL" create "$@") || return 1
	echo "$idx" >>"$SIM_CREATED_FILE"
	echo "$idx"
}

sim_destroy() { "$SIMCTL" destroy "$1"; }

# sim_info IDX KEY: one field of `simctl info` (state, boots, rproc, ...)
sim_info() { "$SIMCTL" info "$1" | sed -n "s/^$2=//p"; }
# sim_stat IDX KEY: one counter of `simctl stats`
sim_stat() { "$SIMCTL" stats "$1" | sed -n "s/^$2=//p"; }

sim_service() { "$SIMCTL" service "$@"; }	# IDX NAME ADDR [echo] [quiet]
sim_echo() { "$SIMCTL" service "$1" "$2" "$3" echo; }	# IDX NAME ADDR
sim_withdraw() { "$SIMCTL" withdraw "$1" "$2"; }	# IDX ADDR
sim_stall() { "$SIMCTL" stall "$1" "$2"; }	# IDX on|off
sim_capture() { "$SIMCTL" capture "$1" "$2"; }	# IDX on|off
sim_recv() { "$SIMCTL" recv "$@"; }	# IDX [TIMEOUT_MS]
sim_inject() { "$SIMCTL" inject "$@"; }	# IDX SRC DST TEXT
sim_crash() { "$SIMCTL" crash "$1"; }
sim_stop() { "$SIMCTL" stop "$1"; }
sim_start() { "$SIMCTL" start "$1"; }
sim_wait_up() { "$SIMCTL" wait-up "$@"; }	# IDX [TIMEOUT_MS [MIN_BOOTS]]

# sim_crash_and_wait IDX: crash, then wait for the next boot
sim_crash_and_wait() {
	local boots
	boots=$(sim_info "$1" boots) || return 1
	sim_crash "$1" || return 1
	sim_wait_up "$1" 10000 $((boots + 1))
}

sim_cleanup() {
	local idx
	[ -f "$SIM_CREATED_FILE" ] || return 0
	while read -r idx; do
		"$SIMCTL" destroy "$idx" 2>/dev/null
	done <"$SIM_CREATED_FILE"
	rm -f "$SIM_CREATED_FILE"
}
