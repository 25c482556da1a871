// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a peer ourselves: a unix: listener accepting senders one at a
 * time, or an existing endpoint node, with signals taken synchronously.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <alp/rpc_codec.h>

#include "tools-clock.h"
#include "tools-messages.h"
#include "tools-peer-io.h"

void block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}


/*
 * Poll the signalfd and either the peer (u->conn) or, when there is none
 * and lfd >= 0, the listening socket. Returns 0 (signal or done), 1
 * (deadline passed) or 2 (the peer hung up and there is no listener).
 */
static int pump(struct unix_server *u, int lfd, int sfd, uint64_t deadline_ns)
{
	uint8_t buf[4096];

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = u->conn >= 0 ? u->conn : lfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		int timeout = -1;
		ssize_t n;

		if (deadline_ns) {
			uint64_t now = now_ns();

			if (now >= deadline_ns)
				return 1;
			timeout = (int)((deadline_ns - now + 999999) / 1000000);
		}
		if (poll(pfd, 2, timeout) <= 0)
			continue;
		if (pfd[0].revents) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGUSR1)
				return 0;
			if (u->done && u->done(u->user))
				return 0;
			continue;
		}
		if (u->conn < 0) {
			u->conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (u->conn >= 0 && u->on_peer)
				u->on_peer(true, u->user);
			continue;
		}
		n = lfd >= 0 ? recv(u->conn, buf, sizeof(buf), MSG_TRUNC) :
			       read(u->conn, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		/* A read of 0 from a node is an empty message, not an end. */
		if (n < 0 || (n == 0 && (lfd >= 0 || pfd[1].revents & POLLHUP))) {
			close(u->conn);
			u->conn = -1;
			if (u->on_peer)
				u->on_peer(false, u->user);
			if (lfd < 0)
				return 2;
		} else if ((size_t)n > ALP_RPC_WIRE_MTU_DEFAULT) {
			warnmsg("dropped a %zd-byte message (above the %u-byte MTU)", n,
				ALP_RPC_WIRE_MTU_DEFAULT);
		} else {
			u->on_msg(buf, (size_t)n, u->user);
		}
	}
}

int unix_serve(struct unix_server *u, const char *spec, const sigset_t *set,
	       uint64_t deadline_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	struct stat st;
	int lfd, sfd, rc;

	if (strlen(spec) >= sizeof(sa.sun_path))
		die_usage("unix:%s: the path is too long", spec);
	memcpy(sa.sun_path, spec, strlen(spec));
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(spec));
	if (spec[0] == '@')
		sa.sun_path[0] = 0;	/* abstract name */
	else if (stat(spec, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(spec);		/* a stale socket of an earlier server */
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, salen) < 0 || listen(lfd, 4) < 0)
		die_errno(EXIT_FAIL, errno, "cannot listen on unix:%s", spec);
	sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0)
		die_errno(EXIT_FAIL, errno, "signalfd");
	if (!u->quiet)
		warnmsg("serving unix:%s", spec);
	u->conn = -1;
	rc = pump(u, lfd, sfd, deadline_ns);
	if (u->conn >= 0)
		close(u->conn);
	u->conn = -1;
	close(lfd);
	close(sfd);
	if (spec[0] != '@')
		unlink(spec);
	return rc;
}

int fd_serve(struct unix_server *u, int fd, const sigset_t *set, uint64_t deadline_ns)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC), rc;

	if (sfd < 0)
		die_errno(EXIT_FAIL, errno, "signalfd");
	u->conn = fd;
	rc = pump(u, -1, sfd, deadline_ns);
	if (u->conn >= 0)
		close(u->conn);
	u->conn = -1;
	close(sfd);
	return rc;
}


/*
 * Without /proc/net/unix: try to connect (the server then sees a peer come
 * and go at once, which is better than taking its socket over).
 */
static bool unix_connects(const char *spec)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(spec);
	int fd;
	bool ok;

	if (n >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, spec, n);
	if (spec[0] == '@')
		sa.sun_path[0] = 0;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *)&sa,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) == 0;
	close(fd);
	return ok;
}

bool unix_listening(const char *spec)
{
	char want[PATH_MAX], abs_want[PATH_MAX] = "", line[PATH_MAX + 128];
	FILE *f = fopen("/proc/net/unix", "re");
	bool found = false;

	if (!f)
		return unix_connects(spec);
	snprintf(want, sizeof(want), "%s", spec);
	if (spec[0] != '@' && !realpath(spec, abs_want))
		abs_want[0] = 0;
	/* "Num RefCount Protocol Flags Type St Inode Path"; Flags 00010000: listening */
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long flags;
		char path[PATH_MAX];

		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %4095s", &flags, path) != 2)
			continue;
		found = (flags & 0x10000) && (!strcmp(path, want) ||
					      (abs_want[0] && !strcmp(path, abs_want)));
	}
	fclose(f);
	return found;
}
