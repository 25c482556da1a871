// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AF_UNIX SOCK_SEQPACKET loopback: both halves of an application on a PC.
 * "unix:PATH" connects, "unix-listen:PATH" accepts one peer at a time,
 * "@NAME" instead of PATH is the abstract namespace.
 *
 * A listener replaces only a stale socket at PATH (one nobody accepts on);
 * a regular file or a live server's socket makes open fail. On close it
 * removes PATH only while it is still the socket file it bound.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Reconnection: a listener waits on its listening socket for the next peer;
 * a path client watches the socket's directory with inotify (a restarted
 * server re-creates the socket file). A socket that exists but refuses
 * (bound and not yet listening, or left behind by a dead server), a
 * directory that does not exist yet and an abstract name (nothing to watch)
 * are retried every UNIX_RETRY_MS instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

#define UNIX_RETRY_MS 100

struct unix_priv {
	struct sockaddr_un addr;
	socklen_t addr_len;
	bool listen;
	bool abstract;
	int listen_fd;
	int inotify_fd;
	bool watching;		/* inotify watches the socket's directory (it exists) */
	/* The socket file this listener bound (removed on destroy only while it is still there). */
	bool bound;
	dev_t bound_dev;
	ino_t bound_ino;
};

/*
 * Watch the socket's directory. It may not exist yet (a server that has not
 * created its runtime directory): then it is looked for again on each retry.
 */
static int watch_dir(struct unix_priv *u)
{
	char dir[sizeof(u->addr.sun_path)];

	rpc_strlcpy(dir, u->addr.sun_path, sizeof(dir));
	if (inotify_add_watch(u->inotify_fd, dirname(dir),
			      IN_CREATE | IN_ATTRIB | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
		return errno == ENOENT ? 0 : -errno;
	u->watching = true;
	return 0;
}

static int unix_connect(struct rpc_transport *t)
{
	struct unix_priv *u = t->priv;
	int fd, rc;

	if (u->listen) {
		fd = accept4(u->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	} else {
		rc = !u->abstract && !u->watching ? watch_dir(u) : 0;
		if (rc)
			return rc;
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&u->addr, u->addr_len) < 0) {
			int err = errno;

			close(fd);
			t->retry_ms = err == ECONNREFUSED || u->abstract || !u->watching ?
				      UNIX_RETRY_MS : 0;
			return err == ENOENT || err == ECONNREFUSED ? -EAGAIN : -err;
		}
		t->retry_ms = 0;
	}
	t->fd = fd;
	return 0;
}

static int unix_watch_fd(struct rpc_transport *t)
{
	struct unix_priv *u = t->priv;

	return u->listen ? u->listen_fd : u->inotify_fd;
}

static void unix_watch_drain(struct rpc_transport *t)
{
	struct unix_priv *u = t->priv;
	char buf[4096];

	if (!u->listen && u->inotify_fd >= 0)
		while (read(u->inotify_fd, buf, sizeof(buf)) > 0)
			;
}

static void unix_destroy(struct rpc_transport *t)
{
	struct unix_priv *u = t->priv;

	struct stat st;

	if (u->listen_fd >= 0)
		close(u->listen_fd);
	/* Only the file we bound: somebody may have replaced it meanwhile. */
	if (u->bound && lstat(u->addr.sun_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == u->bound_dev && st.st_ino == u->bound_ino)
		unlink(u->addr.sun_path);
	if (u->inotify_fd >= 0)
		close(u->inotify_fd);
}

static const struct rpc_transport_ops unix_ops = {
	.name = "unix",
	.connect = unix_connect,
	.disconnect = rpc_transport_close_fd,
	.watch_fd = unix_watch_fd,
	.watch_drain = unix_watch_drain,
	.destroy = unix_destroy,
};

/*
 * Something exists at the listener's path: remove it only if it is a socket
 * nobody listens on (left behind by a server that died). A regular file or
 * anything else is refused (-ENOTSOCK); a live server's socket is never
 * taken over (-EADDRINUSE).
 */
static int remove_stale(struct unix_priv *u)
{
	struct stat st;
	int fd, rc;

	if (lstat(u->addr.sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (struct sockaddr *)&u->addr, u->addr_len) < 0 ? errno : 0;
	close(fd);
	if (rc == ECONNREFUSED)	/* nobody accepts on it */
		return unlink(u->addr.sun_path) < 0 && errno != ENOENT ? -errno : 0;
	/* accepted, or bound by a socket of another type: somebody owns it */
	return rc == ENOENT ? 0 : -EADDRINUSE;
}

static int unix_listen_setup(struct unix_priv *u)
{
	struct stat st;
	int rc;

	u->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (u->listen_fd < 0)
		return -errno;
	if (!u->abstract) {
		rc = remove_stale(u);
		if (rc)
			return rc;
	}
	if (bind(u->listen_fd, (struct sockaddr *)&u->addr, u->addr_len) < 0)
		return -errno;
	if (!u->abstract && lstat(u->addr.sun_path, &st) == 0) {
		u->bound = true;
		u->bound_dev = st.st_dev;
		u->bound_ino = st.st_ino;
	}
	if (listen(u->listen_fd, 4) < 0)
		return -errno;
	return 0;
}

static int unix_setup(struct unix_priv *u)
{
	if (u->listen)
		return unix_listen_setup(u);
	if (u->abstract)
		return 0;
	u->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (u->inotify_fd < 0)
		return -errno;
	return watch_dir(u);
}

int rpc_transport_unix_new(struct rpc_transport **out, const char *spec, bool listen)
{
	struct rpc_transport *t;
	struct unix_priv *u;
	size_t len = strlen(spec);
	int rc;

	if (len == 0 || len >= sizeof(u->addr.sun_path) || (spec[0] == '@' && len == 1))
		return -EINVAL;
	t = rpc_transport_alloc(&unix_ops, sizeof(*u));
	if (!t)
		return -ENOMEM;
	u = t->priv;
	t->is_socket = true;
	u->listen = listen;
	u->listen_fd = -1;
	u->inotify_fd = -1;
	u->addr.sun_family = AF_UNIX;
	memcpy(u->addr.sun_path, spec, len);
	u->abstract = spec[0] == '@';
	if (u->abstract)
		u->addr.sun_path[0] = 0;
	u->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + !u->abstract);
	rc = unix_setup(u);
	if (rc) {
		rpc_transport_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
