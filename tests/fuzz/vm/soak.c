// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * soak: remote crash/restart cycles with everything in flight.
 * Runs in the test VM as root (make soak), rpmsg_sim + rpmsg_rpc loaded.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Each cycle, on a simulated remote that is up: open its control node,
 * create endpoints (two fds, a node opened twice, a BIND_BY_NAME one),
 * stall the remote and start seven threads that block in the driver: a
 * writer that filled the tx ring, a read() on a node, a RECV_BATCH on the
 * same node, a read() on an fd, an epoll_wait() on three endpoints, a
 * CREATE with ANNOUNCE waiting for a tx buffer, a LIST/INFO loop. Then the
 * remote crashes. Every thread must return within 10 s with the documented
 * errno (EPIPE for endpoint calls, any documented one for control calls),
 * the epoll waiter must see EPOLLHUP on all three. The previous cycle's
 * control fd and one dead endpoint fd stay open across the next crash.
 *
 * Every -e cycles (default 100) it prints: cycles done, seconds, kernel
 * report lines in /dev/kmsg, kmemleak's suspected leaks (after a scan) and
 * the slab size (/proc/meminfo Slab:) with its growth since the previous
 * report. Exit 1 on a stuck thread, an unexpected errno, a kernel report
 * or a kmemleak leak.
 *
 * Usage: soak [-n CYCLES] [-e EVERY]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/rpmsg_rpc.h>

#include "fz.h"
#include "libsim.h"

#define ECHO_ADDR	0x500
#define SINK_ADDR	0x510
#define NJOBS		7
#define RETURN_MS	10000

static struct sim *sim;
static char rproc[32];
static unsigned int findings;

struct job {
	const char *name;
	void *(*fn)(void *);
	int fd, fd2, fd3;
	int err;		/* the errno it ended with */
	unsigned int hups;	/* epoll: fds that reported EPOLLHUP */
	pthread_t tid;
	bool done;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned int ndone;

static void finish(struct job *j, int err)
{
	pthread_mutex_lock(&lock);
	j->err = err;
	j->done = true;
	ndone++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void *reader(void *arg)
{
	struct job *j = arg;
	char buf[512];

	for (;;)
		if (read(j->fd, buf, sizeof(buf)) < 0 && errno != EINTR &&
		    errno != ENOBUFS)
			break;
	finish(j, errno);
	return NULL;
}

static void *batch_reader(void *arg)
{
	struct job *j = arg;
	static __thread char bufs[4][512];
	struct rpmsg_rpc_msg m[4];
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = 4, .msg_size = sizeof(m[0]),
		.msgs = (uintptr_t)m,
	};
	int i;

	for (;;) {
		for (i = 0; i < 4; i++)
			m[i] = (struct rpmsg_rpc_msg){ .buf = (uintptr_t)bufs[i],
						       .len = 512 };
		if (ioctl(j->fd, RPMSG_RPC_EPT_RECV_BATCH, &b) < 0 &&
		    errno != EINTR)
			break;
	}
	finish(j, errno);
	return NULL;
}

static void *writer(void *arg)
{
	struct job *j = arg;
	char buf[64] = "soak";

	for (;;)
		if (write(j->fd, buf, sizeof(buf)) < 0 && errno != EINTR)
			break;
	finish(j, errno);
	return NULL;
}

static void *epoller(void *arg)
{
	struct job *j = arg;
	int fds[3] = { j->fd, j->fd2, j->fd3 }, ep, i, n, err = 0;
	struct epoll_event ev[3];
	unsigned int seen = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < 3; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
	}
	while (seen != 7) {
		n = epoll_wait(ep, ev, 3, -1);
		if (n < 0 && errno != EINTR) {
			err = errno;
			break;
		}
		for (i = 0; i < n; i++)
			if (ev[i].events & EPOLLHUP)
				seen |= 1U << ev[i].data.u32;
	}
	close(ep);
	j->hups = __builtin_popcount(seen);
	finish(j, err);
	return NULL;
}

static void *announcer(void *arg)
{
	struct job *j = arg;
	struct rpmsg_rpc_ept_create c;
	int made = 0;

	for (;;) {
		c = (struct rpmsg_rpc_ept_create){
			.size = sizeof(c), .flags = RPMSG_RPC_EPT_F_ANNOUNCE,
			.src = RPMSG_RPC_ADDR_ANY, .dst = RPMSG_RPC_ADDR_ANY,
		};
		snprintf(c.name, sizeof(c.name), "soak-ann-%d", made);
		if (ioctl(j->fd, RPMSG_RPC_CREATE_EPT, &c) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (++made >= 20) {
			/* the ring did not fill: wait for the end with INFO */
			struct rpmsg_rpc_ctrl_info i = { .size = sizeof(i) };

			while (!ioctl(j->fd, RPMSG_RPC_CTRL_INFO, &i))
				usleep(1000);
			break;
		}
	}
	finish(j, errno);
	return NULL;
}

static void *lister(void *arg)
{
	struct job *j = arg;
	struct rpmsg_rpc_ept_info e[16];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .entry_size = sizeof(e[0]),
		.entries = (uintptr_t)e,
	};

	for (;;) {
		l.count = 16;
		if (ioctl(j->fd, RPMSG_RPC_LIST_EPTS, &l) < 0)
			break;
		usleep(500);
	}
	finish(j, errno);
	return NULL;
}

static int create(int ctrl, unsigned long cmd, const char *name, uint32_t dst,
		  uint32_t flags, struct rpmsg_rpc_ept_create *c)
{
	*c = (struct rpmsg_rpc_ept_create){
		.size = sizeof(*c), .flags = flags,
		.src = RPMSG_RPC_ADDR_ANY, .dst = dst,
	};
	snprintf(c->name, sizeof(c->name), "%s", name);
	return ioctl(ctrl, cmd, c) ? -errno : 0;
}

static void fail(unsigned int cycle, const char *fmt, const char *a, int err)
{
	fprintf(stderr, "soak: cycle %u: ", cycle);
	fprintf(stderr, fmt, a, err, strerror(err));
	fputc('\n', stderr);
	findings++;
}

static int open_ctrl(void)
{
	uint64_t end = fz_now_ms() + 10000;
	char path[64];
	int idx, fd;

	do {
		idx = fz_ctrl_of(rproc);
		if (idx >= 0) {
			snprintf(path, sizeof(path), "/dev/rpmsg_rpc_ctrl%d", idx);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
		usleep(5000);
	} while (fz_now_ms() < end);
	return -1;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

/* Scan, then count the suspected leaks kmemleak knows of (-1: no kmemleak) */
static int kmemleak(int scans)
{
	char line[512];
	int fd, n = 0;
	FILE *f;

	while (scans--) {
		fd = open("/sys/kernel/debug/kmemleak", O_WRONLY);
		if (fd < 0)
			return -1;
		if (write(fd, "scan", 4) != 4) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	f = fopen("/sys/kernel/debug/kmemleak", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "unreferenced object"))
			n++;
	fclose(f);
	return n;
}

static int cycle(unsigned int n, int *keep_ctrl, int *keep_ept)
{
	struct job jobs[NJOBS] = {
		{ .name = "writer", .fn = writer },
		{ .name = "node reader", .fn = reader },
		{ .name = "node RECV_BATCH", .fn = batch_reader },
		{ .name = "fd reader", .fn = reader },
		{ .name = "epoll waiter", .fn = epoller },
		{ .name = "CREATE+ANNOUNCE", .fn = announcer },
		{ .name = "LIST loop", .fn = lister },
	};
	struct rpmsg_rpc_ept_create c_rd, c_wr, c_node, c_bind;
	struct rpmsg_rpc_ept_stats st;
	struct rpmsg_sim_info si = { .size = sizeof(si) };
	int ctrl, node1, node2, i, ret;
	struct timespec ts;
	uint64_t end;

	ctrl = open_ctrl();
	if (ctrl < 0) {
		fail(n, "%s: %d %s", "no control node", ENODEV);
		return -1;
	}
	ret = create(ctrl, RPMSG_RPC_CREATE_EPT_FD, "soak-rd", SINK_ADDR, 0, &c_rd);
	ret = ret ? ret : create(ctrl, RPMSG_RPC_CREATE_EPT_FD, "soak-wr",
				 SINK_ADDR, 0, &c_wr);
	ret = ret ? ret : create(ctrl, RPMSG_RPC_CREATE_EPT, "soak-node",
				 SINK_ADDR, 0, &c_node);
	ret = ret ? ret : create(ctrl, RPMSG_RPC_CREATE_EPT_FD, "echo",
				 RPMSG_RPC_ADDR_ANY,
				 RPMSG_RPC_EPT_F_BIND_BY_NAME, &c_bind);
	if (ret) {
		fail(n, "%s: %d %s", "create", -ret);
		close(ctrl);
		return -1;
	}
	{
		char path[64];

		snprintf(path, sizeof(path), "/dev/rpmsg_rpc%u", c_node.index);
		end = fz_now_ms() + 5000;
		while ((node1 = open(path, O_RDWR | O_CLOEXEC)) < 0 &&
		       fz_now_ms() < end)
			usleep(2000);
		node2 = open(path, O_RDWR | O_CLOEXEC);
		if (node1 < 0 || node2 < 0) {
			fail(n, "%s: %d %s", path, errno);
			return -1;
		}
	}
	sim_info(sim, &si);
	sim_stall(sim, true);

	jobs[0].fd = c_wr.fd;
	jobs[1].fd = node1;
	jobs[2].fd = node2;
	jobs[3].fd = c_rd.fd;
	jobs[4].fd = c_rd.fd;
	jobs[4].fd2 = node1;
	jobs[4].fd3 = c_bind.fd;
	jobs[5].fd = ctrl;
	jobs[6].fd = ctrl;
	ndone = 0;
	for (i = 0; i < NJOBS; i++)
		pthread_create(&jobs[i].tid, NULL, jobs[i].fn, &jobs[i]);

	/*
	 * the writer is blocked once a send found no buffer (generous: on a
	 * host loaded by other jobs 5 s were once not enough to fill a ring)
	 */
	end = fz_now_ms() + 30000;
	do {
		st = (struct rpmsg_rpc_ept_stats){ .size = sizeof(st) };
		ioctl(c_wr.fd, RPMSG_RPC_EPT_STATS, &st);
		if (st.tx_busy)
			break;
		usleep(2000);
	} while (fz_now_ms() < end);
	if (!st.tx_busy)
		fail(n, "%s: %d %s", "the writer never met a full ring", 0);
	usleep(20000);		/* let the others reach their wait */

	/* last cycle's leftovers: dead, must answer and go quietly */
	if (*keep_ctrl >= 0) {
		struct rpmsg_rpc_ctrl_info ci = { .size = sizeof(ci) };

		if (!ioctl(*keep_ctrl, RPMSG_RPC_CTRL_INFO, &ci) || errno != ENODEV)
			fail(n, "%s: %d %s", "old control fd: CTRL_INFO", errno);
		if (write(*keep_ept, "x", 1) >= 0 || errno != EPIPE)
			fail(n, "%s: %d %s", "old endpoint fd: write", errno);
	}

	if (sim_crash(sim))
		fail(n, "%s: %d %s", "sim_crash", EIO);

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += RETURN_MS / 1000;
	pthread_mutex_lock(&lock);
	while (ndone < NJOBS)
		if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&lock);
	if (ndone < NJOBS) {
		for (i = 0; i < NJOBS; i++)
			if (!jobs[i].done)
				fprintf(stderr, "soak: cycle %u: %s still blocked %d s after the crash\n",
					n, jobs[i].name, RETURN_MS / 1000);
		return -2;	/* threads still hold the fds: stop here */
	}
	for (i = 0; i < NJOBS; i++)
		pthread_join(jobs[i].tid, NULL);

	for (i = 0; i < 4; i++)
		if (jobs[i].err != EPIPE)
			fail(n, "%s ended with errno %d (%s), expected EPIPE",
			     jobs[i].name, jobs[i].err);
	if (jobs[4].err || jobs[4].hups != 3) {
		fprintf(stderr, "soak: cycle %u: epoll waiter: %u of 3 EPOLLHUP, errno %d\n",
			n, jobs[4].hups, jobs[4].err);
		findings++;
	}
	for (i = 5; i < NJOBS; i++)
		if (!fz_errno_ok(FZ_CTRL_IOCTL, jobs[i].err))
			fail(n, "%s ended with undocumented errno %d (%s)",
			     jobs[i].name, jobs[i].err);

	if (*keep_ctrl >= 0) {
		close(*keep_ctrl);
		close(*keep_ept);
	}
	*keep_ctrl = ctrl;
	*keep_ept = c_rd.fd;
	close(c_wr.fd);
	close(c_bind.fd);
	close(node1);
	close(node2);

	sim_stall(sim, false);
	ret = sim_wait_reboot(sim, si.boots, 30000);
	if (ret) {
		fail(n, "%s: %d %s", "the remote did not come back", -ret);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int cycles = 1000, every = 100, n;
	long slab0, slab_prev, slab;
	int reports0, reports, leaks = 0, opt, ret = 0;
	int keep_ctrl = -1, keep_ept = -1;
	uint64_t t0, t;

	while ((opt = getopt(argc, argv, "n:e:")) != -1) {
		switch (opt) {
		case 'n': cycles = strtoul(optarg, NULL, 0); break;
		case 'e': every = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: soak [-n CYCLES] [-e EVERY]\n");
			return 2;
		}
	}
	if (!every)
		every = 100;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (sim_create(0, 0, &sim) || sim_echo(sim, "echo", ECHO_ADDR) ||
	    sim_add_service(sim, "sink", SINK_ADDR, RPMSG_SIM_SVC_QUIET) ||
	    sim_rproc_name(sim, rproc, sizeof(rproc))) {
		fprintf(stderr, "soak: cannot set up the simulated remote\n");
		return 2;
	}
	reports0 = fz_kernel_reports();
	slab0 = slab_prev = meminfo_kb("Slab:");
	t0 = fz_now_ms();
	printf("# soak: %u crash/restart cycles of %s, report every %u; slab at start %ld kB\n",
	       cycles, rproc, every, slab0);
	printf("# soak: | cycles | s | kernel reports | kmemleak leaks | Slab kB | growth kB |\n");
	for (n = 1; n <= cycles; n++) {
		ret = cycle(n, &keep_ctrl, &keep_ept);
		if (ret || n % every == 0 || n == cycles) {
			t = fz_now_ms() - t0;
			reports = fz_kernel_reports() - reports0;
			leaks = kmemleak(1);
			slab = meminfo_kb("Slab:");
			printf("# soak: | %u | %.0f | %d | %d | %ld | %+ld |\n",
			       ret ? n - 1 : n, t / 1e3, reports, leaks, slab,
			       slab - slab_prev);
			slab_prev = slab;
		}
		if (ret)
			break;
	}
	if (keep_ctrl >= 0) {
		close(keep_ctrl);
		close(keep_ept);
	}
	if (ret != -2)
		sim_destroy(sim);
	/* kmemleak wants an object unreferenced in two scans */
	leaks = kmemleak(2);
	reports = fz_kernel_reports() - reports0;
	t = fz_now_ms() - t0;
	printf("# soak: done: %u cycles in %.0f s (%.2f s/cycle), kernel reports %d, kmemleak leaks %d, findings %u, slab %ld -> %ld kB\n",
	       ret ? n - 1 : cycles, t / 1e3,
	       t / 1e3 / ((ret ? n - 1 : cycles) ? (ret ? n - 1 : cycles) : 1),
	       reports, leaks, findings, slab0, meminfo_kb("Slab:"));
	return ret || reports > 0 || leaks > 0 || findings ? 1 : 0;
}
