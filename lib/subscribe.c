// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Subscriptions, server handler tables and the catch-all hooks: one slot
 * table type for all, set and cleared under ch->lock; clearing waits for a
 * running callback of that slot (poll.c marks it in ch->dispatching).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <string.h>

#include "internal.h"

struct rpc_slot *rpc_slot_find(struct rpc_slot *tab, size_t n, const char *method)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].used && !strcmp(tab[i].method, method))
			return &tab[i];
	return NULL;
}

alp_status_t rpc_slot_set(struct alp_rpc_channel *ch, struct rpc_slot *tab, size_t n,
			  const char *method, const union rpc_fn *fn, void *user)
{
	struct rpc_slot *s;
	alp_status_t st = ALP_OK;

	if (rpc_channel_enter(ch))
		return rpc_set_error(ALP_ERR_NOT_READY);
	rpc_lock(&ch->lock);
	s = rpc_slot_find(tab, n, method);
	if (!fn) {
		if (s) {
			s->used = false;
			atomic_fetch_add(&ch->dispatch_waiters, 1);	/* rpc_dispatch_end */
			while (atomic_load(&ch->dispatching) == s && !rpc_on_poll_thread(ch))
				rpc_chan_wait(ch, NULL);
			atomic_fetch_sub(&ch->dispatch_waiters, 1);
		}
	} else {
		for (size_t i = 0; !s && i < n; i++)
			if (!tab[i].used)
				s = &tab[i];
		if (s) {
			rpc_strlcpy(s->method, method, sizeof(s->method));
			s->user = user;
			s->fn = *fn;
			s->used = true;
		} else {
			st = ALP_ERR_NOMEM;
		}
	}
	rpc_unlock(&ch->lock);
	rpc_channel_leave(ch);
	return rpc_set_error(st);
}

static alp_status_t set_sub(alp_rpc_channel_t *ch, const char *method,
			    alp_rpc_method_cb_t cb, void *user)
{
	union rpc_fn fn = { .sub = cb };

	if (!ch || alp_rpc_method_len(method) < 0)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);
	return rpc_slot_set(ch, ch->subs, ALP_RPC_SUBSCRIBE_MAX, method, cb ? &fn : NULL, user);
}

RPC_EXPORT alp_status_t alp_rpc_subscribe(alp_rpc_channel_t *ch, const char *method,
					  alp_rpc_method_cb_t cb, void *user)
{
	return set_sub(ch, method, cb, user);
}

RPC_EXPORT alp_status_t alp_rpc_unsubscribe(alp_rpc_channel_t *ch, const char *method)
{
	return set_sub(ch, method, NULL, NULL);
}

RPC_EXPORT alp_status_t alp_rpc_set_msg_cb(alp_rpc_channel_t *ch, alp_rpc_msg_cb_t cb, void *user)
{
	union rpc_fn fn = { .msg = cb };

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing == ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);	/* it would never fire */
	return rpc_slot_set(ch, &ch->msg_hook, 1, RPC_HOOK, cb ? &fn : NULL, user);
}

RPC_EXPORT alp_status_t alp_rpc_set_raw_cb(alp_rpc_channel_t *ch, alp_rpc_raw_cb_t cb, void *user)
{
	union rpc_fn fn = { .raw = cb };

	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	if (ch->framing != ALP_RPC_FRAMING_RAW)
		return rpc_set_error(ALP_ERR_NOSUPPORT);	/* it would never fire */
	return rpc_slot_set(ch, &ch->raw_hook, 1, RPC_HOOK, cb ? &fn : NULL, user);
}
