// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Print this host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms; exit 1 (printing nothing) when the TSC
 * is not constant or the CPU is not x86.
 *
 * Why: under TCG the guest's TSC runs at the host's TSC rate, and the test
 * kernel (booted acpi=off: no HPET, no PM timer) must calibrate it against
 * the emulated PIT, which fails now and then on a busy host; the guest then
 * falls back to 4 ms jiffies and every latency figure is meaningless.
 * tests/vm/run passes the measured value as tsc_early_khz= instead.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>

static int constant_tsc(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int ok = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			ok = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
			break;
		}
	fclose(f);
	return ok;
}

static uint64_t ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(void)
{
	struct timespec nap = { .tv_nsec = 200 * 1000 * 1000 };
	uint64_t t0, t1, c0, c1;

	if (!constant_tsc())
		return 1;
	t0 = ns();
	c0 = __rdtsc();
	nanosleep(&nap, NULL);
	t1 = ns();
	c1 = __rdtsc();
	if (t1 <= t0 || c1 <= c0)
		return 1;
	printf("%llu\n", (unsigned long long)((c1 - c0) * 1000000u / (t1 - t0)));
	return 0;
}
#else
int main(void)
{
	return 1;
}
#endif
