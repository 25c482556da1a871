// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsg_rpc permission model and name rule (docs/driver.md, issue 8):
 * what an fd opened read-only or write-only may do, which addresses need
 * CAP_NET_ADMIN (of the opener and of the caller), which endpoint names
 * are refused. Runs as root; CAP_NET_ADMIN is dropped from the effective
 * set where a test needs it gone. The same attacks by an unprivileged user
 * are in attack_test.c (suite 22-hardening).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/rpmsg.h>

#include "kselftest_harness.h"
#include "rt.h"

#define NS_ADDR		53
#define LOW_ADDR	30	/* reserved range, not the name service */

/* Raise or drop CAP_NET_ADMIN in the effective set (permitted kept). */
static int net_admin(bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (on)
		d[0].effective |= 1U << CAP_NET_ADMIN;
	else
		d[0].effective &= ~(1U << CAP_NET_ADMIN);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* SEND_BATCH of n messages "b<i>" with the given addresses. */
static int send_batch(int fd, const uint32_t *src, const uint32_t *dst,
		      unsigned int n)
{
	struct rpmsg_rpc_msg m[4];
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = n, .msg_size = sizeof(m[0]),
		.msgs = (uintptr_t)m,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < n && i < 4; i++)
		m[i] = (struct rpmsg_rpc_msg){
			.buf = (uintptr_t)"batch", .len = 5,
			.src = src[i], .dst = dst[i],
		};
	ret = ioctl(fd, RPMSG_RPC_EPT_SEND_BATCH, &b);
	return ret < 0 ? -errno : ret;
}

FIXTURE(perm) {
	struct rt rt;
	char ctrl_path[64];
};

FIXTURE_SETUP(perm)
{
	int ret = rt_up(&self->rt, 0, true);

	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
	snprintf(self->ctrl_path, sizeof(self->ctrl_path),
		 "/dev/rpmsg_rpc_ctrl%u", self->rt.index);
}

FIXTURE_TEARDOWN(perm)
{
	net_admin(true);
	rt_down(&self->rt);
}

/* A control node opened read-only can look, not create or destroy. */
TEST_F(perm, ctrl_readonly)
{
	struct rpmsg_rpc_ctrl_info info = { .size = sizeof(info) };
	struct rpmsg_rpc_channel ch[4];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .count = 4, .entry_size = sizeof(ch[0]),
		.entries = (uintptr_t)ch,
	};
	struct rpmsg_rpc_ept_create victim, c;
	int ro, wo;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "victim", RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &victim));
	ro = open(self->ctrl_path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);

	EXPECT_EQ(-EBADF, rt_create(ro, "ro", RPMSG_RPC_ADDR_ANY,
				    RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-EBADF, rt_create(ro, "ro-ann", RPMSG_RPC_ADDR_ANY,
				    RPMSG_RPC_ADDR_ANY,
				    RPMSG_RPC_EPT_F_ANNOUNCE, NULL));
	EXPECT_EQ(-EBADF, rt_create_fd(ro, "ro-fd", RPMSG_RPC_ADDR_ANY,
				       RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-EBADF, rt_destroy(ro, victim.index));
	EXPECT_EQ(-EBADF, rt_upstream_create(ro, "ro-up", ECHO_ADDR));

	/* looking is allowed */
	EXPECT_EQ(0, ioctl(ro, RPMSG_RPC_CTRL_INFO, &info));
	EXPECT_EQ(self->rt.index, info.index);
	EXPECT_EQ(1, rt_count_epts(ro));
	EXPECT_EQ(0, ioctl(ro, RPMSG_RPC_LIST_CHANNELS, &l));
	EXPECT_LE(1, l.count);
	/* and nothing changed */
	EXPECT_EQ(1, rt_count_epts(self->rt.ctrl));
	EXPECT_EQ(1, info.n_endpoints);
	close(ro);

	/* write-only is enough to create and destroy, and to look */
	wo = open(self->ctrl_path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo);
	EXPECT_EQ(0, ioctl(wo, RPMSG_RPC_CTRL_INFO, &info));
	ASSERT_EQ(0, rt_create(wo, "wo", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, &c));
	EXPECT_EQ(0, rt_destroy(wo, c.index));
	EXPECT_EQ(0, rt_destroy(wo, victim.index));
	EXPECT_EQ(0, rt_count_epts(wo));
	close(wo);
}

/* An endpoint node opened read-only reads and looks, never sends or sets. */
TEST_F(perm, ept_readonly)
{
	struct rpmsg_rpc_ept_info before, after;
	struct rpmsg_rpc_ept_stats st;
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_rpc_msg m = { .buf = (uintptr_t)"b", .len = 1,
				   .src = RPMSG_RPC_ADDR_ANY,
				   .dst = RPMSG_RPC_ADDR_ANY };
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = 1, .msg_size = sizeof(m),
		.msgs = (uintptr_t)&m,
	};
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU], bad[256];
	int ro, n;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "victim", RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c));
	ro = rt_open_ept(c.index, O_RDONLY);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, rt_ept_info(ro, &before));
	ASSERT_EQ(0, sim_capture(self->rt.sim, true));

	n = rt_readonly_mutations(ro, bad, sizeof(bad));
	EXPECT_EQ(0, n) TH_LOG("read-only fd: %s", bad);

	/* nothing changed, nothing went out */
	ASSERT_EQ(0, rt_ept_info(ro, &after));
	EXPECT_EQ(RPMSG_RPC_STATE_BOUND, after.state);
	EXPECT_EQ(before.dst, after.dst);
	EXPECT_EQ(before.rxq_limit, after.rxq_limit);
	EXPECT_EQ(before.tx_timeout_ms, after.tx_timeout_ms);
	ASSERT_EQ(0, rt_ept_stats(ro, &st));
	EXPECT_EQ(0, st.tx_msgs);
	EXPECT_GT(0, sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), 300));

	/* reading is what it is for */
	ASSERT_EQ(0, sim_inject(self->rt.sim, ECHO_ADDR, c.src, "in", 2));
	ASSERT_EQ(POLLIN, rt_poll(ro, POLLIN, RT_WAIT_MS) & POLLIN);
	n = -1;
	EXPECT_EQ(0, ioctl(ro, FIONREAD, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(2, read(ro, buf, sizeof(buf)));
	ASSERT_EQ(0, sim_inject(self->rt.sim, ECHO_ADDR, c.src, "in", 2));
	m.buf = (uintptr_t)buf;
	m.len = sizeof(buf);
	EXPECT_EQ(1, ioctl(ro, RPMSG_RPC_EPT_RECV_BATCH, &b));
	close(ro);
}

/* Write-only: sends, never receives. */
TEST_F(perm, ept_writeonly)
{
	struct rpmsg_rpc_ept_create c;
	char buf[RT_MTU];
	struct rpmsg_rpc_msg m = { .buf = (uintptr_t)buf, .len = sizeof(buf) };
	struct rpmsg_rpc_batch b = {
		.size = sizeof(b), .count = 1, .msg_size = sizeof(m),
		.flags = RPMSG_RPC_F_NONBLOCK, .msgs = (uintptr_t)&m,
	};
	int wo, rw;

	ASSERT_EQ(0, rt_create(self->rt.ctrl, "victim", RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &c));
	wo = rt_open_ept(c.index, O_WRONLY);
	ASSERT_LE(0, wo);
	rw = rt_open_ept(c.index, O_RDWR);
	ASSERT_LE(0, rw);
	ASSERT_EQ(2, write(wo, "hi", 2));
	ASSERT_EQ(POLLIN, rt_poll(rw, POLLIN, RT_WAIT_MS) & POLLIN);
	EXPECT_EQ(-1, read(wo, buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(wo, RPMSG_RPC_EPT_RECV_BATCH, &b));
	EXPECT_EQ(EBADF, errno);
	/* the message is still there for a reader */
	EXPECT_EQ(2, read(rw, buf, sizeof(buf)));
	close(wo);
	close(rw);
}

/*
 * Without CAP_NET_ADMIN: no send to the name service, no send from an
 * address that is not the endpoint's own, no dst 53 by SET_DST or at
 * creation. Other reserved addresses stay allowed. The capability must be
 * held by the opener of the fd and by the caller.
 */
TEST_F(perm, forged_without_cap)
{
	struct rpmsg_rpc_ept_create other, mine;
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU];
	int allowed = 0, seen = 0;

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "other", RPMSG_RPC_ADDR_ANY,
				  SINK_ADDR, 0, &other));
	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	ASSERT_EQ(0, net_admin(false));
	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "mine", RPMSG_RPC_ADDR_ANY,
				  SINK_ADDR, 0, &mine));

	EXPECT_EQ(-EPERM, rt_send(mine.fd, RPMSG_RPC_ADDR_ANY, NS_ADDR, "ns"));
	EXPECT_EQ(-EPERM, rt_send(mine.fd, other.src, RPMSG_RPC_ADDR_ANY,
				  "src"));
	EXPECT_EQ(-EPERM, rt_send(mine.fd, 3000, SINK_ADDR, "src"));
	EXPECT_EQ(-EPERM, rt_send(mine.fd, other.src, NS_ADDR, "both"));
	/* allowed: own src, ANY, another reserved address */
	EXPECT_EQ(0, rt_send(mine.fd, mine.src, SINK_ADDR, "own"));
	allowed += 1;
	EXPECT_EQ(0, rt_send(mine.fd, RPMSG_RPC_ADDR_ANY, LOW_ADDR, "low"));
	allowed += 1;

	/* a batch stops at the first forged message */
	EXPECT_EQ(1, send_batch(mine.fd,
				(uint32_t[]){ RPMSG_RPC_ADDR_ANY,
					      RPMSG_RPC_ADDR_ANY },
				(uint32_t[]){ RPMSG_RPC_ADDR_ANY, NS_ADDR }, 2));
	allowed += 1;
	EXPECT_EQ(-EPERM, send_batch(mine.fd, (uint32_t[]){ RPMSG_RPC_ADDR_ANY },
				     (uint32_t[]){ NS_ADDR }, 1));
	EXPECT_EQ(-EPERM, send_batch(mine.fd, (uint32_t[]){ other.src },
				     (uint32_t[]){ RPMSG_RPC_ADDR_ANY }, 1));

	EXPECT_EQ(-1, ioctl(mine.fd, RPMSG_RPC_EPT_SET_DST,
			    &(uint32_t){ NS_ADDR }));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, ioctl(mine.fd, RPMSG_RPC_EPT_SET_DST,
			   &(uint32_t){ LOW_ADDR }));
	EXPECT_EQ(0, ioctl(mine.fd, RPMSG_RPC_EPT_SET_DST,
			   &(uint32_t){ SINK_ADDR }));

	EXPECT_EQ(-EPERM, rt_create(self->rt.ctrl, "to-ns", RPMSG_RPC_ADDR_ANY,
				    NS_ADDR, 0, NULL));
	EXPECT_EQ(-EPERM, rt_create_fd(self->rt.ctrl, "to-ns",
				       RPMSG_RPC_ADDR_ANY, NS_ADDR, 0, NULL));
	EXPECT_EQ(-EPERM, rt_upstream_create(self->rt.ctrl, "to-ns", NS_ADDR));
	EXPECT_EQ(2, rt_count_epts(self->rt.ctrl));

	/* the caller has it again, the opener of mine.fd did not */
	ASSERT_EQ(0, net_admin(true));
	EXPECT_EQ(-EPERM, rt_send(mine.fd, RPMSG_RPC_ADDR_ANY, NS_ADDR, "ns"));
	EXPECT_EQ(-EPERM, rt_send(mine.fd, other.src, SINK_ADDR, "src"));
	/* the opener of other.fd had it, the caller has not */
	ASSERT_EQ(0, net_admin(false));
	EXPECT_EQ(-EPERM, rt_send(other.fd, RPMSG_RPC_ADDR_ANY, NS_ADDR, "ns"));
	ASSERT_EQ(0, net_admin(true));

	/* the remote saw only the allowed messages, all from mine */
	while (sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), 300) >= 0) {
		seen++;
		EXPECT_NE(NS_ADDR, hdr.dst);
		EXPECT_EQ(mine.src, hdr.src);
	}
	EXPECT_EQ(allowed, seen);
	close(mine.fd);
	close(other.fd);
}

/* With CAP_NET_ADMIN (opener and caller), root may do all of it. */
TEST_F(perm, forged_with_cap)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU];

	ASSERT_EQ(0, rt_create_fd(self->rt.ctrl, "root", RPMSG_RPC_ADDR_ANY,
				  SINK_ADDR, 0, &c));
	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	ASSERT_EQ(0, rt_send(c.fd, RPMSG_RPC_ADDR_ANY, NS_ADDR, "to-ns"));
	ASSERT_EQ(5, sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), RT_WAIT_MS));
	EXPECT_EQ(NS_ADDR, hdr.dst);
	EXPECT_EQ(c.src, hdr.src);
	ASSERT_EQ(0, rt_send(c.fd, 3000, SINK_ADDR, "other"));
	ASSERT_EQ(5, sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), RT_WAIT_MS));
	EXPECT_EQ(3000, hdr.src);
	EXPECT_EQ(SINK_ADDR, hdr.dst);
	EXPECT_EQ(0, ioctl(c.fd, RPMSG_RPC_EPT_SET_DST, &(uint32_t){ NS_ADDR }));
	close(c.fd);
	EXPECT_EQ(0, rt_create_fd(self->rt.ctrl, "to-ns", RPMSG_RPC_ADDR_ANY,
				  NS_ADDR, 0, &c));
	close(c.fd);
	EXPECT_EQ(0, rt_upstream_create(self->rt.ctrl, "to-ns", NS_ADDR));
}

/*
 * Names: 0-31 bytes of [A-Za-z0-9._:@-], not starting with '.' or '-';
 * anything else EINVAL on all three creates (upstream's cuts at 31 first).
 */
TEST_F(perm, names)
{
	static const char *const bad[] = {
		"a b", "x/y", "../x", "..", ".", ".hidden", "-x", "a\nb",
		"\xff", "caf\xc3\xa9", "a*b", "a\\b", "$(x)", "a\tb", "\x01",
	};
	static const char *const good[] = {
		"rpmsg-openamp-demo-channel", "ti.ipc4.ping-pong",
		"alp_default_rpmsg", "a:b@c", "x..y", "A-",
		/* 31 bytes, every kind of character */
		"AZaz09._:@-abcdefghijklmnopqrst",
	};
	struct rpmsg_rpc_ept_info e[64];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .count = 64, .entry_size = sizeof(e[0]),
		.entries = (uintptr_t)e,
	};
	struct rpmsg_rpc_ept_create c;
	char name[40];
	unsigned int i, j;
	int made = 0;

	ASSERT_EQ(31, strlen(good[6]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, rt_create(self->rt.ctrl, bad[i],
					     RPMSG_RPC_ADDR_ANY,
					     RPMSG_RPC_ADDR_ANY, 0, NULL))
			TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(-EINVAL, rt_create(self->rt.ctrl, bad[i],
					     RPMSG_RPC_ADDR_ANY,
					     RPMSG_RPC_ADDR_ANY,
					     RPMSG_RPC_EPT_F_ANNOUNCE, NULL))
			TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(-EINVAL, rt_create_fd(self->rt.ctrl, bad[i],
						RPMSG_RPC_ADDR_ANY,
						RPMSG_RPC_ADDR_ANY, 0, NULL))
			TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(-EINVAL, rt_upstream_create(self->rt.ctrl, bad[i],
						   ECHO_ADDR))
			TH_LOG("\"%s\"", bad[i]);
	}
	ASSERT_EQ(0, rt_count_epts(self->rt.ctrl));

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT_EQ(0, rt_create(self->rt.ctrl, good[i],
				       RPMSG_RPC_ADDR_ANY, RPMSG_RPC_ADDR_ANY,
				       0, NULL)) TH_LOG("\"%s\"", good[i]);
		EXPECT_EQ(0, rt_create_fd(self->rt.ctrl, good[i],
					  RPMSG_RPC_ADDR_ANY,
					  RPMSG_RPC_ADDR_ANY, 0, &c))
			TH_LOG("\"%s\"", good[i]);
		EXPECT_EQ(0, rt_upstream_create(self->rt.ctrl, good[i],
					     ECHO_ADDR)) TH_LOG("\"%s\"", good[i]);
		made += 3;	/* node, fd (kept open), upstream node */
	}
	/* empty: only without ANNOUNCE and BIND_BY_NAME */
	EXPECT_EQ(0, rt_create(self->rt.ctrl, "", RPMSG_RPC_ADDR_ANY,
			       RPMSG_RPC_ADDR_ANY, 0, NULL));
	made++;
	/* upstream's: 31 good bytes, then a space it cuts off */
	snprintf(name, sizeof(name), "%s ", good[6]);
	EXPECT_EQ(0, rt_upstream_create(self->rt.ctrl, name, ECHO_ADDR));
	made++;

	ASSERT_EQ(0, ioctl(self->rt.ctrl, RPMSG_RPC_LIST_EPTS, &l));
	EXPECT_EQ(made, l.count);
	for (i = 0; i < l.count && i < 64; i++)
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
			EXPECT_STRNE(bad[j], e[i].name);
	EXPECT_STREQ(good[6], e[l.count - 1].name);
}

TEST_HARNESS_MAIN
