# SPDX-License-Identifier: GPL-2.0-or-later
SUMMARY = "alp_rpc: librpc for Python (framed RPC over RPMsg)"
DESCRIPTION = "Python 3 binding of librpc: channels (calls, subscriptions, \
server handlers, asyncio) and the device level (remotes, endpoints, events)."
SECTION = "devel/python"
LICENSE = "LGPL-2.1-or-later"
LIC_FILES_CHKSUM = "file://bindings/python/alp_rpc/_core.c;beginline=1;endline=1;md5=4a6cc3864589d837815a2dc3aac98b2c"

require rpmsg-rpc-source.inc

# The extension links -lrpc from the sysroot; its headers are taken from the
# same source tree (bindings/python/setup.py), so both come from one commit.
DEPENDS = "librpc"

inherit setuptools3

SETUPTOOLS_SETUP_PATH = "${S}/bindings/python"

# asyncio for Channel.call_async and Monitor's async iterator.
RDEPENDS:${PN} += "python3-core python3-asyncio"
