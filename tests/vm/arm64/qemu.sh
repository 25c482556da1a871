# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034,SC2154,SC2054 # (run's variables; commas in arguments)
#
# The arm64 guest's QEMU command, sourced by tests/vm/run when
# RPMSG_RPC_ARCH=arm64: sets accel and qemu_cmd, extends splat_end. Uses
# run's kdir, console, results, suite_list and suites_dir.
#
# qemu-system-aarch64 -M virt under TCG (no KVM on an x86 host), Cortex-A57
# (AArch32 at EL0 for the armhf binaries; no pointer authentication, which
# TCG emulates slowly). The root is the debootstrapped arm64 tree
# (tests/vm/arm64/make-root), whose /rpc/init mounts tests/vm (share "vm")
# and runs tests/vm/init. The checkout the guest sees is the arm64 (or
# armhf) copy at /rpc/top, the kernel cache at /rpc/cache. The kernel
# console is the PL011 (ttyAMA0), the results port a virtio console (hvc0).

[ "${VM_ACCEL:-auto}" != kvm ] || vm_die "the arm64 guest runs under TCG only (VM_ACCEL=kvm)"
accel=tcg
# Emulating another architecture is slower: the default timeout tripled.
[ "$timeout" != 1500 ] || timeout=4500
root=$("$VM_DIR/arm64/make-root") || vm_die "no arm64 root file system"
guest_kdir=/rpc/cache/${kdir#"$RPMSG_RPC_CACHE"/}
# arm64 stack dumps have no </TASK>: they end at the entry from user space
# or at ret_from_fork; KASAN reports end with a line of '='.
splat_end+='|^\[ *[0-9.]+\] +(el0t_(64|32)_sync|ret_from_fork)\+|^\[ *[0-9.]+\] ={60,}'
qemu_cmd=(qemu-system-aarch64 -M virt -cpu cortex-a57 -accel "tcg,thread=multi"
	-m "${VM_MEM:-2048}" -smp "${VM_CPUS:-2}"
	-nodefaults -nographic -no-reboot -display none
	-kernel "$kdir/$KIMAGE"
	-fsdev local,id=root,path="$root",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	-fsdev local,id=vm,path="$GUEST_TOP/tests/vm",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=vm,mount_tag=vm
	-fsdev local,id=top,path="$GUEST_TOP",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=top,mount_tag=top
	-fsdev local,id=cache,path="$RPMSG_RPC_CACHE",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=cache,mount_tag=cache
	-serial file:"$console"
	-device virtio-serial-pci -chardev file,id=results,path="$results"
	-device virtconsole,chardev=results
	-append "console=ttyAMA0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro init=/rpc/init panic=-1 loglevel=6 firmware_class.path=/rpc/top/tests/sim RPC_TOP=/rpc/top RPC_CACHE=/rpc/cache RPC_KDIR=$guest_kdir RPC_SUITES=$suite_list RPC_SUITES_DIR=$suites_dir RPC_RESULTS=/dev/hvc0")
