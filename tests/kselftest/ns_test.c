// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc name service: ANNOUNCE as the remote sees it, BIND_BY_NAME
 * binding, withdrawal and rebinding, and coexistence with upstream drivers.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "rt.h"

#define NS_ADDR		53

struct ns_msg {
	char name[32];
	uint32_t addr;
	uint32_t flags;
};

FIXTURE(ns) {
	struct rt rt;
};

FIXTURE_SETUP(ns)
{
	int ret = rt_up(&self->rt, 0, false);

	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(ns)
{
	rt_down(&self->rt);
}

/*
 * The next name-service message Linux sent, skipping anything else, within
 * timeout_ms of each capture.
 */
static int next_ns_within(struct rt *rt, struct ns_msg *ns, uint32_t *src,
			  int timeout_ms)
{
	struct rpmsg_sim_msg hdr;
	char buf[RPMSG_SIM_BUF_SIZE];
	ssize_t n;

	*src = 0;
	for (;;) {
		n = sim_recv(rt->sim, &hdr, buf, sizeof(buf), timeout_ms);
		if (n < 0)
			return n;
		if (hdr.dst != NS_ADDR)
			continue;
		if (n != sizeof(*ns))
			return -EPROTO;
		memcpy(ns, buf, sizeof(*ns));
		*src = hdr.src;
		return 0;
	}
}

static int next_ns(struct rt *rt, struct ns_msg *ns, uint32_t *src)
{
	return next_ns_within(rt, ns, src, RT_WAIT_MS);
}

TEST_F(ns, announce_create_and_destroy)
{
	struct rpmsg_rpc_ept_create c;
	struct ns_msg ns;
	uint32_t src;

	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	ASSERT_EQ(0, rt_create(self->rt.ctrl, "linux-svc", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, RPMSG_RPC_EPT_F_ANNOUNCE,
			       &c));
	ASSERT_EQ(0, next_ns(&self->rt, &ns, &src));
	EXPECT_STREQ("linux-svc", ns.name);
	EXPECT_EQ(c.src, ns.addr);
	EXPECT_EQ(0, ns.flags);			/* create */
	EXPECT_EQ(c.src, src);

	ASSERT_EQ(0, rt_destroy(self->rt.ctrl, c.index));
	ASSERT_EQ(0, next_ns(&self->rt, &ns, &src));
	EXPECT_STREQ("linux-svc", ns.name);
	EXPECT_EQ(c.src, ns.addr);
	EXPECT_EQ(1, ns.flags);			/* destroy */

	/* an fd endpoint announces too, and withdraws on close */
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "fd-svc", RPMSG_RPC_ADDR_ANY,
				  RPMSG_RPC_ADDR_ANY, RPMSG_RPC_EPT_F_ANNOUNCE,
				  &c));
	ASSERT_EQ(0, next_ns(&self->rt, &ns, &src));
	EXPECT_STREQ("fd-svc", ns.name);
	EXPECT_EQ(0, ns.flags);
	close(c.fd);
	ASSERT_EQ(0, next_ns(&self->rt, &ns, &src));
	EXPECT_STREQ("fd-svc", ns.name);
	EXPECT_EQ(1, ns.flags);

	/* without ANNOUNCE, nothing goes to the name service */
	ASSERT_EQ(0, rt_create(self->rt.ctrl, "quiet", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, &c));
	ASSERT_EQ(0, rt_destroy(self->rt.ctrl, c.index));
	EXPECT_EQ(-ETIMEDOUT, next_ns(&self->rt, &ns, &src));
}

TEST_F(ns, bind_by_name_later)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_rpc_ept_info info;
	char buf[32];
	int fd;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "late-svc", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_EPT_F_BIND_BY_NAME, &c));
	EXPECT_EQ(RPMSG_RPC_ADDR_ANY, c.dst);
	fd = rt_open_ept(c.index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rt_ept_info(fd, &info));
	EXPECT_EQ(RPMSG_RPC_STATE_WAITING, info.state);
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, rt_poll(fd, POLLOUT, 20));
	/* the remote's announcements own the dst */
	EXPECT_EQ(-1, ioctl(fd, RPMSG_RPC_EPT_SET_DST, &(uint32_t){ 0x700 }));
	EXPECT_EQ(EBUSY, errno);

	/* announced: bound, and POLLOUT tells the poller */
	ASSERT_EQ(0, sim_echo(self->rt.sim, "late-svc", 0x600));
	ASSERT_EQ(POLLOUT, rt_poll(fd, POLLOUT, RT_WAIT_MS) & POLLOUT);
	ASSERT_EQ(0, rt_ept_info(fd, &info));
	EXPECT_EQ(RPMSG_RPC_STATE_BOUND, info.state);
	EXPECT_EQ(0x600, info.dst);
	ASSERT_EQ(4, write(fd, "ping", 4));
	ASSERT_EQ(4, read(fd, buf, sizeof(buf)));

	/* withdrawn: a temporary state, no POLLHUP, no POLLOUT; ENOTCONN */
	ASSERT_EQ(0, sim_del_service(self->rt.sim, 0x600));
	ASSERT_EQ(0, rt_wait_state(fd, RPMSG_RPC_STATE_WITHDRAWN, RT_WAIT_MS));
	EXPECT_EQ(0, rt_poll(fd, POLLIN | POLLOUT, 0));
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(ENOTCONN, errno);

	/* announced again, at another address: rebound */
	ASSERT_EQ(0, sim_echo(self->rt.sim, "late-svc", 0x601));
	ASSERT_EQ(0, rt_wait_state(fd, RPMSG_RPC_STATE_BOUND, RT_WAIT_MS));
	EXPECT_EQ(0, rt_poll(fd, POLLOUT, 0) & POLLHUP);
	ASSERT_EQ(0, rt_ept_info(fd, &info));
	EXPECT_EQ(0x601, info.dst);
	ASSERT_EQ(4, write(fd, "pong", 4));
	ASSERT_EQ(4, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	close(fd);
}

TEST_F(ns, bind_by_name_already_announced)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_rpc_channel ch[4];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .entry_size = sizeof(ch[0]),
		.entries = (uintptr_t)ch,
	};
	uint64_t end = rt_now_ms() + RT_WAIT_MS;

	ASSERT_EQ(0, sim_echo(self->rt.sim, "early-svc", 0x610));
	do {
		l.count = 4;
		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_CHANNELS, &l));
		if (l.count)
			break;
		rt_sleep_ms(10);
	} while (rt_now_ms() < end);
	ASSERT_EQ(1, l.count);

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "early-svc",
				  RPMSG_RPC_ADDR_ANY, RPMSG_RPC_ADDR_ANY,
				  RPMSG_RPC_EPT_F_BIND_BY_NAME, &c));
	EXPECT_EQ(0x610, c.dst);
	EXPECT_EQ(0, rt_wait_state(c.fd, RPMSG_RPC_STATE_BOUND, 0));
	close(c.fd);
}

static int count_dev(const char *dir, const char *prefix)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/*
 * Upstream rpmsg_char binds "rpmsg-raw" channels: it still does with us
 * loaded, and we see the channel without taking it.
 */
TEST_F(ns, coexists_with_rpmsg_char)
{
	struct rpmsg_rpc_channel ch[4];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .entry_size = sizeof(ch[0]),
		.entries = (uintptr_t)ch,
	};
	uint64_t end = rt_now_ms() + RT_WAIT_MS;
	char drv[256], path[512];
	int before, after = 0;
	ssize_t n;

	if (access("/sys/bus/rpmsg/drivers/rpmsg_chrdev", F_OK))
		SKIP(return, "upstream rpmsg_char is not loaded");
	before = count_dev("/sys/class/rpmsg", "rpmsg");
	ASSERT_EQ(0, sim_echo(self->rt.sim, "rpmsg-raw", 0x620));
	while (rt_now_ms() < end) {
		after = count_dev("/sys/class/rpmsg", "rpmsg");
		l.count = 4;
		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_CHANNELS, &l));
		if (after > before && l.count == 1)
			break;
		rt_sleep_ms(10);
	}
	EXPECT_GT(after, before) TH_LOG("rpmsg_char made no node");
	ASSERT_EQ(1, l.count);
	EXPECT_STREQ("rpmsg-raw", ch[0].name);
	EXPECT_EQ(0x620, ch[0].addr);

	/* the channel device's driver is upstream's */
	n = 0;
	{
		struct dirent *de;
		DIR *d = opendir("/sys/bus/rpmsg/devices");

		ASSERT_NE(NULL, d);
		while ((de = readdir(d))) {
			if (!strstr(de->d_name, ".rpmsg-raw."))
				continue;
			snprintf(path, sizeof(path),
				 "/sys/bus/rpmsg/devices/%s/driver", de->d_name);
			n = readlink(path, drv, sizeof(drv) - 1);
			if (n > 0)
				break;
		}
		closedir(d);
	}
	ASSERT_LT(0, n);
	drv[n] = '\0';
	EXPECT_NE(NULL, strstr(drv, "rpmsg_chrdev")) TH_LOG("%s", drv);
}

/*
 * A level-triggered select() loop on a withdrawn endpoint sleeps: no
 * POLLHUP (which select cannot mask) for a state that may end; it wakes
 * for data, and for the re-announcement.
 */
TEST_F(ns, select_on_withdrawn_sleeps)
{
	struct rpmsg_rpc_ept_create c;
	unsigned int n;
	char buf[16];

	ASSERT_EQ(0, rt_withdrawn_ept(self->rt.ctrl, self->rt.sim, "gone-svc",
				      0x630, &c));

	n = rt_select_wakeups(c.fd, 1000);
	TH_LOG("%u select() wake-ups in 1 s on a withdrawn endpoint", n);
	EXPECT_EQ(0, n);

	/* data still wakes it: POLLIN only */
	ASSERT_EQ(0, sim_inject(self->rt.sim, 0x630, c.src, "late", 4));
	EXPECT_EQ(POLLIN, rt_poll(c.fd, POLLIN | POLLOUT, RT_WAIT_MS));
	EXPECT_EQ(4, read(c.fd, buf, sizeof(buf)));
	/* announced again: POLLOUT */
	ASSERT_EQ(0, sim_echo(self->rt.sim, "gone-svc", 0x631));
	EXPECT_EQ(POLLOUT, rt_poll(c.fd, POLLOUT, RT_WAIT_MS) & (POLLOUT | POLLHUP));
	close(c.fd);
}

struct nb_create {
	int ctrl;
	bool want_fd;
	int ret;
	uint64_t ms;
	volatile int done;
};

static void *nb_create_fn(void *arg)
{
	struct nb_create *a = arg;
	struct rpmsg_rpc_ept_create c;
	uint64_t t0 = rt_now_ms();

	if (a->want_fd)
		a->ret = rt_create_fd(a->ctrl, "nb-svc", RPMSG_RPC_ADDR_ANY,
				      RPMSG_RPC_ADDR_ANY,
				      RPMSG_RPC_EPT_F_ANNOUNCE, &c);
	else
		a->ret = rt_create(a->ctrl, "nb-svc", RPMSG_RPC_ADDR_ANY,
				   RPMSG_RPC_ADDR_ANY,
				   RPMSG_RPC_EPT_F_ANNOUNCE, &c);
	a->ms = rt_now_ms() - t0;
	if (!a->ret && a->want_fd)
		close(c.fd);
	a->done = 1;
	return NULL;
}

/*
 * CREATE(_FD) with ANNOUNCE on an O_NONBLOCK control fd, no tx buffer
 * free: EAGAIN at once, no endpoint left behind, and the remote never
 * hears of it (no name-service destroy for a service never announced).
 */
TEST_F_TIMEOUT(ns, announce_nonblock_stalled, 60)
{
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.entry_size = sizeof(struct rpmsg_rpc_ept_info),
	};
	struct rpmsg_rpc_ept_create f;
	struct nb_create a;
	struct ns_msg ns;
	uint64_t end;
	uint32_t src;
	pthread_t t;
	int fd_variant, fl;

	ASSERT_EQ(0, sim_add_service(self->rt.sim, "sink", 0x510,
				     RPMSG_SIM_SVC_QUIET));
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "filler", RPMSG_RPC_ADDR_ANY,
				  0x510, 0, &f));
	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	fl = fcntl(self->rt.ctrl, F_GETFL);
	for (fd_variant = 0; fd_variant < 2; fd_variant++) {
		ASSERT_LT(0, rt_stall_full(f.fd, self->rt.sim, 0x510));
		ASSERT_EQ(0, fcntl(self->rt.ctrl, F_SETFL, fl | O_NONBLOCK));
		a = (struct nb_create){ .ctrl = self->rt.ctrl,
					.want_fd = fd_variant };
		ASSERT_EQ(0, pthread_create(&t, NULL, nb_create_fn, &a));
		/* bounded: a create that waits is let go by the resume */
		end = rt_now_ms() + 2000;
		while (!a.done && rt_now_ms() < end)
			rt_sleep_ms(5);
		ASSERT_EQ(0, sim_stall(self->rt.sim, false));
		pthread_join(t, NULL);
		ASSERT_EQ(0, fcntl(self->rt.ctrl, F_SETFL, fl));
		TH_LOG("%s: %s after %llu ms", fd_variant ? "CREATE_EPT_FD" :
		       "CREATE_EPT", strerror(-a.ret),
		       (unsigned long long)a.ms);
		EXPECT_EQ(-EAGAIN, a.ret);
		EXPECT_LT(a.ms, 1000);
		/* only the filler is left */
		l.count = 0;
		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
		EXPECT_EQ(1, l.count);
		/* the remote, consuming again, sees no destroy for it */
		while (!next_ns_within(&self->rt, &ns, &src, 500))
			EXPECT_FALSE(!strcmp(ns.name, "nb-svc") && ns.flags == 1)
				TH_LOG("name-service destroy for nb-svc");
	}
	close(f.fd);
}

TEST_HARNESS_MAIN
