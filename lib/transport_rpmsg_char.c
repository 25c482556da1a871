// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Upstream rpmsg_char backend: /dev/rpmsgN endpoint nodes (one message per
 * read/write), created through /dev/rpmsg_ctrlN (RPMSG_CREATE_EPT_IOCTL)
 * when no endpoint with our name and addresses exists yet.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * A remote restart removes the endpoint node (reads fail, poll reports
 * POLLHUP): the channel goes down, and connect() runs again on every udev
 * "rpmsg" event until the endpoint is back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/rpmsg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

struct rchar_priv {
	char ept[PATH_MAX];	/* explicit /dev/rpmsgN, or "" */
	char ctrl[PATH_MAX];	/* explicit /dev/rpmsg_ctrlN, or "" */
	bool created;		/* we asked the ctrl node for the endpoint */
};

static int open_ept(struct rpc_transport *t, const char *node)
{
	int rc = rpc_check_chardev(node, "rpmsg"), fd;

	if (rc == -ENOENT)
		return -EAGAIN;
	if (rc == -ENOTTY || rc == -ENODEV)
		return -EINVAL;	/* exists, but is not an rpmsg char device */
	if (rc)
		return rc;
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENODEV || errno == ENXIO ? -EAGAIN : -errno;
	t->fd = fd;
	t->mtu = ALP_RPC_WIRE_MTU_DEFAULT;
	return 0;
}

static int create_ept(struct rpc_transport *t, struct rchar_priv *r)
{
	struct rpmsg_endpoint_info info = { .src = t->src, .dst = t->dst };
	char ctrl[PATH_MAX];
	int fd, rc = 0;

	if (r->ctrl[0])
		rpc_strlcpy(ctrl, r->ctrl, sizeof(ctrl));
	else if (rpc_find_node_by_prefix("rpmsg", "rpmsg_ctrl", NULL, NULL, ctrl, sizeof(ctrl)))
		return -EAGAIN;
	rc = rpc_check_chardev(ctrl, "rpmsg");
	if (rc)
		return rc == -ENOENT ? -EAGAIN : rc;
	fd = open(ctrl, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENODEV ? -EAGAIN : -errno;
	rpc_strlcpy(info.name, t->name, sizeof(info.name));
	if (ioctl(fd, RPMSG_CREATE_EPT_IOCTL, &info) < 0)
		rc = -errno;
	close(fd);
	if (rc == 0)
		r->created = true;
	return rc;
}

static int rchar_connect(struct rpc_transport *t)
{
	struct rchar_priv *r = t->priv;
	char node[PATH_MAX];
	int rc;

	if (r->ept[0])
		return open_ept(t, r->ept);
	if (rpc_find_rpmsg_ept(t->name, t->src, t->dst, node, sizeof(node)) == 0)
		return open_ept(t, node);
	if (r->created)
		return -EAGAIN;	/* asked for it: wait for udev to announce it */
	rc = create_ept(t, r);
	if (rc)
		return rc;
	/* The node may have been announced before we looked. */
	if (rpc_find_rpmsg_ept(t->name, t->src, t->dst, node, sizeof(node)) == 0)
		return open_ept(t, node);
	return -EAGAIN;
}

static void rchar_disconnect(struct rpc_transport *t)
{
	struct rchar_priv *r = t->priv;

	rpc_transport_close_fd(t);
	r->created = false;	/* the remote restarted: ask again */
}

static void rchar_destroy(struct rpc_transport *t)
{
	struct rchar_priv *r = t->priv;

	/* Give back an endpoint we created, as rpmsg_char expects. */
	if (t->fd >= 0 && r->created)
		ioctl(t->fd, RPMSG_DESTROY_EPT_IOCTL);
}

static const struct rpc_transport_ops rchar_ops = {
	.name = "rpmsg_char",
	.connect = rchar_connect,
	.disconnect = rchar_disconnect,
	.watch_fd = rpc_transport_udev_fd,
	.watch_drain = rpc_transport_udev_drain,
	.destroy = rchar_destroy,
};

int rpc_transport_rpmsg_char_new(struct rpc_transport **out, const char *node,
				  const char *name, uint32_t src, uint32_t dst)
{
	struct rpc_transport *t = rpc_transport_alloc(&rchar_ops, sizeof(struct rchar_priv));
	struct rchar_priv *r;

	if (!t)
		return -ENOMEM;
	r = t->priv;
	rpc_transport_set_ident(t, name, src, dst, "rpmsg");
	if (node && !strncmp(node, "/dev/rpmsg_ctrl", 15))
		rpc_strlcpy(r->ctrl, node, sizeof(r->ctrl));
	else if (node)
		rpc_strlcpy(r->ept, node, sizeof(r->ept));
	*out = t;
	return 0;
}
