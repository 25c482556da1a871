// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo firmware's clock and console, shared by its ports.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "ept.h"
#include "port_common.h"

uint64_t port_boot_ms;
const char *port_log_prefix = "[m33 firmware] ";
bool port_log_stderr;
bool port_log_quiet;

uint64_t port_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t fw_uptime_ms(void)
{
	return port_mono_ms() - port_boot_ms;
}

void fw_log(const char *fmt, ...)
{
	FILE *out = port_log_stderr ? stderr : stdout;
	va_list ap;

	if (port_log_quiet)
		return;
	fputs(port_log_prefix, out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}
