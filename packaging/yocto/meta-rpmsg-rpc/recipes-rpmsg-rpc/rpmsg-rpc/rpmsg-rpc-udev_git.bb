# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "udev rules giving /dev/rpmsg_rpc* to a group"
SECTION = "base"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://tools/udev/60-rpmsg-rpc.rules.in;beginline=1;endline=1;md5=829e563511c9a1d6d41f17a7a4989d6a"

require rpmsg-rpc-source.inc

# Who may open the nodes: the endpoints (MODE) and the control node
# (CTRL_MODE; a world-writable one is refused by the Makefile).
RPMSG_RPC_GROUP ?= "rpmsg"
RPMSG_RPC_MODE ?= "0660"
RPMSG_RPC_CTRL_MODE ?= "0660"

inherit useradd allarch

USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system ${RPMSG_RPC_GROUP}"

RPMSG_RPC_UDEV = "GROUP=${RPMSG_RPC_GROUP} MODE=${RPMSG_RPC_MODE} \
    CTRL_MODE=${RPMSG_RPC_CTRL_MODE} UDEVRULESDIR=${nonarch_base_libdir}/udev/rules.d"

do_compile() {
	oe_runmake -C tools/udev ${RPMSG_RPC_UDEV}
}

do_install() {
	oe_runmake -C tools/udev ${RPMSG_RPC_UDEV} DESTDIR=${D} install
}

FILES:${PN} = "${nonarch_base_libdir}/udev/rules.d"
RDEPENDS:${PN} = "udev"
