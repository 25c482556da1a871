/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system calls of the call path, made directly (syscall(2)) rather than
 * through glibc's wrappers: send, recv, read, write, poll and epoll_wait are
 * cancellation points, and each wrapper switches the thread to asynchronous
 * cancellation and back around the call (about 40 instructions, a third of
 * the library's own cost per system call). librpc's calls were never safe to
 * cancel (a thread cancelled inside one leaves the channel's locks and reader
 * role behind), so they are not cancellation points (docs/librpc.md,
 * "Threading"). Include after _GNU_SOURCE.
 *
 * Under ThreadSanitizer the libc wrappers stay: TSan learns from its
 * interceptors of them that a message written on one thread happens before
 * it is read on another.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef LIBRPC_SYS_H
#define LIBRPC_SYS_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
#define RPC_SYS_LIBC 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RPC_SYS_LIBC 1
#endif
#endif

/* The kernel's sigset size (ppoll, epoll_pwait; unused with a NULL mask). */
#define RPC_SYS_SIGSET (_NSIG / 8)

/*
 * On x86-64 and arm64 the system call instruction itself, inline: glibc's
 * syscall() is a function call that shuffles all six argument registers
 * (about 11 instructions, and our wrapper's call setup around it). Same
 * contract as syscall(): -1 and errno on failure. Elsewhere syscall().
 */
#if !defined(RPC_SYS_LIBC) && (defined(__x86_64__) || defined(__aarch64__)) && !defined(__ILP32__)
#include <errno.h>
#define RPC_SYS_INLINE 1

/* The kernel's return value as syscall() gives it: -4095..-1 are -errno. */
static inline long rpc_sys_ret(long r)
{
	if ((unsigned long)r > -4096ul) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
#endif

#if defined(RPC_SYS_INLINE) && defined(__x86_64__)
static inline long rpc_sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return rpc_sys_ret(ret);
}
#elif defined(RPC_SYS_INLINE) && defined(__aarch64__)
static inline long rpc_sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return rpc_sys_ret(x0);
}
#endif

#ifdef RPC_SYS_INLINE
#define RPC_SYSCALL(nr, a, b, c, d, e, f) \
	rpc_sys6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#else
#define RPC_SYSCALL(nr, a, b, c, d, e, f) \
	syscall((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#endif

static inline ssize_t rpc_sys_send(int fd, const void *buf, size_t len, int flags)
{
#ifdef RPC_SYS_LIBC
	return send(fd, buf, len, flags);
#else
	return RPC_SYSCALL(SYS_sendto, fd, buf, len, flags, 0, 0);
#endif
}

static inline ssize_t rpc_sys_recv(int fd, void *buf, size_t len, int flags)
{
#ifdef RPC_SYS_LIBC
	return recv(fd, buf, len, flags);
#else
	return RPC_SYSCALL(SYS_recvfrom, fd, buf, len, flags, 0, 0);
#endif
}

static inline ssize_t rpc_sys_read(int fd, void *buf, size_t len)
{
#ifdef RPC_SYS_LIBC
	return read(fd, buf, len);
#else
	return RPC_SYSCALL(SYS_read, fd, buf, len, 0, 0, 0);
#endif
}

static inline ssize_t rpc_sys_write(int fd, const void *buf, size_t len)
{
#ifdef RPC_SYS_LIBC
	return write(fd, buf, len);
#else
	return RPC_SYSCALL(SYS_write, fd, buf, len, 0, 0, 0);
#endif
}

/*
 * poll(2). Where the kernel has no poll (arm64, riscv), ppoll with a struct
 * timespec, which there is the kernel's: 64-bit architectures have ppoll,
 * 32-bit ones without poll only the 64-bit-time ppoll_time64 (and glibc a
 * 64-bit time_t). 32-bit architectures with poll use it: no timespec whose
 * layout could differ from the kernel's.
 */
static inline int rpc_sys_poll(struct pollfd *fds, nfds_t n, int ms)
{
#if defined(RPC_SYS_LIBC)
	return poll(fds, n, ms);
#elif defined(SYS_poll)
	return (int)RPC_SYSCALL(SYS_poll, fds, n, ms, 0, 0, 0);
#else
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
#if defined(SYS_ppoll)
	long nr = SYS_ppoll;
#else
	long nr = SYS_ppoll_time64;
#endif

	return (int)RPC_SYSCALL(nr, fds, n, ms < 0 ? NULL : &ts, 0, RPC_SYS_SIGSET, 0);
#endif
}

/* epoll_wait(2); epoll_pwait underneath, as not every architecture has epoll_wait. */
static inline int rpc_sys_epoll_wait(int ep, struct epoll_event *evs, int max, int ms)
{
#ifdef RPC_SYS_LIBC
	return epoll_wait(ep, evs, max, ms);
#else
	return (int)RPC_SYSCALL(SYS_epoll_pwait, ep, evs, max, ms, 0, RPC_SYS_SIGSET);
#endif
}

/* epoll_ctl(2) (no cancellation point: only the wrapper's call and argument shuffle saved). */
static inline int rpc_sys_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
#ifdef RPC_SYS_LIBC
	return epoll_ctl(ep, op, fd, ev);
#else
	return (int)RPC_SYSCALL(SYS_epoll_ctl, ep, op, fd, ev, 0, 0);
#endif
}

/* One message out or in: send/recv on a socket (MSG_TRUNC: the true size), else write/read. */
static inline ssize_t rpc_sys_tx(int fd, bool sock, const void *buf, size_t len)
{
	return sock ? rpc_sys_send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) :
		      rpc_sys_write(fd, buf, len);
}

static inline ssize_t rpc_sys_rx(int fd, bool sock, void *buf, size_t cap)
{
	return sock ? rpc_sys_recv(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT) :
		      rpc_sys_read(fd, buf, cap);
}

#ifdef LIBRPC_INTERNAL_H
/*
 * rpc_transport_send_fd() and rpc_transport_recv() with their first attempt
 * inline (the call path's common case: it succeeds); after a failure the
 * out-of-line part goes on from the errno that attempt left.
 */
static inline ssize_t rpc_transport_send_fast(struct rpc_transport *t, int fd, const void *buf,
					      size_t len)
{
	ssize_t n = rpc_sys_tx(fd, t->is_socket, buf, len);

	return n >= 0 ? n : rpc_transport_send_again(t, fd, buf, len);
}

static inline ssize_t rpc_transport_recv_fast(struct rpc_transport *t, void *buf, size_t cap)
{
	ssize_t n;

	if (t->ops->recv)
		return t->ops->recv(t, buf, cap);
	n = rpc_sys_rx(t->fd, t->is_socket, buf, cap);
	return n >= 0 ? n : rpc_transport_recv_again(t, buf, cap);
}
#endif

#endif /* LIBRPC_SYS_H */
