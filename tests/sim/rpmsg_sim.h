/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * Control interface of the rpmsg remote-processor simulator (test only).
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * /dev/rpmsg_sim is a misc device. Open it, CREATE a simulated remote (or
 * SELECT an existing one); from then on the file descriptor speaks for that
 * remote. Documented in docs/simulator.md.
 */
#ifndef _RPMSG_SIM_H
#define _RPMSG_SIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RPMSG_SIM_NAME_LEN	32
/* Payload bytes in one rpmsg buffer (512 - 16 byte header), as virtio_rpmsg */
#define RPMSG_SIM_MAX_PAYLOAD	496
#define RPMSG_SIM_BUF_SIZE	512
#define RPMSG_SIM_NS_ADDR	53

/* struct rpmsg_sim_create.flags */
#define RPMSG_SIM_CREATE_STOPPED	(1U << 0) /* do not boot it yet */

struct rpmsg_sim_create {
	__u32 size;		/* in: sizeof(struct rpmsg_sim_create) */
	__u32 vring_num;	/* in: buffers per direction, 0 = 256 */
	__u32 flags;		/* in: RPMSG_SIM_CREATE_* */
	__u32 index;		/* out: simulator index (rpmsg-sim.<index>) */
};

/* struct rpmsg_sim_service.flags */
#define RPMSG_SIM_SVC_ECHO	(1U << 0) /* echo every message back */
#define RPMSG_SIM_SVC_QUIET	(1U << 1) /* provide it, never announce it */

/*
 * A service of the simulated firmware: announced (name-service create to
 * address 53) when the firmware boots and whenever it is added, withdrawn
 * (name-service destroy) when it is removed. Survives crash and restart.
 */
struct rpmsg_sim_service {
	char name[RPMSG_SIM_NAME_LEN];
	__u32 addr;
	__u32 flags;		/* RPMSG_SIM_SVC_* */
};

/* struct rpmsg_sim_msg.flags */
#define RPMSG_SIM_MSG_ECHOED	(1U << 0) /* read: the echo service took it */
#define RPMSG_SIM_MSG_RAW	(1U << 0) /* write: payload is the whole buffer,
					   * rpmsg header included, sent as is
					   */

/*
 * Header of every read() and write() on a selected fd, followed by len
 * payload bytes. read(): one message Linux sent to the remote (capture must
 * be on). write(): one message for the remote to send to Linux.
 */
struct rpmsg_sim_msg {
	__u32 src;
	__u32 dst;
	__u32 len;
	__u32 flags;		/* RPMSG_SIM_MSG_* */
};

/* struct rpmsg_sim_info.state */
#define RPMSG_SIM_STATE_DOWN	0	/* detached, crashed or not yet booted */
#define RPMSG_SIM_STATE_BOOTING	1	/* attached, waiting for DRIVER_OK */
#define RPMSG_SIM_STATE_UP	2	/* firmware running */

struct rpmsg_sim_info {
	__u32 size;		/* in: sizeof(struct rpmsg_sim_info) */
	__u32 index;
	__u32 state;		/* RPMSG_SIM_STATE_* */
	__u32 vring_num;
	__u32 boots;		/* times the firmware came up */
	__u32 stalled;
	char rproc[RPMSG_SIM_NAME_LEN];	/* "remoteprocN" */
};

struct rpmsg_sim_stats {
	__u32 size;		/* in: sizeof(struct rpmsg_sim_stats) */
	__u32 pending;		/* messages waiting for a Linux rx buffer */
	__u64 rx_msgs;		/* messages Linux sent to the remote */
	__u64 rx_bytes;
	__u64 tx_msgs;		/* messages the remote delivered to Linux */
	__u64 tx_bytes;
	__u64 echoed;		/* messages the echo services answered */
	__u64 capture_drops;	/* captured messages lost: capture queue full */
	__u64 tx_drops;		/* messages dropped: pending queue full */
	__u32 rx_held;		/* rx buffers filled, not yet given back */
	__u32 reserved;		/* out: 0 */
};

/* Wait until the firmware is up and has booted at least min_boots times. */
struct rpmsg_sim_wait {
	__u32 timeout_ms;
	__u32 min_boots;
};

#define RPMSG_SIM_IOC_MAGIC	0xb7

/* On a fresh fd */
#define RPMSG_SIM_IOC_CREATE	_IOWR(RPMSG_SIM_IOC_MAGIC, 0x01, struct rpmsg_sim_create)
#define RPMSG_SIM_IOC_SELECT	_IOW(RPMSG_SIM_IOC_MAGIC, 0x02, __u32)
/* On a selected fd */
#define RPMSG_SIM_IOC_DESTROY	_IO(RPMSG_SIM_IOC_MAGIC, 0x03)
#define RPMSG_SIM_IOC_INFO	_IOWR(RPMSG_SIM_IOC_MAGIC, 0x04, struct rpmsg_sim_info)
#define RPMSG_SIM_IOC_STATS	_IOWR(RPMSG_SIM_IOC_MAGIC, 0x05, struct rpmsg_sim_stats)
#define RPMSG_SIM_IOC_ADD_SVC	_IOW(RPMSG_SIM_IOC_MAGIC, 0x10, struct rpmsg_sim_service)
#define RPMSG_SIM_IOC_DEL_SVC	_IOW(RPMSG_SIM_IOC_MAGIC, 0x11, __u32)	/* addr */
#define RPMSG_SIM_IOC_CAPTURE	_IOW(RPMSG_SIM_IOC_MAGIC, 0x12, __u32)	/* 0/1 */
#define RPMSG_SIM_IOC_STALL	_IOW(RPMSG_SIM_IOC_MAGIC, 0x13, __u32)	/* 0/1 */
#define RPMSG_SIM_IOC_CRASH	_IO(RPMSG_SIM_IOC_MAGIC, 0x20)
#define RPMSG_SIM_IOC_STOP	_IO(RPMSG_SIM_IOC_MAGIC, 0x21)
#define RPMSG_SIM_IOC_START	_IO(RPMSG_SIM_IOC_MAGIC, 0x22)
#define RPMSG_SIM_IOC_WAIT_UP	_IOW(RPMSG_SIM_IOC_MAGIC, 0x23, struct rpmsg_sim_wait)

#endif /* _RPMSG_SIM_H */
