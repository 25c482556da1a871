// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc per-remote limits (docs/driver.md, issue 8): at most 1024
 * endpoints (node + fd) per remote, ENOSPC beyond; at most 8192 received
 * messages queued over all endpoints of a remote, dropped and counted
 * beyond, and such a drop is signalled (POLLIN, then one ENOBUFS) even on
 * an endpoint whose own queue is empty.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/rpmsg.h>

#include "kselftest_harness.h"
#include "rt.h"

FIXTURE(lim) {
	struct rt rt;
};

FIXTURE_SETUP(lim)
{
	int ret = rt_up(&self->rt, 0, true);

	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(lim)
{
	rt_down(&self->rt);
}

TEST_F_TIMEOUT(lim, endpoints_per_remote, 600)
{
	enum { NODES = 24, FDS = RT_EPTS_PER_REMOTE - NODES };
	struct rlimit rl = { 4096, 4096 };
	struct rpmsg_endpoint_info ei = { .name = "cap-up",
					  .src = RPMSG_ADDR_ANY,
					  .dst = RPMSG_ADDR_ANY };
	struct rpmsg_rpc_ept_create c;
	static int fds[FDS];
	uint32_t nodes[NODES];
	int i, ret;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < FDS; i++) {
		ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "cap", RPMSG_RPC_ADDR_ANY,
					  RPMSG_RPC_ADDR_ANY, 0, &c))
			TH_LOG("fd endpoint %d", i);
		fds[i] = c.fd;
	}
	for (i = 0; i < NODES; i++) {
		ASSERT_EQ(0, rt_create(self->rt.ctrl, "cap-node",
				       RPMSG_RPC_ADDR_ANY, RPMSG_RPC_ADDR_ANY,
				       0, &c)) TH_LOG("node endpoint %d", i);
		nodes[i] = c.index;
	}
	ASSERT_EQ(RT_EPTS_PER_REMOTE, rt_count_epts(self->rt.ctrl));

	/* full: every way of creating says so */
	ret = rt_create_fd(self->rt.ctrl, "over", RPMSG_RPC_ADDR_ANY,
			   RPMSG_RPC_ADDR_ANY, 0, &c);
	EXPECT_EQ(-ENOSPC, ret);
	if (!ret)
		close(c.fd);
	EXPECT_EQ(-ENOSPC, rt_create(self->rt.ctrl, "over", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_CREATE_EPT_IOCTL, &ei));
	EXPECT_EQ(ENOSPC, errno);

	/* one closed, one more fits */
	close(fds[0]);
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "again", RPMSG_RPC_ADDR_ANY,
				  RPMSG_RPC_ADDR_ANY, 0, &c));
	fds[0] = c.fd;
	EXPECT_EQ(-ENOSPC, rt_create(self->rt.ctrl, "over", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY, 0, NULL));
	ASSERT_EQ(0, rt_destroy(self->rt.ctrl, nodes[0]));
	ASSERT_EQ(0, rt_create(self->rt.ctrl, "again-node", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, &c));
	nodes[0] = c.index;

	/* cleaned up: all gone, creating works */
	for (i = 0; i < FDS; i++)
		close(fds[i]);
	for (i = 0; i < NODES; i++)
		EXPECT_EQ(0, rt_destroy(self->rt.ctrl, nodes[i]));
	/* anything the old code let through above */
	while (rt_count_epts(self->rt.ctrl) > 0) {
		struct rpmsg_rpc_ept_info e;
		struct rpmsg_rpc_list l = {
			.size = sizeof(l), .count = 1, .entry_size = sizeof(e),
			.entries = (uintptr_t)&e,
		};

		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
		ASSERT_EQ(0, rt_destroy(self->rt.ctrl, e.index));
	}
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "after", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, 0, &c));
	EXPECT_EQ(2, write(c.fd, "ok", 2));
	close(c.fd);
}

/* The remote sends n one-byte messages to dst, all delivered. */
static int inject_many(struct rt *rt, uint32_t dst, int n)
{
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++) {
		ret = sim_inject(rt->sim, ECHO_ADDR, dst, "q", 1);
		/* the simulator's own queue holds 4096: let Linux catch up */
		if (!ret && (i % 1024 == 1023 || i == n - 1))
			ret = rt_wait_delivered(rt, 60000);
	}
	return ret;
}

TEST_F_TIMEOUT(lim, rx_budget_per_remote, 900)
{
	struct rpmsg_rpc_ept_create a, b, c;
	struct rpmsg_rpc_ept_stats st;
	uint32_t max = RPMSG_RPC_RXQ_MAX;
	char buf[8];

	ASSERT_EQ(4096, RT_RX_BUDGET / 2);
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "a", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, 0, &a));
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "b", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, 0, &b));
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "c", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, RPMSG_RPC_EPT_F_NONBLOCK, &c));
	ASSERT_EQ(0, ioctl(a.fd, RPMSG_RPC_EPT_SET_RXQ_LIMIT, &max));
	ASSERT_EQ(0, ioctl(b.fd, RPMSG_RPC_EPT_SET_RXQ_LIMIT, &max));

	/* two full queues of 4096: the remote's budget of 8192 is used up */
	ASSERT_EQ(0, inject_many(&self->rt, a.src, 4096));
	ASSERT_EQ(0, inject_many(&self->rt, b.src, 4096));
	ASSERT_EQ(0, rt_ept_stats(a.fd, &st));
	EXPECT_EQ(4096, st.rxq_depth);
	EXPECT_EQ(0, st.rx_drops);
	ASSERT_EQ(0, rt_ept_stats(b.fd, &st));
	EXPECT_EQ(4096, st.rxq_depth);
	EXPECT_EQ(0, st.rx_drops);

	/* a third endpoint, empty queue, gets nothing more: dropped, counted */
	ASSERT_EQ(0, inject_many(&self->rt, c.src, 10));
	ASSERT_EQ(0, rt_ept_stats(c.fd, &st));
	EXPECT_EQ(0, st.rxq_depth);
	EXPECT_EQ(10, st.rx_drops);
	EXPECT_EQ(0, st.rx_msgs);
	/* signalled although its queue is empty: POLLIN, one ENOBUFS */
	EXPECT_EQ(POLLIN, rt_poll(c.fd, POLLIN, 0) & POLLIN);
	EXPECT_EQ(-1, read(c.fd, buf, sizeof(buf)));
	EXPECT_EQ(ENOBUFS, errno);
	EXPECT_EQ(-1, read(c.fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, rt_poll(c.fd, POLLIN, 0));

	/* one read from a: room for one more on the remote */
	EXPECT_EQ(1, read(a.fd, buf, sizeof(buf)));
	ASSERT_EQ(0, inject_many(&self->rt, c.src, 1));
	ASSERT_EQ(0, rt_ept_stats(c.fd, &st));
	EXPECT_EQ(1, st.rxq_depth);
	EXPECT_EQ(1, read(c.fd, buf, sizeof(buf)));
	ASSERT_EQ(0, rt_ept_stats(b.fd, &st));
	EXPECT_EQ(0, st.rx_drops);
	close(a.fd);
	close(b.fd);
	close(c.fd);
}

TEST_HARNESS_MAIN
