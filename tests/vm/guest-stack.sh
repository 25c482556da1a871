# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Copyright (c) 2026 The rpmsg-rpc authors
#
# Sourced by guest suites (in the test VM, cwd = the checkout, MODROOT set
# by tests/vm/init): load the rpmsg stack, the simulator and rpmsg_rpc.
# The module is the one DKMS built for this kernel (make vm-prepare runs
# tests/kselftest/dkms-check), else kernel/rpmsg_rpc.ko.
# Usage: load_stack SUITE-NAME; sets RPC_KO. Returns 1 if something failed.

load_stack() {
	local m
	RPC_KO=$PWD/build/dkms/install/$(uname -r)/updates/dkms/rpmsg_rpc.ko
	[ -f "$RPC_KO" ] || RPC_KO=$PWD/kernel/rpmsg_rpc.ko
	for m in virtio_rpmsg_bus rpmsg_ns rpmsg_char rpmsg_ctrl; do
		modprobe -d "$MODROOT" "$m" || { echo "# $1: cannot load $m"; return 1; }
	done
	[ -d /sys/module/rpmsg_sim ] || insmod tests/sim/rpmsg_sim.ko ||
		{ echo "# $1: cannot load rpmsg_sim"; return 1; }
	[ -d /sys/module/rpmsg_rpc ] || insmod "$RPC_KO" ||
		{ echo "# $1: cannot load $RPC_KO"; return 1; }
	echo "# $1: $(uname -r), module $RPC_KO"
}

# Unloading must work once every fd is closed: nothing pins the module.
unload_driver() {
	rmmod rpmsg_rpc || { echo "# $1: rmmod rpmsg_rpc failed (something still holds it)"; return 1; }
}
