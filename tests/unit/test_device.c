// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/device*.c, the device level, over a fake sysfs and /dev built by
 * tests/tools/fake-sysfs (one remote with our driver and rpmsg_char, one
 * offline remote; the control node is a regular file, so listing falls
 * back to sysfs and the create/destroy ioctls fail with ENOTTY).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <alp/rpc_device.h>

#include "testutil.h"
#include "../../lib/device.h"

static char root[64];
static alp_rpc_dev_t *dev;

static void setup(void)
{
	char cmd[PATH_MAX + 64], sys[PATH_MAX], devdir[PATH_MAX];
	alp_rpc_dev_config_t cfg = { .size = sizeof(cfg), .sysfs_root = sys, .dev_root = devdir };

	snprintf(root, sizeof(root), "/tmp/librpc-device.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "../tools/fake-sysfs %s", root);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(devdir, sizeof(devdir), "%s/dev", root);
	dev = alp_rpc_dev_open(&cfg);
	ck_assert_ptr_nonnull(dev);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	alp_rpc_dev_close(dev);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(open_checks_its_config)
{
	alp_rpc_dev_config_t cfg = { .size = sizeof(cfg) - 1 };

	ck_assert_ptr_null(alp_rpc_dev_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	cfg.size = sizeof(cfg);
	cfg.flags = 1;
	ck_assert_ptr_null(alp_rpc_dev_open(&cfg));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	alp_rpc_dev_close(NULL);
	alp_rpc_dev_list_close(NULL);
	alp_rpc_dev_monitor_close(NULL);
	ck_assert_ptr_null(alp_rpc_dev_list_open(NULL));
	ck_assert_int_eq(alp_rpc_dev_list_count(NULL), 0);
	ck_assert_int_eq(alp_rpc_dev_backends(NULL), 0);
	ck_assert_int_eq(alp_rpc_dev_monitor_fd(NULL), -1);
}
END_TEST

START_TEST(backends_loaded)
{
	ck_assert_uint_eq(alp_rpc_dev_backends(dev), (1u << ALP_RPC_DEV_BACKEND_RPMSG_RPC) |
			  (1u << ALP_RPC_DEV_BACKEND_RPMSG_CHAR));
}
END_TEST

START_TEST(list_remotes_channels_endpoints)
{
	alp_rpc_dev_list_t *l = alp_rpc_dev_list_open(dev);
	alp_rpc_dev_remote_t r = { .size = sizeof(r) };
	alp_rpc_dev_channel_t c = { .size = sizeof(c) };
	alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };
	char want[PATH_MAX];

	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(alp_rpc_dev_list_count(l), 2);
	ck_assert_int_eq(alp_rpc_dev_list_remote(l, 0, &r), ALP_OK);
	ck_assert_str_eq(r.rproc, "remoteproc0");
	ck_assert_str_eq(r.name, "rpmsg-sim.0");
	ck_assert_str_eq(r.state, "running");
	ck_assert_str_eq(r.transport, "virtio0");
	ck_assert_uint_eq(r.backend, ALP_RPC_DEV_BACKEND_RPMSG_RPC);
	snprintf(want, sizeof(want), "%s/dev/rpmsg_rpc_ctrl0", root);
	ck_assert_str_eq(r.control, want);
	snprintf(want, sizeof(want), "%s/dev/rpmsg_ctrl0", root);
	ck_assert_str_eq(r.char_control, want);
	/* a regular file answers no ioctl: the lists come from sysfs */
	ck_assert_uint_eq(r.flags, ALP_RPC_DEV_REMOTE_F_SYSFS);
	ck_assert_int_eq(r.sys_errno, ENOTTY);
	ck_assert_int_eq(r.list_status, ALP_OK);
	/* the transport's own devices (rpmsg_ns, rpmsg_ctrl) are no channels */
	ck_assert_uint_eq(r.n_channels, 1);
	ck_assert_int_eq(alp_rpc_dev_list_channel(l, 0, 0, &c), ALP_OK);
	ck_assert_str_eq(c.name, "alp_default_rpmsg");
	ck_assert_uint_eq(c.addr, 1024);
	ck_assert_int_eq(alp_rpc_dev_list_channel(l, 0, 1, &c), ALP_ERR_INVAL);

	ck_assert_uint_eq(r.n_endpoints, 2);
	ck_assert_int_eq(alp_rpc_dev_list_endpoint(l, 0, 0, &e), ALP_OK);
	ck_assert_uint_eq(e.backend, ALP_RPC_DEV_BACKEND_RPMSG_RPC);
	ck_assert_uint_eq(e.index, 2);
	ck_assert_str_eq(e.name, "ept-a");
	ck_assert_uint_eq(e.src, 7000);
	ck_assert_uint_eq(e.dst, 1024);
	ck_assert_uint_eq(e.mtu, 496);
	ck_assert_uint_eq(e.state, ALP_RPC_DEV_EPT_BOUND);
	ck_assert(e.flags & ALP_RPC_DEV_EPT_F_STATS);
	ck_assert_uint_eq(e.rx_msgs, 1);
	ck_assert_uint_eq(e.tx_busy, 6);
	ck_assert_uint_eq(e.rxq_depth, 7);
	ck_assert_uint_eq(e.rxq_limit, 8);
	snprintf(want, sizeof(want), "%s/dev/rpmsg_rpc2", root);
	ck_assert_str_eq(e.node, want);
	ck_assert_int_eq(alp_rpc_dev_list_endpoint(l, 0, 1, &e), ALP_OK);
	ck_assert_uint_eq(e.backend, ALP_RPC_DEV_BACKEND_RPMSG_CHAR);
	ck_assert_uint_eq(e.index, 3);
	ck_assert_str_eq(e.name, "upstream-ept");
	ck_assert_uint_eq(e.src, 1030);
	ck_assert_uint_eq(e.dst, ALP_RPC_DEV_ADDR_ANY);	/* rpmsg_char prints -1 */
	ck_assert_uint_eq(e.state, ALP_RPC_DEV_EPT_UNKNOWN);
	ck_assert(!(e.flags & ALP_RPC_DEV_EPT_F_STATS));

	ck_assert_int_eq(alp_rpc_dev_list_remote(l, 1, &r), ALP_OK);
	ck_assert_str_eq(r.rproc, "remoteproc1");
	ck_assert_str_eq(r.state, "offline");
	ck_assert_str_eq(r.control, "");
	ck_assert_uint_eq(r.backend, ALP_RPC_DEV_BACKEND_NONE);
	ck_assert_uint_eq(r.n_channels + r.n_endpoints, 0);
	ck_assert_int_eq(alp_rpc_dev_list_remote(l, 2, &r), ALP_ERR_INVAL);
	alp_rpc_dev_list_close(l);
}
END_TEST

/* A program built against a shorter struct gets its prefix, nothing beyond. */
START_TEST(sized_structs_are_filled_up_to_their_size)
{
	alp_rpc_dev_list_t *l = alp_rpc_dev_list_open(dev);
	union {
		alp_rpc_dev_remote_t r;
		uint8_t bytes[sizeof(alp_rpc_dev_remote_t)];
	} u;
	size_t old = offsetof(alp_rpc_dev_remote_t, name);

	memset(&u, 0xa5, sizeof(u));
	u.r.size = (uint32_t)old;
	ck_assert_int_eq(alp_rpc_dev_list_remote(l, 0, &u.r), ALP_OK);
	ck_assert_uint_eq(u.r.size, old);
	ck_assert_str_eq(u.r.rproc, "remoteproc0");
	for (size_t i = old; i < sizeof(u); i++)
		ck_assert_uint_eq(u.bytes[i], 0xa5);
	u.r.size = 2;
	ck_assert_int_eq(alp_rpc_dev_list_remote(l, 0, &u.r), ALP_ERR_INVAL);
	alp_rpc_dev_list_close(l);
}
END_TEST

START_TEST(find_remote_by_any_name)
{
	const char *const names[] = { "remoteproc0", "rpmsg_rpc_ctrl0", "0", "rpmsg-sim.0",
				      "rpmsg_ctrl0" };
	alp_rpc_dev_remote_t r = { .size = sizeof(r) };
	char path[PATH_MAX];

	ck_assert_int_eq(alp_rpc_dev_find_remote(dev, NULL, &r), ALP_OK);
	ck_assert_str_eq(r.rproc, "remoteproc0");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(r.rproc, 0, sizeof(r.rproc));
		ck_assert_int_eq(alp_rpc_dev_find_remote(dev, names[i], &r), ALP_OK);
		ck_assert_str_eq(r.rproc, "remoteproc0");
	}
	snprintf(path, sizeof(path), "%s/dev/rpmsg_rpc_ctrl0", root);
	ck_assert_int_eq(alp_rpc_dev_find_remote(dev, path, &r), ALP_OK);
	ck_assert_int_eq(alp_rpc_dev_find_remote(dev, "remoteproc1", &r), ALP_OK);
	ck_assert_str_eq(r.control, "");
	errno = 0;
	ck_assert_int_eq(alp_rpc_dev_find_remote(dev, "nosuchremote", &r), ALP_ERR_NOT_READY);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
}
END_TEST

START_TEST(node_endpoint_from_sysfs)
{
	alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };

	/* the fake /sys/dev/char maps 1:3 (/dev/null) to our endpoint, 1:5 to upstream's */
	ck_assert_int_eq(alp_rpc_dev_node_endpoint(dev, "/dev/null", &e), ALP_OK);
	ck_assert_uint_eq(e.backend, ALP_RPC_DEV_BACKEND_RPMSG_RPC);
	ck_assert_str_eq(e.name, "ept-a");
	ck_assert_str_eq(e.node, "/dev/null");
	ck_assert_int_eq(alp_rpc_dev_node_endpoint(dev, "/dev/zero", &e), ALP_OK);
	ck_assert_uint_eq(e.backend, ALP_RPC_DEV_BACKEND_RPMSG_CHAR);
	ck_assert_uint_eq(e.index, 3);
	ck_assert_int_eq(alp_rpc_dev_node_endpoint(dev, "/dev/full", &e), ALP_ERR_INVAL);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(alp_rpc_dev_node_endpoint(dev, "/tmp", &e), ALP_ERR_INVAL);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(alp_rpc_dev_node_endpoint(dev, "/dev/rpmsg_rpc987", &e), ALP_ERR_NOT_READY);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static alp_status_t create(const char *name, uint32_t flags, uint32_t dst, uint32_t backend)
{
	alp_rpc_dev_ept_config_t cfg = {
		.size = sizeof(cfg), .flags = flags, .name = name,
		.src = ALP_RPC_DEV_ADDR_ANY, .dst = dst, .backend = backend,
	};
	alp_rpc_dev_endpoint_t e = { .size = sizeof(e) };

	errno = 0;
	return alp_rpc_dev_ept_create(dev, NULL, &cfg, &e);
}

START_TEST(create_refuses_bad_names_before_the_kernel)
{
	const char *const bad[] = { "a b", "a/b", "tab\there", "x!", "0123456789012345678901234567890123" };
	alp_rpc_dev_ept_config_t cfg = { .size = sizeof(cfg), .name = "ok" };
	int fd = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(create(bad[i], 0, ALP_RPC_DEV_ADDR_ANY, 0), ALP_ERR_INVAL);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(create("", ALP_RPC_DEV_EPT_F_ANNOUNCE, ALP_RPC_DEV_ADDR_ANY, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(create("x", ALP_RPC_DEV_EPT_F_BIND_BY_NAME, 5, 0), ALP_ERR_INVAL);
	ck_assert_int_eq(create("x", 1u << 5, ALP_RPC_DEV_ADDR_ANY, 0), ALP_ERR_INVAL);
	/* NONBLOCK is for create_fd only */
	ck_assert_int_eq(create("x", ALP_RPC_DEV_EPT_F_NONBLOCK, ALP_RPC_DEV_ADDR_ANY, 0),
			 ALP_ERR_INVAL);
	cfg.size = 4;
	ck_assert_int_eq(alp_rpc_dev_ept_create(dev, NULL, &cfg, NULL), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_dev_ept_create_fd(dev, NULL, &cfg, &fd, NULL), ALP_ERR_INVAL);
	ck_assert_int_eq(fd, -1);
}
END_TEST

START_TEST(create_and_destroy_reach_the_control_node)
{
	alp_rpc_dev_ept_config_t cfg = {
		.size = sizeof(cfg), .name = "x", .src = ALP_RPC_DEV_ADDR_ANY,
		.dst = ALP_RPC_DEV_ADDR_ANY, .backend = ALP_RPC_DEV_BACKEND_RPMSG_CHAR,
	};
	int fd;

	/* valid names (':' and '@' included) get as far as the ioctl: a file says ENOTTY */
	ck_assert_int_eq(create("svc:a@b.c-d_e", 0, ALP_RPC_DEV_ADDR_ANY, 0), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(create("x", 0, ALP_RPC_DEV_ADDR_ANY, ALP_RPC_DEV_BACKEND_RPMSG_CHAR),
			 ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(errno, ENOTTY);
	/* upstream has neither announcements nor bind by name, nor fd endpoints */
	ck_assert_int_eq(create("x", ALP_RPC_DEV_EPT_F_ANNOUNCE, ALP_RPC_DEV_ADDR_ANY,
				ALP_RPC_DEV_BACKEND_RPMSG_CHAR), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_dev_ept_create_fd(dev, NULL, &cfg, &fd, NULL), ALP_ERR_NOSUPPORT);
	/* the offline remote has no control node */
	ck_assert_int_eq(alp_rpc_dev_ept_create(dev, "remoteproc1", &cfg, NULL), ALP_ERR_NOT_READY);

	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "banana"), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "/dev/null"), ALP_ERR_INVAL);
	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "rpmsg_rpc999"), ALP_ERR_NOT_READY);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "rpmsg_rpc2"), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "2"), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(alp_rpc_dev_ept_destroy(dev, "/dev/rpmsg7"), ALP_ERR_NOT_READY);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

struct attrs {
	const char *const *kv;	/* name, value, ..., NULL */
};

static const char *attr_of(const char *name, void *arg)
{
	const struct attrs *a = arg;

	for (const char *const *p = a->kv; p && *p; p += 2)
		if (!strcmp(*p, name))
			return p[1];
	return NULL;
}

START_TEST(events_from_kernel_devices)
{
	static const char *const ctrl[] = { "remote", "rpmsg-sim.0", "rproc", "remoteproc0", NULL };
	static const char *const ept[] = { "name", "e", "src", "7000", "dst", "4294967295", NULL };
	static const char *const rp[] = { "name", "rpmsg-sim.0", "state", "crashed", NULL };
	struct attrs a = { ctrl }, none = { NULL };
	alp_rpc_dev_event_t ev;

	ck_assert(rpc_dev_event_from(&ev, "rpmsg_rpc", "rpmsg_rpc_ctrl0", "add",
				     "/devices/virtual/rpmsg_rpc/rpmsg_rpc_ctrl0", attr_of, &a));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_REMOTE_UP);
	ck_assert_uint_eq(ev.object, ALP_RPC_DEV_OBJ_CONTROL);
	ck_assert_str_eq(ev.name, "rpmsg-sim.0");
	ck_assert_str_eq(ev.rproc, "remoteproc0");
	ck_assert(rpc_dev_event_from(&ev, "rpmsg_rpc", "rpmsg_rpc_ctrl0", "remove", "/x",
				     attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_REMOTE_DOWN);
	ck_assert_uint_eq(ev.action, ALP_RPC_DEV_ACTION_REMOVE);

	ck_assert(rpc_dev_event_from(&ev, "rpmsg", "virtio0.alp_default_rpmsg.-1.1024", "add",
				     "/devices/platform/x/remoteproc/remoteproc3/remoteproc3#vdev0buffer/virtio0/virtio0.alp_default_rpmsg.-1.1024",
				     attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_CHANNEL_ANNOUNCED);
	ck_assert_str_eq(ev.name, "alp_default_rpmsg");
	ck_assert_uint_eq(ev.dst, 1024);
	ck_assert_str_eq(ev.rproc, "remoteproc3");
	/* the name survives the removal: it is in the device name */
	ck_assert(rpc_dev_event_from(&ev, "rpmsg", "virtio0.my.name.-1.53", "remove", "/x",
				     attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_CHANNEL_WITHDRAWN);
	ck_assert_str_eq(ev.name, "my.name");
	ck_assert(rpc_dev_event_from(&ev, "rpmsg", "virtio0.rpmsg_ns.53.53", "add", "/x",
				     attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_OTHER);

	a.kv = ept;
	ck_assert(rpc_dev_event_from(&ev, "rpmsg_rpc", "rpmsg_rpc4", "add", "/x", attr_of, &a));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_ENDPOINT_CREATED);
	ck_assert_uint_eq(ev.backend, ALP_RPC_DEV_BACKEND_RPMSG_RPC);
	ck_assert_uint_eq(ev.src, 7000);
	ck_assert_uint_eq(ev.dst, ALP_RPC_DEV_ADDR_ANY);
	ck_assert(rpc_dev_event_from(&ev, "rpmsg", "rpmsg5", "remove", "/x", attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_ENDPOINT_DESTROYED);
	ck_assert_uint_eq(ev.backend, ALP_RPC_DEV_BACKEND_RPMSG_CHAR);
	ck_assert(rpc_dev_event_from(&ev, "rpmsg", "rpmsg_ctrl1", "add", "/a/remoteproc1/b",
				     attr_of, &none));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_REMOTE_UP);
	ck_assert_uint_eq(ev.backend, ALP_RPC_DEV_BACKEND_RPMSG_CHAR);
	ck_assert_str_eq(ev.rproc, "remoteproc1");

	a.kv = rp;
	ck_assert(rpc_dev_event_from(&ev, "remoteproc", "remoteproc0", "change", "/x", attr_of, &a));
	ck_assert_uint_eq(ev.type, ALP_RPC_DEV_EVENT_REMOTE_STATE);
	ck_assert_str_eq(ev.state, "crashed");
	ck_assert(!rpc_dev_event_from(&ev, "rpmsg", "rpmsg5", "bind", "/x", attr_of, &none));
	ck_assert(!rpc_dev_event_from(&ev, "tty", "tty0", "add", "/x", attr_of, &none));
	ck_assert_str_eq(alp_rpc_dev_event_name(ALP_RPC_DEV_EVENT_REMOTE_CRASHED), "remote-crashed");
	ck_assert_str_eq(alp_rpc_dev_event_name(999), "unknown");
	ck_assert_str_eq(alp_rpc_dev_state_name(ALP_RPC_DEV_EPT_WITHDRAWN), "withdrawn");
}
END_TEST

START_TEST(monitor_reports_nothing_when_nothing_happens)
{
	alp_rpc_dev_monitor_t *m = alp_rpc_dev_monitor_open(dev);
	alp_rpc_dev_event_t ev = { .size = sizeof(ev) };
	uint64_t t0;

	if (!m) {	/* no netlink in this sandbox */
		ck_assert_int_eq(alp_last_error(), ALP_ERR_NOSUPPORT);
		return;
	}
	ck_assert_int_ge(alp_rpc_dev_monitor_fd(m), 0);
	t0 = t_now_ms();
	ck_assert_int_eq(alp_rpc_dev_monitor_read(m, &ev, 0), ALP_ERR_TIMEOUT);
	ck_assert_int_eq(alp_rpc_dev_monitor_read(m, &ev, 50), ALP_ERR_TIMEOUT);
	ck_assert_uint_ge(t_now_ms() - t0, 50);
	ck_assert_int_eq(alp_rpc_dev_monitor_read(m, NULL, 0), ALP_ERR_INVAL);
	alp_rpc_dev_monitor_close(m);
}
END_TEST

Suite *device_suite(void)
{
	Suite *s = suite_create("device");
	TCase *tc = tcase_create("fake sysfs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, backends_loaded);
	tcase_add_test(tc, list_remotes_channels_endpoints);
	tcase_add_test(tc, sized_structs_are_filled_up_to_their_size);
	tcase_add_test(tc, find_remote_by_any_name);
	tcase_add_test(tc, node_endpoint_from_sysfs);
	tcase_add_test(tc, create_refuses_bad_names_before_the_kernel);
	tcase_add_test(tc, create_and_destroy_reach_the_control_node);
	tcase_add_test(tc, monitor_reports_nothing_when_nothing_happens);
	suite_add_tcase(s, tc);
	tc = tcase_create("plain");
	tcase_add_test(tc, open_checks_its_config);
	tcase_add_test(tc, events_from_kernel_devices);
	suite_add_tcase(s, tc);
	return s;
}
