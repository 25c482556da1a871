// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Check runner for every librpc suite. Exit status 0 only if all passed.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdlib.h>

#include "testutil.h"

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_add_suite(sr, codec_frag_suite());
	srunner_add_suite(sr, error_suite());
	srunner_add_suite(sr, lock_suite());
	srunner_add_suite(sr, channel_suite());
	srunner_add_suite(sr, call_suite());
	srunner_add_suite(sr, server_suite());
	srunner_add_suite(sr, transport_suite());
	srunner_add_suite(sr, transport_unix_suite());
	srunner_add_suite(sr, transport_rpmsg_char_suite());
	srunner_add_suite(sr, transport_rpmsg_rpc_suite());
	srunner_add_suite(sr, discovery_suite());
	srunner_add_suite(sr, device_suite());
	srunner_add_suite(sr, firmware_suite());
	srunner_add_suite(sr, frag_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
