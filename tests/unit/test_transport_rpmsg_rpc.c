// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/transport_rpmsg_rpc.c on a host without the driver: an absent ctrl
 * node is waited for, then open gives up. The driver itself is exercised in
 * the VM.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "testutil.h"

START_TEST(absent_ctrl_times_out)
{
	uint64_t t0 = t_now_ms();

	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x",
							      .node = "/dev/rpmsg_rpc_ctrl987",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 100);
	/* "rpmsg_rpc:" alone: our driver by discovery, even without the module. */
	t0 = t_now_ms();
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = "rpmsg_rpc:",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 100);
}
END_TEST

START_TEST(foreign_node_is_refused)
{
	/* /dev/null is a char device of class mem, not a control node of ours. */
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x",
							      .node = "rpmsg_rpc:/dev/null",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

Suite *transport_rpmsg_rpc_suite(void)
{
	Suite *s = suite_create("transport_rpmsg_rpc");
	TCase *tc = tcase_create("transport_rpmsg_rpc");

	tcase_add_test(tc, absent_ctrl_times_out);
	tcase_add_test(tc, foreign_node_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
