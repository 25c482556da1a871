// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Port of the demo firmware onto one connected SOCK_SEQPACKET socket, for
 * host tests without the simulator or a VM: each message on the socket is
 * one rpmsg message between the firmware's endpoint and one Linux address
 * (--peer-addr), so librpc (or a test speaking the wire format) can talk to
 * the very application code the demo runs (firmware/app.c + lib/codec.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Usage: demo-firmware-host --fd N [--peer-addr A] [--quiet]
 *   --fd N         the connected socket (inherited)
 *   --peer-addr A  the Linux address messages come from (default: the
 *                  channel's declared peer, ALP_IPC_..._DST_EPT)
 * Messages the firmware sends to another address are dropped (there is only
 * one peer here). Exits when the peer hangs up.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <alp/system_ipc.h>

#include "ept.h"
#include "port_common.h"

static int sock = -1;
static uint32_t peer_addr = ALP_IPC_ALP_DEFAULT_RPMSG_DST_EPT;
static struct fw_ept *the_ept;

int fw_ept_create(struct fw_ept *ept, const char *name, uint32_t addr, fw_ept_cb cb, void *priv)
{
	snprintf(ept->name, sizeof(ept->name), "%s", name);
	ept->addr = addr;
	ept->cb = cb;
	ept->priv = priv;
	the_ept = ept;
	return 0;
}

int fw_sendto(struct fw_ept *ept, const void *data, size_t len, uint32_t dst)
{
	(void)ept;
	if (dst != peer_addr)
		return 0;
	/* Blocking: the socket's buffer is this link's backpressure, as vring buffers are. */
	return send(sock, data, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fd") && i + 1 < argc)
			sock = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--peer-addr") && i + 1 < argc)
			peer_addr = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--quiet"))
			port_log_quiet = true;
		else
			sock = -1, i = argc;
	}
	if (sock < 0) {
		fprintf(stderr, "usage: %s --fd N [--peer-addr A] [--quiet]\n", argv[0]);
		return 1;
	}
	port_log_prefix = "[host firmware] ";
	port_log_stderr = true;
	port_boot_ms = port_mono_ms();
	app_boot();
	for (;;) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, APP_TICK_MS) < 0 && errno != EINTR)
			return 2;
		if (pfd.revents & POLLIN) {
			n = recv(sock, buf, sizeof(buf), 0);
			if (n == 0)
				return 0;	/* the peer hung up */
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				return 2;
			if (n > 0 && the_ept)
				the_ept->cb(the_ept, buf, (size_t)n, peer_addr, the_ept->priv);
		} else if (pfd.revents & (POLLHUP | POLLERR)) {
			return 0;
		}
		app_tick();
	}
}
