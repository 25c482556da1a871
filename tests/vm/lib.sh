# SPDX-License-Identifier: GPL-2.0-or-later
# Shared settings of the VM test bed scripts (sourced, not executed).

# Where the test kernel is built and kept between runs (outside the checkout,
# so later runs and CI reuse it).
RPMSG_RPC_CACHE=${RPMSG_RPC_CACHE:-/var/cache/rpmsg-rpc}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$VM_DIR/../.." && pwd)

vm_log() { printf '[vm] %s\n' "$*" >&2; }
vm_die() { printf '[vm] error: %s\n' "$*" >&2; exit 1; }

# The kernel build directory for the current source package and config
# fragment. Changing either gives a new directory: nothing stale is reused.
kernel_build_dir() {
	local ver hash
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		vm_die "linux-source-6.1 is not installed"
	hash=$(sha256sum "$VM_DIR/kernel.config" | cut -c1-12)
	printf '%s/kbuild-%s-%s\n' "$RPMSG_RPC_CACHE" "$ver" "$hash"
}
