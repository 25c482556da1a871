/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the rpmsg_rpc kselftests: a simulated remote with its
 * control node, endpoint creation, small waits.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RT_H
#define RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/rpmsg_rpc.h>

#include "libsim.h"

#define RT_MTU		496
#define RT_WAIT_MS	5000
/* Services of rt_up(..., true): an announced echo and a quiet sink */
#define ECHO_ADDR	0x500
#define SINK_ADDR	0x510
/*
 * Limits of the hardened driver (docs/driver.md, issue 8), written out here
 * rather than taken from the uapi header, so that a test of the default
 * fails on a driver (and header) that still has the old one.
 */
#define RT_RXQ_DEFAULT		256U	/* one full virtio rx ring */
#define RT_EPTS_PER_REMOTE	1024U	/* node + fd endpoints, ENOSPC */
#define RT_RX_BUDGET		8192U	/* queued rx messages per remote */
/* Blocking-send tests: a wake-up per jiffy over 1 s is far above this */
#define RT_MAX_POLLOUT_WAKEUPS	40U

struct rt {
	struct sim *sim;
	int ctrl;		/* /dev/rpmsg_rpc_ctrlN, O_RDWR */
	unsigned int index;	/* N */
};

/*
 * A new simulated remote (vring_num 0 = default) and its control node;
 * with services, also "echo" at ECHO_ADDR and a quiet "sink" at SINK_ADDR.
 */
int rt_up(struct rt *rt, unsigned int vring_num, bool services);
void rt_down(struct rt *rt);
/* Find and open the control node of rt->sim (after a restart too). */
int rt_open_ctrl(struct rt *rt, unsigned int timeout_ms);

/* RPMSG_RPC_CREATE_EPT / _FD; returns 0 or -errno. */
int rt_create(int ctrl, const char *name, uint32_t src, uint32_t dst,
	      uint32_t flags, struct rpmsg_rpc_ept_create *out);
int rt_create_fd(int ctrl, const char *name, uint32_t src, uint32_t dst,
		 uint32_t flags, struct rpmsg_rpc_ept_create *out);
int rt_destroy(int ctrl, uint32_t index);
/* Upstream's RPMSG_CREATE_EPT_IOCTL (name cut at 31 bytes); 0 or -errno. */
int rt_upstream_create(int ctrl, const char *name, uint32_t dst);
/* How many endpoints LIST_EPTS reports, or -errno. */
int rt_count_epts(int ctrl);
/* RPMSG_RPC_EPT_SEND of the string msg from src to dst; 0 or -errno. */
int rt_send(int fd, uint32_t src, uint32_t dst, const char *msg);
/*
 * Try everything an endpoint fd opened read-only must not do (write, SEND,
 * SEND_BATCH, SET_DST, SET_RXQ_LIMIT, SET_TX_TIMEOUT, upstream's destroy):
 * returns how many were not refused with EBADF, and names them in bad.
 */
int rt_readonly_mutations(int fd, char *bad, size_t len);
/*
 * A BIND_BY_NAME fd endpoint on the service name the simulator announces
 * at addr, bound, then withdrawn by the remote; 0 or -errno.
 */
int rt_withdrawn_ept(int ctrl, struct sim *sim, const char *name,
		     uint32_t addr, struct rpmsg_rpc_ept_create *c);
/* Open /dev/rpmsg_rpcN. */
int rt_open_ept(uint32_t index, int flags);
int rt_ept_info(int fd, struct rpmsg_rpc_ept_info *info);
int rt_ept_stats(int fd, struct rpmsg_rpc_ept_stats *st);
/* Wait until the endpoint is in state, up to timeout_ms; -ETIMEDOUT. */
int rt_wait_state(int fd, uint32_t state, unsigned int timeout_ms);
/*
 * Wait until everything the sim queued for Linux went through Linux's rx
 * path (rx callbacks done, every rx buffer given back), -ETIMEDOUT.
 */
int rt_wait_delivered(struct rt *rt, unsigned int timeout_ms);
/*
 * Weaker: wait until the sim has copied everything into Linux's rx
 * buffers; Linux may still be processing the last ones. For malformed
 * buffers, which upstream virtio_rpmsg_bus never gives back.
 */
int rt_wait_handed_over(struct rt *rt, unsigned int timeout_ms);
/* poll() one fd for events; returns revents (0 on timeout) or -errno. */
int rt_poll(int fd, short events, int timeout_ms);
/* Read a sysfs attribute of /sys/class/rpmsg_rpc/<dev>/<attr>, newline cut */
int rt_sysfs(const char *dev, const char *attr, char *buf, size_t len);
/*
 * Stall the remote and fill its tx buffers through fd (dst set to dst),
 * leaving fd's file flags as they were: the next send blocks or EAGAINs.
 * Returns how many messages went, or -errno.
 */
int rt_stall_full(int fd, struct sim *sim, uint32_t dst);
/*
 * One blocking write() on fd while SIGALRM (SA_RESTART handler) arrives
 * every period_ms, for at most signal_ms. Returns the write's result with
 * *err its errno and *elapsed_ms how long it took. The caller's thread
 * must be the only one with SIGALRM unblocked.
 */
ssize_t rt_write_under_signals(int fd, unsigned int period_ms,
			       unsigned int signal_ms, int *err,
			       uint64_t *elapsed_ms);
/*
 * A level-triggered select() loop on fd (read and write sets) for ms:
 * how many times select() returned with fd ready.
 */
unsigned int rt_select_wakeups(int fd, unsigned int ms);
/*
 * A level-triggered poll() loop for POLLOUT while the remote is stalled,
 * for ms: every POLLOUT is followed by a write() that must fail with
 * EAGAIN (fd is O_NONBLOCK). Returns the number of POLLOUT wake-ups, or
 * -errno if a write did anything else (then *bad has the write's result).
 */
int rt_pollout_wakeups(int fd, unsigned int ms, ssize_t *bad);
uint64_t rt_now_ms(void);
void rt_sleep_ms(unsigned int ms);

#endif /* RT_H */
