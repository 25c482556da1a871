# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
#
# Sourced by the guest suites that run the driver kselftests (20-driver,
# 22-hardening), as root in the test VM with cwd = the checkout and MODROOT
# set (tests/vm/init). The caller defines say().

# Load upstream rpmsg, the simulator and the DKMS-built rpmsg_rpc.ko (from
# tests/kselftest/dkms-check, run by `make vm-prepare`), or the module
# KSELFTEST_KO names (another build, e.g. a fix under test); export
# RPMSG_RPC_KO. Returns non-zero (and says why) if anything is missing.
kselftest_load_driver() {
	local kver ko m

	kver=$(uname -r)
	ko=${KSELFTEST_KO:-$PWD/build/dkms/install/$kver/updates/dkms/rpmsg_rpc.ko}
	if [ ! -f "$ko" ]; then
		say "no DKMS-built module at $ko (did make vm-prepare run dkms-check?)"
		find "$PWD/build/dkms/install" 2>&1 | sed "s/^/# /"
		return 1
	fi
	for m in virtio_rpmsg_bus rpmsg_ns rpmsg_char rpmsg_ctrl; do
		modprobe -d "$MODROOT" "$m" || { say "cannot load $m"; return 1; }
	done
	if [ ! -d /sys/module/rpmsg_sim ]; then
		insmod tests/sim/rpmsg_sim.ko ||
			{ say "cannot load rpmsg_sim"; return 1; }
	fi
	if [ ! -d /sys/module/rpmsg_rpc ]; then
		insmod "$ko" || { say "cannot load $ko"; return 1; }
	fi
	say "module $(modinfo -F vermagic "$ko" | cut -d' ' -f1) from $ko"
	export RPMSG_RPC_KO=$ko
}

# Run the named tests/kselftest programs; sets kselftest_rc (0 or 1) and
# kselftest_ran (how many passed, skips not counted).
kselftest_run() {
	local t r

	kselftest_rc=0
	kselftest_ran=0
	for t in "$@"; do
		say "running $t"
		tests/kselftest/$t
		r=$?
		case $r in
		0) kselftest_ran=$((kselftest_ran + 1)) ;;
		4) say "$t skipped" ;;
		*) say "$t failed (exit $r)"; kselftest_rc=1 ;;
		esac
	done
}
