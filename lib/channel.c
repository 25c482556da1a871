// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The channel's life: open (config, transport, first connection), resume,
 * close and destroy, the users count that keeps a handle alive while API
 * calls are inside it, and waiting for the link.
 *
 * One poll thread per channel (docs/librpc.md says why, poll.c runs it): it
 * owns dispatching, reconnecting and async timeouts, and reads the transport
 * unless a synchronous caller does (the reader role, reader.c). API calls
 * from other threads only take ch->lock briefly and write without a lock.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "sys.h"

int rpc_channel_enter(struct alp_rpc_channel *ch)
{
	int rc = 0;

	rpc_lock(&ch->lock);
	if (ch->closing)
		rc = ALP_ERR_NOT_READY;
	else
		ch->users++;
	rpc_unlock(&ch->lock);
	return rc;
}

void rpc_channel_leave(struct alp_rpc_channel *ch)
{
	rpc_lock(&ch->lock);
	if (--ch->users == 0)
		rpc_chan_broadcast(ch);
	rpc_unlock(&ch->lock);
}

static void poke(int efd)
{
	uint64_t one = 1;

	/*
	 * Failure can only be EAGAIN (counter saturated), which means a poke is
	 * already pending: nothing is lost.
	 */
	if (rpc_sys_write(efd, &one, sizeof(one)) < 0)
		return;
}

void rpc_channel_wake(struct alp_rpc_channel *ch)
{
	poke(ch->wake_fd);
}

void rpc_channel_destroy(struct alp_rpc_channel *ch)
{
	rpc_lock(&ch->lock);
	while (ch->users)
		rpc_chan_wait(ch, NULL);
	rpc_unlock(&ch->lock);
	while (ch->rxq) {
		struct rpc_rxmsg *m = ch->rxq;

		ch->rxq = m->next;
		free(m);
	}
	rpc_frag_rx_reset(&ch->frx);
	free(ch->srv_out);
	rpc_transport_free(ch->tp);
	if (ch->wake_fd >= 0)
		close(ch->wake_fd);
	if (ch->kick_fd >= 0)
		close(ch->kick_fd);
	if (ch->ep_fd >= 0)
		close(ch->ep_fd);
	pthread_cond_destroy(&ch->tx_cond);
	pthread_mutex_destroy(&ch->tx_lock);
	free(ch);
}

static bool known_framing(uint32_t f)
{
	return f == ALP_RPC_FRAMING_TEXT || f == ALP_RPC_FRAMING_CALL || f == ALP_RPC_FRAMING_RAW;
}

/* Wait for the first connection during open, up to timeout_ms. */
static int wait_first_connect(struct alp_rpc_channel *ch, uint32_t timeout_ms)
{
	uint64_t deadline = rpc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	int rc;

	while ((rc = rpc_link_try_connect(ch)) != 0) {
		struct pollfd pfd = { .events = POLLIN };
		uint64_t now = rpc_now_ns();
		int wait_ms;

		if (rc != -EAGAIN)	/* backends say -EAGAIN for "not there yet" */
			return rc;
		pfd.fd = ch->tp->ops->watch_fd(ch->tp);
		if (pfd.fd < 0 && ch->tp->retry_ms <= 0)
			return rc;
		if (timeout_ms != UINT32_MAX && now >= deadline)
			return -ETIMEDOUT;
		wait_ms = timeout_ms == UINT32_MAX ? -1 :
			  (int)((deadline - now + 999999) / 1000000);
		if (ch->tp->retry_ms > 0 && (wait_ms < 0 || ch->tp->retry_ms < wait_ms))
			wait_ms = ch->tp->retry_ms;
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents)
			ch->tp->ops->watch_drain(ch->tp);
	}
	return 0;
}

/*
 * The config as the caller compiled it, size bytes of it: a shorter one
 * leaves our later fields zero (defaults); a longer one must have zeros
 * where this library knows no field (docs/librpc.md, "Growing the config").
 */
static alp_status_t config_copy(alp_rpc_config_t *out, const alp_rpc_config_t *cfg, size_t size)
{
	const unsigned char *bytes = (const unsigned char *)cfg;

	memset(out, 0, sizeof(*out));
	if (!cfg || size < RPC_CONFIG_SIZE_MIN)
		return ALP_ERR_INVAL;
	for (size_t i = sizeof(*out); i < size; i++)
		if (bytes[i])
			return ALP_ERR_NOSUPPORT;
	memcpy(out, cfg, size < sizeof(*out) ? size : sizeof(*out));
	return ALP_OK;
}

/* The addresses open uses: the defaults of docs/librpc.md, "Addresses". */
static void config_addrs(const alp_rpc_config_t *cfg, uint32_t *src, uint32_t *dst)
{
	*src = cfg->src_ept ? cfg->src_ept : alp_rpc_default_src(cfg->name);
	*dst = cfg->dst_ept ? cfg->dst_ept : *src + 1;
}

static alp_status_t open_status(int rc)
{
	return rc == -ETIMEDOUT ? ALP_ERR_NOT_READY : rpc_errno_status(rc);
}

struct alp_rpc_channel *rpc_channel_open(const alp_rpc_config_t *cfg, struct rpc_transport *tp)
{
	struct alp_rpc_channel *ch;
	uint32_t src, dst, tmo;
	int rc;

	config_addrs(cfg, &src, &dst);
	tmo = cfg->open_timeout_ms ? cfg->open_timeout_ms : RPC_DEFAULT_OPEN_TIMEOUT_MS;
	ch = calloc(1, sizeof(*ch));
	if (!ch) {
		rpc_transport_free(tp);
		rpc_set_error(ALP_ERR_NOMEM);
		return NULL;
	}
	ch->tp = tp;
	pthread_mutex_init(&ch->tx_lock, NULL);
	pthread_cond_init(&ch->tx_cond, NULL);
	ch->tx_fd = -1;
	ch->framing = cfg->framing;
	/* Large messages: the defaults of docs/librpc.md, "Large messages". */
	ch->max_msg = cfg->max_msg ? cfg->max_msg : RPC_FRAG_MAX_MSG_DEFAULT;
	rpc_frag_rx_init(&ch->frx, ch->max_msg,
			 cfg->frag_mem ? cfg->frag_mem : RPC_FRAG_MEM_FACTOR * ch->max_msg,
			 cfg->frag_timeout_ms ? cfg->frag_timeout_ms : RPC_FRAG_TIMEOUT_DEFAULT_MS);
	rpc_strlcpy(ch->name, cfg->name, sizeof(ch->name));
	ch->src = src;
	ch->dst = dst;
	ch->next_id = 1;
	ch->rd_fd = -1;
	ch->rxq_tail = &ch->rxq;
	ch->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ch->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ch->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	rc = ch->wake_fd < 0 || ch->kick_fd < 0 || ch->ep_fd < 0 ? -errno :
	     epoll_ctl(ch->ep_fd, EPOLL_CTL_ADD, ch->wake_fd,
		       &(struct epoll_event){ .events = EPOLLIN, .data.u32 = RPC_EV_WAKE }) ? -errno : 0;
	if (rc == 0) {
		ch->tp->cancel_fd = ch->kick_fd;	/* close stops blocked sends */
		rc = wait_first_connect(ch, tmo);
	}
	if (rc == 0 && !(cfg->flags & ALP_RPC_OPEN_PAUSED)) {
		rc = rpc_poll_start(ch);
		ch->running = rc == 0;
	}
	if (rc) {
		rpc_channel_destroy(ch);
		rpc_set_error(open_status(rc));
		return NULL;
	}
	rpc_set_error(ALP_OK);
	return ch;
}

static alp_rpc_channel_t *open_common(const alp_rpc_config_t *ucfg, size_t size, int fd)
{
	alp_rpc_config_t copy, *cfg = &copy;
	struct rpc_transport *tp;
	uint32_t src, dst;
	alp_status_t st;
	int rc;

	st = config_copy(cfg, ucfg, size);
	if (st == ALP_OK &&
	    (alp_rpc_method_len(cfg->name) < 0 || !known_framing(cfg->framing) ||
	     (fd >= 0 && cfg->node) || (cfg->flags & ~ALP_RPC_OPEN_PAUSED) || cfg->reserved))
		st = ALP_ERR_INVAL;
	if (st) {
		if (fd >= 0)
			close(fd);
		rpc_set_error(st);
		return NULL;
	}
	config_addrs(cfg, &src, &dst);
	rc = fd >= 0 ? rpc_transport_fd_new(&tp, fd) : rpc_transport_new(&tp, cfg, src, dst);
	if (rc) {
		if (fd >= 0)
			close(fd);
		rpc_set_error(open_status(rc));
		return NULL;
	}
	return rpc_channel_open(cfg, tp);
}

RPC_EXPORT alp_rpc_channel_t *alp_rpc_open_sized(size_t cfg_size, const alp_rpc_config_t *cfg)
{
	return open_common(cfg, cfg_size, -1);
}

RPC_EXPORT alp_rpc_channel_t *alp_rpc_open_fd_sized(size_t cfg_size, const alp_rpc_config_t *cfg,
						    int fd)
{
	if (fd < 0) {
		rpc_set_error(ALP_ERR_INVAL);
		return NULL;
	}
	return open_common(cfg, cfg_size, fd);
}

/* LIBRPC_1.0 entry points, for binaries built before the sized ones: the 1.0 layout. */
RPC_EXPORT alp_rpc_channel_t *(alp_rpc_open)(const alp_rpc_config_t *cfg)
{
	return alp_rpc_open_sized(RPC_CONFIG_SIZE_1_0, cfg);
}

RPC_EXPORT alp_rpc_channel_t *(alp_rpc_open_fd)(const alp_rpc_config_t *cfg, int fd)
{
	return alp_rpc_open_fd_sized(RPC_CONFIG_SIZE_1_0, cfg, fd);
}

RPC_EXPORT alp_status_t alp_rpc_resume(alp_rpc_channel_t *ch)
{
	alp_status_t st = ALP_OK;
	int rc;

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	rpc_lock(&ch->lock);
	if (ch->closing) {
		st = ALP_ERR_NOT_READY;
	} else if (!ch->running) {
		/* the new thread waits for the lock before it does anything */
		rc = rpc_poll_start(ch);
		ch->running = rc == 0;
		if (rc)
			st = rc == -EAGAIN ? ALP_ERR_NOMEM : rpc_errno_status(rc);
	}
	rpc_unlock(&ch->lock);
	return rpc_set_error(st);
}

RPC_EXPORT void alp_rpc_close(alp_rpc_channel_t *ch)
{
	bool running;

	if (!ch)
		return;
	rpc_lock(&ch->lock);
	ch->closing = true;
	running = ch->running;
	ch->self_close = rpc_on_poll_thread(ch);
	memset(ch->subs, 0, sizeof(ch->subs));
	memset(ch->srvs, 0, sizeof(ch->srvs));
	ch->msg_hook.used = false;
	ch->raw_hook.used = false;
	rpc_chan_broadcast(ch);
	rpc_unlock(&ch->lock);
	/*
	 * A caller reading the transport and blocked sends stop (kick_fd is
	 * never read: it stays readable).
	 */
	poke(ch->kick_fd);
	if (ch->self_close)
		return;	/* the poll thread frees ch once the callback returns */
	if (running) {
		rpc_channel_wake(ch);
		pthread_join(ch->thread, NULL);
	}
	rpc_channel_destroy(ch);
}

RPC_EXPORT alp_status_t alp_rpc_wait_connected(alp_rpc_channel_t *ch, uint32_t timeout_ms)
{
	struct timespec ts;
	bool bounded;
	int rc = 0;
	alp_status_t st;

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (rpc_on_poll_thread(ch))
		return rpc_set_error(ALP_ERR_BUSY);
	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	bounded = rpc_deadline(&ts, timeout_ms);
	rpc_lock(&ch->lock);
	while (!ch->connected && !ch->closing && rc != ETIMEDOUT)
		rc = rpc_chan_wait(ch, bounded ? &ts : NULL);
	st = ch->connected ? ALP_OK : ch->closing ? ALP_ERR_NOT_READY : ALP_ERR_TIMEOUT;
	rpc_unlock(&ch->lock);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}
