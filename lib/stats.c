// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Counters and state a user may ask for at any time.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <string.h>

#include "internal.h"

RPC_EXPORT alp_status_t alp_rpc_get_stats(alp_rpc_channel_t *ch, alp_rpc_stats_t *out, size_t size)
{
	alp_rpc_stats_t now;
	uint64_t *v = (uint64_t *)&now;

	if (!ch || !out || !size)
		return rpc_set_error(ALP_ERR_INVAL);
	if (size > sizeof(*out))
		size = sizeof(*out);
	/* each counter exactly, one after the other (no snapshot across counters) */
	for (size_t i = 0; i < RPC_NSTATS; i++)
		v[i] = atomic_load_explicit(&ch->stats.v[i], memory_order_relaxed);
	memcpy(out, &now, size);
	return rpc_set_error(ALP_OK);
}

RPC_EXPORT size_t alp_rpc_mtu(alp_rpc_channel_t *ch)
{
	return ch ? ch->tp->mtu : 0;
}

RPC_EXPORT size_t alp_rpc_max_msg(alp_rpc_channel_t *ch)
{
	return ch ? rpc_frag_limit(ch) : 0;
}

RPC_EXPORT bool alp_rpc_is_connected(alp_rpc_channel_t *ch)
{
	bool up;

	if (!ch)
		return false;
	rpc_lock(&ch->lock);
	up = ch->connected;
	rpc_unlock(&ch->lock);
	return up;
}

RPC_EXPORT alp_status_t alp_rpc_get_addrs(alp_rpc_channel_t *ch, uint32_t *src, uint32_t *dst)
{
	if (!ch)
		return rpc_set_error(ALP_ERR_INVAL);
	rpc_lock(&ch->lock);
	if (src)
		*src = ch->src;
	if (dst)
		*dst = ch->dst;
	rpc_unlock(&ch->lock);
	return rpc_set_error(ALP_OK);
}
