// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests' helpers for upstream rpmsg_char nodes (see charnode.h).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charnode.h"

long charnode_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* /sys/class/rpmsg/rpmsgN -> .../remoteprocN/.../virtioM.<name>.<src>.<dst>/rpmsg/rpmsgN */
static int charnode_scan(const char *want_rproc, const char *want_chan)
{
	DIR *d = opendir("/sys/class/rpmsg");
	struct dirent *e;
	int found = -1;

	while (d && (e = readdir(d))) {
		char link[PATH_MAX], path[PATH_MAX];
		ssize_t n;
		int idx;

		if (strncmp(e->d_name, "rpmsg_ctrl", 10) == 0 ||
		    sscanf(e->d_name, "rpmsg%d", &idx) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/class/rpmsg/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (!strstr(link, want_rproc) || !strstr(link, want_chan))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (access(path, F_OK) == 0)
			found = idx;
	}
	if (d)
		closedir(d);
	return found;
}

int charnode_find(const char *rproc, const char *name, int timeout_ms)
{
	char want_rproc[64], want_chan[64];
	long deadline = charnode_now_ms() + timeout_ms;
	int idx;

	snprintf(want_rproc, sizeof(want_rproc), "/%s/", rproc);
	snprintf(want_chan, sizeof(want_chan), ".%s.", name);
	while ((idx = charnode_scan(want_rproc, want_chan)) < 0 &&
	       charnode_now_ms() < deadline)
		usleep(10000);
	return idx;
}

int charnode_open(int idx, int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/rpmsg%d", idx);
	return open(path, O_RDWR | O_CLOEXEC | flags);
}

bool charnode_exists(int idx)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/rpmsg%d", idx);
	return access(path, F_OK) == 0;
}

ssize_t charnode_read(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t ret = poll(&pfd, 1, timeout_ms);

	if (ret <= 0)
		return ret ? -errno : -ETIMEDOUT;
	ret = read(fd, buf, len);
	return ret < 0 ? -errno : ret;
}
