// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc module: unloading with endpoints open is refused; load and
 * unload in a loop with a live remote. RPMSG_RPC_KO names the module file.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "rt.h"

static int unload(void)
{
	return syscall(SYS_delete_module, "rpmsg_rpc", O_NONBLOCK) ? -errno : 0;
}

static int load(void)
{
	const char *ko = getenv("RPMSG_RPC_KO");
	int fd, ret;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "# open %s: %s\n", ko, strerror(-ret));
		return ret;
	}
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	if (ret)
		fprintf(stderr, "# finit_module %s: %s\n", ko, strerror(-ret));
	close(fd);
	return ret;
}

FIXTURE(mod) {
	struct rt rt;
};

FIXTURE_SETUP(mod)
{
	int ret;

	if (!getenv("RPMSG_RPC_KO"))
		SKIP(return, "RPMSG_RPC_KO is not set");
	ret = rt_up(&self->rt, 0, true);
	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(mod)
{
	if (self->rt.sim)
		rt_down(&self->rt);
}

TEST_F(mod, unload_refused_while_open)
{
	struct rpmsg_rpc_ept_create c;

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "pin", RPMSG_RPC_ADDR_ANY,
				  RPMSG_RPC_ADDR_ANY, 0, &c));
	close(self->rt.ctrl);
	self->rt.ctrl = -1;
	/* an endpoint fd holds the module */
	EXPECT_NE(0, unload());
	close(c.fd);
	/* so does a control fd */
	ASSERT_EQ(0, rt_open_ctrl(&self->rt, RT_WAIT_MS));
	EXPECT_NE(0, unload());
	close(self->rt.ctrl);
	self->rt.ctrl = -1;
	/*
	 * node endpoints left behind do not: they go with the module, and an
	 * announced one tells the remote (name-service destroy, flags 1)
	 */
	ASSERT_EQ(0, rt_open_ctrl(&self->rt, RT_WAIT_MS));
	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	ASSERT_EQ(0, rt_create(self->rt.ctrl, "left", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, RPMSG_RPC_EPT_F_ANNOUNCE,
			       &c));
	close(self->rt.ctrl);
	self->rt.ctrl = -1;
	ASSERT_EQ(0, unload());
	{
		struct rpmsg_sim_msg hdr;
		unsigned char ns[40];
		uint32_t flags = 0;

		do {
			ASSERT_EQ(40, sim_recv(self->rt.sim, &hdr, ns,
					       sizeof(ns), RT_WAIT_MS));
			memcpy(&flags, ns + 36, 4);
		} while (flags != 1);
		EXPECT_EQ(53, hdr.dst);
		EXPECT_STREQ("left", (char *)ns);
	}
	ASSERT_EQ(0, load());
	ASSERT_EQ(0, rt_open_ctrl(&self->rt, RT_WAIT_MS));
}

TEST_F_TIMEOUT(mod, load_unload_loop, 300)
{
	struct rpmsg_rpc_ept_create c;
	char buf[8];
	int i;

	close(self->rt.ctrl);
	self->rt.ctrl = -1;
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, unload()) TH_LOG("round %d", i);
		ASSERT_EQ(0, load()) TH_LOG("round %d", i);
		/* the existing remote is picked up at load */
		ASSERT_EQ(0, rt_open_ctrl(&self->rt, RT_WAIT_MS));
		ASSERT_EQ(0, rt_create(self->rt.ctrl, "loop",
				       RPMSG_RPC_ADDR_ANY, ECHO_ADDR,
				       0, &c));
		ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "echo",
					  RPMSG_RPC_ADDR_ANY,
					  RPMSG_RPC_ADDR_ANY,
					  RPMSG_RPC_EPT_F_BIND_BY_NAME, &c));
		EXPECT_EQ(ECHO_ADDR, c.dst);
		EXPECT_EQ(2, write(c.fd, "hi", 2));
		EXPECT_EQ(2, read(c.fd, buf, sizeof(buf)));
		close(c.fd);
		close(self->rt.ctrl);
		self->rt.ctrl = -1;
	}
	ASSERT_EQ(0, rt_open_ctrl(&self->rt, RT_WAIT_MS));
}

/*
 * udev/modprobe load the driver by itself after a DKMS install: the module
 * carries the alias of the rpmsg_ctrl device it anchors on.
 */
TEST(alias_rpmsg_ctrl)
{
	const char *ko = getenv("RPMSG_RPC_KO");
	char cmd[512], line[256];
	bool found = false;
	FILE *f;

	if (!ko)
		SKIP(return, "RPMSG_RPC_KO is not set");
	snprintf(cmd, sizeof(cmd), "modinfo -F alias '%s'", ko);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		TH_LOG("alias: %s", line);
		found |= !strcmp(line, "rpmsg:rpmsg_ctrl");
	}
	EXPECT_EQ(0, pclose(f));
	EXPECT_TRUE(found);
}

TEST_HARNESS_MAIN
