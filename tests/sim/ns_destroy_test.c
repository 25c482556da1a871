// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name-service destroy under upstream rpmsg_char: the remote withdraws a
 * channel whose /dev/rpmsgN is open. The node must go away and the open fd
 * must fail. On 6.1 this path makes lockdep report "possible recursive
 * locking" (ept->cb_lock of the name-service endpoint held while the
 * channel's endpoint is destroyed): a known upstream report, analysed in
 * docs/simulator.md. The test runs in a boot of its own where the harness
 * accepts exactly that report and nothing else (tests/vm/isolated/).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "charnode.h"
#include "libsim.h"

#define ECHO_ADDR 1024

TEST(withdraw_removes_node)
{
	char rproc[RPMSG_SIM_NAME_LEN], buf[8];
	struct sim *sim;
	long deadline;
	int idx, fd;

	ASSERT_EQ(0, sim_create(0, 0, &sim));
	ASSERT_EQ(0, sim_rproc_name(sim, rproc, sizeof(rproc)));
	ASSERT_EQ(0, sim_echo(sim, "rpmsg-raw", ECHO_ADDR));
	idx = charnode_find(rproc, "rpmsg-raw", 5000);
	ASSERT_LE(0, idx);
	fd = charnode_open(idx, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, write(fd, "hi", 2));
	ASSERT_EQ(2, charnode_read(fd, buf, sizeof(buf), 5000));

	ASSERT_EQ(0, sim_del_service(sim, ECHO_ADDR));
	deadline = charnode_now_ms() + 5000;
	while (charnode_exists(idx) && charnode_now_ms() < deadline)
		usleep(10000);
	EXPECT_FALSE(charnode_exists(idx));
	/* The open fd is a dead endpoint now. */
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-ENOENT, sim_del_service(sim, ECHO_ADDR));
	close(fd);

	/* Announced again: a new node, working. */
	ASSERT_EQ(0, sim_echo(sim, "rpmsg-raw", ECHO_ADDR));
	idx = charnode_find(rproc, "rpmsg-raw", 5000);
	ASSERT_LE(0, idx);
	fd = charnode_open(idx, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, write(fd, "ok", 2));
	ASSERT_EQ(2, charnode_read(fd, buf, sizeof(buf), 5000));
	close(fd);
	EXPECT_EQ(0, sim_destroy(sim));
}

TEST_HARNESS_MAIN
