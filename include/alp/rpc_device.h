/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <alp/rpc_device.h>: the device level of librpc — remote processors, the
 * channels they announced, our endpoints on them, endpoint creation and
 * destruction, and events, for our rpmsg_rpc driver and (as far as its
 * sysfs tells) upstream rpmsg_char. rpcctl list/create/destroy/monitor use
 * nothing else. docs/librpc.md, "The device level", has the full story and
 * an example.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Conventions (the same as <alp/rpc.h>):
 * - one prefix, alp_rpc_dev_; opaque handles with _open/_close pairs;
 *   _close(NULL) does nothing;
 * - every struct the library fills starts with `uint32_t size`, which the
 *   caller sets to sizeof() as it compiled it; the library fills only what
 *   fits, so fields are only ever appended and old programs keep working;
 * - functions return an alp_status_t (ALP_OK or ALP_ERR_*) and store it in
 *   the calling thread's last error (alp_last_error()); functions returning
 *   a pointer return NULL and set it. When a system call was the cause,
 *   errno holds its reason on return (e.g. EADDRINUSE, EACCES, ENOENT), so
 *   a tool can say why;
 * - thread safety is stated per function.
 */
#ifndef ALP_RPC_DEVICE_H
#define ALP_RPC_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <alp/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "No address" / "any address", as the kernel's RPMSG_ADDR_ANY. */
#define ALP_RPC_DEV_ADDR_ANY	0xffffffffu
/* Endpoint and channel names: at most 31 characters + NUL. */
#define ALP_RPC_DEV_NAME_MAX	32

/* Which kernel interface a control node or endpoint belongs to. */
#define ALP_RPC_DEV_BACKEND_NONE	0u	/* a remote with no control node (down) */
#define ALP_RPC_DEV_BACKEND_RPMSG_RPC	1u	/* our driver: /dev/rpmsg_rpc_ctrlN, /dev/rpmsg_rpcN */
#define ALP_RPC_DEV_BACKEND_RPMSG_CHAR	2u	/* upstream: /dev/rpmsg_ctrlN, /dev/rpmsgN */

/* Opaque handles. */
typedef struct alp_rpc_dev alp_rpc_dev_t;		/* where to look: sysfs and /dev */
typedef struct alp_rpc_dev_list alp_rpc_dev_list_t;	/* one snapshot of everything */
typedef struct alp_rpc_dev_monitor alp_rpc_dev_monitor_t; /* an event source */

typedef struct {
	uint32_t size;		/* sizeof(alp_rpc_dev_config_t) as compiled */
	uint32_t flags;		/* none defined yet: 0 */
	/*
	 * For tests only: the directories used instead of /sys and /dev.
	 * NULL: the environment variables ALP_RPC_SYSFS_ROOT and
	 * ALP_RPC_DEV_ROOT if set (ignored in set-user-ID programs), else
	 * /sys and /dev.
	 */
	const char *sysfs_root;
	const char *dev_root;
} alp_rpc_dev_config_t;

/*
 * A context: nothing is opened yet. cfg may be NULL (the defaults).
 * NULL with ALP_ERR_INVAL (cfg->size too small, unknown flags, a root that
 * is too long) or ALP_ERR_NOMEM. Thread-safe; the handle may be used by
 * several threads at once (it is never modified after open).
 */
alp_rpc_dev_t *alp_rpc_dev_open(const alp_rpc_dev_config_t *cfg);
/* Free the context. No list, monitor or call may still use it. */
void alp_rpc_dev_close(alp_rpc_dev_t *dev);

/*
 * Which backends' kernel drivers are loaded: a mask of
 * (1u << ALP_RPC_DEV_BACKEND_*). 0 for NULL. Thread-safe.
 */
uint32_t alp_rpc_dev_backends(alp_rpc_dev_t *dev);

/* ---- enumeration ------------------------------------------------------ */

/* alp_rpc_dev_remote_t.flags */
#define ALP_RPC_DEV_REMOTE_F_SYSFS	(1u << 0) /* our control node could not be read
						   * (permission, remote gone): channels and
						   * endpoints come from sysfs, without the
						   * node-less (fd) endpoints and flags */

/* A remote processor: a remoteproc, a control node, or both joined. */
typedef struct {
	uint32_t size;
	uint32_t backend;	/* ALP_RPC_DEV_BACKEND_* of `control` */
	uint32_t flags;		/* ALP_RPC_DEV_REMOTE_F_* */
	uint32_t n_channels;	/* in this snapshot */
	uint32_t n_endpoints;	/* in this snapshot, both backends */
	/* ALP_OK, or why the control node could not be listed (errno in sys_errno). */
	alp_status_t list_status;
	int32_t sys_errno;
	char rproc[32];		/* "remoteprocN", "" when the transport has no remoteproc */
	char name[64];		/* remoteproc name, else the control node's "remote" */
	char state[32];		/* remoteproc state (running, offline, crashed, ...); "running"
				 * for a control node without remoteproc */
	char control[128];	/* our control node (/dev/rpmsg_rpc_ctrlN), else upstream's, else "" */
	char char_control[128];	/* upstream rpmsg_char's control node (/dev/rpmsg_ctrlN) or "" */
	char transport[32];	/* "virtioN" or "" */
} alp_rpc_dev_remote_t;

/* A channel a remote announced (name service). */
typedef struct {
	uint32_t size;
	uint32_t addr;		/* the remote's address */
	char name[ALP_RPC_DEV_NAME_MAX];
} alp_rpc_dev_channel_t;

/* alp_rpc_dev_endpoint_t.state: the values of our driver (docs/ioctl.md). */
#define ALP_RPC_DEV_EPT_UNBOUND		0u	/* no destination */
#define ALP_RPC_DEV_EPT_BOUND		1u
#define ALP_RPC_DEV_EPT_WAITING		2u	/* bind by name, not announced yet */
#define ALP_RPC_DEV_EPT_WITHDRAWN	3u	/* bind by name, the remote withdrew it */
#define ALP_RPC_DEV_EPT_DEAD		4u	/* destroyed or remote gone */
#define ALP_RPC_DEV_EPT_UNKNOWN		255u	/* rpmsg_char: sysfs does not say */

/* alp_rpc_dev_endpoint_t.flags and alp_rpc_dev_ept_config_t.flags */
#define ALP_RPC_DEV_EPT_F_ANNOUNCE	(1u << 0)  /* name-service create/destroy to the remote */
#define ALP_RPC_DEV_EPT_F_BIND_BY_NAME	(1u << 1)  /* dst from the remote's announcement */
#define ALP_RPC_DEV_EPT_F_NONBLOCK	(1u << 8)  /* create_fd: O_NONBLOCK */
#define ALP_RPC_DEV_EPT_F_CLOEXEC	(1u << 9)  /* create_fd: O_CLOEXEC */
#define ALP_RPC_DEV_EPT_F_ANON		(1u << 16) /* out only: no node (an fd endpoint) */
#define ALP_RPC_DEV_EPT_F_STATS		(1u << 17) /* out only: the statistics are valid */

/* An endpoint on a remote (ours or upstream's). */
typedef struct {
	uint32_t size;
	uint32_t backend;	/* ALP_RPC_DEV_BACKEND_* */
	uint32_t index;		/* N of rpmsg_rpcN / rpmsgN */
	uint32_t src;		/* our address */
	uint32_t dst;		/* the remote's, or ALP_RPC_DEV_ADDR_ANY */
	uint32_t mtu;		/* 0 when unknown (rpmsg_char) */
	uint32_t state;		/* ALP_RPC_DEV_EPT_* */
	uint32_t flags;		/* ALP_RPC_DEV_EPT_F_* (rpmsg_char, sysfs: only ANON/STATS) */
	uint32_t rxq_depth;	/* statistics: valid with ALP_RPC_DEV_EPT_F_STATS */
	uint32_t rxq_limit;
	uint64_t rx_msgs, rx_bytes, rx_drops;
	uint64_t tx_msgs, tx_bytes, tx_busy;
	char name[ALP_RPC_DEV_NAME_MAX];
	char node[128];		/* "/dev/rpmsg_rpcN", "/dev/rpmsgN", "" for an fd endpoint */
} alp_rpc_dev_endpoint_t;

/*
 * Take a snapshot of every remote, its channels and its endpoints (sorted:
 * remoteprocs by number, then control nodes without one). Never fails
 * because a remote is down or vanishes meanwhile: that remote's
 * list_status says so. NULL with ALP_ERR_INVAL (dev NULL) or ALP_ERR_NOMEM.
 * The snapshot does not change; it may be read from several threads at once.
 */
alp_rpc_dev_list_t *alp_rpc_dev_list_open(alp_rpc_dev_t *dev);
void alp_rpc_dev_list_close(alp_rpc_dev_list_t *list);

/* Number of remotes in the snapshot (0 for NULL). Thread-safe. */
size_t alp_rpc_dev_list_count(const alp_rpc_dev_list_t *list);
/*
 * Copy remote r / its channel i / its endpoint i into *out (out->size set
 * by the caller). ALP_ERR_INVAL for an index out of range or a NULL
 * argument. Thread-safe.
 */
alp_status_t alp_rpc_dev_list_remote(const alp_rpc_dev_list_t *list, size_t r,
				     alp_rpc_dev_remote_t *out);
alp_status_t alp_rpc_dev_list_channel(const alp_rpc_dev_list_t *list, size_t r, size_t i,
				      alp_rpc_dev_channel_t *out);
alp_status_t alp_rpc_dev_list_endpoint(const alp_rpc_dev_list_t *list, size_t r, size_t i,
				       alp_rpc_dev_endpoint_t *out);

/*
 * Find one remote: `which` is a control node path or name
 * (/dev/rpmsg_rpc_ctrlN, rpmsg_rpc_ctrlN, N), a remoteproc (remoteprocN) or
 * a remote's name; NULL: the only remote that has a control node.
 * ALP_ERR_NOT_READY (errno ENOENT: no such remote or none up),
 * ALP_ERR_INVAL (which is NULL and several remotes are up; errno EEXIST).
 * Thread-safe.
 */
alp_status_t alp_rpc_dev_find_remote(alp_rpc_dev_t *dev, const char *which,
				     alp_rpc_dev_remote_t *out);

/*
 * Describe the endpoint behind a device node (e.g. "/dev/rpmsg_rpc3"),
 * read from sysfs. ALP_ERR_INVAL (errno ENOTTY: not a character device;
 * ENODEV: not an rpmsg endpoint node), ALP_ERR_NOT_READY (errno ENOENT: no
 * such file). Thread-safe.
 */
alp_status_t alp_rpc_dev_node_endpoint(alp_rpc_dev_t *dev, const char *path,
				       alp_rpc_dev_endpoint_t *out);

/* ---- endpoints ----------------------------------------------------------- */

typedef struct {
	uint32_t size;		/* sizeof(alp_rpc_dev_ept_config_t) as compiled */
	uint32_t flags;		/* ALP_RPC_DEV_EPT_F_ANNOUNCE, _BIND_BY_NAME (+ NONBLOCK,
				 * CLOEXEC for create_fd) */
	/* [A-Za-z0-9._:@-], at most 31 characters; empty only without flags */
	const char *name;
	uint32_t src;		/* ALP_RPC_DEV_ADDR_ANY: any free address */
	uint32_t dst;		/* ALP_RPC_DEV_ADDR_ANY: none (or from the announcement) */
	/* ALP_RPC_DEV_BACKEND_RPMSG_RPC, _RPMSG_CHAR, or 0: ours if the remote has it */
	uint32_t backend;
} alp_rpc_dev_ept_config_t;

/*
 * Create an endpoint with a node on remote `which` (as for
 * alp_rpc_dev_find_remote()). It lives until alp_rpc_dev_ept_destroy() or
 * until the remote goes away. *out (may be NULL) describes it.
 * ALP_ERR_INVAL: bad name, flags or addresses (checked before the kernel
 * is asked), or the kernel refused them (errno EINVAL, EADDRNOTAVAIL for a
 * reserved src); ALP_ERR_BUSY: src in use (errno EADDRINUSE);
 * ALP_ERR_NOT_READY: no such remote, or it went away (ENODEV);
 * ALP_ERR_NOSUPPORT: a flag the backend lacks (rpmsg_char has neither
 * ANNOUNCE nor BIND_BY_NAME); ALP_ERR_PERM: not allowed (errno EACCES,
 * EPERM, EBADF); ALP_ERR_IO otherwise (errno says). The control node is
 * opened O_RDWR. Thread-safe.
 */
alp_status_t alp_rpc_dev_ept_create(alp_rpc_dev_t *dev, const char *which,
				    const alp_rpc_dev_ept_config_t *cfg,
				    alp_rpc_dev_endpoint_t *out);
/*
 * The same without a node: *fd is a new file descriptor that is the
 * endpoint (destroyed when the last copy is closed). Our driver only
 * (ALP_ERR_NOSUPPORT on rpmsg_char). The fd can be given to
 * alp_rpc_open_fd(). Thread-safe.
 */
alp_status_t alp_rpc_dev_ept_create_fd(alp_rpc_dev_t *dev, const char *which,
				       const alp_rpc_dev_ept_config_t *cfg, int *fd,
				       alp_rpc_dev_endpoint_t *out);
/*
 * Destroy the endpoint with a node: `node` is /dev/rpmsg_rpcN, rpmsg_rpcN
 * or N (ours), or /dev/rpmsgN, rpmsgN (rpmsg_char). Its readers see the
 * end, writers EPIPE. ALP_ERR_INVAL (malformed node), ALP_ERR_NOT_READY
 * (errno ENOENT: no such endpoint, e.g. destroyed already; ENODEV: the
 * remote went away), ALP_ERR_PERM (EACCES, EPERM, EBADF), ALP_ERR_IO
 * (errno says). Thread-safe.
 */
alp_status_t alp_rpc_dev_ept_destroy(alp_rpc_dev_t *dev, const char *node);

/* ---- events ------------------------------------------------------------------- */

/* alp_rpc_dev_event_t.type */
#define ALP_RPC_DEV_EVENT_OTHER			0u	/* a change nothing below describes */
#define ALP_RPC_DEV_EVENT_REMOTE_STATE		1u	/* a remoteproc appeared, changed, vanished */
#define ALP_RPC_DEV_EVENT_REMOTE_UP		2u	/* a control node appeared: the remote's bus is up */
#define ALP_RPC_DEV_EVENT_REMOTE_DOWN		3u	/* a control node vanished: stopped */
#define ALP_RPC_DEV_EVENT_REMOTE_CRASHED	4u	/* ... and its remoteproc said "crashed" */
#define ALP_RPC_DEV_EVENT_CHANNEL_ANNOUNCED	5u
#define ALP_RPC_DEV_EVENT_CHANNEL_WITHDRAWN	6u
#define ALP_RPC_DEV_EVENT_ENDPOINT_CREATED	7u
#define ALP_RPC_DEV_EVENT_ENDPOINT_DESTROYED	8u

/* alp_rpc_dev_event_t.object: what kind of device the event is about */
#define ALP_RPC_DEV_OBJ_REMOTEPROC	1u
#define ALP_RPC_DEV_OBJ_CONTROL		2u
#define ALP_RPC_DEV_OBJ_CHANNEL		3u
#define ALP_RPC_DEV_OBJ_ENDPOINT	4u

/* alp_rpc_dev_event_t.action: the kernel's */
#define ALP_RPC_DEV_ACTION_ADD		1u
#define ALP_RPC_DEV_ACTION_REMOVE	2u
#define ALP_RPC_DEV_ACTION_CHANGE	3u

typedef struct {
	uint32_t size;
	uint32_t type;		/* ALP_RPC_DEV_EVENT_* */
	uint32_t object;	/* ALP_RPC_DEV_OBJ_* */
	uint32_t backend;	/* for controls and endpoints: ALP_RPC_DEV_BACKEND_* */
	uint32_t action;	/* ALP_RPC_DEV_ACTION_* */
	uint32_t src;		/* endpoints: our address (ANY when unknown) */
	uint32_t dst;		/* endpoints, channels: the remote's (ANY when unknown) */
	char device[64];	/* kernel name: remoteproc0, rpmsg_rpc_ctrl0, rpmsg_rpc3,
				 * virtio0.NAME.-1.1024, rpmsg_ctrl0, rpmsg2 */
	/*
	 * Read while the device still exists, so empty after a removal,
	 * except a channel's name and dst (taken from its device name):
	 * remoteproc: name; control: the remote's name; channel, endpoint:
	 * its name.
	 */
	char name[64];
	char rproc[32];		/* the remoteproc concerned, when known */
	char state[32];		/* remoteproc state, when known */
} alp_rpc_dev_event_t;

/*
 * Start watching (libudev; the kernel's own events when no udevd runs).
 * Events from this moment on are reported. NULL with ALP_ERR_NOSUPPORT
 * (no netlink socket), ALP_ERR_NOMEM. A monitor is used by one thread at a
 * time.
 */
alp_rpc_dev_monitor_t *alp_rpc_dev_monitor_open(alp_rpc_dev_t *dev);
void alp_rpc_dev_monitor_close(alp_rpc_dev_monitor_t *mon);
/* An fd that becomes readable (poll/epoll) when an event may be pending; -1 for NULL. */
int alp_rpc_dev_monitor_fd(alp_rpc_dev_monitor_t *mon);
/*
 * The next event into *ev, waiting up to timeout_ms (0: only what is
 * pending, UINT32_MAX: forever): ALP_OK, or ALP_ERR_TIMEOUT when none came,
 * ALP_ERR_INVAL for NULL arguments, ALP_ERR_IO.
 */
alp_status_t alp_rpc_dev_monitor_read(alp_rpc_dev_monitor_t *mon, alp_rpc_dev_event_t *ev,
				      uint32_t timeout_ms);

/* Static English names, never NULL: "remote-up", "bound", ... */
const char *alp_rpc_dev_event_name(uint32_t type);
const char *alp_rpc_dev_state_name(uint32_t state);

#ifdef __cplusplus
}
#endif

#endif /* ALP_RPC_DEVICE_H */
