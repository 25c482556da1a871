/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The channel's lock and its condition variables, each one futex word:
 * taking a free lock is one compare-and-swap, giving it back one exchange,
 * both inline; a thread sleeps in the kernel only when the lock is held or
 * the condition is not met (lock.c). Measured on the call path, glibc's
 * pthread_mutex_lock/unlock pair cost about 57 instructions uncontended
 * against about 8 here, four times per round trip (docs/librpc.md,
 * "Benchmark", fifth pass). Process-private only; no robust, recursive or
 * priority-inheritance variants (the library needs none). Neither waiting
 * for the lock nor for a condition is a cancellation point (docs/librpc.md,
 * "Threading").
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef LIBRPC_LOCK_H
#define LIBRPC_LOCK_H

#include <stdatomic.h>
#include <time.h>

/*
 * word: 0 free; 1 held; 2 held and a thread may be asleep waiting for it
 * (the unlock must wake one). A zeroed struct is a free lock.
 */
struct rpc_lock {
	_Atomic unsigned int word;
};

/*
 * A condition variable for threads that wait under an rpc_lock: seq grows
 * with every signal, a waiter sleeps only while seq is still what it read
 * under the lock, so no signal given after that read is missed. sleepers:
 * threads between that read and their return (signals skip the system call
 * when there are none). A zeroed struct is ready to use.
 */
struct rpc_cond {
	_Atomic unsigned int seq;
	_Atomic unsigned int sleepers;
};

/* lock.c: the slow paths */
void rpc_lock_contended(struct rpc_lock *l, unsigned int seen);
void rpc_lock_wake(struct rpc_lock *l);
void rpc_cond_wake(struct rpc_cond *c, int n);

static inline void rpc_lock(struct rpc_lock *l)
{
	unsigned int seen = 0;

	if (!atomic_compare_exchange_strong_explicit(&l->word, &seen, 1, memory_order_acquire,
						     memory_order_relaxed))
		rpc_lock_contended(l, seen);
}

static inline void rpc_unlock(struct rpc_lock *l)
{
	if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2)
		rpc_lock_wake(l);
}

/*
 * l held: release it, sleep until signalled or until the absolute
 * CLOCK_MONOTONIC time abs (NULL: no limit), take it again. 0 or ETIMEDOUT;
 * like pthread_cond_wait, it may return early (the caller rechecks).
 */
int rpc_cond_wait(struct rpc_cond *c, struct rpc_lock *l, const struct timespec *abs);

/*
 * Wake n waiters (-1: all). Sequentially consistent: seq is raised before
 * sleepers is read, and a waiter counts itself in sleepers before the
 * kernel compares seq, so either the waiter sees the new seq or this sees
 * the waiter.
 */
static inline void rpc_cond_notify(struct rpc_cond *c, int n)
{
	atomic_fetch_add(&c->seq, 1);
	if (atomic_load(&c->sleepers))
		rpc_cond_wake(c, n);
}

static inline void rpc_cond_signal(struct rpc_cond *c)
{
	rpc_cond_notify(c, 1);
}

static inline void rpc_cond_broadcast(struct rpc_cond *c)
{
	rpc_cond_notify(c, -1);
}

#endif /* LIBRPC_LOCK_H */
