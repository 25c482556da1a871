// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adversarial suite (tests/vm/suites/22-hardening, issue 8): a local
 * user without privileges (uid/gid 65534, no capabilities, no groups)
 * against nodes a careless MODE= opened up (control and endpoint nodes
 * 0666). Root only sets the stage (remotes, modes); each test then drops
 * to that user for the attack. The simulator's control fds, opened by
 * root before, stay usable: the attacker does not use them to attack,
 * only to crash, stall and announce as the firmware would.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/rpmsg.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "rt.h"

#define NOBODY		65534
#define NS_ADDR		53

FIXTURE(attack) {
	struct rt rt;
	struct rpmsg_rpc_ept_create victim;	/* root's node endpoint */
	char ctrl_path[64];
};

FIXTURE_SETUP(attack)
{
	char path[64];
	int ret = rt_up(&self->rt, 0, true);

	ASSERT_EQ(0, ret) TH_LOG("simulated remote: %s", strerror(-ret));
	snprintf(self->ctrl_path, sizeof(self->ctrl_path),
		 "/dev/rpmsg_rpc_ctrl%u", self->rt.index);
	/* not announced: its name-service message could reach the capture */
	ASSERT_EQ(0, rt_create(self->rt.ctrl, "victim", RPMSG_RPC_ADDR_ANY,
			       ECHO_ADDR, 0, &self->victim));
	/* the careless MODE= */
	ASSERT_EQ(0, chmod(self->ctrl_path, 0666));
	snprintf(path, sizeof(path), "/dev/rpmsg_rpc%u", self->victim.index);
	ASSERT_EQ(0, chmod(path, 0666));
}

FIXTURE_TEARDOWN(attack)
{
	rt_down(&self->rt);
}

/* From here on: uid/gid 65534, no groups, no capabilities at all. */
static void become_nobody(struct __test_metadata *_metadata)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	ASSERT_EQ(0, d[0].effective | d[1].effective | d[0].permitted |
		     d[1].permitted);
	ASSERT_EQ(NOBODY, geteuid());
}

/* The attacker may create and use endpoints of its own: the normal use. */
TEST_F(attack, own_endpoint_works)
{
	struct rpmsg_rpc_ept_create c;
	char buf[16];
	int ctrl;

	become_nobody(_metadata);
	ctrl = open(self->ctrl_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rt_create_fd(ctrl, "mine", RPMSG_RPC_ADDR_ANY, ECHO_ADDR,
				  0, &c));
	ASSERT_EQ(4, write(c.fd, "mine", 4));
	ASSERT_EQ(4, read(c.fd, buf, sizeof(buf)));
	close(c.fd);
	close(ctrl);
}

TEST_F(attack, readonly_ctrl)
{
	int ro;

	become_nobody(_metadata);
	ro = open(self->ctrl_path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EBADF, rt_create(ro, "ro", RPMSG_RPC_ADDR_ANY,
				    RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-EBADF, rt_create_fd(ro, "ro", RPMSG_RPC_ADDR_ANY,
				       RPMSG_RPC_ADDR_ANY, 0, NULL));
	EXPECT_EQ(-EBADF, rt_upstream_create(ro, "ro", ECHO_ADDR));
	EXPECT_EQ(-EBADF, rt_destroy(ro, self->victim.index));
	/* it may look: the victim is still there, alone */
	EXPECT_EQ(1, rt_count_epts(ro));
	close(ro);
}

TEST_F(attack, readonly_endpoint)
{
	struct rpmsg_rpc_ept_info info;
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU], bad[256];
	int ro;

	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	become_nobody(_metadata);
	ro = rt_open_ept(self->victim.index, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(0, rt_readonly_mutations(ro, bad, sizeof(bad)))
		TH_LOG("read-only fd: %s", bad);
	ASSERT_EQ(0, rt_ept_info(ro, &info));
	EXPECT_EQ(RPMSG_RPC_STATE_BOUND, info.state);
	EXPECT_EQ(ECHO_ADDR, info.dst);
	EXPECT_NE(1, info.rxq_limit);
	EXPECT_NE(1, info.tx_timeout_ms);
	EXPECT_GT(0, sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), 300));
	close(ro);
}

/* Forged name-service messages and someone else's source address. */
TEST_F(attack, forged_addresses)
{
	struct rpmsg_rpc_ept_create c;
	struct rpmsg_sim_msg hdr;
	char buf[RT_MTU];
	int ctrl, node;

	ASSERT_EQ(0, sim_capture(self->rt.sim, true));
	become_nobody(_metadata);
	ctrl = open(self->ctrl_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rt_create_fd(ctrl, "mine", RPMSG_RPC_ADDR_ANY, SINK_ADDR,
				  0, &c));
	node = rt_open_ept(self->victim.index, O_RDWR);
	ASSERT_LE(0, node);

	EXPECT_EQ(-EPERM, rt_send(c.fd, RPMSG_RPC_ADDR_ANY, NS_ADDR, "ns"));
	EXPECT_EQ(-EPERM, rt_send(c.fd, self->victim.src, SINK_ADDR, "spoof"));
	EXPECT_EQ(-EPERM, rt_send(node, RPMSG_RPC_ADDR_ANY, NS_ADDR, "ns"));
	EXPECT_EQ(-EPERM, rt_send(node, c.src, SINK_ADDR, "spoof"));
	EXPECT_EQ(-1, ioctl(c.fd, RPMSG_RPC_EPT_SET_DST,
			    &(uint32_t){ NS_ADDR }));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, rt_create(ctrl, "ns", RPMSG_RPC_ADDR_ANY, NS_ADDR,
				    0, NULL));
	EXPECT_EQ(-EPERM, rt_create_fd(ctrl, "ns", RPMSG_RPC_ADDR_ANY, NS_ADDR,
				       0, NULL));
	EXPECT_EQ(-EPERM, rt_upstream_create(ctrl, "ns", NS_ADDR));
	/* the remote saw nothing from the attacker */
	while (sim_recv(self->rt.sim, &hdr, buf, sizeof(buf), 300) >= 0) {
		EXPECT_NE(NS_ADDR, hdr.dst) TH_LOG("from %#x", hdr.src);
		EXPECT_NE(self->victim.src, hdr.src);
		EXPECT_NE(c.src, hdr.src);
	}
	close(node);
	close(c.fd);
	close(ctrl);
}

/* Names that would plant links outside /dev/rpmsg_rpc/ or hide there. */
TEST_F(attack, bad_names)
{
	static const char *const bad[] = {
		"a b", "../x", "x/y", "..", ".", "a\nb", "\xff", "-rf",
		"../../etc",
	};
	unsigned int i;
	int ctrl, ret;

	become_nobody(_metadata);
	ctrl = open(self->ctrl_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctrl);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rpmsg_rpc_ept_create c;

		EXPECT_EQ(-EINVAL, rt_create(ctrl, bad[i], RPMSG_RPC_ADDR_ANY,
					     RPMSG_RPC_ADDR_ANY, 0, NULL))
			TH_LOG("\"%s\"", bad[i]);
		ret = rt_create_fd(ctrl, bad[i], RPMSG_RPC_ADDR_ANY,
				   RPMSG_RPC_ADDR_ANY, 0, &c);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("\"%s\"", bad[i]);
		if (!ret)
			close(c.fd);
		EXPECT_EQ(-EINVAL, rt_upstream_create(ctrl, bad[i], ECHO_ADDR))
			TH_LOG("\"%s\"", bad[i]);
	}
	EXPECT_EQ(1, rt_count_epts(ctrl));
	close(ctrl);
}

/* A level-triggered select() loop on a withdrawn endpoint must sleep. */
TEST_F(attack, select_on_withdrawn)
{
	struct rpmsg_rpc_ept_create c;
	unsigned int n;
	int ctrl;

	become_nobody(_metadata);
	ctrl = open(self->ctrl_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rt_withdrawn_ept(ctrl, self->rt.sim, "flaky", 0x640, &c));
	n = rt_select_wakeups(c.fd, 1000);
	TH_LOG("%u select() wake-ups in 1 s", n);
	EXPECT_EQ(0, n);
	close(c.fd);
	close(ctrl);
}

/* SIGALRM every 20 ms (SA_RESTART) cannot stretch a bounded write. */
TEST_F(attack, periodic_signals_vs_bounded_write)
{
	struct rpmsg_rpc_ept_create c;
	uint32_t ms = 300;
	uint64_t elapsed;
	ssize_t n;
	int ctrl, err;

	become_nobody(_metadata);
	ctrl = open(self->ctrl_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, rt_create_fd(ctrl, "slow", RPMSG_RPC_ADDR_ANY, SINK_ADDR,
				  0, &c));
	ASSERT_EQ(0, ioctl(c.fd, RPMSG_RPC_EPT_SET_TX_TIMEOUT, &ms));
	ASSERT_LT(0, rt_stall_full(c.fd, self->rt.sim, SINK_ADDR));
	n = rt_write_under_signals(c.fd, 20, 3000, &err, &elapsed);
	TH_LOG("write: %zd (%s) after %llu ms", n, n < 0 ? strerror(err) : "",
	       (unsigned long long)elapsed);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINTR, err);
	EXPECT_LT(elapsed, 2000);
	ASSERT_EQ(0, sim_stall(self->rt.sim, false));
	close(c.fd);
	close(ctrl);
}

/* A control device of this remote other than index old, within ms. */
static int new_ctrl(struct rt *rt, unsigned int old, unsigned int ms)
{
	uint64_t end = rt_now_ms() + ms;
	char rproc[64], val[64];
	unsigned int idx;
	struct dirent *de;
	DIR *d;

	if (sim_rproc_name(rt->sim, rproc, sizeof(rproc)))
		return -ENODEV;
	do {
		d = opendir("/sys/class/rpmsg_rpc");
		while (d && (de = readdir(d))) {
			if (sscanf(de->d_name, "rpmsg_rpc_ctrl%u", &idx) != 1 ||
			    idx == old ||
			    rt_sysfs(de->d_name, "rproc", val, sizeof(val)) ||
			    strcmp(val, rproc))
				continue;
			closedir(d);
			return idx;
		}
		if (d)
			closedir(d);
		rt_sleep_ms(20);
	} while (rt_now_ms() < end);
	return -ETIMEDOUT;
}

static unsigned int boots(struct rt *rt)
{
	struct rpmsg_sim_info info;

	return sim_info(rt->sim, &info) ? 0 : info.boots;
}

/* Wait up to ms for a channel called name in LIST_CHANNELS of ctrl. */
static bool channel_seen(int ctrl, const char *name, unsigned int ms)
{
	uint64_t end = rt_now_ms() + ms;
	struct rpmsg_rpc_channel ch[8];
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .entry_size = sizeof(ch[0]),
		.entries = (uintptr_t)ch,
	};
	unsigned int i;

	do {
		l.count = 8;
		if (ioctl(ctrl, RPMSG_RPC_LIST_CHANNELS, &l))
			return false;
		for (i = 0; i < l.count && i < 8; i++)
			if (!strcmp(ch[i].name, name))
				return true;
		rt_sleep_ms(20);
	} while (rt_now_ms() < end);
	return false;
}

struct stuck_list {
	int ctrl;
	void *page;
	int ret;
	volatile int done;
};

static void *stuck_list_fn(void *arg)
{
	struct stuck_list *s = arg;
	struct rpmsg_rpc_list l = {
		.size = sizeof(l), .count = 4,
		.entry_size = sizeof(struct rpmsg_rpc_ept_info),
		.entries = (uintptr_t)s->page,
	};

	s->ret = ioctl(s->ctrl, RPMSG_RPC_LIST_EPTS, &l) ? -errno : 0;
	s->done = 1;
	return NULL;
}

/*
 * LIST_EPTS into a userfaultfd page nobody serves: the copy to user space
 * waits for ever. It must hold nothing the rest of the system needs: the
 * remote crashes and must recover (new boot, new control node), and a
 * second remote's bus events (an announcement, a restart) must go on.
 * Then the page is served, so that a driver that fails this recovers too.
 * Needs vm.unprivileged_userfaultfd=1 (the careless setting; the suite
 * sets it).
 */
TEST_F_TIMEOUT(attack, userfaultfd_list_vs_recovery, 240)
{
	struct stuck_list s = { .ret = 1 };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_zeropage zp;
	struct pollfd pfd;
	struct uffd_msg msg;
	struct rt b;
	unsigned int b0, bb0, old_a = self->rt.index, old_b;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t t0;
	pthread_t t;
	bool up_a, ctrl_a, seen_b, up_b, ctrl_b;
	int uffd, ret;

	/* a second remote, its control node opened up like the first */
	ASSERT_EQ(0, rt_up(&b, 0, true));
	old_b = b.index;
	b0 = boots(&self->rt);
	bb0 = boots(&b);
	become_nobody(_metadata);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 && (errno == EPERM || errno == ENOSYS)) {
		rt_down(&b);
		SKIP(return, "userfaultfd for users: %s (needs CONFIG_USERFAULTFD"
		     " and vm.unprivileged_userfaultfd=1)", strerror(errno));
	}
	ASSERT_LE(0, uffd);
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	s.page = mmap(NULL, page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s.page);
	reg = (struct uffdio_register){
		.range = { .start = (uintptr_t)s.page, .len = page },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	s.ctrl = open(self->ctrl_path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, s.ctrl);
	ASSERT_EQ(0, pthread_create(&t, NULL, stuck_list_fn, &s));
	/* the driver's copy to user space has faulted: now it waits */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, RT_WAIT_MS));
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	rt_sleep_ms(100);
	EXPECT_FALSE(s.done);

	/* the remote crashes: recovery completes, with a new control node */
	t0 = rt_now_ms();
	ASSERT_EQ(0, sim_crash(self->rt.sim));
	up_a = !sim_wait_reboot(self->rt.sim, b0, 10000);
	ret = new_ctrl(&self->rt, old_a, 5000);
	ctrl_a = ret >= 0;
	TH_LOG("crashed remote: %s, control node %s after %llu ms",
	       up_a ? "booted again" : "NOT booted again",
	       ctrl_a ? "back" : "NOT back",
	       (unsigned long long)(rt_now_ms() - t0));
	EXPECT_TRUE(up_a);
	EXPECT_TRUE(ctrl_a);

	/* the other remote: an announcement is seen, a restart completes */
	t0 = rt_now_ms();
	ASSERT_EQ(0, sim_echo(b.sim, "b-late", 0x650));
	seen_b = channel_seen(b.ctrl, "b-late", 5000);
	ASSERT_EQ(0, sim_crash(b.sim));
	up_b = !sim_wait_reboot(b.sim, bb0, 10000);
	ctrl_b = new_ctrl(&b, old_b, 5000) >= 0;
	TH_LOG("other remote: announcement %s, restart %s, control node %s "
	       "(%llu ms)", seen_b ? "seen" : "NOT seen",
	       up_b ? "done" : "NOT done", ctrl_b ? "back" : "NOT back",
	       (unsigned long long)(rt_now_ms() - t0));
	EXPECT_TRUE(seen_b);
	EXPECT_TRUE(up_b);
	EXPECT_TRUE(ctrl_b);
	EXPECT_FALSE(s.done);

	/* serve the page: the LIST returns, whatever it found */
	zp = (struct uffdio_zeropage){
		.range = { .start = (uintptr_t)s.page, .len = page },
	};
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zp));
	close(uffd);
	for (int i = 0; !s.done && i < 200; i++)
		rt_sleep_ms(50);
	ASSERT_TRUE(s.done) TH_LOG("LIST still stuck after the page was served");
	pthread_join(t, NULL);
	TH_LOG("LIST returned %s", s.ret ? strerror(-s.ret) : "0");
	close(s.ctrl);

	/* a driver that failed the above recovers now; wait before teardown */
	sim_wait_reboot(self->rt.sim, b0, 30000);
	sim_wait_reboot(b.sim, bb0, 30000);
	new_ctrl(&self->rt, old_a, 10000);
	rt_down(&b);
}

TEST_HARNESS_MAIN
