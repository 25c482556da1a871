// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The slow paths of the channel's lock and condition variables (lock.h):
 * futex(2) waits and wake-ups.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>

#include "lock.h"
#include "sys.h"

/*
 * FUTEX_WAIT_BITSET takes an absolute timeout on CLOCK_MONOTONIC (the
 * library's deadlines) where FUTEX_WAIT takes a relative one. A 32-bit
 * program built with a 64-bit time_t passes the kernel's 64-bit timespec:
 * futex_time64 there.
 */
static long futex(_Atomic unsigned int *word, int op, unsigned int val,
		  const struct timespec *abs)
{
	int saved = errno;	/* a wait is no system call to the library's callers */
	long nr, rc;

#ifdef SYS_futex_time64
	if (sizeof(time_t) > sizeof(long))
		nr = SYS_futex_time64;
	else
#endif
#ifdef SYS_futex
		nr = SYS_futex;
#else
		nr = SYS_futex_time64;
#endif
	rc = RPC_SYSCALL(nr, word, op | FUTEX_PRIVATE_FLAG, val, abs, NULL,
			 op == FUTEX_WAIT_BITSET ? FUTEX_BITSET_MATCH_ANY : 0);
	rc = rc < 0 ? -errno : rc;
	errno = saved;
	return rc;
}

/*
 * The lock was not free (seen: its word then). Mark it 2 (a sleeper may
 * exist) and sleep while it stays held; whoever takes it here leaves 2,
 * so that its unlock wakes the next sleeper, if any (one wake-up that may
 * find nobody is the price of not counting sleepers).
 */
void rpc_lock_contended(struct rpc_lock *l, unsigned int seen)
{
	if (seen != 2)
		seen = atomic_exchange_explicit(&l->word, 2, memory_order_acquire);
	while (seen != 0) {
		futex(&l->word, FUTEX_WAIT_BITSET, 2, NULL);
		seen = atomic_exchange_explicit(&l->word, 2, memory_order_acquire);
	}
}

void rpc_lock_wake(struct rpc_lock *l)
{
	futex(&l->word, FUTEX_WAKE, 1, NULL);
}

int rpc_cond_wait(struct rpc_cond *c, struct rpc_lock *l, const struct timespec *abs)
{
	unsigned int seq = atomic_load_explicit(&c->seq, memory_order_relaxed);
	long rc;
	int err;

	atomic_fetch_add(&c->sleepers, 1);
	rpc_unlock(l);
	rc = futex(&c->seq, FUTEX_WAIT_BITSET, seq, abs);
	err = rc < 0 ? (int)-rc : 0;	/* -EAGAIN: signalled before we slept; -EINTR */
	atomic_fetch_sub(&c->sleepers, 1);
	rpc_lock(l);
	return err == ETIMEDOUT ? ETIMEDOUT : 0;
}

void rpc_cond_wake(struct rpc_cond *c, int n)
{
	futex(&c->seq, FUTEX_WAKE, n < 0 ? INT_MAX : (unsigned int)n, NULL);
}
