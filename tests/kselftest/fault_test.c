// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Allocation failures on purpose (FAILSLAB + /proc/thread-self/fail-nth):
 * on the driver's create, create-fd, open, write and destroy paths, every
 * slab allocation the calling task makes is made to fail in turn, the
 * first, then the second, and so on until the operation makes no more. Each
 * failure must come back as a clean errno, leave nothing half made behind
 * (the endpoint list is checked), and leak nothing (the harness's kmemleak
 * scan at the end of the boot). Allocations of other contexts (the rx
 * callback, work items) are not covered by fail-nth.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "rt.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define MAX_NTH 400
#define NAME "fault"

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Fail the nth fault-injection point this thread passes (0: stop). */
static void fail_nth(int nth)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", nth);
	if (write_str("/proc/thread-self/fail-nth", buf))
		abort();
}

/* True if the failure armed by fail_nth() was injected; disarms. */
static bool fail_injected(void)
{
	char buf[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	fail_nth(0);
	return n > 0 && atoi(buf) == 0;
}

/* Endpoints of this control node called NAME. */
static int count_named(int ctrl)
{
	struct rpmsg_rpc_ept_info e[32];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .count = 32, .entry_size = sizeof(e[0]),
		.entries = (uintptr_t)e,
	};
	int n = 0;

	for (int i = 0; i < 32; i++)
		e[i].size = sizeof(e[i]);
	if (ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l))
		return -errno;
	for (uint32_t i = 0; i < l.count && i < 32; i++)
		if (!strncmp(e[i].name, NAME, sizeof(e[i].name)))
			n++;
	return n;
}

FIXTURE(fault) {
	struct rt rt;
};

FIXTURE_SETUP(fault)
{
	if (access(FAILSLAB "ignore-gfp-wait", W_OK))
		SKIP(return, "no failslab in debugfs (CONFIG_FAILSLAB)");
	if (access("/proc/thread-self/fail-nth", W_OK))
		SKIP(return, "no /proc/thread-self/fail-nth");
	ASSERT_EQ(0, rt_up(&self->rt, 0, true));
	/* GFP_KERNEL allocations too, and no stack dump per injected failure */
	ASSERT_EQ(0, write_str(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_str(FAILSLAB "verbose", "0"));
}

FIXTURE_TEARDOWN(fault)
{
	fail_nth(0);
	write_str(FAILSLAB "ignore-gfp-wait", "Y");
	if (self->rt.sim)
		rt_down(&self->rt);
}

/*
 * Run op with the nth allocation failing, for n = 1, 2, ... until op makes
 * fewer than n allocations. Returns how many failures were injected.
 */
#define EVERY_NTH(injected, ret, op, on_ok, on_fail)			\
	for (int nth = 1; nth <= MAX_NTH; nth++) {			\
		bool hit;						\
									\
		fail_nth(nth);						\
		ret = (op);						\
		hit = fail_injected();					\
		if (ret >= 0) { on_ok; } else { on_fail; }		\
		if (!hit)						\
			break;						\
		injected++;						\
		ASSERT_LT(nth, MAX_NTH) TH_LOG("op never stops allocating"); \
	}

TEST_F(fault, create_node_endpoint)
{
	struct rpmsg_rpc_ept_create c;
	int ret, injected = 0, failed = 0;

	EVERY_NTH(injected, ret,
		  rt_create(self->rt.ctrl, NAME, RPMSG_RPC_ADDR_ANY, ECHO_ADDR,
			    0, &c),
		  ASSERT_EQ(0, rt_destroy(self->rt.ctrl, c.index)),
		  { failed++; ASSERT_EQ(-ENOMEM, ret) TH_LOG("nth %d", nth); });
	TH_LOG("%d allocation failures injected, %d made create fail",
	       injected, failed);
	EXPECT_LT(0, failed);
	EXPECT_EQ(0, count_named(self->rt.ctrl));
	/* Still works afterwards */
	ASSERT_EQ(0, rt_create(self->rt.ctrl, NAME, RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c));
	EXPECT_EQ(0, rt_destroy(self->rt.ctrl, c.index));
}

TEST_F(fault, create_fd_endpoint)
{
	struct rpmsg_rpc_ept_create c;
	int ret, injected = 0, failed = 0;

	EVERY_NTH(injected, ret,
		  rt_create_fd(self->rt.ctrl, NAME, RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c),
		  close(c.fd),
		  { failed++; ASSERT_TRUE(ret == -ENOMEM || ret == -ENFILE)
			  TH_LOG("nth %d: %d", nth, ret); });
	TH_LOG("%d allocation failures injected, %d made create_fd fail",
	       injected, failed);
	EXPECT_LT(0, failed);
	/* An anonymous endpoint lives as long as its fd: none may remain. */
	EXPECT_EQ(0, count_named(self->rt.ctrl));
}

/* Open a node and send one message through the echo, failing allocations. */
TEST_F(fault, open_and_write)
{
	struct rpmsg_rpc_ept_create c;
	char buf[RT_MTU];
	int ret, fd, injected = 0;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, NAME, RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c));
	EVERY_NTH(injected, fd, rt_open_ept(c.index, O_RDWR), close(fd),
		  ASSERT_TRUE(fd == -ENOMEM || fd == -ENFILE)
			  TH_LOG("open, nth %d: %d", nth, fd));
	TH_LOG("open: %d allocation failures injected", injected);

	fd = rt_open_ept(c.index, O_RDWR);
	ASSERT_LE(0, fd);
	injected = 0;
	EVERY_NTH(injected, ret, (int)write(fd, "ping", 4) < 0 ? -errno : 4,
		  {
			  ASSERT_EQ(4, ret);
			  ASSERT_LT(0, rt_poll(fd, POLLIN, RT_WAIT_MS));
			  ASSERT_EQ(4, read(fd, buf, sizeof(buf)));
		  },
		  ASSERT_EQ(-ENOMEM, ret) TH_LOG("write, nth %d", nth));
	TH_LOG("write: %d allocation failures injected", injected);
	close(fd);
	EXPECT_EQ(0, rt_destroy(self->rt.ctrl, c.index));
	EXPECT_EQ(0, count_named(self->rt.ctrl));
}

TEST_HARNESS_MAIN
