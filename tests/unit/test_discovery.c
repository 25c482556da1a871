// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/discovery.c: device checks, lookups by attribute, the udev watch.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "testutil.h"
#include "../../lib/internal.h"

START_TEST(chardev_checks)
{
	ck_assert_int_eq(rpc_check_chardev("/dev/null", "mem"), 0);
	ck_assert_int_eq(rpc_check_chardev("/dev/null", "rpmsg"), -ENODEV);
	ck_assert_int_eq(rpc_check_chardev("/dev", "rpmsg"), -ENOTTY);
	ck_assert_int_eq(rpc_check_chardev("/dev/rpmsg987", "rpmsg"), -ENOENT);
}
END_TEST

START_TEST(lookups_find_nothing_here)
{
	char node[PATH_MAX] = "untouched";

	ck_assert_int_eq(rpc_find_rpmsg_ept("no-such-service", UINT32_MAX, UINT32_MAX, node,
					    sizeof(node)), -ENOENT);
	ck_assert_int_eq(rpc_find_node_by_prefix(NULL, "rpmsg_rpc_ctrl", NULL, NULL, node,
					 sizeof(node)), -ENOENT);
	ck_assert_str_eq(node, "untouched");
}
END_TEST

static bool refuse(const char *devnode, void *arg)
{
	(void)devnode;
	(*(int *)arg)++;
	return false;
}

START_TEST(lookup_by_prefix_finds_a_real_node)
{
	char node[PATH_MAX];
	int calls = 0;

	/* The glob is prefix + digits: tty0-like nodes exist on most hosts. */
	int rc = rpc_find_node_by_prefix("tty", "tty", NULL, NULL, node, sizeof(node));

	if (rc == 0) {
		ck_assert_int_eq(strncmp(node, "/dev/tty", 8), 0);
		/* The accept callback filters: refuse everything, find nothing. */
		ck_assert_int_eq(rpc_find_node_by_prefix("tty", "tty", refuse, &calls, node,
							 sizeof(node)), -ENOENT);
		ck_assert_int_gt(calls, 0);
	} else {
		ck_assert_int_eq(rc, -ENOENT);
	}
}
END_TEST

START_TEST(udev_watch_lifecycle)
{
	struct rpc_udev_watch *w = NULL;
	int rc = rpc_udev_watch_new(&w, "rpmsg");

	if (rc == 0) {
		ck_assert_int_ge(rpc_udev_watch_fd(w), 0);
		rpc_udev_watch_drain(w);	/* nothing queued: returns */
		rpc_udev_watch_free(w);
	} else {
		ck_assert_int_eq(rc, -ENOTSUP);	/* no netlink in this sandbox */
	}
	ck_assert_int_eq(rpc_udev_watch_fd(NULL), -1);
	rpc_udev_watch_free(NULL);
}
END_TEST

Suite *discovery_suite(void)
{
	Suite *s = suite_create("discovery");
	TCase *tc = tcase_create("discovery");

	tcase_add_test(tc, chardev_checks);
	tcase_add_test(tc, lookups_find_nothing_here);
	tcase_add_test(tc, lookup_by_prefix_finds_a_real_node);
	tcase_add_test(tc, udev_watch_lifecycle);
	suite_add_tcase(s, tc);
	return s;
}
