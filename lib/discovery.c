// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Discovery through libudev: find rpmsg nodes by their sysfs attributes and
 * wait for them to appear or come back (udev monitor, never a sleep loop).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

struct rpc_udev_watch {
	struct udev *udev;
	struct udev_monitor *mon;
};

int rpc_udev_watch_new(struct rpc_udev_watch **out, const char *subsystem)
{
	struct rpc_udev_watch *w = calloc(1, sizeof(*w));
	/* No udevd (a minimal VM init): raw kernel events; devtmpfs makes nodes. */
	const char *source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	int fd;

	if (!w)
		return -ENOMEM;
	w->udev = udev_new();
	if (w->udev)
		w->mon = udev_monitor_new_from_netlink(w->udev, source);
	if (!w->mon || (subsystem &&
			udev_monitor_filter_add_match_subsystem_devtype(w->mon, subsystem, NULL) < 0) ||
	    udev_monitor_enable_receiving(w->mon) < 0) {
		rpc_udev_watch_free(w);
		return -ENOTSUP;
	}
	fd = udev_monitor_get_fd(w->mon);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	*out = w;
	return 0;
}

int rpc_udev_watch_fd(struct rpc_udev_watch *w)
{
	return w && w->mon ? udev_monitor_get_fd(w->mon) : -1;
}

void rpc_udev_watch_drain(struct rpc_udev_watch *w)
{
	struct udev_device *d;

	if (!w || !w->mon)
		return;
	while ((d = udev_monitor_receive_device(w->mon)))
		udev_device_unref(d);
}

void rpc_udev_watch_free(struct rpc_udev_watch *w)
{
	if (!w)
		return;
	udev_monitor_unref(w->mon);
	udev_unref(w->udev);
	free(w);
}

int rpc_check_chardev(const char *path, const char *subsystem)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	const char *base;
	ssize_t n;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/subsystem",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -ENODEV;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return strcmp(base, subsystem) ? -ENODEV : 0;
}

static bool attr_addr_matches(struct udev_device *d, const char *attr, uint32_t want)
{
	const char *v;

	if (want == UINT32_MAX)	/* RPMSG_ADDR_ANY */
		return true;
	v = udev_device_get_sysattr_value(d, attr);
	/* rpmsg_char prints addresses with %d: ANY reads back as -1. */
	return v && (uint32_t)strtoll(v, NULL, 0) == want;
}

typedef bool (*dev_pick_t)(struct udev_device *d, const char *devnode, void *arg);

/* First device of subsystem (any if NULL) whose sysname matches glob and that pick accepts. */
static int find_node(const char *subsystem, const char *glob, dev_pick_t pick, void *arg,
		     char *node, size_t cap)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *e = udev ? udev_enumerate_new(udev) : NULL;
	struct udev_list_entry *it;
	int rc = -ENOENT;

	if (!e) {
		udev_unref(udev);
		return -ENOTSUP;
	}
	if (subsystem)
		udev_enumerate_add_match_subsystem(e, subsystem);
	udev_enumerate_add_match_sysname(e, glob);
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d = udev_device_new_from_syspath(udev,
								     udev_list_entry_get_name(it));
		const char *devnode = d ? udev_device_get_devnode(d) : NULL;

		if (devnode && pick(d, devnode, arg)) {
			rpc_strlcpy(node, devnode, cap);
			rc = 0;
		}
		udev_device_unref(d);
		if (rc == 0)
			break;
	}
	udev_enumerate_unref(e);
	udev_unref(udev);
	return rc;
}

struct ept_match {
	const char *name;
	uint32_t src, dst;
};

static bool ept_pick(struct udev_device *d, const char *devnode, void *arg)
{
	const struct ept_match *m = arg;
	const char *n = udev_device_get_sysattr_value(d, "name");

	(void)devnode;
	return n && !strcmp(n, m->name) && attr_addr_matches(d, "src", m->src) &&
	       attr_addr_matches(d, "dst", m->dst);
}

int rpc_find_rpmsg_ept(const char *name, uint32_t src, uint32_t dst, char *node, size_t cap)
{
	struct ept_match m = { .name = name, .src = src, .dst = dst };

	return find_node("rpmsg", "rpmsg[0-9]*", ept_pick, &m, node, cap);
}

struct node_pick {
	bool (*accept)(const char *devnode, void *arg);
	void *arg;
};

static bool node_pick(struct udev_device *d, const char *devnode, void *arg)
{
	const struct node_pick *p = arg;

	(void)d;
	return !p->accept || p->accept(devnode, p->arg);
}

int rpc_find_node_by_prefix(const char *subsystem, const char *prefix,
			    bool (*accept)(const char *devnode, void *arg), void *arg,
			    char *node, size_t cap)
{
	struct node_pick p = { .accept = accept, .arg = arg };
	char glob[64];

	snprintf(glob, sizeof(glob), "%s[0-9]*", prefix);
	return find_node(subsystem, glob, node_pick, &p, node, cap);
}
