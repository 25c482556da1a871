# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "librpc: framed RPC over RPMsg (Linux side of rpmsg-rpc)"
DESCRIPTION = "<alp/rpc.h>: calls, events and streams to a remote processor \
over the rpmsg_rpc driver, upstream rpmsg_char or a UNIX socket."
SECTION = "libs"
LICENSE = "LGPL-2.1-or-later & BSD-3-Clause"
LIC_FILES_CHKSUM = "file://lib/call.c;beginline=1;endline=1;md5=4a6cc3864589d837815a2dc3aac98b2c \
                    file://lib/codec.c;beginline=1;endline=1;md5=6219cd68a348aa125c1b7ad0b7d8a8ee"

require rpmsg-rpc-source.inc

DEPENDS = "udev"
# ptest: the library's Check suite (tests/unit), run on the target.
DEPENDS:append = " ${@bb.utils.contains('PTEST_ENABLED', '1', 'libcheck', '', d)}"
SRC_URI += "file://run-ptest"

inherit pkgconfig ptest

do_compile() {
	oe_runmake -C lib ${RPMSG_RPC_DIRS}
}

do_install() {
	oe_runmake -C lib ${RPMSG_RPC_DIRS} DESTDIR=${D} install
}

# The suite reads docs/wire-format.md (the test vectors) at run time.
do_compile_ptest() {
	oe_runmake -C tests/unit build/check_rpc WIRE_DOC=${PTEST_PATH}/wire-format.md
}

do_install_ptest() {
	install -m 0755 ${S}/tests/unit/build/check_rpc ${D}${PTEST_PATH}/check_rpc
	install -m 0644 ${S}/docs/wire-format.md ${D}${PTEST_PATH}/wire-format.md
}

# librpc.so.1* in ${PN}; headers, librpc.so and librpc.pc in ${PN}-dev;
# librpc.a in ${PN}-staticdev: oe-core's default FILES split does it.
