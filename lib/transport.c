// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The transport layer: choosing the backend for a node spec, and the
 * plumbing every backend shares (non-blocking message send/recv, connect,
 * udev watching, allocation).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "sys.h"

/*
 * cfg->node (docs/librpc.md, "Opening") picks the backend: NULL discovers by
 * name (our driver when its module is loaded, else upstream rpmsg_char).
 * -EINVAL for a node spec of no known form.
 */
int rpc_transport_new(struct rpc_transport **tp, const alp_rpc_config_t *cfg, uint32_t src,
		      uint32_t dst)
{
	const char *n = cfg->node;
	bool by_name = cfg->dst_ept == 0;

	if (!n)
		return rpc_transport_rpmsg_rpc_new(tp, NULL, cfg->name, src, dst, by_name) == 0 ? 0 :
		       rpc_transport_rpmsg_char_new(tp, NULL, cfg->name, src, dst);
	if (!strncmp(n, "unix:", 5))
		return rpc_transport_unix_new(tp, n + 5, false);
	if (!strncmp(n, "unix-listen:", 12))
		return rpc_transport_unix_new(tp, n + 12, true);
	/* Explicit backend prefixes, for nodes under unusual paths. */
	if (!strncmp(n, "rpmsg_rpc:", 10))
		return rpc_transport_rpmsg_rpc_new(tp, n + 10, cfg->name, src, dst, by_name);
	if (!strncmp(n, "rpmsg_char:", 11))
		return rpc_transport_rpmsg_char_new(tp, n + 11, cfg->name, src, dst);
	if (!strncmp(n, "/dev/rpmsg_rpc", 14))
		return rpc_transport_rpmsg_rpc_new(tp, n, cfg->name, src, dst, by_name);
	if (!strncmp(n, "/dev/", 5))
		return rpc_transport_rpmsg_char_new(tp, n, cfg->name, src, dst);
	return -EINVAL;
}

/*
 * The fd is full (the peer does not read): wait until it takes more, until
 * cancel_fd says stop (-ECANCELED), or until *deadline_ns (0: none yet, set
 * here; nodes only) has passed (-ETIMEDOUT). 0: try again. A node is tried
 * again every RPC_NODE_TX_RETRY_MS at the latest: upstream rpmsg_char over
 * virtio never reports POLLOUT (before Linux 7.0), our driver does.
 */
static int wait_writable(struct rpc_transport *t, int fd, uint64_t *deadline_ns)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLOUT },
			       { .fd = t->cancel_fd, .events = POLLIN } };
	int ms = -1;

	if (!t->is_socket) {
		uint64_t now = rpc_now_ns();

		if (!*deadline_ns)
			*deadline_ns = now + RPC_NODE_TX_TIMEOUT_MS * 1000000ull;
		if (now >= *deadline_ns)
			return -ETIMEDOUT;
		ms = (int)((*deadline_ns - now + 999999) / 1000000);
		if (ms > RPC_NODE_TX_RETRY_MS)
			ms = RPC_NODE_TX_RETRY_MS;
	}
	if (rpc_sys_poll(p, t->cancel_fd >= 0 ? 2 : 1, ms) < 0)
		return errno == EINTR ? 0 : -errno;
	return p[1].revents ? -ECANCELED : 0;	/* else the write says what happened */
}

/*
 * Writes never block inside write(): the fd is non-blocking (sockets:
 * MSG_DONTWAIT; nodes: O_NONBLOCK, set by rpc_transport_connect), and a
 * full fd is waited for with poll() next to cancel_fd, so that close can
 * stop a sender stuck on a peer that does not read. On a node the wait is
 * bounded like the drivers' own blocking write (RPC_NODE_TX_TIMEOUT_MS).
 */
ssize_t rpc_transport_send(struct rpc_transport *t, const void *buf, size_t len)
{
	return rpc_transport_send_fd(t, t->fd, buf, len);
}

ssize_t rpc_transport_send_fd(struct rpc_transport *t, int fd, const void *buf, size_t len)
{
	return rpc_transport_send_fast(t, fd, buf, len);
}

ssize_t rpc_transport_send_again(struct rpc_transport *t, int fd, const void *buf, size_t len)
{
	uint64_t deadline = 0;

	for (;;) {
		ssize_t n;
		int rc;

		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (errno != EINTR && (rc = wait_writable(t, fd, &deadline)) != 0)
			return rc;
		n = rpc_sys_tx(fd, t->is_socket, buf, len);
		if (n >= 0)
			return n;
	}
}

int rpc_transport_connect(struct rpc_transport *t)
{
	int rc = t->ops->connect(t), fl;

	if (rc == 0 && !t->is_socket && (fl = fcntl(t->fd, F_GETFL)) >= 0 && !(fl & O_NONBLOCK))
		fcntl(t->fd, F_SETFL, fl | O_NONBLOCK);
	return rc;
}

/*
 * Our driver refuses a read into a too-short buffer (EMSGSIZE) and keeps the
 * message queued: read it into a buffer of its size to get it out of the way,
 * and report its length so that the caller counts it as oversize.
 */
static ssize_t discard_oversize(struct rpc_transport *t)
{
	int next = 0;
	ssize_t n;
	void *tmp;

	if (ioctl(t->fd, FIONREAD, &next) < 0 || next <= 0)
		return -EMSGSIZE;
	tmp = malloc((size_t)next);
	if (!tmp)
		return -ENOMEM;
	n = read(t->fd, tmp, (size_t)next);
	free(tmp);
	return n < 0 ? -errno : n;
}

ssize_t rpc_transport_recv(struct rpc_transport *t, void *buf, size_t cap)
{
	return rpc_transport_recv_fast(t, buf, cap);
}

ssize_t rpc_transport_recv_msg(struct rpc_transport *t, void *buf, size_t cap)
{
	ssize_t n = rpc_sys_rx(t->fd, t->is_socket, buf, cap);

	return n >= 0 ? n : rpc_transport_recv_again(t, buf, cap);
}

ssize_t rpc_transport_recv_again(struct rpc_transport *t, void *buf, size_t cap)
{
	ssize_t n = -1;

	while (n < 0 && errno == EINTR)
		n = rpc_sys_rx(t->fd, t->is_socket, buf, cap);
	if (n < 0 && errno == EMSGSIZE && !t->is_socket)
		return discard_oversize(t);
	return n < 0 ? -errno : n;
}

void rpc_transport_free(struct rpc_transport *t)
{
	if (!t)
		return;
	if (t->ops->destroy)
		t->ops->destroy(t);
	if (t->fd >= 0)
		close(t->fd);
	rpc_udev_watch_free(t->udev);
	free(t->priv);
	free(t);
}

bool rpc_fd_is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void rpc_transport_close_fd(struct rpc_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

void rpc_transport_set_ident(struct rpc_transport *t, const char *name, uint32_t src,
			     uint32_t dst, const char *subsystem)
{
	rpc_strlcpy(t->name, name, sizeof(t->name));
	t->src = src;
	t->dst = dst;
	/*
	 * Watch before the first look, so that no "add" can slip between.
	 * Without netlink, open still works when the node already exists.
	 */
	if (rpc_udev_watch_new(&t->udev, subsystem))
		t->udev = NULL;
}

int rpc_transport_udev_fd(struct rpc_transport *t)
{
	return rpc_udev_watch_fd(t->udev);
}

void rpc_transport_udev_drain(struct rpc_transport *t)
{
	rpc_udev_watch_drain(t->udev);
}

struct rpc_transport *rpc_transport_alloc(const struct rpc_transport_ops *ops, size_t priv_size)
{
	struct rpc_transport *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (priv_size) {
		t->priv = calloc(1, priv_size);
		if (!t->priv) {
			free(t);
			return NULL;
		}
	}
	t->ops = ops;
	t->fd = -1;
	t->cancel_fd = -1;
	t->mtu = ALP_RPC_WIRE_MTU_DEFAULT;
	return t;
}
