# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "rpmsg_rpc: RPMsg endpoints as character devices, with batching"
SECTION = "kernel/modules"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://kernel/main.c;beginline=1;endline=1;md5=fcab174c20ea2e2bc0be64b493708266"

require rpmsg-rpc-source.inc

inherit module

# module.bbclass runs make in ${B} (= ${S}); the module's Makefile is in
# kernel/ and takes KERNEL_SRC= and modules_install MODLIB= from it.
EXTRA_OEMAKE += "-C ${S}/kernel"
MODULES_MODULE_SYMVERS_LOCATION = "kernel"

# The package is kernel-module-rpmsg-rpc (kernel-module-split.bbclass).
RPROVIDES:${PN} += "kernel-module-rpmsg-rpc"

# Set RPMSG_RPC_AUTOLOAD = "1" (local.conf) to load it at boot. The kernel
# needs CONFIG_RPMSG (and a transport, e.g. CONFIG_RPMSG_VIRTIO).
RPMSG_RPC_AUTOLOAD ??= "0"
KERNEL_MODULE_AUTOLOAD += "${@'rpmsg_rpc' if d.getVar('RPMSG_RPC_AUTOLOAD') == '1' else ''}"
