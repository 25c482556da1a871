// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the rpmsg_rpc kselftests.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

#define RT_CLASS "/sys/class/rpmsg_rpc"

uint64_t rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int rt_sysfs(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), RT_CLASS "/%s/%s", dev, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* The control device whose rproc attribute is the sim's remoteproc. */
static int rt_find_ctrl(const char *rproc, unsigned int *index)
{
	struct dirent *de;
	char val[64];
	int ret = -ENOENT;
	DIR *d;

	d = opendir(RT_CLASS);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg_rpc_ctrl", 14))
			continue;
		if (rt_sysfs(de->d_name, "rproc", val, sizeof(val)))
			continue;
		if (!strcmp(val, rproc) &&
		    sscanf(de->d_name, "rpmsg_rpc_ctrl%u", index) == 1) {
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

int rt_open_ctrl(struct rt *rt, unsigned int timeout_ms)
{
	uint64_t end = rt_now_ms() + timeout_ms;
	char rproc[64], path[64];
	int ret;

	ret = sim_rproc_name(rt->sim, rproc, sizeof(rproc));
	if (ret)
		return ret;
	for (;;) {
		ret = rt_find_ctrl(rproc, &rt->index);
		if (!ret) {
			snprintf(path, sizeof(path), "/dev/rpmsg_rpc_ctrl%u",
				 rt->index);
			rt->ctrl = open(path, O_RDWR | O_CLOEXEC);
			if (rt->ctrl >= 0)
				return 0;
			ret = -errno;
		}
		if (rt_now_ms() >= end)
			return ret;
		rt_sleep_ms(10);
	}
}

int rt_up(struct rt *rt, unsigned int vring_num, bool services)
{
	int ret;

	rt->ctrl = -1;
	ret = sim_create(vring_num, 0, &rt->sim);
	if (ret) {
		rt->sim = NULL;
		return ret;
	}
	ret = rt_open_ctrl(rt, RT_WAIT_MS);
	if (!ret && services)
		ret = sim_echo(rt->sim, "echo", ECHO_ADDR);
	if (!ret && services)
		ret = sim_add_service(rt->sim, "sink", SINK_ADDR,
				      RPMSG_SIM_SVC_QUIET);
	if (ret) {
		if (rt->ctrl >= 0)
			close(rt->ctrl);
		rt->ctrl = -1;
		sim_destroy(rt->sim);
		rt->sim = NULL;
	}
	return ret;
}

void rt_down(struct rt *rt)
{
	if (rt->ctrl >= 0)
		close(rt->ctrl);
	rt->ctrl = -1;
	sim_destroy(rt->sim);
	rt->sim = NULL;
}

static int rt_do_create(int ctrl, unsigned long cmd, const char *name,
			uint32_t src, uint32_t dst, uint32_t flags,
			struct rpmsg_rpc_ept_create *out)
{
	struct rpmsg_rpc_ept_create c = {
		.size = sizeof(c),
		.flags = flags,
		.src = src,
		.dst = dst,
	};

	strncpy(c.name, name, sizeof(c.name) - 1);
	if (ioctl(ctrl, cmd, &c))
		return -errno;
	if (out)
		*out = c;
	return 0;
}

int rt_create(int ctrl, const char *name, uint32_t src, uint32_t dst,
	      uint32_t flags, struct rpmsg_rpc_ept_create *out)
{
	return rt_do_create(ctrl, RPMSG_RPC_CREATE_EPT, name, src, dst, flags,
			    out);
}

int rt_create_fd(int ctrl, const char *name, uint32_t src, uint32_t dst,
		 uint32_t flags, struct rpmsg_rpc_ept_create *out)
{
	return rt_do_create(ctrl, RPMSG_RPC_CREATE_EPT_FD, name, src, dst,
			    flags, out);
}

int rt_destroy(int ctrl, uint32_t index)
{
	struct rpmsg_rpc_ept_destroy d = { .size = sizeof(d), .index = index };

	return ioctl(ctrl, RPMSG_RPC_DESTROY_EPT, &d) ? -errno : 0;
}

int rt_open_ept(uint32_t index, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/rpmsg_rpc%u", index);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int rt_ept_info(int fd, struct rpmsg_rpc_ept_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, RPMSG_RPC_EPT_INFO, info) ? -errno : 0;
}

int rt_ept_stats(int fd, struct rpmsg_rpc_ept_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, RPMSG_RPC_EPT_STATS, st) ? -errno : 0;
}

int rt_wait_state(int fd, uint32_t state, unsigned int timeout_ms)
{
	uint64_t end = rt_now_ms() + timeout_ms;
	struct rpmsg_rpc_ept_info info;
	int ret;

	for (;;) {
		ret = rt_ept_info(fd, &info);
		if (ret)
			return ret;
		if (info.state == state)
			return 0;
		if (rt_now_ms() >= end)
			return -ETIMEDOUT;
		rt_sleep_ms(5);
	}
}

static int rt_wait_sim(struct rt *rt, bool returned, unsigned int timeout_ms)
{
	uint64_t end = rt_now_ms() + timeout_ms;
	struct rpmsg_sim_stats st;
	int ret;

	for (;;) {
		ret = sim_stats(rt->sim, &st);
		if (ret)
			return ret;
		if (!st.pending && (!returned || !st.rx_held))
			return 0;
		if (rt_now_ms() >= end)
			return -ETIMEDOUT;
		rt_sleep_ms(5);
	}
}

int rt_wait_handed_over(struct rt *rt, unsigned int timeout_ms)
{
	return rt_wait_sim(rt, false, timeout_ms);
}

int rt_wait_delivered(struct rt *rt, unsigned int timeout_ms)
{
	return rt_wait_sim(rt, true, timeout_ms);
}

int rt_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	return ret ? pfd.revents : 0;
}
