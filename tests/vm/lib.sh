# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # (the variables are the sourcing scripts')
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
# The guest's architecture: x86_64 (default) or arm64 (make test-vm-arm64;
# the arm64 specifics are in tests/vm/arm64/, docs/design.md says why).
RPMSG_RPC_ARCH=${RPMSG_RPC_ARCH:-x86_64}
case "$RPMSG_RPC_ARCH" in
x86_64 | arm64) ;;
*) printf '[vm] error: RPMSG_RPC_ARCH must be x86_64 or arm64\n' >&2; exit 1 ;;
esac
# Logs of the default kernel's runs go to build/vm*, the others' to
# build/k<series>/vm* (so one make test keeps both); arm64's to build/arm64/.
if [ "$RPMSG_RPC_KERNEL" = 6.1 ]; then
	VM_LOG_DIR=$TOP_DIR/build
else
	VM_LOG_DIR=$TOP_DIR/build/k$RPMSG_RPC_KERNEL
fi
if [ "$RPMSG_RPC_ARCH" = arm64 ]; then
	VM_LOG_DIR=$TOP_DIR/build/arm64${VM_LOG_DIR#"$TOP_DIR"/build}
	# The kernel is cross-built; what kbuild needs to know.
	KMAKE_ARGS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	KIMAGE=arch/arm64/boot/Image
	# The tree the guest sees as the checkout: a copy with arm64 binaries
	# (tests/vm/arm64/prepare), so that the x86 ones in place stay valid.
	# RPMSG_RPC_USERLAND=armhf: the same kernel and modules with 32-bit
	# user space (the compat ioctl path), in a copy of its own.
	RPMSG_RPC_USERLAND=${RPMSG_RPC_USERLAND:-arm64}
	case "$RPMSG_RPC_USERLAND" in
	arm64) GUEST_TOP=$TOP_DIR/build/arm64/tree ;;
	armhf)
		GUEST_TOP=$TOP_DIR/build/arm64/tree-armhf
		VM_LOG_DIR=$VM_LOG_DIR/armhf
		;;
	*) printf '[vm] error: RPMSG_RPC_USERLAND must be arm64 or armhf\n' >&2; exit 1 ;;
	esac
else
	RPMSG_RPC_USERLAND=$RPMSG_RPC_ARCH
	KMAKE_ARGS=()
	KIMAGE=arch/x86/boot/bzImage
	GUEST_TOP=$TOP_DIR
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

# The config fragment files of the current architecture, applied in order
# (a later line about the same option wins, see kernel_config_fragment).
kernel_config_files() {
	echo "$VM_DIR/kernel.config"
	[ "$RPMSG_RPC_ARCH" = x86_64 ] || echo "$VM_DIR/$RPMSG_RPC_ARCH/kernel.config"
}

# The patches applied to the test kernel's source of this series, in order
# (tests/vm/kernel-patches/<series>/*.patch; docs/design.md, "Test kernel
# patches"). None for most series: then the source is Debian's as is.
kernel_patches() {
	local d=$VM_DIR/kernel-patches/$RPMSG_RPC_KERNEL
	[ -d "$d" ] || return 0
	find "$d" -maxdepth 1 -name '*.patch' | LC_ALL=C sort
}

# The merged fragment on stdout: every line of the files, except those about
# an option that a later line sets again.
kernel_config_fragment() {
	# shellcheck disable=SC2046
	awk '{ key = ""
		if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) key = substr($0, 1, RLENGTH - 1)
		else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) key = $2
		line[NR] = $0; k[NR] = key; if (key != "") last[key] = NR }
	END { for (i = 1; i <= NR; i++) if (k[i] == "" || last[k[i]] == i) print line[i] }' \
		$(kernel_config_files)
}

# The config fragment of the kernel variant, on stdout: the architecture's
# merged fragment as is, or for the bench variant that fragment without the
# lines of every symbol kernel-bench.config names, followed by
# kernel-bench.config.
kernel_fragment() {
	if [ -z "$RPMSG_RPC_KVARIANT" ]; then
		kernel_config_fragment
		return
	fi
	kernel_config_fragment |
		awk 'FNR == NR { if (match($0, /CONFIG_[A-Za-z0-9_]+/))
					drop[substr($0, RSTART, RLENGTH)] = 1
				 next }
		     { if (match($0, /CONFIG_[A-Za-z0-9_]+/) &&
			   (substr($0, RSTART, RLENGTH) in drop)) next; print }' \
			"$VM_DIR/kernel-$RPMSG_RPC_KVARIANT.config" -
	cat "$VM_DIR/kernel-$RPMSG_RPC_KVARIANT.config"
}

# The kernel build directory for the current source package, config
# fragment and patches. Changing any gives a new directory: nothing stale is
# reused. (Without patches the hash is what it was before patches existed.)
kernel_build_dir() {
	local ver hash arch=
	ver=$(dpkg-query -W -f='${Version}' "$KSRC_PKG" 2>/dev/null) ||
		vm_die "$KSRC_PKG is not installed"
	# The debug kernels keep the hash of the files they are made of (so a
	# cache stays valid); the bench variant hashes its filtered fragment.
	if [ -z "$RPMSG_RPC_KVARIANT" ]; then
		# shellcheck disable=SC2046,SC2002 # (one hash over all the files)
		hash=$(cat $(kernel_config_files) $(kernel_patches) | sha256sum | cut -c1-12)
	else
		# shellcheck disable=SC2046
		hash=$({ kernel_fragment; cat $(kernel_patches); } | sha256sum | cut -c1-12)
	fi
	[ "$RPMSG_RPC_ARCH" = x86_64 ] || arch=$RPMSG_RPC_ARCH-
	printf '%s/kbuild-%s%s-%s\n' "$RPMSG_RPC_CACHE" "$arch" "$ver" "$hash"
}

# Build what the guest runs against the test kernel tree $1 (tests/vm/run
# does it before each boot unless --no-prepare).
vm_prepare() {
	if [ "$RPMSG_RPC_ARCH" = arm64 ]; then
		"$VM_DIR/arm64/prepare" "$1"
	else
		make -s -C "$TOP_DIR" vm-prepare KDIR="$1"
	fi
}
