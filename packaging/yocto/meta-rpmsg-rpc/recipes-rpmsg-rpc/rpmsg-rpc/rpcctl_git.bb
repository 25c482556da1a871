# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "rpcctl: talk to RPMsg remote processors from the shell"
SECTION = "console/utils"
# rpcctl is GPL; it links librpc statically (LGPL, with the BSD codec).
LICENSE = "GPL-2.0-or-later & LGPL-2.1-or-later & BSD-3-Clause"
LIC_FILES_CHKSUM = "file://tools/rpcctl.c;beginline=1;endline=1;md5=7226e442a172bcf25807246d7ef1eba1 \
                    file://lib/call.c;beginline=1;endline=1;md5=4a6cc3864589d837815a2dc3aac98b2c \
                    file://lib/codec.c;beginline=1;endline=1;md5=6219cd68a348aa125c1b7ad0b7d8a8ee"

require rpmsg-rpc-source.inc

DEPENDS = "udev"

inherit pkgconfig bash-completion

do_compile() {
	oe_runmake -C tools ${RPMSG_RPC_DIRS}
}

# The completion goes to ${PN}-bash-completion (bash-completion.bbclass).
do_install() {
	oe_runmake -C tools ${RPMSG_RPC_DIRS} DESTDIR=${D} \
		COMPLETIONSDIR=${datadir}/bash-completion/completions install
}
