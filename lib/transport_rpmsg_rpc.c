// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Backend for our own driver (kernel/, ABI in include/uapi/linux/rpmsg_rpc.h,
 * docs/ioctl.md): RPMSG_RPC_CREATE_EPT_FD on /dev/rpmsg_rpc_ctrlN returns
 * the endpoint fd directly, so there is no node to wait for; the ctrl node
 * is what disappears and comes back with the remote.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * An explicit endpoint node (/dev/rpmsg_rpcN or its udev link) is used as
 * is: the endpoint exists already, made by `rpcctl create` or the like.
 *
 * cfg.dst_ept == 0 binds by name (RPMSG_RPC_EPT_F_BIND_BY_NAME): the peer
 * address comes from the remote's name-service announcement, which is how
 * firmware addresses are learnt on Linux; an explicit dst_ept is used as is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#if __has_include(<linux/rpmsg_rpc.h>)
#include <linux/rpmsg_rpc.h>

/* The driver's own device class (docs/ioctl.md), not upstream's "rpmsg". */
#define RRPC_CLASS "rpmsg_rpc"

struct rrpc_priv {
	char ctrl[PATH_MAX];	/* explicit ctrl node, or "" to discover */
	bool bind_by_name;
};

/*
 * Whether the remote behind this control node announced a channel called
 * name: with several remotes, discovery by name picks the one that serves
 * it (and falls back to the first control node, where a bind-by-name
 * endpoint waits for the announcement).
 */
static bool announces(const char *ctrl, void *name)
{
	struct rpmsg_rpc_channel chans[64];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.count = 64,
		.entry_size = sizeof(chans[0]),
		.entries = (uintptr_t)chans,
	};
	bool found = false;
	int fd = open(ctrl, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (ioctl(fd, RPMSG_RPC_LIST_CHANNELS, &l) == 0) {
		for (uint32_t i = 0; !found && i < l.count && i < 64; i++) {
			chans[i].name[sizeof(chans[i].name) - 1] = 0;
			found = !strcmp(chans[i].name, name);
		}
	}
	close(fd);
	return found;
}

bool rpc_rpmsg_rpc_is_endpoint(int fd)
{
	struct rpmsg_rpc_ept_info info = { .size = sizeof(info) };

	return ioctl(fd, RPMSG_RPC_EPT_INFO, &info) == 0;
}

/*
 * An explicit node may be an endpoint node (/dev/rpmsg_rpcN, or its udev
 * link /dev/rpmsg_rpc/<remote>/<name>) rather than a control node: then the
 * endpoint already exists and its node is the channel's fd.
 */
static bool rrpc_use_endpoint_node(struct rpc_transport *t, int fd)
{
	struct rpmsg_rpc_ept_info info = { .size = sizeof(info) };

	if (ioctl(fd, RPMSG_RPC_EPT_INFO, &info) < 0)
		return false;
	t->fd = fd;
	t->mtu = info.mtu == 0 ? ALP_RPC_WIRE_MTU_DEFAULT :
		 info.mtu > RPC_RX_BUF ? RPC_RX_BUF : info.mtu;
	t->addrs_known = true;
	t->bound_src = info.src;
	t->bound_dst = info.dst;
	return true;
}

static int rrpc_connect(struct rpc_transport *t)
{
	struct rrpc_priv *r = t->priv;
	struct rpmsg_rpc_ept_create c = {
		.size = sizeof(c),
		.flags = RPMSG_RPC_EPT_F_CLOEXEC,
		.src = t->src,
		.dst = t->dst,
	};
	char ctrl[PATH_MAX];
	int fd, rc = 0;

	if (r->ctrl[0])
		rpc_strlcpy(ctrl, r->ctrl, sizeof(ctrl));
	else if (rpc_find_node_by_prefix(RRPC_CLASS, "rpmsg_rpc_ctrl", announces, t->name,
					 ctrl, sizeof(ctrl)) &&
		 rpc_find_node_by_prefix(RRPC_CLASS, "rpmsg_rpc_ctrl", NULL, NULL,
					 ctrl, sizeof(ctrl)))
		return -EAGAIN;
	rc = rpc_check_chardev(ctrl, RRPC_CLASS);
	if (rc == -ENOENT)
		return -EAGAIN;
	if (rc == -ENOTTY || rc == -ENODEV)
		return -EINVAL;	/* exists, but is not one of our control nodes */
	if (rc)
		return rc;
	fd = open(ctrl, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENODEV ? -EAGAIN : -errno;
	if (r->ctrl[0] && rrpc_use_endpoint_node(t, fd))
		return 0;
	if (r->bind_by_name) {
		c.flags |= RPMSG_RPC_EPT_F_BIND_BY_NAME;
		c.dst = RPMSG_RPC_ADDR_ANY;
	}
	rpc_strlcpy(c.name, t->name, sizeof(c.name));
	if (ioctl(fd, RPMSG_RPC_CREATE_EPT_FD, &c) < 0)
		rc = errno == ENODEV ? -EAGAIN : -errno;
	close(fd);
	if (rc)
		return rc;
	t->fd = c.fd;
	t->mtu = c.mtu == 0 ? ALP_RPC_WIRE_MTU_DEFAULT : c.mtu > RPC_RX_BUF ? RPC_RX_BUF : c.mtu;
	t->addrs_known = true;
	t->bound_src = c.src;
	t->bound_dst = c.dst;	/* ANY while a bind-by-name waits for the announcement */
	return 0;
}

static const struct rpc_transport_ops rrpc_ops = {
	.name = "rpmsg_rpc",
	.connect = rrpc_connect,
	.disconnect = rpc_transport_close_fd,	/* closing the fd destroys the endpoint */
	.watch_fd = rpc_transport_udev_fd,
	.watch_drain = rpc_transport_udev_drain,
};

int rpc_transport_rpmsg_rpc_new(struct rpc_transport **out, const char *node,
				const char *name, uint32_t src, uint32_t dst, bool bind_by_name)
{
	struct rpc_transport *t;
	struct rrpc_priv *r;

	/* Discovery by name prefers our driver only when it is loaded. */
	if (!node && access("/sys/module/rpmsg_rpc", F_OK) != 0)
		return -ENODEV;
	t = rpc_transport_alloc(&rrpc_ops, sizeof(*r));
	if (!t)
		return -ENOMEM;
	r = t->priv;
	r->bind_by_name = bind_by_name;
	if (node)
		rpc_strlcpy(r->ctrl, node, sizeof(r->ctrl));
	rpc_transport_set_ident(t, name, src, dst, RRPC_CLASS);
	*out = t;
	return 0;
}

#else /* built without the driver's uapi header */

int rpc_transport_rpmsg_rpc_new(struct rpc_transport **out, const char *node,
				const char *name, uint32_t src, uint32_t dst, bool bind_by_name)
{
	(void)out, (void)node, (void)name, (void)src, (void)dst, (void)bind_by_name;
	return -ENOTSUP;
}

#endif
