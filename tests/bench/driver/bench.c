// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc against upstream rpmsg_char, on the same simulated remote in
 * the same run: one-way messages/s each direction (16 B and MTU), round
 * trip latency through the echo service, the batch ioctls, and endpoint
 * set-up time. A measuring program, not a test: it asserts nothing about
 * the figures; it fails only if something it needs does not work.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * Usage: bench [-n MESSAGES]   (as root, rpmsg_sim + rpmsg_rpc + upstream
 *                               rpmsg_char/rpmsg_ctrl loaded)
 *        bench -S N [-o]       endpoint set-up only, each step timed, N
 *                              times (-o: ours only, for a tracer to watch)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/rpmsg.h>

#include "rt.h"

#define BATCH	64

static unsigned int nmsg = 2000;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err));
	exit(1);
}

/* ---- the two kinds of endpoint -------------------------------------- */

struct ept {
	int fd;
	uint32_t src;
	int up_ctrl;		/* upstream: /dev/rpmsg_ctrlN, else -1 */
};

static struct rt rt;
static char up_ctrl_dir[300];	/* /sys/class/rpmsg/rpmsg_ctrlN */
static int up_ctrl_fd = -1;

/* Upstream's control node for our remote: its device's parent is ours. */
static void find_upstream_ctrl(void)
{
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) };
	char path[512], link[512], dev[160];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	if (ioctl(rt.ctrl, RPMSG_RPC_CTRL_INFO, &info))
		die("RPMSG_RPC_CTRL_INFO", errno);
	d = opendir("/sys/class/rpmsg");
	if (!d)
		die("/sys/class/rpmsg (rpmsg_ctrl loaded?)", errno);
	/* the rpmsg device is named <transport>.rpmsg_ctrl.<src>.<dst> */
	snprintf(dev, sizeof(dev), "/%s.rpmsg_ctrl.", info.device);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg_ctrl", 10))
			continue;
		snprintf(path, sizeof(path), "/sys/class/rpmsg/%s/device",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (!strstr(link, dev))
			continue;
		snprintf(up_ctrl_dir, sizeof(up_ctrl_dir),
			 "/sys/class/rpmsg/%s", de->d_name);
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		up_ctrl_fd = open(path, O_RDWR | O_CLOEXEC);
		if (up_ctrl_fd < 0)
			die(path, errno);
		break;
	}
	closedir(d);
	if (up_ctrl_fd < 0)
		die("no upstream rpmsg_ctrl node for the remote", ENOENT);
}

static int read_attr(const char *dir, const char *name, const char *attr,
		     char *buf, size_t len)
{
	char path[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/*
 * Upstream's sysfs "src" shows the requested address (ANY), never the
 * allocated one: learn it from the remote's side, off one message.
 */
static uint32_t learn_src(int fd)
{
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU];
	ssize_t n;

	if (sim_capture(rt.sim, true))
		die("sim_capture", EIO);
	if (write(fd, "?", 1) != 1)
		die("write", errno);
	/* earlier traffic may still be draining: find our probe */
	do {
		n = sim_recv(rt.sim, &hdr, buf, sizeof(buf), 5000);
		if (n < 0)
			die("sim_recv", (int)-n);
	} while (n != 1 || buf[0] != '?');
	sim_capture(rt.sim, false);
	return hdr.src;
}

/* The steps of an endpoint set-up that -S times one by one */
enum { ST_CREATE_FD, ST_RXQ, ST_CLOSE, ST_NOP, ST_INFO,
       ST_UP_CREATE, ST_UP_SCAN, ST_UP_OPEN, ST_UP_DESTROY, ST_UP_CLOSE,
       ST_N };
static const char *const step_names[ST_N] = {
	"ours: ioctl CREATE_EPT_FD", "ours: ioctl SET_RXQ_LIMIT (bench only)",
	"ours: close (endpoint destroyed)",
	"baseline: ioctl on the control node, unknown command (ENOTTY)",
	"baseline: ioctl CTRL_INFO",
	"upstream: ioctl RPMSG_CREATE_EPT_IOCTL", "upstream: sysfs scan",
	"upstream: open /dev/rpmsgN", "upstream: ioctl RPMSG_DESTROY_EPT_IOCTL",
	"upstream: close",
};

/*
 * The upstream way: CREATE_EPT, then find the new /dev/rpmsgN by scanning
 * sysfs for the name (what ti-rpmsg-char does), then open it. With v, the
 * time of each step goes to v[ST_UP_*][i].
 */
static struct ept upstream_open_steps(const char *name, uint32_t dst,
				      uint64_t **v, unsigned int i)
{
	struct rpmsg_endpoint_info ei = { .src = RPMSG_ADDR_ANY, .dst = dst };
	struct ept e = { .fd = -1, .up_ctrl = up_ctrl_fd };
	char val[64], path[300], node[256] = "";
	uint64_t t0 = now_ns(), t1, t2;
	struct dirent *de;
	DIR *d;

	strncpy(ei.name, name, sizeof(ei.name) - 1);
	if (ioctl(up_ctrl_fd, RPMSG_CREATE_EPT_IOCTL, &ei))
		die("RPMSG_CREATE_EPT_IOCTL", errno);
	t1 = now_ns();
	d = opendir(up_ctrl_dir);
	if (!d)
		die(up_ctrl_dir, errno);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "rpmsg", 5) ||
		    !strncmp(de->d_name, "rpmsg_ctrl", 10))
			continue;
		if (read_attr(up_ctrl_dir, de->d_name, "name", val, sizeof(val)) ||
		    strcmp(val, name))
			continue;
		snprintf(node, sizeof(node), "%s", de->d_name);
		break;
	}
	closedir(d);
	if (!node[0])
		die("upstream endpoint node not found", ENOENT);
	t2 = now_ns();
	snprintf(path, sizeof(path), "/dev/%s", node);
	e.fd = open(path, O_RDWR | O_CLOEXEC);
	if (e.fd < 0)
		die(path, errno);
	if (v) {
		v[ST_UP_CREATE][i] = t1 - t0;
		v[ST_UP_SCAN][i] = t2 - t1;
		v[ST_UP_OPEN][i] = now_ns() - t2;
	}
	return e;
}

static struct ept upstream_open(const char *name, uint32_t dst)
{
	return upstream_open_steps(name, dst, NULL, 0);
}

static void upstream_close(struct ept *e)
{
	ioctl(e->fd, RPMSG_DESTROY_EPT_IOCTL);
	close(e->fd);
}

static struct ept ours_open(const char *name, uint32_t dst)
{
	struct rpmsg_rpc_ept_create c;
	struct ept e = { .up_ctrl = -1 };
	uint32_t limit = RPMSG_RPC_RXQ_MAX;
	int ret;

	ret = rt_create_fd(rt.ctrl, name, RPMSG_RPC_ADDR_ANY, dst, 0, &c);
	if (ret)
		die("RPMSG_RPC_CREATE_EPT_FD", -ret);
	e.fd = c.fd;
	e.src = c.src;
	if (ioctl(e.fd, RPMSG_RPC_EPT_SET_RXQ_LIMIT, &limit))
		die("RPMSG_RPC_EPT_SET_RXQ_LIMIT", errno);
	return e;
}

static void ept_close(struct ept *e)
{
	if (e->up_ctrl >= 0)
		upstream_close(e);
	else
		close(e->fd);
}

/* ---- measurements ----------------------------------------------------- */

static double tx_rate(struct ept *e, size_t len)
{
	char buf[RT_MTU];
	uint64_t t0;
	unsigned int i;

	memset(buf, 0x5a, len);
	t0 = now_ns();
	for (i = 0; i < nmsg; i++)
		if (write(e->fd, buf, len) != (ssize_t)len)
			die("write", errno);
	return nmsg * 1e9 / (now_ns() - t0);
}

static double tx_rate_batch(struct ept *e, size_t len)
{
	struct rpmsg_rpc_msg m[BATCH];
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = BATCH, .msg_size = sizeof(m[0]),
		.msgs = (uintptr_t)m,
	};
	char buf[RT_MTU];
	unsigned int i, sent = 0;
	uint64_t t0;
	int n;

	memset(buf, 0x5a, len);
	for (i = 0; i < BATCH; i++)
		m[i] = (struct rpmsg_rpc_msg){ .buf = (uintptr_t)buf,
			.len = len, .src = RPMSG_RPC_ADDR_ANY,
			.dst = RPMSG_RPC_ADDR_ANY };
	t0 = now_ns();
	while (sent < nmsg) {
		b.count = nmsg - sent < BATCH ? nmsg - sent : BATCH;
		n = ioctl(e->fd, RPMSG_RPC_EPT_SEND_BATCH, &b);
		if (n <= 0)
			die("RPMSG_RPC_EPT_SEND_BATCH", errno);
		sent += n;
	}
	return nmsg * 1e9 / (now_ns() - t0);
}

struct injector {
	uint32_t dst;
	size_t len;
	int err;
};

/* The remote sends nmsg messages to dst as fast as the simulator takes them */
static void *inject_fn(void *arg)
{
	struct injector *in = arg;
	char buf[RT_MTU];
	unsigned int i;
	int ret;

	memset(buf, 0xa5, in->len);
	for (i = 0; i < nmsg; i++) {
		ret = sim_inject(rt.sim, SINK_ADDR, in->dst, buf, in->len);
		if (ret == -EAGAIN || ret == -ENOBUFS) {
			rt_sleep_ms(1);
			i--;
			continue;
		}
		if (ret) {
			in->err = -ret;
			break;
		}
	}
	return NULL;
}

/* Read nmsg messages of len bytes, one per read() or BATCH per ioctl. */
static void read_all(struct ept *e, size_t len, bool batch, bool wait)
{
	struct rpmsg_rpc_msg m[BATCH];
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = BATCH, .msg_size = sizeof(m[0]),
		.msgs = (uintptr_t)m,
	};
	static char bufs[BATCH][RT_MTU];
	unsigned int got = 0, i;
	int n;

	while (got < nmsg) {
		if (wait && rt_poll(e->fd, POLLIN, 5000) <= 0)
			die("rx: nothing arrived", ETIMEDOUT);
		if (!batch) {
			if (read(e->fd, bufs[0], RT_MTU) != (ssize_t)len)
				die("read", errno);
			got++;
			continue;
		}
		for (i = 0; i < BATCH; i++)
			m[i] = (struct rpmsg_rpc_msg){
				.buf = (uintptr_t)bufs[i], .len = RT_MTU };
		n = ioctl(e->fd, RPMSG_RPC_EPT_RECV_BATCH, &b);
		if (n <= 0)
			die("RPMSG_RPC_EPT_RECV_BATCH", errno);
		got += n;
	}
}

static double rx_rate(struct ept *e, size_t len, bool batch)
{
	struct injector in = { .len = len };
	pthread_t t;
	uint64_t t0;

	if (e->up_ctrl >= 0 && !e->src)
		e->src = learn_src(e->fd);
	in.dst = e->src;
	t0 = now_ns();
	if (pthread_create(&t, NULL, inject_fn, &in))
		die("pthread_create", errno);
	read_all(e, len, batch, true);
	pthread_join(t, NULL);
	if (in.err)
		die("sim_inject", in.err);
	return nmsg * 1e9 / (now_ns() - t0);
}

/*
 * The read side alone: nmsg messages are queued first (the simulator's
 * delivery and injection cost nothing), then drained.
 */
static double drain_rate(struct ept *e, size_t len, bool batch)
{
	struct injector in = { .len = len };
	uint64_t t0;

	if (e->up_ctrl >= 0 && !e->src)
		e->src = learn_src(e->fd);
	in.dst = e->src;
	inject_fn(&in);
	if (in.err)
		die("sim_inject", in.err);
	if (rt_wait_delivered(&rt, 60000))
		die("simulator did not deliver", ETIMEDOUT);
	/* the last vring-full may still be in Linux's rx path */
	rt_sleep_ms(300);
	t0 = now_ns();
	read_all(e, len, batch, false);
	return nmsg * 1e9 / (now_ns() - t0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Round trips through the echo service: p50 and p99 in microseconds. */
static void rtt(struct ept *e, double *p50, double *p99)
{
	unsigned int n = nmsg < 1000 ? nmsg : 1000, i;
	uint64_t *t = calloc(n, sizeof(*t)), t0;
	char buf[RT_MTU];

	if (!t)
		die("calloc", ENOMEM);
	memset(buf, 1, 16);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		if (write(e->fd, buf, 16) != 16)
			die("rtt write", errno);
		if (read(e->fd, buf, sizeof(buf)) != 16)
			die("rtt read", errno);
		t[i] = now_ns() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	*p50 = t[n / 2] / 1e3;
	*p99 = t[n * 99 / 100] / 1e3;
	free(t);
}

/*
 * Endpoint set-up and tear-down, microseconds per endpoint: ours is
 * CREATE_EPT_FD + close (ours_open()'s SET_RXQ_LIMIT is for the throughput
 * runs, not part of a set-up), upstream's create + sysfs scan + open +
 * destroy + close.
 */
static double setup_time(bool ours)
{
	struct rpmsg_rpc_ept_create c;
	unsigned int n = 100, i;
	struct ept e;
	uint64_t t0 = now_ns();

	for (i = 0; i < n; i++) {
		if (ours) {
			if (rt_create_fd(rt.ctrl, "setup", RPMSG_RPC_ADDR_ANY,
					 ECHO_ADDR, 0, &c))
				die("RPMSG_RPC_CREATE_EPT_FD", errno);
			close(c.fd);
			continue;
		}
		e = upstream_open("setup", ECHO_ADDR);
		ept_close(&e);
	}
	return (now_ns() - t0) / 1e3 / n;
}

/* ---- set-up, step by step (-S) ------------------------------------------ */


static uint64_t step(uint64_t *t)
{
	uint64_t now = now_ns(), d = now - *t;

	*t = now;
	return d;
}

static double median_us(uint64_t *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2] / 1e3;
}

static void setup_steps(unsigned int n, bool ours_only)
{
	struct rpmsg_rpc_ctrl_info info;
	struct rpmsg_rpc_ept_create c;
	uint32_t limit = RPMSG_RPC_RXQ_MAX;
	uint64_t *v[ST_N], t;
	unsigned int i, k;
	struct ept e;

	for (k = 0; k < ST_N; k++) {
		v[k] = calloc(n, sizeof(uint64_t));
		if (!v[k])
			die("calloc", ENOMEM);
	}
	for (i = 0; i < n; i++) {
		t = now_ns();
		if (rt_create_fd(rt.ctrl, "setup", RPMSG_RPC_ADDR_ANY, ECHO_ADDR,
				 0, &c))
			die("RPMSG_RPC_CREATE_EPT_FD", errno);
		v[ST_CREATE_FD][i] = step(&t);
		if (ioctl(c.fd, RPMSG_RPC_EPT_SET_RXQ_LIMIT, &limit))
			die("RPMSG_RPC_EPT_SET_RXQ_LIMIT", errno);
		v[ST_RXQ][i] = step(&t);
		close(c.fd);
		v[ST_CLOSE][i] = step(&t);
		ioctl(rt.ctrl, _IO(RPMSG_RPC_IOC_MAGIC, 0xbf));
		v[ST_NOP][i] = step(&t);
		info = (struct rpmsg_rpc_ctrl_info){ .size = sizeof(info) };
		if (ioctl(rt.ctrl, RPMSG_RPC_CTRL_INFO, &info))
			die("RPMSG_RPC_CTRL_INFO", errno);
		v[ST_INFO][i] = step(&t);
		if (ours_only)
			continue;
		/* upstream_open() in its three steps */
		e = upstream_open_steps("setup", ECHO_ADDR, v, i);
		t = now_ns();
		ioctl(e.fd, RPMSG_DESTROY_EPT_IOCTL);
		v[ST_UP_DESTROY][i] = step(&t);
		close(e.fd);
		v[ST_UP_CLOSE][i] = step(&t);
	}
	printf("# endpoint set-up, %u times, median us per step\n", n);
	for (k = 0; k < ST_N; k++) {
		if (ours_only && k >= ST_UP_CREATE)
			break;
		printf("# | %s | %.1f |\n", step_names[k], median_us(v[k], n));
		free(v[k]);
	}
}

int main(int argc, char **argv)
{
	struct ept up, our;
	double u, o, p50u, p99u, p50o, p99o;
	size_t sizes[] = { 16, RT_MTU };
	char clk[64];
	unsigned int i, steps = 0;
	bool ours_only = false;
	int ret, opt;

	while ((opt = getopt(argc, argv, "n:S:o")) != -1) {
		if (opt == 'n')
			nmsg = strtoul(optarg, NULL, 0);
		else if (opt == 'S')
			steps = strtoul(optarg, NULL, 0);
		else if (opt == 'o')
			ours_only = true;
		else
			return 2;
	}
	/* "reading queued" holds them all in one endpoint's queue */
	if (!nmsg || nmsg > RPMSG_RPC_RXQ_MAX)
		nmsg = RPMSG_RPC_RXQ_MAX;
	ret = rt_up(&rt, 0, true);
	if (ret)
		die("simulated remote", -ret);
	find_upstream_ctrl();
	if (steps) {
		setup_steps(steps, ours_only);
		close(up_ctrl_fd);
		rt_down(&rt);
		return 0;
	}

	printf("# rpmsg_rpc vs upstream rpmsg_char, same simulated remote, %u messages\n",
	       nmsg);
	/* a jiffies clocksource (TCG may fall back to it) makes times coarse */
	if (!read_attr("/sys/devices/system", "clocksource/clocksource0",
		       "current_clocksource", clk, sizeof(clk)))
		printf("# clocksource: %s%s\n", clk,
		       !strstr(clk, "jiffies") ? "" :
		       " (coarse: latency figures are not meaningful)");
	printf("# | measure | upstream rpmsg_char | rpmsg_rpc | rpmsg_rpc batch (%d) |\n",
	       BATCH);
	printf("# |---|---|---|---|\n");
	for (i = 0; i < 2; i++) {
		up = upstream_open("bench-up", SINK_ADDR);
		our = ours_open("bench-our", SINK_ADDR);
		u = tx_rate(&up, sizes[i]);
		o = tx_rate(&our, sizes[i]);
		printf("# | Linux->remote msgs/s, %zu B | %.0f | %.0f | %.0f |\n",
		       sizes[i], u, o, tx_rate_batch(&our, sizes[i]));
		u = rx_rate(&up, sizes[i], false);
		o = rx_rate(&our, sizes[i], false);
		printf("# | remote->Linux msgs/s, %zu B, end to end | %.0f | %.0f | %.0f |\n",
		       sizes[i], u, o, rx_rate(&our, sizes[i], true));
		u = drain_rate(&up, sizes[i], false);
		o = drain_rate(&our, sizes[i], false);
		printf("# | remote->Linux msgs/s, %zu B, reading queued | %.0f | %.0f | %.0f |\n",
		       sizes[i], u, o, drain_rate(&our, sizes[i], true));
		ept_close(&up);
		ept_close(&our);
	}
	up = upstream_open("bench-up", ECHO_ADDR);
	our = ours_open("bench-our", ECHO_ADDR);
	rtt(&up, &p50u, &p99u);
	rtt(&our, &p50o, &p99o);
	printf("# | echo round trip 16 B, p50 us | %.1f | %.1f | - |\n", p50u, p50o);
	printf("# | echo round trip 16 B, p99 us | %.1f | %.1f | - |\n", p99u, p99o);
	ept_close(&up);
	ept_close(&our);
	printf("# | endpoint set-up + tear-down, us | %.0f (create, sysfs scan, open) | %.0f (create_fd) | - |\n",
	       setup_time(false), setup_time(true));

	close(up_ctrl_fd);
	rt_down(&rt);
	return 0;
}
