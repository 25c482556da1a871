// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc control node: every ioctl, with good and bad arguments, and the
 * upstream rpmsg_ctrl/rpmsg_char compatible ioctls.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/rpmsg.h>

#include "kselftest_harness.h"
#include "rt.h"


FIXTURE(ctrl) {
	struct rt rt;
};

FIXTURE_SETUP(ctrl)
{
	int ret = rt_up(&self->rt, 0, true);

	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(ctrl)
{
	rt_down(&self->rt);
}

TEST_F(ctrl, info)
{
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) };
	char rproc[64], val[64], name[64];

	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_CTRL_INFO, &info));
	EXPECT_EQ(RPMSG_RPC_ABI_VERSION, info.abi_version);
	EXPECT_EQ(self->rt.index, info.index);
	EXPECT_EQ(0, info.reserved);
	EXPECT_EQ(0, strncmp(info.device, "virtio", 6)) TH_LOG("%s", info.device);
	EXPECT_NE(0, info.remote[0]);

	snprintf(name, sizeof(name), "rpmsg_rpc_ctrl%u", self->rt.index);
	ASSERT_EQ(0, sim_rproc_name(self->rt.sim, rproc, sizeof(rproc)));
	ASSERT_EQ(0, rt_sysfs(name, "rproc", val, sizeof(val)));
	EXPECT_STREQ(rproc, val);
	ASSERT_EQ(0, rt_sysfs(name, "remote", val, sizeof(val)));
	EXPECT_STREQ(info.remote, val);
	ASSERT_EQ(0, rt_sysfs(name, "transport", val, sizeof(val)));
	EXPECT_STREQ(info.device, val);
}

/* The size field and the size in the command must agree and be known. */
TEST_F(ctrl, struct_sizes)
{
	struct {
		struct rpmsg_rpc_ctrl_info info;
		char tail[8];
	} big;
	char small[RPMSG_RPC_CTRL_INFO_SIZE_VER0 - 4];
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) + 4 };
	unsigned long big_cmd = _IOWR(RPMSG_RPC_IOC_MAGIC, 0x80, big);
	unsigned long small_cmd = _IOWR(RPMSG_RPC_IOC_MAGIC, 0x80, small);

	/* size field disagrees with the command */
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_CTRL_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.size = 0;
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_CTRL_INFO, &info));
	EXPECT_EQ(EINVAL, errno);

	/* smaller than the first published size */
	memset(small, 0, sizeof(small));
	*(uint32_t *)small = sizeof(small);
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, small_cmd, small));
	EXPECT_EQ(EINVAL, errno);

	/* a newer caller: unknown tail must be zero */
	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	EXPECT_EQ(0, ioctl(self->rt.ctrl, big_cmd, &big));
	EXPECT_EQ(RPMSG_RPC_ABI_VERSION, big.info.abi_version);
	big.tail[3] = 1;
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, big_cmd, &big));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(ctrl, bad_pointers)
{
	static const unsigned long cmds[] = {
		RPMSG_RPC_CTRL_INFO, RPMSG_RPC_CREATE_EPT,
		RPMSG_RPC_CREATE_EPT_FD, RPMSG_RPC_DESTROY_EPT,
		RPMSG_RPC_LIST_EPTS, RPMSG_RPC_LIST_CHANNELS,
		RPMSG_CREATE_EPT_IOCTL,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-1, ioctl(self->rt.ctrl, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(-1, ioctl(self->rt.ctrl, cmds[i], (void *)8));
		EXPECT_EQ(EFAULT, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(ctrl, unknown_commands)
{
	static const unsigned long cmds[] = {
		_IO(RPMSG_RPC_IOC_MAGIC, 0x9f),
		_IOR(RPMSG_RPC_IOC_MAGIC, 0x80, struct rpmsg_rpc_ctrl_info),
		_IO('x', 1),
		RPMSG_DESTROY_EPT_IOCTL,	/* endpoint-only */
		RPMSG_CREATE_DEV_IOCTL,
		RPMSG_RPC_EPT_INFO,		/* endpoint-only */
		0,
	};
	unsigned int i;
	char buf[512] = "";

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-1, ioctl(self->rt.ctrl, cmds[i], buf));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(ctrl, create_bad_arguments)
{
	struct rpmsg_rpc_ept_create c;
	int ctrl = self->rt.ctrl;

	/* unterminated name */
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.src = c.dst = RPMSG_RPC_ADDR_ANY;
	memset(c.name, 'a', sizeof(c.name));
	EXPECT_EQ(-1, ioctl(ctrl, RPMSG_RPC_CREATE_EPT, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(ctrl, RPMSG_RPC_CREATE_EPT_FD, &c));
	EXPECT_EQ(EINVAL, errno);

	/* unknown flags, fd-only flags on a node, conflicting flags */
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "x", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY, 1U << 5, NULL));
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "x", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY, 1U << 31, NULL));
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "x", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_EPT_F_NONBLOCK, NULL));
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "x", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_EPT_F_ANON, NULL));
	EXPECT_EQ(-EINVAL, rt_create_fd(ctrl, "x", RPMSG_RPC_ADDR_ANY,
					RPMSG_RPC_ADDR_ANY,
					RPMSG_RPC_EPT_F_ANON, NULL));
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "x", RPMSG_RPC_ADDR_ANY, 0x500,
				     RPMSG_RPC_EPT_F_BIND_BY_NAME, NULL));
	/* a name is needed to announce or to bind by */
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_EPT_F_ANNOUNCE, NULL));
	EXPECT_EQ(-EINVAL, rt_create(ctrl, "", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_EPT_F_BIND_BY_NAME, NULL));

	/* reserved source addresses, 53 being the name service */
	EXPECT_EQ(-EADDRNOTAVAIL, rt_create(ctrl, "x", 53, RPMSG_RPC_ADDR_ANY,
					    0, NULL));
	EXPECT_EQ(-EADDRNOTAVAIL, rt_create(ctrl, "x", 0, RPMSG_RPC_ADDR_ANY,
					    0, NULL));
	EXPECT_EQ(-EADDRNOTAVAIL, rt_create(ctrl, "x", 1023,
					    RPMSG_RPC_ADDR_ANY, 0, NULL));

	/* nothing above may have left an endpoint behind */
	{
		struct rpmsg_rpc_list l = {
			.size = sizeof(l),
			.entry_size = sizeof(struct rpmsg_rpc_ept_info),
		};

		ASSERT_EQ(0, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
		EXPECT_EQ(0, l.count);
	}
}

TEST_F(ctrl, create_addresses)
{
	struct rpmsg_rpc_ept_create a, b;
	char dev[32], val[32];
	int ctrl = self->rt.ctrl;

	ASSERT_EQ(0, rt_create(ctrl, "fixed", 2000, ECHO_ADDR, 0, &a));
	EXPECT_EQ(2000, a.src);
	EXPECT_EQ(ECHO_ADDR, a.dst);
	EXPECT_EQ(RT_MTU, a.mtu);
	EXPECT_EQ(-1, a.fd);
	EXPECT_NE(RPMSG_RPC_ADDR_ANY, a.minor);

	/* duplicate */
	EXPECT_EQ(-EADDRINUSE, rt_create(ctrl, "dup", 2000, RPMSG_RPC_ADDR_ANY,
					 0, NULL));
	EXPECT_EQ(-EADDRINUSE, rt_create_fd(ctrl, "dup", 2000,
					    RPMSG_RPC_ADDR_ANY, 0, NULL));

	/* any: an allocated, non-reserved address that sysfs shows */
	ASSERT_EQ(0, rt_create(ctrl, "any", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, &b));
	EXPECT_GE(b.src, RPMSG_RPC_RESERVED_ADDRS);
	EXPECT_NE(RPMSG_RPC_ADDR_ANY, b.src);
	EXPECT_NE(a.index, b.index);
	snprintf(dev, sizeof(dev), "rpmsg_rpc%u", b.index);
	ASSERT_EQ(0, rt_sysfs(dev, "src", val, sizeof(val)));
	EXPECT_EQ(b.src, strtoul(val, NULL, 0));
	ASSERT_EQ(0, rt_sysfs(dev, "name", val, sizeof(val)));
	EXPECT_STREQ("any", val);
	ASSERT_EQ(0, rt_sysfs(dev, "mtu", val, sizeof(val)));
	EXPECT_EQ(RT_MTU, strtoul(val, NULL, 0));
	ASSERT_EQ(0, rt_sysfs(dev, "state", val, sizeof(val)));
	EXPECT_STREQ("unbound", val);
	ASSERT_EQ(0, rt_sysfs(dev, "statistics/rxq_limit", val, sizeof(val)));
	EXPECT_EQ(RPMSG_RPC_RXQ_DEFAULT, strtoul(val, NULL, 0));
}

TEST_F(ctrl, destroy)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_rpc_ept_destroy d = { .size = sizeof(d) };
	char path[64];
	int fd;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "gone", RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c));
	fd = rt_open_ept(c.index, O_RDWR);
	ASSERT_LE(0, fd);

	EXPECT_EQ(0, rt_destroy(self->rt.ctrl, c.index));
	/* twice: upstream tears the device down a second time */
	EXPECT_EQ(-ENOENT, rt_destroy(self->rt.ctrl, c.index));
	EXPECT_EQ(-ENOENT, rt_destroy(self->rt.ctrl, 999999));
	snprintf(path, sizeof(path), "/dev/rpmsg_rpc%u", c.index);
	EXPECT_NE(0, access(path, F_OK));

	/* the open fd sees the end */
	EXPECT_EQ(POLLHUP, rt_poll(fd, POLLIN | POLLOUT, 0) & POLLHUP);
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, read(fd, path, sizeof(path)));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, ioctl(fd, RPMSG_DESTROY_EPT_IOCTL));
	EXPECT_EQ(ENOENT, errno);
	close(fd);

	/* bad sizes and reserved sizes */
	d.size = 4;
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_DESTROY_EPT, &d));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctrl, list_endpoints)
{
	struct rpmsg_rpc_ept_info infos[4];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.entry_size = sizeof(infos[0]),
	};
	struct rpmsg_rpc_ept_create a, b;
	int ctrl = self->rt.ctrl;
	int fd;

	ASSERT_EQ(0, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(0, l.count);

	ASSERT_EQ(0, rt_create(ctrl, "one", RPMSG_RPC_ADDR_ANY, ECHO_ADDR, 0,
			       &a));
	ASSERT_EQ(0, rt_create_fd(ctrl, "two", RPMSG_RPC_ADDR_ANY,
				  RPMSG_RPC_ADDR_ANY, 0, &b));
	fd = b.fd;

	/* capacity 0: only the count */
	l.count = 0;
	ASSERT_EQ(0, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(2, l.count);

	memset(infos, 0xff, sizeof(infos));
	l.count = 4;
	l.entries = (uintptr_t)infos;
	ASSERT_EQ(0, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	ASSERT_EQ(2, l.count);
	EXPECT_STREQ("one", infos[0].name);
	EXPECT_EQ(a.src, infos[0].src);
	EXPECT_EQ(ECHO_ADDR, infos[0].dst);
	EXPECT_EQ(RPMSG_RPC_STATE_BOUND, infos[0].state);
	EXPECT_EQ(a.minor, infos[0].minor);
	EXPECT_EQ(0, infos[0].flags);
	EXPECT_STREQ("two", infos[1].name);
	EXPECT_EQ(RPMSG_RPC_EPT_F_ANON, infos[1].flags);
	EXPECT_EQ(RPMSG_RPC_ADDR_ANY, infos[1].minor);
	EXPECT_EQ(RPMSG_RPC_STATE_UNBOUND, infos[1].state);
	/* the third slot is untouched */
	EXPECT_EQ(0xffffffffU, infos[2].index);

	/* bad arguments */
	l.entry_size = RPMSG_RPC_EPT_INFO_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.entry_size = sizeof(infos[0]);
	l.reserved = 1;
	EXPECT_EQ(-1, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.reserved = 0;
	l.entries = 8;
	EXPECT_EQ(-1, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(EFAULT, errno);

	/* closing the fd destroys its endpoint */
	close(fd);
	l.count = 0;
	ASSERT_EQ(0, ioctl(ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(1, l.count);
}

TEST_F(ctrl, list_channels)
{
	struct rpmsg_rpc_channel ch[8];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.count = 8,
		.entry_size = sizeof(ch[0]),
		.entries = (uintptr_t)ch,
	};
	uint64_t end = rt_now_ms() + RT_WAIT_MS;
	bool echo = false, other = false;
	unsigned int i;

	ASSERT_EQ(0, sim_add_service(self->rt.sim, "svc-other", 0x520, 0));
	while (!(echo && other) && rt_now_ms() < end) {
		l.count = 8;
		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_CHANNELS, &l));
		for (i = 0; i < l.count && i < 8; i++) {
			EXPECT_EQ(0, ch[i].reserved);
			if (!strcmp(ch[i].name, "echo"))
				echo = ch[i].addr == ECHO_ADDR;
			if (!strcmp(ch[i].name, "svc-other"))
				other = ch[i].addr == 0x520;
		}
		rt_sleep_ms(10);
	}
	EXPECT_TRUE(echo);
	EXPECT_TRUE(other);

	/* withdrawn: gone from the list */
	ASSERT_EQ(0, sim_del_service(self->rt.sim, 0x520));
	end = rt_now_ms() + RT_WAIT_MS;
	while (other && rt_now_ms() < end) {
		other = false;
		l.count = 8;
		ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_CHANNELS, &l));
		for (i = 0; i < l.count && i < 8; i++)
			if (!strcmp(ch[i].name, "svc-other"))
				other = true;
		rt_sleep_ms(10);
	}
	EXPECT_FALSE(other);

	l.entry_size = sizeof(ch[0]) - 1;
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_CHANNELS, &l));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctrl, create_fd_flags)
{
	struct rpmsg_rpc_ept_create c;
	int fl;

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "fd1", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, RPMSG_RPC_EPT_F_NONBLOCK |
				  RPMSG_RPC_EPT_F_CLOEXEC, &c));
	ASSERT_LE(0, c.fd);
	EXPECT_EQ(RPMSG_RPC_ADDR_ANY, c.minor);
	fl = fcntl(c.fd, F_GETFD);
	EXPECT_TRUE(fl & FD_CLOEXEC);
	fl = fcntl(c.fd, F_GETFL);
	EXPECT_TRUE(fl & O_NONBLOCK);
	/* non-blocking: nothing to read */
	EXPECT_EQ(-1, read(c.fd, &fl, sizeof(fl)));
	EXPECT_EQ(EAGAIN, errno);
	/* not seekable */
	EXPECT_EQ(-1, lseek(c.fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	close(c.fd);

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "fd2", RPMSG_RPC_ADDR_ANY,
				  ECHO_ADDR, 0, &c));
	fl = fcntl(c.fd, F_GETFD);
	EXPECT_FALSE(fl & FD_CLOEXEC);
	fl = fcntl(c.fd, F_GETFL);
	EXPECT_FALSE(fl & O_NONBLOCK);
	close(c.fd);
}

/* An rpmsg_char-style client: upstream's ioctls on our nodes. */
TEST_F(ctrl, upstream_compat_client)
{
	struct rpmsg_endpoint_info ei = { .src = RPMSG_ADDR_ANY,
					  .dst = ECHO_ADDR };
	struct rpmsg_rpc_ept_info infos[2];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.count = 2,
		.entry_size = sizeof(infos[0]),
		.entries = (uintptr_t)infos,
	};
	char buf[64], val[64], dev[64];
	int fd;

	strcpy(ei.name, "compat");
	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_CREATE_EPT_IOCTL, &ei));
	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
	ASSERT_EQ(1, l.count);

	/* found the way rpmsg_char tools do: a child of the control device */
	snprintf(dev, sizeof(dev), "rpmsg_rpc_ctrl%u/rpmsg_rpc%u",
		 self->rt.index, infos[0].index);
	ASSERT_EQ(0, rt_sysfs(dev, "name", val, sizeof(val)));
	EXPECT_STREQ("compat", val);

	fd = rt_open_ept(infos[0].index, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "hello", 5));
	ASSERT_EQ(POLLIN, rt_poll(fd, POLLIN, RT_WAIT_MS) & POLLIN);
	ASSERT_EQ(5, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));

	ASSERT_EQ(0, ioctl(fd, RPMSG_DESTROY_EPT_IOCTL));
	EXPECT_EQ(-1, ioctl(fd, RPMSG_DESTROY_EPT_IOCTL));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
	l.count = 0;
	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(0, l.count);

	/* upstream is lenient with the name: cut, not refused */
	memset(ei.name, 'n', sizeof(ei.name));
	EXPECT_EQ(0, ioctl(self->rt.ctrl, RPMSG_CREATE_EPT_IOCTL, &ei));
}

/* Our ioctls refuse to run on a control node whose remote is gone. */
TEST_F(ctrl, after_remote_gone)
{
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) };
	struct rpmsg_rpc_list l = {
		.size = sizeof(l),
		.entry_size = sizeof(struct rpmsg_rpc_ept_info),
	};

	ASSERT_EQ(0, sim_stop(self->rt.sim));
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_CTRL_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, rt_create(self->rt.ctrl, "late", RPMSG_RPC_ADDR_ANY,
				     RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-ENODEV, rt_destroy(self->rt.ctrl, 0));
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->rt.ctrl, RPMSG_CREATE_EPT_IOCTL,
			    &(struct rpmsg_endpoint_info){ .name = "x" }));
	EXPECT_EQ(ENODEV, errno);
}

/* What udev makes of our nodes with tools/udev's rules (no udevd needed). */
static int udev_links(const char *syspath, char *out, size_t len)
{
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "udevadm test --action=add %s 2>&1 | grep '^DEVLINKS='",
		 syspath);
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f) == 0 ? 0 : -ENOENT;
}

TEST_F(ctrl, udev_rules)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) };
	char links[1024], want[128], path[128];

	if (system("command -v udevadm >/dev/null"))
		SKIP(return, "no udevadm");
	/* our rules instead of the system's, in a private mount namespace */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("tmpfs", "/etc/udev/rules.d", "tmpfs", 0, NULL));
	ASSERT_EQ(0, system("sed -e s/@GROUP@/root/ -e s/@MODE@/0660/ "
			    "-e s/@CTRL_MODE@/0600/ "
			    "tools/udev/60-rpmsg-rpc.rules.in "
			    ">/etc/udev/rules.d/60-rpmsg-rpc.rules"));

	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_CTRL_INFO, &info));
	snprintf(path, sizeof(path), "/sys/class/rpmsg_rpc/rpmsg_rpc_ctrl%u",
		 self->rt.index);
	ASSERT_EQ(0, udev_links(path, links, sizeof(links)));
	snprintf(want, sizeof(want), "/dev/rpmsg_rpc/%s.ctrl", info.remote);
	EXPECT_NE(NULL, strstr(links, want)) TH_LOG("%s", links);

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "named", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, &c));
	snprintf(path, sizeof(path), "/sys/class/rpmsg_rpc/rpmsg_rpc%u",
		 c.index);
	ASSERT_EQ(0, udev_links(path, links, sizeof(links)));
	snprintf(want, sizeof(want), "/dev/rpmsg_rpc/%s/named", info.remote);
	EXPECT_NE(NULL, strstr(links, want)) TH_LOG("%s", links);
}

TEST_HARNESS_MAIN
