/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rpmsg_rpc: character-device interface to RPMsg endpoints.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Every ioctl, field and errno is documented in docs/ioctl.md.
 *
 * Structs that may grow start with a __u32 size field that must equal the
 * size encoded in the ioctl number; the kernel accepts any size between the
 * first published size (RPMSG_RPC_*_SIZE_VER0) and its own, and a larger
 * size if the bytes it does not know are zero (E2BIG otherwise). Fields named
 * reserved and unknown flag bits must be zero (EINVAL).
 */
#ifndef _UAPI_LINUX_RPMSG_RPC_H
#define _UAPI_LINUX_RPMSG_RPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RPMSG_RPC_ABI_VERSION	1

#define RPMSG_RPC_NAME_SIZE	32
#define RPMSG_RPC_ADDR_ANY	0xffffffffU
/* Addresses below this are reserved by the rpmsg bus (53 = name service) */
#define RPMSG_RPC_RESERVED_ADDRS	1024U

/*
 * Upper bound of RPMSG_RPC_EPT_SET_RXQ_LIMIT; the default limit is 256, one
 * full virtio receive ring, so a burst the transport delivered is kept.
 */
#define RPMSG_RPC_RXQ_MAX	4096U
#define RPMSG_RPC_RXQ_DEFAULT	256U
/* Upper bound of RPMSG_RPC_EPT_SET_TX_TIMEOUT (ms); the default is 15000 */
#define RPMSG_RPC_TX_TIMEOUT_MAX	600000U
#define RPMSG_RPC_TX_TIMEOUT_DEFAULT	15000U

/*
 * Same magic as upstream rpmsg (<linux/rpmsg.h>, 0xb5 00-0F): our nodes also
 * answer the upstream numbers. Ours use the numbers 0x80-0xbf.
 */
#define RPMSG_RPC_IOC_MAGIC	0xb5

/* ------------------------------------------------------------------------
 * Control node /dev/rpmsg_rpc_ctrlN: one per remote processor.
 */

struct rpmsg_rpc_ctrl_info {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_ctrl_info) */
	__u32 abi_version;	/* out: RPMSG_RPC_ABI_VERSION */
	__u32 index;		/* out: N of rpmsg_rpc_ctrlN */
	__u32 n_endpoints;	/* out: live endpoints on this remote */
	__u32 n_channels;	/* out: channels the remote announced */
	__u32 reserved;		/* out: 0 */
	char remote[RPMSG_RPC_NAME_SIZE];	/* out: remoteproc name */
	char device[RPMSG_RPC_NAME_SIZE];	/* out: transport device */
};

#define RPMSG_RPC_CTRL_INFO_SIZE_VER0	88

/* struct rpmsg_rpc_ept_create.flags */
#define RPMSG_RPC_EPT_F_ANNOUNCE	(1U << 0) /* name-service create/destroy */
#define RPMSG_RPC_EPT_F_BIND_BY_NAME	(1U << 1) /* dst from the announcement */
#define RPMSG_RPC_EPT_F_NONBLOCK	(1U << 8) /* CREATE_EPT_FD: O_NONBLOCK */
#define RPMSG_RPC_EPT_F_CLOEXEC		(1U << 9) /* CREATE_EPT_FD: O_CLOEXEC */
/* Only in struct rpmsg_rpc_ept_info.flags: the endpoint has no device node */
#define RPMSG_RPC_EPT_F_ANON		(1U << 16)

struct rpmsg_rpc_ept_create {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_ept_create) */
	__u32 flags;		/* in: RPMSG_RPC_EPT_F_* */
	char name[RPMSG_RPC_NAME_SIZE];	/* in: NUL-terminated */
	__u32 src;		/* in: address or ANY; out: the address */
	__u32 dst;		/* in: address or ANY; out: current dst */
	__u32 index;		/* out: N of rpmsg_rpcN */
	__u32 minor;		/* out: minor of the node, ANY if none */
	__s32 fd;		/* out: the new fd (CREATE_EPT_FD), else -1 */
	__u32 mtu;		/* out: largest message */
};

#define RPMSG_RPC_EPT_CREATE_SIZE_VER0	64

struct rpmsg_rpc_ept_destroy {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_ept_destroy) */
	__u32 index;		/* in: N of rpmsg_rpcN */
};

#define RPMSG_RPC_EPT_DESTROY_SIZE_VER0	8

/* struct rpmsg_rpc_ept_info.state */
#define RPMSG_RPC_STATE_UNBOUND		0 /* no dst: write needs one */
#define RPMSG_RPC_STATE_BOUND		1 /* dst set */
#define RPMSG_RPC_STATE_WAITING		2 /* BIND_BY_NAME, not announced yet */
#define RPMSG_RPC_STATE_WITHDRAWN	3 /* BIND_BY_NAME, remote withdrew it */
#define RPMSG_RPC_STATE_DEAD		4 /* destroyed or remote gone */

struct rpmsg_rpc_ept_info {
	__u32 size;		/* in: entry size; out: unchanged */
	__u32 index;
	char name[RPMSG_RPC_NAME_SIZE];
	__u32 src;
	__u32 dst;
	__u32 mtu;
	__u32 state;		/* RPMSG_RPC_STATE_* */
	__u32 flags;		/* RPMSG_RPC_EPT_F_* given at creation (+ANON) */
	__u32 minor;		/* ANY if the endpoint has no node */
	__u32 rxq_limit;
	__u32 tx_timeout_ms;
};

#define RPMSG_RPC_EPT_INFO_SIZE_VER0	72

/* A channel the remote announced (name service), the "ns bind" view */
struct rpmsg_rpc_channel {
	char name[RPMSG_RPC_NAME_SIZE];
	__u32 addr;
	__u32 reserved;		/* out: 0 */
};

/*
 * LIST_EPTS / LIST_CHANNELS: fills at most count entries of entry_size bytes
 * at entries and sets count to the number that exist (which may be larger:
 * call again with a bigger array).
 */
struct rpmsg_rpc_list {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_list) */
	__u32 count;		/* in: capacity; out: entries that exist */
	__u32 entry_size;	/* in: sizeof(one entry) */
	__u32 reserved;		/* in: 0 */
	__u64 entries;		/* in: user pointer to the array */
};

#define RPMSG_RPC_LIST_SIZE_VER0	24

#define RPMSG_RPC_CTRL_INFO	_IOWR(RPMSG_RPC_IOC_MAGIC, 0x80, struct rpmsg_rpc_ctrl_info)
#define RPMSG_RPC_CREATE_EPT	_IOWR(RPMSG_RPC_IOC_MAGIC, 0x81, struct rpmsg_rpc_ept_create)
#define RPMSG_RPC_CREATE_EPT_FD	_IOWR(RPMSG_RPC_IOC_MAGIC, 0x82, struct rpmsg_rpc_ept_create)
#define RPMSG_RPC_DESTROY_EPT	_IOW(RPMSG_RPC_IOC_MAGIC, 0x83, struct rpmsg_rpc_ept_destroy)
#define RPMSG_RPC_LIST_EPTS	_IOWR(RPMSG_RPC_IOC_MAGIC, 0x84, struct rpmsg_rpc_list)
#define RPMSG_RPC_LIST_CHANNELS	_IOWR(RPMSG_RPC_IOC_MAGIC, 0x85, struct rpmsg_rpc_list)

/* ------------------------------------------------------------------------
 * Endpoint node /dev/rpmsg_rpcN, or the fd from RPMSG_RPC_CREATE_EPT_FD.
 */

/* struct rpmsg_rpc_send.flags and struct rpmsg_rpc_batch.flags */
#define RPMSG_RPC_F_NONBLOCK	(1U << 0) /* as if the fd were O_NONBLOCK */

struct rpmsg_rpc_send {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_send) */
	__u32 flags;		/* in: RPMSG_RPC_F_* */
	__u32 src;		/* in: ANY = the endpoint's own (sendto) */
	__u32 dst;		/* in: ANY = the endpoint's dst */
	__u64 buf;		/* in: user pointer to the payload */
	__u32 len;		/* in: payload bytes, 0..mtu */
	__u32 reserved;		/* in: 0 */
};

#define RPMSG_RPC_SEND_SIZE_VER0	32

struct rpmsg_rpc_ept_stats {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_ept_stats) */
	__u32 rxq_depth;	/* messages waiting to be read */
	__u32 rxq_limit;
	__u32 reserved;		/* out: 0 */
	__u64 rx_msgs;		/* messages queued for reading */
	__u64 rx_bytes;
	__u64 rx_drops;		/* messages lost: queue full or no memory */
	__u64 tx_msgs;		/* messages handed to the transport */
	__u64 tx_bytes;
	__u64 tx_busy;		/* send attempts that found no free buffer */
};

#define RPMSG_RPC_EPT_STATS_SIZE_VER0	64

/* struct rpmsg_rpc_msg.flags (out, RECV_BATCH) */
#define RPMSG_RPC_MSG_F_DROPS	(1U << 0) /* messages were dropped before it */

struct rpmsg_rpc_msg {
	__u64 buf;		/* user pointer to the payload */
	__u32 len;		/* send: length; recv: in capacity, out length */
	__u32 src;		/* send: ANY = own; recv out: sender */
	__u32 dst;		/* send: ANY = the endpoint's dst; recv out: ours */
	__u32 flags;		/* send: 0; recv out: RPMSG_RPC_MSG_F_* */
};

/*
 * SEND_BATCH / RECV_BATCH: handle up to count messages; the ioctl returns
 * how many were handled (>= 1), or an error if none was.
 */
struct rpmsg_rpc_batch {
	__u32 size;		/* in: sizeof(struct rpmsg_rpc_batch) */
	__u32 flags;		/* in: RPMSG_RPC_F_* */
	__u32 count;		/* in: entries at msgs, 1..RPMSG_RPC_BATCH_MAX */
	__u32 msg_size;		/* in: sizeof(struct rpmsg_rpc_msg) */
	__u64 msgs;		/* in: user pointer to the array */
};

#define RPMSG_RPC_BATCH_SIZE_VER0	24
#define RPMSG_RPC_BATCH_MAX	1024U

#define RPMSG_RPC_EPT_INFO	_IOWR(RPMSG_RPC_IOC_MAGIC, 0xa0, struct rpmsg_rpc_ept_info)
#define RPMSG_RPC_EPT_SET_DST	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa1, __u32)
#define RPMSG_RPC_EPT_SET_RXQ_LIMIT	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa2, __u32)
#define RPMSG_RPC_EPT_SET_TX_TIMEOUT	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa3, __u32)
#define RPMSG_RPC_EPT_STATS	_IOWR(RPMSG_RPC_IOC_MAGIC, 0xa4, struct rpmsg_rpc_ept_stats)
#define RPMSG_RPC_EPT_SEND	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa5, struct rpmsg_rpc_send)
#define RPMSG_RPC_EPT_SEND_BATCH	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa6, struct rpmsg_rpc_batch)
#define RPMSG_RPC_EPT_RECV_BATCH	_IOW(RPMSG_RPC_IOC_MAGIC, 0xa7, struct rpmsg_rpc_batch)

#endif /* _UAPI_LINUX_RPMSG_RPC_H */
