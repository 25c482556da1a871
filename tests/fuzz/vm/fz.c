// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shared bits of rpcfuzz and soak (see fz.h).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fz.h"

#define CLASS_DIR "/sys/class/rpmsg_rpc"

/*
 * The documented errnos of each kind of call. Creation with ANNOUNCE can
 * fail as a write does; a remote that goes away in the middle of a call
 * may give either ENODEV (control) or EPIPE (endpoint) depending on where
 * the call was.
 */
static const int ok_ctrl[] = {
	EBADF, EFAULT, EINVAL, E2BIG, ENODEV, ENOTTY, EADDRNOTAVAIL,
	EADDRINUSE, ENOMEM, ENOENT, EMFILE, ENFILE, EPERM, ENOSPC,
	EAGAIN, ETIMEDOUT, EINTR, EPIPE, 0
};
static const int ok_ept[] = {
	EBADF, EFAULT, EINVAL, E2BIG, ENOTTY, EPIPE, EBUSY, EMSGSIZE,
	EDESTADDRREQ, ENOTCONN, EAGAIN, ETIMEDOUT, EINTR, EPERM, EOPNOTSUPP,
	ENOENT, ENOMEM, EADDRINUSE, 0
};
/* EINVAL: read() on a control node, which has no read method */
static const int ok_read[] = {
	EBADF, EAGAIN, EINTR, EMSGSIZE, EPIPE, EFAULT, ENOBUFS, EINVAL, 0
};
static const int ok_write[] = {
	EBADF, EAGAIN, EINTR, EMSGSIZE, EPIPE, EFAULT, EDESTADDRREQ,
	ENOTCONN, ETIMEDOUT, EINVAL, EPERM, ENOMEM, 0
};
/*
 * a node that is going away: gone from /dev, or its device deleted, or
 * about to be unlinked by devtmpfs, which first sets its mode to 0000
 * (EACCES for a process without CAP_DAC_OVERRIDE)
 */
static const int ok_open[] = {
	ENOENT, ENXIO, ENODEV, EMFILE, ENFILE, EINTR, EACCES, 0
};
static const int ok_poll[] = { EINTR, 0 };
/*
 * ESPIPE: lseek on a stream; ENODEV: mmap, which no node has (EACCES
 * first if the fd is not open for reading)
 */
static const int ok_other[] = {
	EBADF, EINVAL, ESPIPE, ENODEV, EACCES, EMFILE, 0
};

static const int *const ok_sets[FZ_NCALLS] = {
	ok_ctrl, ok_ept, ok_read, ok_write, ok_open, ok_poll, ok_other,
};

static const char *const call_names[FZ_NCALLS] = {
	"ctrl-ioctl", "ept-ioctl", "read", "write", "open", "poll", "other",
};

bool fz_errno_ok(enum fz_call call, int err)
{
	const int *p;

	if (err <= 0 || err >= 512)
		return false;
	for (p = ok_sets[call]; *p; p++)
		if (*p == err)
			return true;
	return false;
}

const char *fz_call_name(enum fz_call call)
{
	return call_names[call];
}

int fz_list_nodes(const char *prefix, unsigned int *idx, int max)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	unsigned int v;
	char *end;
	int n = 0;
	DIR *d;

	d = opendir(CLASS_DIR);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (strncmp(de->d_name, prefix, plen))
			continue;
		v = strtoul(de->d_name + plen, &end, 10);
		if (end == de->d_name + plen || *end)
			continue;
		idx[n++] = v;
	}
	closedir(d);
	return n;
}

int fz_ctrl_of(const char *rproc)
{
	unsigned int idx[16];
	char path[128], val[64];
	int n, i, fd, ret = -1;
	ssize_t len;

	n = fz_list_nodes("rpmsg_rpc_ctrl", idx, 16);
	for (i = 0; i < n && ret < 0; i++) {
		snprintf(path, sizeof(path), CLASS_DIR "/rpmsg_rpc_ctrl%u/rproc",
			 idx[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, val, sizeof(val) - 1);
		close(fd);
		if (len <= 0)
			continue;
		val[len] = '\0';
		val[strcspn(val, "\n")] = '\0';
		if (!strcmp(val, rproc))
			ret = (int)idx[i];
	}
	return ret;
}

/* The first line of each report the VM harness fails on (tests/vm/run). */
#define REPORT_RE "BUG:|WARNING:|Oops|KASAN|UBSAN|unreferenced object|" \
	"INFO: (task|possible|trying|suspicious|lockdep|rcu)|" \
	"general protection fault|Kernel panic|DEBUG_LOCKS_WARN|" \
	"list_(add|del) corruption|watchdog: "

int fz_kernel_reports(void)
{
	char rec[8192];
	regex_t re;
	ssize_t n;
	int fd, count = 0;

	if (regcomp(&re, REPORT_RE, REG_EXTENDED | REG_NOSUB))
		return -1;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		regfree(&re);
		return -1;
	}
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (!regexec(&re, rec, 0, NULL, 0))
			count++;
	}
	close(fd);
	regfree(&re);
	return count;
}

uint64_t fz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
