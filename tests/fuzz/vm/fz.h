/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared bits of the in-VM fuzzer (rpcfuzz) and the crash/restart soak
 * (soak): a seeded PRNG, the documented errno sets, sysfs discovery of our
 * nodes, kernel-report counting.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef FZ_H
#define FZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: one 64-bit state per thread, reproducible from a seed */
static inline uint64_t fz_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0..n-1 (n > 0) */
static inline uint32_t fz_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(fz_next(s) % n);
}

/* true with probability 1/n */
static inline bool fz_one_in(uint64_t *s, uint32_t n)
{
	return fz_below(s, n) == 0;
}

/* What kind of call an errno came from (the documented sets differ). */
enum fz_call {
	FZ_CTRL_IOCTL,		/* ioctl on a control node */
	FZ_EPT_IOCTL,		/* ioctl on an endpoint node or fd */
	FZ_READ,
	FZ_WRITE,
	FZ_OPEN,
	FZ_POLL,
	FZ_OTHER,		/* close, dup, fcntl, lseek, mmap */
	FZ_NCALLS
};

/*
 * Is err a documented outcome of call (docs/ioctl.md, the issue-8
 * permission model)? Anything else, and any errno >= 512 (a kernel-internal
 * code such as ERESTARTSYS leaking out), is a finding.
 */
bool fz_errno_ok(enum fz_call call, int err);
const char *fz_call_name(enum fz_call call);

/* Indexes of /sys/class/rpmsg_rpc/<prefix>N, up to max; returns the count. */
int fz_list_nodes(const char *prefix, unsigned int *idx, int max);
/* The control index whose remoteproc is rproc ("remoteprocN"), -1 if none */
int fz_ctrl_of(const char *rproc);

/*
 * Kernel reports in the log so far (KASAN, lockdep, UBSAN, WARNING, BUG,
 * kmemleak, hung task ...), counted from /dev/kmsg.
 */
int fz_kernel_reports(void);

uint64_t fz_now_ms(void);

#endif /* FZ_H */
