// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device level: events (remotes, channels, endpoints coming and going)
 * from a udev monitor, the kernel's own events when no udevd runs.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "device.h"

/* Which remoteproc each of our control nodes belongs to: gone from sysfs at removal. */
#define CTRL_MEMO 32

struct alp_rpc_dev_monitor {
	const alp_rpc_dev_t *dev;
	struct udev *udev;
	struct udev_monitor *mon;
	struct {
		char ctrl[64];
		char rproc[32];
	} memo[CTRL_MEMO];
};

static uint32_t action_of(const char *a)
{
	if (!strcmp(a, "add"))
		return ALP_RPC_DEV_ACTION_ADD;
	if (!strcmp(a, "remove"))
		return ALP_RPC_DEV_ACTION_REMOVE;
	return ALP_RPC_DEV_ACTION_CHANGE;
}

static void copy_attr(char *dst, size_t cap, const char *name,
		      const char *(*attr)(const char *, void *), void *arg)
{
	const char *v = attr(name, arg);

	rpc_strlcpy(dst, v ? v : "", cap);
}

static uint32_t addr_attr(const char *name, const char *(*attr)(const char *, void *), void *arg)
{
	const char *v = attr(name, arg);

	return v && *v ? rpc_dev_parse_addr(v) : ALP_RPC_DEV_ADDR_ANY;
}

/* The last "remoteprocN" component of a devpath, if any. */
static void rproc_of_devpath(const char *devpath, char *out, size_t cap)
{
	const char *p = devpath;

	out[0] = 0;
	while (p && (p = strstr(p, "/remoteproc"))) {
		size_t n = strcspn(p + 1, "/");

		p++;
		if (n > 10 && strspn(p + 10, "0123456789") == n - 10)
			rpc_dev_fmt(out, cap, "%.*s", (int)n, p);
	}
}

bool rpc_dev_event_from(alp_rpc_dev_event_t *ev, const char *subsystem, const char *sysname,
			const char *action, const char *devpath,
			const char *(*attr)(const char *name, void *arg), void *arg)
{
	bool gone;

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->src = ev->dst = ALP_RPC_DEV_ADDR_ANY;
	if (!subsystem || !sysname || !action || !strcmp(action, "bind") ||
	    !strcmp(action, "unbind"))
		return false;
	ev->action = action_of(action);
	gone = ev->action == ALP_RPC_DEV_ACTION_REMOVE;
	rpc_strlcpy(ev->device, sysname, sizeof(ev->device));
	if (!strcmp(subsystem, "remoteproc")) {
		ev->object = ALP_RPC_DEV_OBJ_REMOTEPROC;
		ev->type = ALP_RPC_DEV_EVENT_REMOTE_STATE;
		rpc_strlcpy(ev->rproc, sysname, sizeof(ev->rproc));
		if (!gone) {
			copy_attr(ev->name, sizeof(ev->name), "name", attr, arg);
			copy_attr(ev->state, sizeof(ev->state), "state", attr, arg);
		}
		return true;
	}
	if (!strcmp(subsystem, "rpmsg_rpc")) {
		ev->backend = ALP_RPC_DEV_BACKEND_RPMSG_RPC;
		if (!strncmp(sysname, "rpmsg_rpc_ctrl", 14)) {
			ev->object = ALP_RPC_DEV_OBJ_CONTROL;
			ev->type = gone ? ALP_RPC_DEV_EVENT_REMOTE_DOWN :
			      ev->action == ALP_RPC_DEV_ACTION_ADD ? ALP_RPC_DEV_EVENT_REMOTE_UP :
								     ALP_RPC_DEV_EVENT_OTHER;
			if (!gone) {
				copy_attr(ev->name, sizeof(ev->name), "remote", attr, arg);
				copy_attr(ev->rproc, sizeof(ev->rproc), "rproc", attr, arg);
			}
			return true;
		}
		ev->object = ALP_RPC_DEV_OBJ_ENDPOINT;
		goto endpoint;
	}
	if (strcmp(subsystem, "rpmsg"))
		return false;
	/*
	 * The rpmsg bus: a channel device is named <transport>.<name>.<src>.<dst>
	 * (the name is read from it: after a removal the attributes are gone).
	 * The rpmsg class: upstream rpmsg_char nodes (rpmsg_ctrlN, rpmsgN).
	 */
	if (strchr(sysname, '.')) {
		const char *first = strchr(sysname, '.') + 1, *end = sysname + strlen(sysname);
		int dots = 0;

		ev->object = ALP_RPC_DEV_OBJ_CHANNEL;
		while (end > first && dots < 2)
			if (*--end == '.')
				dots++;
		if (dots == 2) {
			rpc_dev_fmt(ev->name, sizeof(ev->name), "%.*s", (int)(end - first), first);
			ev->dst = rpc_dev_parse_addr(strrchr(sysname, '.') + 1);
		}
		/* the transport's own devices are no announcement */
		if (ev->dst == ALP_RPC_DEV_ADDR_ANY || !strcmp(ev->name, "rpmsg_ns") ||
		    !strcmp(ev->name, "rpmsg_ctrl") || !strcmp(ev->name, "rpmsg_chrdev"))
			ev->type = ALP_RPC_DEV_EVENT_OTHER;
		else
			ev->type = gone ? ALP_RPC_DEV_EVENT_CHANNEL_WITHDRAWN :
				   ev->action == ALP_RPC_DEV_ACTION_ADD ?
				   ALP_RPC_DEV_EVENT_CHANNEL_ANNOUNCED : ALP_RPC_DEV_EVENT_OTHER;
		rproc_of_devpath(devpath, ev->rproc, sizeof(ev->rproc));
		return true;
	}
	ev->backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR;
	rproc_of_devpath(devpath, ev->rproc, sizeof(ev->rproc));
	if (!strncmp(sysname, "rpmsg_ctrl", 10)) {
		ev->object = ALP_RPC_DEV_OBJ_CONTROL;
		ev->type = gone ? ALP_RPC_DEV_EVENT_REMOTE_DOWN :
		      ev->action == ALP_RPC_DEV_ACTION_ADD ? ALP_RPC_DEV_EVENT_REMOTE_UP :
							     ALP_RPC_DEV_EVENT_OTHER;
		return true;
	}
	ev->object = ALP_RPC_DEV_OBJ_ENDPOINT;
endpoint:
	ev->type = gone ? ALP_RPC_DEV_EVENT_ENDPOINT_DESTROYED :
		   ev->action == ALP_RPC_DEV_ACTION_ADD ? ALP_RPC_DEV_EVENT_ENDPOINT_CREATED :
							  ALP_RPC_DEV_EVENT_OTHER;
	if (!gone) {
		copy_attr(ev->name, sizeof(ev->name), "name", attr, arg);
		ev->src = addr_attr("src", attr, arg);
		ev->dst = addr_attr("dst", attr, arg);
	}
	return true;
}

static const char *udev_attr(const char *name, void *arg)
{
	return udev_device_get_sysattr_value(arg, name);
}

static void memo_set(struct alp_rpc_dev_monitor *m, const char *ctrl, const char *rproc)
{
	size_t free_slot = CTRL_MEMO;

	for (size_t i = 0; i < CTRL_MEMO; i++) {
		if (!strcmp(m->memo[i].ctrl, ctrl)) {
			rpc_strlcpy(m->memo[i].rproc, rproc, sizeof(m->memo[i].rproc));
			return;
		}
		if (!m->memo[i].ctrl[0] && free_slot == CTRL_MEMO)
			free_slot = i;
	}
	if (free_slot == CTRL_MEMO)
		free_slot = 0;
	rpc_strlcpy(m->memo[free_slot].ctrl, ctrl, sizeof(m->memo[free_slot].ctrl));
	rpc_strlcpy(m->memo[free_slot].rproc, rproc, sizeof(m->memo[free_slot].rproc));
}

static const char *memo_get(struct alp_rpc_dev_monitor *m, const char *ctrl)
{
	for (size_t i = 0; i < CTRL_MEMO; i++)
		if (!strcmp(m->memo[i].ctrl, ctrl))
			return m->memo[i].rproc;
	return "";
}

RPC_EXPORT alp_rpc_dev_monitor_t *alp_rpc_dev_monitor_open(alp_rpc_dev_t *dev)
{
	static const char *const subsystems[] = { "remoteproc", "rpmsg_rpc", "rpmsg" };
	struct alp_rpc_dev_monitor *m;
	alp_rpc_dev_list_t *l;
	int fd;

	if (!dev) {
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		rpc_set_error(ALP_ERR_NOMEM);
		return NULL;
	}
	m->dev = dev;
	m->udev = udev_new();
	/* No udevd (a minimal system): only the kernel's own events exist. */
	if (m->udev)
		m->mon = udev_monitor_new_from_netlink(m->udev, access("/run/udev/control", F_OK) ?
						       "kernel" : "udev");
	if (!m->mon)
		goto nosupport;
	for (size_t i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++)
		udev_monitor_filter_add_match_subsystem_devtype(m->mon, subsystems[i], NULL);
	if (udev_monitor_enable_receiving(m->mon) < 0)
		goto nosupport;
	fd = udev_monitor_get_fd(m->mon);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* the control nodes up now, to know their remoteproc when they vanish */
	l = alp_rpc_dev_list_open(dev);
	for (size_t i = 0; i < alp_rpc_dev_list_count(l); i++) {
		alp_rpc_dev_remote_t r = { .size = sizeof(r) };

		alp_rpc_dev_list_remote(l, i, &r);
		if (r.backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC)
			memo_set(m, strrchr(r.control, '/') + 1, r.rproc);
	}
	alp_rpc_dev_list_close(l);
	rpc_set_error(ALP_OK);
	return m;
nosupport:
	alp_rpc_dev_monitor_close(m);
	rpc_set_error(ALP_ERR_NOSUPPORT);
	return NULL;
}

RPC_EXPORT void alp_rpc_dev_monitor_close(alp_rpc_dev_monitor_t *m)
{
	if (!m)
		return;
	udev_monitor_unref(m->mon);
	udev_unref(m->udev);
	free(m);
}

RPC_EXPORT int alp_rpc_dev_monitor_fd(alp_rpc_dev_monitor_t *m)
{
	return m ? udev_monitor_get_fd(m->mon) : -1;
}

/* One pending event of ours into *ev: 1, or 0 when nothing (of ours) is pending. */
static int take_one(struct alp_rpc_dev_monitor *m, alp_rpc_dev_event_t *ev)
{
	struct udev_device *d;

	while ((d = udev_monitor_receive_device(m->mon))) {
		bool ours = rpc_dev_event_from(ev, udev_device_get_subsystem(d),
					       udev_device_get_sysname(d),
					       udev_device_get_action(d),
					       udev_device_get_devpath(d), udev_attr, d);

		udev_device_unref(d);
		if (!ours)
			continue;
		if (ev->object == ALP_RPC_DEV_OBJ_CONTROL &&
		    ev->backend == ALP_RPC_DEV_BACKEND_RPMSG_RPC) {
			if (ev->action == ALP_RPC_DEV_ACTION_ADD)
				memo_set(m, ev->device, ev->rproc);
			else if (ev->action == ALP_RPC_DEV_ACTION_REMOVE)
				rpc_strlcpy(ev->rproc, memo_get(m, ev->device), sizeof(ev->rproc));
		}
		if (ev->object != ALP_RPC_DEV_OBJ_REMOTEPROC && !ev->state[0])
			rpc_dev_rproc_state(m->dev, ev->rproc, ev->state, sizeof(ev->state));
		if (ev->type == ALP_RPC_DEV_EVENT_REMOTE_DOWN && !strcmp(ev->state, "crashed"))
			ev->type = ALP_RPC_DEV_EVENT_REMOTE_CRASHED;
		return 1;
	}
	return 0;
}

RPC_EXPORT alp_status_t alp_rpc_dev_monitor_read(alp_rpc_dev_monitor_t *m,
						 alp_rpc_dev_event_t *ev, uint32_t timeout_ms)
{
	alp_rpc_dev_event_t e;
	uint64_t deadline;

	if (!m || !ev || ev->size < 2 * sizeof(uint32_t))
		return rpc_set_error(ALP_ERR_INVAL);
	deadline = timeout_ms == UINT32_MAX ? 0 : rpc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		struct pollfd pfd = { .fd = udev_monitor_get_fd(m->mon), .events = POLLIN };
		int wait = -1, rc;

		if (take_one(m, &e)) {
			rpc_dev_copy_out(ev, &e, sizeof(e));
			return rpc_set_error(ALP_OK);
		}
		if (deadline) {
			uint64_t now = rpc_now_ns();

			if (now >= deadline)
				return rpc_set_error(ALP_ERR_TIMEOUT);
			wait = (int)((deadline - now + 999999) / 1000000);
		}
		rc = poll(&pfd, 1, wait);
		if (rc < 0 && errno != EINTR)
			return rpc_set_error(ALP_ERR_IO);
		if (rc == 0 && !deadline)
			continue;
	}
}

RPC_EXPORT const char *alp_rpc_dev_event_name(uint32_t type)
{
	static const char *const names[] = {
		"other", "remote-state", "remote-up", "remote-down", "remote-crashed",
		"channel-announced", "channel-withdrawn", "endpoint-created", "endpoint-destroyed",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

RPC_EXPORT const char *alp_rpc_dev_state_name(uint32_t state)
{
	static const char *const names[] = { "unbound", "bound", "waiting", "withdrawn", "dead" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}
