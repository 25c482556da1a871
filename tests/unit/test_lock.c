// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/lock.h, lib/lock.c: the channel's futex lock and condition variables
 * on their own (the channel suites use them everywhere): mutual exclusion
 * under contention, signal, broadcast, timeout, errno kept.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "testutil.h"
#include "../../lib/lock.h"

#define THREADS 4
#define ROUNDS 100000

struct shared {
	struct rpc_lock lock;
	struct rpc_cond cond;
	long counter;		/* under lock */
	int ready;		/* under lock: waiters that are about to wait */
	int go;			/* under lock */
	int woken;		/* under lock */
};

static void *increment(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < ROUNDS; i++) {
		long v;

		rpc_lock(&s->lock);
		/*
		 * A read-modify-write that now and then yields the CPU in the
		 * middle: updates get lost unless the lock excludes, and the
		 * others meanwhile sleep on it (the contended path).
		 */
		v = s->counter;
		if (i % 256 == 0)
			sched_yield();
		s->counter = v + 1;
		rpc_unlock(&s->lock);
	}
	return NULL;
}

START_TEST(lock_excludes_under_contention)
{
	struct shared s = { 0 };
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, increment, &s), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(s.counter, (long)THREADS * ROUNDS);
	ck_assert_uint_eq(atomic_load(&s.lock.word), 0);	/* free again */
}
END_TEST

static void *wait_for_go(void *arg)
{
	struct shared *s = arg;

	rpc_lock(&s->lock);
	s->ready++;
	while (!s->go)
		ck_assert_int_eq(rpc_cond_wait(&s->cond, &s->lock, NULL), 0);
	s->woken++;
	rpc_unlock(&s->lock);
	return NULL;
}

/* Start n waiters and return once all are counted (they wait or are about to). */
static void start_waiters(struct shared *s, pthread_t *t, int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, wait_for_go, s), 0);
	for (;;) {
		rpc_lock(&s->lock);
		if (s->ready == n) {
			rpc_unlock(&s->lock);
			return;
		}
		rpc_unlock(&s->lock);
		sched_yield();
	}
}

START_TEST(signal_wakes_a_waiter)
{
	struct shared s = { 0 };
	pthread_t t;

	start_waiters(&s, &t, 1);
	rpc_lock(&s.lock);
	s.go = 1;
	rpc_cond_signal(&s.cond);
	rpc_unlock(&s.lock);
	pthread_join(t, NULL);
	ck_assert_int_eq(s.woken, 1);
}
END_TEST

START_TEST(broadcast_wakes_every_waiter)
{
	struct shared s = { 0 };
	pthread_t t[THREADS];

	start_waiters(&s, t, THREADS);
	rpc_lock(&s.lock);
	s.go = 1;
	rpc_cond_broadcast(&s.cond);
	rpc_unlock(&s.lock);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(s.woken, THREADS);
	ck_assert_uint_eq(atomic_load(&s.cond.sleepers), 0);
}
END_TEST

/* A timed wait that nobody signals returns ETIMEDOUT, not before the deadline, lock held. */
START_TEST(timed_wait_times_out_with_the_lock_held)
{
	struct shared s = { 0 };
	struct timespec dl, now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 50 * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	rpc_lock(&s.lock);
	errno = EBADMSG;
	do	/* a wake-up without a signal is allowed; a timeout before dl is not */
		rc = rpc_cond_wait(&s.cond, &s.lock, &dl);
	while (rc == 0);
	ck_assert_int_eq(rc, ETIMEDOUT);
	ck_assert_int_eq(errno, EBADMSG);	/* no system call's errno leaks out */
	ck_assert_uint_ne(atomic_load(&s.lock.word), 0);	/* held again */
	rpc_unlock(&s.lock);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ck_assert(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
	/* a deadline already past: at once */
	rpc_lock(&s.lock);
	ck_assert_int_eq(rpc_cond_wait(&s.cond, &s.lock, &dl), ETIMEDOUT);
	rpc_unlock(&s.lock);
}
END_TEST

Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");

	tcase_add_test(tc, lock_excludes_under_contention);
	tcase_add_test(tc, signal_wakes_a_waiter);
	tcase_add_test(tc, broadcast_wakes_every_waiter);
	tcase_add_test(tc, timed_wait_times_out_with_the_lock_held);
	suite_add_tcase(s, tc);
	return s;
}
