/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a peer ourselves: unix: listeners and endpoint nodes
 * (tools-peer-io.c).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_PEER_IO_H
#define RPCCTL_TOOLS_PEER_IO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGUSR1 (fill set with them) so that the
 * main thread takes them synchronously (sigwaitinfo/signalfd); SIGUSR1 is
 * how a callback on the poll thread wakes it.
 */
void block_stop_signals(sigset_t *set);

/*
 * Accepts peers one at a time on a unix:SPEC address (a path or @abstract)
 * and hands every message to on_msg: serve and listen use it where they
 * want to see every peer come and go.
 */
struct unix_server {
	void (*on_msg)(const void *msg, size_t len, void *user);
	void (*on_peer)(bool up, void *user);	/* optional: peer came / hung up */
	bool (*done)(void *user);		/* optional: checked after SIGUSR1 */
	void *user;
	bool quiet;		/* no "serving ..." line */
	int conn;		/* the current peer, for replies; -1 if none */
};
/*
 * Serve until a signal of set other than SIGUSR1 arrives (set must be
 * blocked), done() is true, or deadline_ns (CLOCK_MONOTONIC, 0 = none)
 * passes. Returns 0, or 1 when the deadline passed. Dies on setup errors.
 */
int unix_serve(struct unix_server *u, const char *spec, const sigset_t *set,
	       uint64_t deadline_ns);
/* Whether something listens on unix:SPEC now (a path or @abstract name). */
bool unix_listening(const char *spec);

/*
 * The same for a connected message fd we read ourselves (an existing
 * endpoint node: its queued messages are there before any librpc callback
 * could be installed). Returns 0 (signal or done), 1 (deadline) or 2 (the
 * fd hung up: the remote went away).
 */
int fd_serve(struct unix_server *u, int fd, const sigset_t *set, uint64_t deadline_ns);

#endif /* RPCCTL_TOOLS_PEER_IO_H */
