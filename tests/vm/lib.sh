# SPDX-License-Identifier: GPL-2.0-or-later
# Shared settings of the VM test bed scripts (sourced, not executed).

# Where the test kernel is built and kept between runs (outside the checkout,
# so later runs and CI reuse it).
RPMSG_RPC_CACHE=${RPMSG_RPC_CACHE:-/var/cache/rpmsg-rpc}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$VM_DIR/../.." && pwd)

# Which Debian linux-source-<series> the test kernel is built from: 6.1 by
# default (make test), 6.12 for the second runtime check (make test-vm-6.12).
RPMSG_RPC_KERNEL=${RPMSG_RPC_KERNEL:-6.1}
KSRC_PKG=linux-source-$RPMSG_RPC_KERNEL
# Logs of the default kernel's runs go to build/vm*, the others' to
# build/k<series>/vm* (so one make test keeps both).
if [ "$RPMSG_RPC_KERNEL" = 6.1 ]; then
	VM_LOG_DIR=$TOP_DIR/build
else
	VM_LOG_DIR=$TOP_DIR/build/k$RPMSG_RPC_KERNEL
fi

# RPMSG_RPC_KVARIANT=bench: the same kernel without the debug options
# (tests/vm/kernel-bench.config), for `make bench` only. Its own cache
# directory (the fragment differs) and log directory (build/[k<series>/]bench/).
RPMSG_RPC_KVARIANT=${RPMSG_RPC_KVARIANT:-}
case "$RPMSG_RPC_KVARIANT" in
"") ;;
bench) VM_LOG_DIR=$VM_LOG_DIR/bench ;;
*) printf '[vm] error: RPMSG_RPC_KVARIANT must be empty or bench\n' >&2; exit 1 ;;
esac

vm_log() { printf '[vm] %s\n' "$*" >&2; }
vm_die() { printf '[vm] error: %s\n' "$*" >&2; exit 1; }

# The config fragment of the kernel variant, on stdout: kernel.config as is,
# or for the bench variant kernel.config without the lines of every symbol
# kernel-bench.config names, followed by kernel-bench.config.
kernel_fragment() {
	if [ -z "$RPMSG_RPC_KVARIANT" ]; then
		cat "$VM_DIR/kernel.config"
		return
	fi
	awk 'FNR == NR { if (match($0, /CONFIG_[A-Za-z0-9_]+/))
				drop[substr($0, RSTART, RLENGTH)] = 1
			 next }
	     { if (match($0, /CONFIG_[A-Za-z0-9_]+/) &&
		   (substr($0, RSTART, RLENGTH) in drop)) next; print }' \
		"$VM_DIR/kernel-$RPMSG_RPC_KVARIANT.config" "$VM_DIR/kernel.config"
	cat "$VM_DIR/kernel-$RPMSG_RPC_KVARIANT.config"
}

# The kernel build directory for the current source package and config
# fragment. Changing either gives a new directory: nothing stale is reused.
kernel_build_dir() {
	local ver hash
	ver=$(dpkg-query -W -f='${Version}' "$KSRC_PKG" 2>/dev/null) ||
		vm_die "$KSRC_PKG is not installed"
	hash=$(kernel_fragment | sha256sum | cut -c1-12)
	printf '%s/kbuild-%s-%s\n' "$RPMSG_RPC_CACHE" "$ver" "$hash"
}
