// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/transport_rpmsg_char.c on a host without rpmsg: node checks and
 * waiting for nodes that never come. The real nodes are exercised in the VM.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

START_TEST(wrong_kind_of_node_is_refused)
{
	/* A char device of another subsystem (mem), not rpmsg. */
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = "/dev/null",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x",
							      .node = "rpmsg_char:/dev/zero",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	/* Not a char device at all. */
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = "/dev/",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

START_TEST(absent_node_times_out)
{
	uint64_t t0 = t_now_ms();

	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x", .node = "/dev/rpmsg987",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 100);
	t0 = t_now_ms();
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "x",
							      .node = "/dev/rpmsg_ctrl987",
							      .open_timeout_ms = 100 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 100);
}
END_TEST

START_TEST(discovery_by_name_times_out_without_rpmsg)
{
	uint64_t t0 = t_now_ms();

	if (access("/sys/class/rpmsg", F_OK) == 0)
		return;	/* a machine with rpmsg: the VM suite covers it */
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "no-such-service",
							      .open_timeout_ms = 150 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 150);
	ck_assert_uint_lt(t_now_ms() - t0, 3000);
	/* The same through the explicit "upstream, by discovery" spec. */
	t0 = t_now_ms();
	ck_assert_ptr_null(alp_rpc_open(&(alp_rpc_config_t){ .name = "no-such-service",
							      .node = "rpmsg_char:",
							      .open_timeout_ms = 150 }));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_NOT_READY);
	ck_assert_uint_ge(t_now_ms() - t0, 150);
}
END_TEST

Suite *transport_rpmsg_char_suite(void)
{
	Suite *s = suite_create("transport_rpmsg_char");
	TCase *tc = tcase_create("transport_rpmsg_char");

	tcase_add_test(tc, wrong_kind_of_node_is_refused);
	tcase_add_test(tc, absent_node_times_out);
	tcase_add_test(tc, discovery_by_name_times_out_without_rpmsg);
	suite_add_tcase(s, tc);
	return s;
}
