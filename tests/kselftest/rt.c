// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the rpmsg_rpc kselftests.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <linux/rpmsg.h>
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

int rt_upstream_create(int ctrl, const char *name, uint32_t dst)
{
	struct rpmsg_endpoint_info ei = { .src = RPMSG_ADDR_ANY, .dst = dst };

	memcpy(ei.name, name, strnlen(name, sizeof(ei.name)));
	return ioctl(ctrl, RPMSG_CREATE_EPT_IOCTL, &ei) ? -errno : 0;
}

int rt_count_epts(int ctrl)
{
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.entry_size = sizeof(struct rpmsg_rpc_ept_info),
	};

	return ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l) ? -errno : (int)l.count;
}

int rt_send(int fd, uint32_t src, uint32_t dst, const char *msg)
{
	struct rpmsg_rpc_send s = {
		.size = sizeof(s), .src = src, .dst = dst,
		.buf = (uintptr_t)msg, .len = strlen(msg),
	};

	return ioctl(fd, RPMSG_RPC_EPT_SEND, &s) ? -errno : 0;
}

static void rt_refused(int ret, const char *op, int *n, char *bad,
		       size_t len)
{
	size_t used = strlen(bad);

	if (ret == -1 && errno == EBADF)
		return;
	(*n)++;
	snprintf(bad + used, len - used, "%s%s: %s", used ? ", " : "", op,
		 ret == -1 ? strerror(errno) : "done");
}

int rt_readonly_mutations(int fd, char *bad, size_t len)
{
	struct rpmsg_rpc_send s = {
		.size = sizeof(s), .src = RPMSG_RPC_ADDR_ANY,
		.dst = RPMSG_RPC_ADDR_ANY, .buf = (uintptr_t)"ro", .len = 2,
	};
	struct rpmsg_rpc_msg m = { .buf = (uintptr_t)"ro", .len = 2,
				   .src = RPMSG_RPC_ADDR_ANY,
				   .dst = RPMSG_RPC_ADDR_ANY };
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = 1, .msg_size = sizeof(m),
		.msgs = (uintptr_t)&m,
	};
	uint32_t dst = 0x999, one = 1;
	int n = 0;

	bad[0] = '\0';
	rt_refused(write(fd, "ro", 2) < 0 ? -1 : 0, "write", &n, bad, len);
	rt_refused(ioctl(fd, RPMSG_RPC_EPT_SEND, &s), "SEND", &n, bad, len);
	rt_refused(ioctl(fd, RPMSG_RPC_EPT_SEND_BATCH, &b) < 0 ? -1 : 0,
		   "SEND_BATCH", &n, bad, len);
	rt_refused(ioctl(fd, RPMSG_RPC_EPT_SET_DST, &dst), "SET_DST", &n, bad,
		   len);
	rt_refused(ioctl(fd, RPMSG_RPC_EPT_SET_RXQ_LIMIT, &one),
		   "SET_RXQ_LIMIT", &n, bad, len);
	rt_refused(ioctl(fd, RPMSG_RPC_EPT_SET_TX_TIMEOUT, &one),
		   "SET_TX_TIMEOUT", &n, bad, len);
	rt_refused(ioctl(fd, RPMSG_DESTROY_EPT_IOCTL), "DESTROY_EPT_IOCTL", &n,
		   bad, len);
	return n;
}

int rt_withdrawn_ept(int ctrl, struct sim *sim, const char *name,
		     uint32_t addr, struct rpmsg_rpc_ept_create *c)
{
	int ret = sim_echo(sim, name, addr);

	if (!ret)
		ret = rt_create_fd(ctrl, name, RPMSG_RPC_ADDR_ANY,
				   RPMSG_RPC_ADDR_ANY,
				   RPMSG_RPC_EPT_F_BIND_BY_NAME, c);
	if (ret)
		return ret;
	ret = rt_wait_state(c->fd, RPMSG_RPC_STATE_BOUND, RT_WAIT_MS);
	if (!ret)
		ret = sim_del_service(sim, addr);
	if (!ret)
		ret = rt_wait_state(c->fd, RPMSG_RPC_STATE_WITHDRAWN,
				    RT_WAIT_MS);
	if (ret)
		close(c->fd);
	return ret;
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

int rt_stall_full(int fd, struct sim *sim, uint32_t dst)
{
	int fl = fcntl(fd, F_GETFL);
	int ret, sent = 0;

	if (fl < 0 || ioctl(fd, RPMSG_RPC_EPT_SET_DST, &dst))
		return -errno;
	ret = sim_stall(sim, true);
	if (ret)
		return ret;
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	while (sent < 10000 && write(fd, "fill-the-ring", 13) == 13)
		sent++;
	ret = sent < 10000 && errno == EAGAIN ? sent : -EPROTO;
	if (fcntl(fd, F_SETFL, fl))
		return -errno;
	return ret;
}

static void rt_on_alarm(int sig)
{
	(void)sig;
}

static void *rt_signal_stopper(void *arg)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	rt_sleep_ms(*(unsigned int *)arg);
	setitimer(ITIMER_REAL, &off, NULL);
	return NULL;
}

ssize_t rt_write_under_signals(int fd, unsigned int period_ms,
			       unsigned int signal_ms, int *err,
			       uint64_t *elapsed_ms)
{
	struct sigaction sa = { .sa_handler = rt_on_alarm,
				.sa_flags = SA_RESTART }, old;
	struct itimerval it = {
		{ period_ms / 1000, (period_ms % 1000) * 1000 },
		{ period_ms / 1000, (period_ms % 1000) * 1000 },
	};
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	sigset_t alrm, prev;
	pthread_t stopper;
	uint64_t t0;
	ssize_t ret;

	if (sigaction(SIGALRM, &sa, &old))
		return -1;
	/* the stopper thread must not take the signals itself */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &prev);
	ret = pthread_create(&stopper, NULL, rt_signal_stopper, &signal_ms);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	if (ret) {
		errno = ret;
		return -1;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = rt_now_ms();
	ret = write(fd, "under-signals", 13);
	*err = errno;
	*elapsed_ms = rt_now_ms() - t0;
	setitimer(ITIMER_REAL, &off, NULL);
	pthread_join(stopper, NULL);
	sigaction(SIGALRM, &old, NULL);
	return ret;
}

unsigned int rt_select_wakeups(int fd, unsigned int ms)
{
	uint64_t now, end = rt_now_ms() + ms;
	unsigned int n = 0;
	struct timeval tv;
	fd_set r, w;

	while ((now = rt_now_ms()) < end) {
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(fd, &r);
		FD_SET(fd, &w);
		tv.tv_sec = (end - now) / 1000;
		tv.tv_usec = (end - now) % 1000 * 1000;
		if (select(fd + 1, &r, &w, NULL, &tv) > 0)
			n++;
	}
	return n;
}

int rt_pollout_wakeups(int fd, unsigned int ms, ssize_t *bad)
{
	uint64_t now, end = rt_now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	unsigned int n = 0;
	ssize_t w;

	while ((now = rt_now_ms()) < end) {
		if (poll(&pfd, 1, end - now) <= 0)
			continue;
		if (pfd.revents != POLLOUT) {
			*bad = pfd.revents;
			return -EPIPE;
		}
		n++;
		w = write(fd, "again", 5);
		if (w != -1 || errno != EAGAIN) {
			*bad = w < 0 ? -errno : w;
			return -EPROTO;
		}
	}
	return n;
}
