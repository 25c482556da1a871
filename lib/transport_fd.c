// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The plain-fd backend (alp_rpc_open_fd): an already connected message fd,
 * no reconnection.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The plain-fd backend keeps the fd it was given in priv until first connect. */
static int fd_connect(struct rpc_transport *t)
{
	intptr_t fd = (intptr_t)t->priv;

	if (fd < 0)
		return -ENOTSUP;	/* no way back once the peer hung up */
	t->fd = (int)fd;
	t->priv = (void *)(intptr_t)-1;
	return 0;
}

static int no_watch_fd(struct rpc_transport *t)
{
	(void)t;
	return -1;
}

static void no_watch_drain(struct rpc_transport *t)
{
	(void)t;
}

static void fd_destroy(struct rpc_transport *t)
{
	intptr_t fd = (intptr_t)t->priv;

	if (fd >= 0)
		close((int)fd);
	t->priv = NULL;
}

static const struct rpc_transport_ops fd_ops = {
	.name = "fd",
	.connect = fd_connect,
	.disconnect = rpc_transport_close_fd,
	.watch_fd = no_watch_fd,
	.watch_drain = no_watch_drain,
	.destroy = fd_destroy,
};

/*
 * Only fds that keep message boundaries: a SOCK_SEQPACKET or SOCK_DGRAM
 * socket, or a character device (an rpmsg node). A regular file, a pipe or
 * a stream socket would run frames together.
 */
static int check_message_fd(int fd)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof(type);

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISCHR(st.st_mode))
		return 0;
	/* an anonymous endpoint fd (RPMSG_RPC_CREATE_EPT_FD) has no file type */
	if ((st.st_mode & S_IFMT) == 0 && rpc_rpmsg_rpc_is_endpoint(fd))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return -EINVAL;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -errno;
	return type == SOCK_SEQPACKET || type == SOCK_DGRAM ? 0 : -EINVAL;
}

int rpc_transport_fd_new(struct rpc_transport **out, int fd)
{
	struct rpc_transport *t;
	int rc = check_message_fd(fd);

	if (rc)
		return rc;
	t = rpc_transport_alloc(&fd_ops, 0);
	if (!t)
		return -ENOMEM;
	t->priv = (void *)(intptr_t)fd;
	t->is_socket = rpc_fd_is_socket(fd);
	*out = t;
	return 0;
}
