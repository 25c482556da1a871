// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/error.c: thread-local last error, status texts, errno mapping.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "testutil.h"
#include "../../lib/internal.h"

START_TEST(strerror_covers_every_code)
{
	for (alp_status_t st = ALP_ERR_PROTO; st <= ALP_OK; st++) {
		const char *s = alp_strerror(st);

		ck_assert_ptr_nonnull(s);
		ck_assert_str_ne(s, "unknown error");
		for (alp_status_t o = ALP_ERR_PROTO; o < st; o++)
			ck_assert_str_ne(s, alp_strerror(o));
	}
	ck_assert_str_eq(alp_strerror(-1000), "unknown error");
	ck_assert_str_eq(alp_strerror(5), "unknown error");
}
END_TEST

static void *other_thread(void *arg)
{
	alp_status_t *seen = arg;

	seen[0] = alp_last_error();
	rpc_set_error(ALP_ERR_TIMEOUT);
	seen[1] = alp_last_error();
	return NULL;
}

START_TEST(last_error_is_per_thread)
{
	alp_status_t seen[2];
	pthread_t t;

	ck_assert_ptr_null(alp_rpc_open(NULL));
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, seen), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(seen[0], ALP_OK);
	ck_assert_int_eq(seen[1], ALP_ERR_TIMEOUT);
	/* The other thread's error did not leak into ours. */
	ck_assert_int_eq(alp_last_error(), ALP_ERR_INVAL);
}
END_TEST

START_TEST(errno_mapping)
{
	ck_assert_int_eq(rpc_errno_status(0), ALP_OK);
	ck_assert_int_eq(rpc_errno_status(-EINVAL), ALP_ERR_INVAL);
	ck_assert_int_eq(rpc_errno_status(ENOMEM), ALP_ERR_NOMEM);
	ck_assert_int_eq(rpc_errno_status(-EPIPE), ALP_ERR_NOT_READY);
	ck_assert_int_eq(rpc_errno_status(-ENODEV), ALP_ERR_NOT_READY);
	ck_assert_int_eq(rpc_errno_status(-ETIMEDOUT), ALP_ERR_TIMEOUT);
	ck_assert_int_eq(rpc_errno_status(-EMSGSIZE), ALP_ERR_MSGSIZE);
	ck_assert_int_eq(rpc_errno_status(-ENOTTY), ALP_ERR_NOSUPPORT);
	ck_assert_int_eq(rpc_errno_status(-EIO), ALP_ERR_IO);
}
END_TEST

/* The driver's EPERM (reserved or foreign address), EACCES, EBADF (fd not open for writing). */
START_TEST(permission_errors_are_perm)
{
	ck_assert_int_eq(rpc_errno_status(-EPERM), ALP_ERR_PERM);
	ck_assert_int_eq(rpc_errno_status(-EACCES), ALP_ERR_PERM);
	ck_assert_int_eq(rpc_errno_status(-EBADF), ALP_ERR_PERM);
	ck_assert_str_eq(alp_strerror(ALP_ERR_PERM), "operation not permitted");
	for (alp_status_t st = ALP_ERR_PERM; st < ALP_ERR_PROTO; st++)
		ck_assert_str_ne(alp_strerror(st), "unknown error");
}
END_TEST

Suite *error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("error");

	tcase_add_test(tc, strerror_covers_every_code);
	tcase_add_test(tc, last_error_is_per_thread);
	tcase_add_test(tc, errno_mapping);
	tcase_add_test(tc, permission_errors_are_perm);
	suite_add_tcase(s, tc);
	return s;
}
