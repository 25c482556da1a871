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
uint64_t rt_now_ms(void);
void rt_sleep_ms(unsigned int ms);

#endif /* RT_H */
