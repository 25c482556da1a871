// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Upstream rpmsg_char paths on which Linux 6.1 itself reports a problem,
 * each analysed in docs/simulator.md ("Known upstream reports"):
 *  - a blocking write that has to wait for a tx buffer: virtio_rpmsg_bus
 *    takes a mutex inside its wait condition (a might_sleep WARNING);
 *  - a name-service destroy for a channel whose node is open: lockdep's
 *    "possible recursive locking" on ept->cb_lock, after which lockdep
 *    switches itself off, so it runs last.
 * They run in a boot of their own, where the harness accepts exactly those
 * two reports and nothing else (tests/vm/isolated/upstream-known).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "charnode.h"
#include "libsim.h"

#define ECHO_ADDR 1024

struct blocked_writer {
	int fd;
	ssize_t ret;
	int err;
	volatile bool done;
};

static void *writer_thread(void *arg)
{
	struct blocked_writer *w = arg;

	w->ret = write(w->fd, "w", 1);
	w->err = errno;
	w->done = true;
	return NULL;
}

/* A blocking write on a full ring waits, and completes once resumed. */
TEST(blocking_write_waits_for_resume)
{
	char rproc[RPMSG_SIM_NAME_LEN], buf[64];
	struct blocked_writer w;
	unsigned int sent = 0;
	struct sim *sim;
	pthread_t t;
	int fd;

	ASSERT_EQ(0, sim_create(0, 0, &sim));
	ASSERT_EQ(0, sim_rproc_name(sim, rproc, sizeof(rproc)));
	ASSERT_EQ(0, sim_echo(sim, "rpmsg-raw", ECHO_ADDR));
	fd = charnode_open(charnode_find(rproc, "rpmsg-raw", 5000), 0);
	ASSERT_LE(0, fd);
	w.fd = fd;
	w.done = false;
	ASSERT_EQ(0, sim_stall(sim, true));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	while (write(fd, "x", 1) == 1)
		sent++;
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, 0));

	ASSERT_EQ(0, pthread_create(&t, NULL, writer_thread, &w));
	usleep(300000);
	EXPECT_FALSE(w.done) TH_LOG("the write did not wait for a buffer");
	ASSERT_EQ(0, sim_stall(sim, false));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, w.ret);
	for (unsigned int i = 0; i < sent + 1; i++) {
		ASSERT_EQ(1, charnode_read(fd, buf, sizeof(buf), 5000));
	}
	close(fd);
	EXPECT_EQ(0, sim_destroy(sim));
}

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
