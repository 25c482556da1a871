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

static inline ssize_t rpc_sys_send(int fd, const void *buf, size_t len, int flags)
{
#ifdef RPC_SYS_LIBC
	return send(fd, buf, len, flags);
#else
	return syscall(SYS_sendto, fd, buf, len, flags, NULL, 0);
#endif
}

static inline ssize_t rpc_sys_recv(int fd, void *buf, size_t len, int flags)
{
#ifdef RPC_SYS_LIBC
	return recv(fd, buf, len, flags);
#else
	return syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
#endif
}

static inline ssize_t rpc_sys_read(int fd, void *buf, size_t len)
{
#ifdef RPC_SYS_LIBC
	return read(fd, buf, len);
#else
	return syscall(SYS_read, fd, buf, len);
#endif
}

static inline ssize_t rpc_sys_write(int fd, const void *buf, size_t len)
{
#ifdef RPC_SYS_LIBC
	return write(fd, buf, len);
#else
	return syscall(SYS_write, fd, buf, len);
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
	return (int)syscall(SYS_poll, fds, n, ms);
#else
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
#if defined(SYS_ppoll)
	long nr = SYS_ppoll;
#else
	long nr = SYS_ppoll_time64;
#endif

	return (int)syscall(nr, fds, n, ms < 0 ? NULL : &ts, NULL, RPC_SYS_SIGSET);
#endif
}

/* epoll_wait(2); epoll_pwait underneath, as not every architecture has epoll_wait. */
static inline int rpc_sys_epoll_wait(int ep, struct epoll_event *evs, int max, int ms)
{
#ifdef RPC_SYS_LIBC
	return epoll_wait(ep, evs, max, ms);
#else
	return (int)syscall(SYS_epoll_pwait, ep, evs, max, ms, NULL, RPC_SYS_SIGSET);
#endif
}

#endif /* LIBRPC_SYS_H */
