# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
# The library's sources, shared by lib/Makefile and the test builds.
LIBRPC_SRCS := codec.c frag.c error.c util.c lock.c channel.c poll.c reader.c subscribe.c send.c stats.c \
	call.c server.c discovery.c transport.c transport_fd.c transport_unix.c \
	transport_rpmsg_char.c transport_rpmsg_rpc.c device.c device_sysfs.c device_ept.c \
	device_monitor.c
