# SPDX-License-Identifier: GPL-2.0-or-later
#
# rpmsg-rpc: top-level build. Each part builds in its own directory; this
# file only ties them together. `make help` lists the targets.

# Where the VM test bed keeps the test kernel (outside the checkout).
export RPMSG_RPC_CACHE ?= /var/cache/rpmsg-rpc

.PHONY: all lib install help deps test test-host test-vm vm-prepare kernel-tree clean

all: lib

lib:
	$(MAKE) -C lib

install: lib
	$(MAKE) -C lib install

help:
	@echo 'Targets:'
	@echo '  test        install what is missing, run every suite (host + VM)'
	@echo '  test-host   host-only suites'
	@echo '  test-vm     build the test kernel (cached) and run the VM suites'
	@echo '  kernel-tree build or reuse the test kernel; prints its directory'
	@echo '  deps        install missing Debian packages (tests/packages.txt)'
	@echo '  clean       remove build products from the checkout'

deps:
	@tests/install-deps

test: deps
	$(MAKE) test-host
	$(MAKE) test-vm

test-host:
	$(MAKE) -C tests/unit test

test-vm:
	tests/vm/run-all

kernel-tree:
	@tests/vm/build-kernel

# Everything the guest runs, built against the test kernel tree $(KDIR).
# Called by tests/vm/run before it boots the guest.
vm-prepare:
	@test -n "$(KDIR)" || { echo 'vm-prepare: KDIR= is required' >&2; exit 1; }
	$(MAKE) -C tests/sim KDIR=$(KDIR)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/vm/selftest W=1 modules
	$(MAKE) -C kernel KDIR=$(KDIR) W=1
	$(MAKE) -C tests/kselftest KDIR=$(KDIR)
	$(MAKE) -C tests/bench/driver
	$(MAKE) -C tests/unit e2e
	tests/kselftest/dkms-check $(KDIR)

clean:
	$(MAKE) -C tests/sim clean
	rm -f tests/vm/selftest/*.ko tests/vm/selftest/*.o tests/vm/selftest/*.mod*
	rm -rf build
