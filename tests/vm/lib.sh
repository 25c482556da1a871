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

vm_log() { printf '[vm] %s\n' "$*" >&2; }
vm_die() { printf '[vm] error: %s\n' "$*" >&2; exit 1; }

# The kernel build directory for the current source package and config
# fragment. Changing either gives a new directory: nothing stale is reused.
kernel_build_dir() {
	local ver hash
	ver=$(dpkg-query -W -f='${Version}' "$KSRC_PKG" 2>/dev/null) ||
		vm_die "$KSRC_PKG is not installed"
	hash=$(sha256sum "$VM_DIR/kernel.config" | cut -c1-12)
	printf '%s/kbuild-%s-%s\n' "$RPMSG_RPC_CACHE" "$ver" "$hash"
}
