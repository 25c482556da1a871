# SPDX-License-Identifier: GPL-2.0-or-later
#
# rpmsg-rpc: top-level build. Each part builds in its own directory; this
# file only ties them together. `make help` lists the targets.

# Where the VM test bed keeps the test kernel (outside the checkout).
export RPMSG_RPC_CACHE ?= /var/cache/rpmsg-rpc

.PHONY: all lib tools python demo install help deps test test-host test-vm test-vm-6.12 test-vm-arm64 \
	check-firmware-codec check-kernel check-cross check-deb check-yocto vm-prepare kernel-tree test-fuzz soak bench clean

all: lib tools python

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools

# The Python binding (bindings/python, docs/python.md).
python: lib
	$(MAKE) -C bindings/python

# The main job: boot the test kernel with a simulated remote and show the
# whole stack working (installs what is missing, builds what is not cached).
demo:
	demo/run

install: lib tools python
	$(MAKE) -C lib install
	$(MAKE) -C tools install
	$(MAKE) -C tools/udev install
	$(MAKE) -C bindings/python install

help:
	@echo 'Targets:'
	@echo '  demo        set everything up and show the system working (QEMU, simulated remote)'
	@echo '  test        install what is missing, run every suite (host + VM)'
	@echo '  tools       build rpcctl (tools/rpcctl)'
	@echo '  python      build the Python binding alp_rpc (bindings/python)'
	@echo '  install     install librpc, rpcctl, udev rules, alp_rpc (DESTDIR=, PREFIX=)'
	@echo '  test-host   host-only suites'
	@echo '  test-vm     build the test kernel (cached) and run the VM suites'
	@echo '  test-vm-6.12 the same on a 6.12 test kernel'
	@echo '  test-vm-arm64 the same on arm64 (TCG), and with 32-bit armhf user space'
	@echo '  check-firmware-codec the frame codec built for Cortex-M4/M33 (arm-none-eabi), only memcpy/memset undefined'
	@echo '  check-kernel checkpatch + compile checks against Debian 6.1/6.12 headers'
	@echo '  check-cross cross-build everything for arm64 as the recipes do, inspect the ELFs'
	@echo '  check-deb   build the Debian packages, lintian, install them in a chroot (DKMS builds the module)'
	@echo '  check-yocto parse the Yocto layer with BitBake (RPMSG_RPC_YOCTO_SCARTHGAP=, _WRYNOSE=)'
	@echo '  test-fuzz   only the driver syscall fuzzer's boot (about 60 s; also in test-vm)'
	@echo '  soak        remote crash/restart soak + long fuzz run in the VM, both kernels (not in test)'
	@echo '  bench       driver benchmark on a test kernel without debug options (not in test)'
	@echo '  kernel-tree build or reuse the test kernel; prints its directory'
	@echo '  deps        install missing Debian packages (tests/packages.txt)'
	@echo '  clean       remove build products from the checkout'

deps:
	@tests/install-deps

# On a fresh machine the test kernels, the arm64 root and the Debian chroot
# are built in the background on the CPU the phases leave idle (nice 19,
# its autogroup too: tests/prebuild-caches says why); with the caches full
# that is a no-op.
test: deps
	tests/prebuild-caches start $$PPID
	$(MAKE) test-host
	$(MAKE) check-firmware-codec
	$(MAKE) test-vm
	$(MAKE) test-vm-6.12
	$(MAKE) test-vm-arm64
	$(MAKE) check-kernel
	$(MAKE) check-cross
	$(MAKE) check-deb
	$(MAKE) check-yocto

test-host:
	$(MAKE) -C tests/unit test
	$(MAKE) -C tests/tools test
	$(MAKE) -C bindings/python test

test-vm:
	tests/vm/run-all

# The same VM runs on Debian's 6.12 kernel (the newest the driver supports):
# the driver, the simulator and upstream's stack at runtime, not only
# compiled. Logs in build/k6.12/.
test-vm-6.12:
	RPMSG_RPC_KERNEL=6.12 tests/vm/run-all

# The VM runs on an arm64 guest (qemu-system-aarch64, TCG): the test kernel
# cross-built, a Debian arm64 root, every program cross-built for arm64 and
# again for armhf, 32-bit user space on the 64-bit kernel (tests/vm/arm64/,
# docs/design.md). Logs in build/arm64/.
test-vm-arm64:
	RPMSG_RPC_ARCH=arm64 tests/vm/run-all

kernel-tree:
	@tests/vm/build-kernel

# Not in make test: SOAK_CYCLES remote crash/restart cycles (default 1000)
# with everything in flight, then SOAK_FUZZ_SECONDS (600) of rpcfuzz, on
# each series of SOAK_KERNELS. Figures in build/[k<series>/]vm-soak/.
SOAK_KERNELS ?= 6.1 6.12
# The driver syscall fuzzer's bounded run (about 60 s), in a boot of its own;
# test-vm and test-vm-6.12 run it too (tests/vm/run-all). This target runs
# only that boot. Logs in build/[k<series>/]vm-fuzz.
test-fuzz: deps
	tests/vm/run --suites-dir tests/vm/fuzz --out build/$(if $(RPMSG_RPC_KERNEL),k$(RPMSG_RPC_KERNEL)/)vm-fuzz

soak: deps
	@rc=0; for k in $(SOAK_KERNELS); do \
		RPMSG_RPC_KERNEL=$$k tests/vm/soak/run || rc=1; done; exit $$rc

# Not in make test: the driver benchmark on the test kernel built without
# KASAN/lockdep/kmemleak/UBSAN/fault injection (tests/vm/kernel-bench.config,
# cached separately). `make bench BENCH_KERNEL=debug` runs it on the debug
# test kernel instead, for comparison (docs/benchmarks.md).
# Also librpc against the raw exchange it wraps (host, socketpair):
# instructions per round trip (callgrind) and wall-clock ratios.
bench: deps
	$(MAKE) -C tests/unit bench
	$(MAKE) -C bindings/python bench
	tests/vm/bench/run

# The firmware half: lib/codec.c as firmware builds it, for Cortex-M4 and
# Cortex-M33 (docs/firmware-codec.md, with the sizes this prints).
check-firmware-codec:
	$(MAKE) -C lib check-cortex-m

# Kernel code style and portability: checkpatch on the driver and the test
# modules (checkpatch comes from the test kernel's source, unpacked by
# kernel-tree), and W=1 compile checks against Debian's 6.1 and 6.12 headers.
CHECKPATCH = $(firstword $(wildcard $(RPMSG_RPC_CACHE)/src-*/scripts/checkpatch.pl))
check-kernel: kernel-tree
	tests/install-compile-headers
	$(MAKE) -C kernel style compile-check
	$(CHECKPATCH) --no-tree --quiet -f tests/sim/sim_*.c tests/sim/sim_internal.h \
		tests/vm/selftest/kasan_uaf.c

# Packaging (docs/packaging.md): the arm64 cross build as the Yocto recipes
# and debian/rules call the Makefiles, with readelf checks of the results.
check-cross:
	tests/packaging/check-cross

# The Debian packages from packaging/debian, installed with apt into a
# Debian chroot whose kernel is the test kernel (needs its tree for
# the DKMS build, hence after test-vm in `make test`).
check-deb:
	tests/packaging/check-deb

# The Yocto layer with the real BitBake; skipped (and says why) unless
# RPMSG_RPC_YOCTO_SCARTHGAP / RPMSG_RPC_YOCTO_WRYNOSE name the checkouts.
check-yocto:
	tests/packaging/check-yocto

# Everything the guest runs, built against the test kernel tree $(KDIR).
# Called by tests/vm/run before it boots the guest.
# The Python binding is built by the host's interpreter for the host's own
# architecture: only when CC is a native compiler (the arm64 test bed
# cross-builds it in tests/vm/arm64/prepare).
PY_NATIVE = $(shell [ "$$($(or $(CC),cc) -dumpmachine)" = "$$(cc -dumpmachine)" ] && echo yes)
vm-prepare:
	@test -n "$(KDIR)" || { echo 'vm-prepare: KDIR= is required' >&2; exit 1; }
	$(MAKE) -C tests/sim KDIR=$(KDIR)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/vm/selftest W=1 modules
	$(MAKE) -C kernel KDIR=$(KDIR) W=1
	$(MAKE) -C tests/kselftest KDIR=$(KDIR)
	$(MAKE) -C tests/bench/driver
	$(MAKE) -C tests/fuzz/vm
	$(MAKE) -C tests/unit e2e
	$(MAKE) -C tools
	$(MAKE) -C demo
	$(MAKE) -C tests/tools guest
	$(if $(PY_NATIVE),$(MAKE) -C bindings/python all peer,@echo 'vm-prepare: no Python binding for a cross build here (tests/vm/arm64/prepare builds it for arm64)')
	tests/kselftest/dkms-check $(KDIR)

clean:
	$(MAKE) -C tests/sim clean
	$(MAKE) -C tools clean
	$(MAKE) -C demo clean
	$(MAKE) -C tests/kselftest clean
	$(MAKE) -C tests/bench/driver clean
	$(MAKE) -C tests/fuzz/vm clean
	$(MAKE) -C tools/udev clean
	$(MAKE) -C bindings/python clean
	rm -f tests/tools/sim-call
	rm -f tests/vm/selftest/*.ko tests/vm/selftest/*.o tests/vm/selftest/*.mod*
	rm -rf build
