// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening a CHANNEL given on the command line: unix: addresses, node
 * paths, and names a remote announced (waited for through librpc's device
 * level, so that a typo fails fast instead of waiting for ever).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <alp/rpc_codec.h>
#include <alp/rpc_device.h>
#include <alp/rpc_ext.h>

#include "tools-channel.h"
#include "tools-clock.h"
#include "tools-messages.h"

struct alp_rpc_dev *tools_dev(void)
{
	static alp_rpc_dev_t *dev;

	if (!dev) {
		dev = alp_rpc_dev_open(NULL);
		if (!dev)
			die_status(alp_last_error(), "cannot look at the remotes");
	}
	return dev;
}

static bool announced_anywhere(const char *name)
{
	alp_rpc_dev_list_t *l = alp_rpc_dev_list_open(tools_dev());
	bool found = false;

	for (size_t r = 0; r < alp_rpc_dev_list_count(l) && !found; r++) {
		alp_rpc_dev_remote_t rem = { .size = sizeof(rem) };

		alp_rpc_dev_list_remote(l, r, &rem);
		for (uint32_t i = 0; i < rem.n_channels && !found; i++) {
			alp_rpc_dev_channel_t c = { .size = sizeof(c) };

			alp_rpc_dev_list_channel(l, r, i, &c);
			found = !strcmp(c.name, name);
		}
	}
	alp_rpc_dev_list_close(l);
	return found;
}

/*
 * Wait until a remote has announced name: look again whenever a remote,
 * channel or endpoint comes or goes, and at least every 250 ms in case an
 * event raced with the look.
 */
static bool wait_announced(const char *name, uint32_t ms)
{
	alp_rpc_dev_monitor_t *mon = alp_rpc_dev_monitor_open(tools_dev());
	uint64_t deadline = deadline_in(ms);
	bool found;

	while (!(found = announced_anywhere(name))) {
		alp_rpc_dev_event_t ev = { .size = sizeof(ev) };
		uint64_t now = now_ns();
		uint32_t left;

		if (now >= deadline)
			break;
		left = (uint32_t)((deadline - now + 999999) / 1000000);
		if (left > 250)
			left = 250;
		if (mon)
			while (alp_rpc_dev_monitor_read(mon, &ev, left) == ALP_OK)
				left = 0;	/* drain what came, then look */
		else
			usleep(left * 1000u);
	}
	alp_rpc_dev_monitor_close(mon);
	return found;
}

/* Whether path is one of our driver's endpoint nodes; its name into name. */
static bool is_ept_node(const char *path, char *name, size_t cap)
{
	alp_rpc_dev_endpoint_t ep = { .size = sizeof(ep) };

	if (alp_rpc_dev_node_endpoint(tools_dev(), path, &ep) ||
	    ep.backend != ALP_RPC_DEV_BACKEND_RPMSG_RPC)
		return false;
	snprintf(name, cap, "%s", ep.name);
	return true;
}

bool chan_no_reconnect;

int ept_node_open(const char *channel)
{
	char name[ALP_RPC_DEV_NAME_MAX];
	int fd;

	if (channel[0] != '/' || !is_ept_node(channel, name, sizeof(name)))
		return -1;
	fd = open(channel, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_errno(errno == ENOENT || errno == ENODEV ? EXIT_NOCHANNEL : EXIT_FAIL, errno,
			  "cannot open %s", channel);
	return fd;
}

static alp_rpc_channel_t *open_ept_node(const char *path, const char *name,
					const struct chan_opts *o)
{
	alp_rpc_config_t cfg = { .framing = o->framing,
				 .flags = o->paused ? ALP_RPC_OPEN_PAUSED : 0 };
	alp_rpc_channel_t *ch;
	int fd;

	/* librpc opens endpoints through a control node; a node that exists
	 * already is used through its fd (no reconnection: it dies with the
	 * remote). */
	cfg.name = o->name ? o->name : alp_rpc_method_len(name) > 0 ? name : "rpcctl";
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_errno(errno == ENOENT || errno == ENODEV ? EXIT_NOCHANNEL : EXIT_FAIL, errno,
			  "cannot open %s", path);
	ch = alp_rpc_open_fd(&cfg, fd);
	chan_no_reconnect = true;
	if (!ch)
		die_status(alp_last_error(), "cannot use %s", path);
	return ch;
}

alp_rpc_channel_t *chan_open(const char *channel, const struct chan_opts *o, bool server)
{
	alp_rpc_config_t cfg = {
		.name = o->name ? o->name : "rpcctl",
		.src_ept = o->src,
		.dst_ept = o->dst,
		.framing = o->framing,
		.open_timeout_ms = o->wait_ms ? o->wait_ms : 1,
		.flags = o->paused ? ALP_RPC_OPEN_PAUSED : 0,
	};
	char node[PATH_MAX + 16], name[ALP_RPC_DEV_NAME_MAX];
	alp_rpc_channel_t *ch;
	alp_status_t st;

	if (!strncmp(channel, "unix:", 5)) {
		snprintf(node, sizeof(node), "%s%s", server ? "unix-listen:" : "unix:", channel + 5);
		cfg.node = node;
	} else if (!strncmp(channel, "unix-listen:", 12) || !strncmp(channel, "rpmsg_rpc:", 10) ||
		   !strncmp(channel, "rpmsg_char:", 11)) {
		cfg.node = channel;
	} else if (channel[0] == '/') {
		if (access(channel, F_OK) < 0)
			die_errno(EXIT_NOCHANNEL, errno, "%s", channel);
		if (is_ept_node(channel, name, sizeof(name)))
			return open_ept_node(channel, name, o);
		if (!o->name && !o->dst && strstr(channel, "ctrl"))
			die_usage("%s is a control node: give the channel's name with --name "
				  "(or its address with --dst)", channel);
		cfg.node = channel;
	} else {
		if (alp_rpc_method_len(channel) < 0)
			die_usage("'%s' is not a channel name, a node path or a unix: address",
				  channel);
		cfg.name = channel;
		if ((alp_rpc_dev_backends(tools_dev()) & (1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC)) &&
		    !o->dst && !wait_announced(channel, o->wait_ms))
			die(EXIT_NOCHANNEL, "no remote has announced a channel named '%s' "
			    "(waited %u ms; 'rpcctl list' shows the announced channels)",
			    channel, o->wait_ms);
	}
	ch = alp_rpc_open(&cfg);
	if (ch)
		return ch;
	st = alp_last_error();
	if (st == ALP_ERR_NOT_READY)
		die(EXIT_NOCHANNEL, "%s: did not appear within %u ms", channel, o->wait_ms);
	if (st == ALP_ERR_INVAL)
		die(EXIT_USAGE, "%s: not usable as a channel (not an rpmsg node of the right "
		    "kind, or a bad address)", channel);
	die_status(st, "cannot open %s", channel);
}
