/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks for deadlines (monotonic) in rpcctl.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPCCTL_TOOLS_CLOCK_H
#define RPCCTL_TOOLS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The CLOCK_MONOTONIC time ms milliseconds from now. */
static inline uint64_t deadline_in(uint32_t ms)
{
	return now_ns() + (uint64_t)ms * 1000000u;
}

#endif /* RPCCTL_TOOLS_CLOCK_H */
