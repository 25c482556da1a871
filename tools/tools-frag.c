// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Large messages for serve and listen (tools-frag.h).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools-frag.h"
#include "tools-messages.h"

void frag_peer_init(struct frag_peer *fp)
{
	memset(fp, 0, sizeof(*fp));
	for (int i = 0; i < TOOLS_FRAG_PARTS; i++)
		alp_rpc_reasm_init(&fp->r[i], NULL, 0);
}

static void part_drop(struct alp_rpc_reasm *r)
{
	free(r->buf);
	alp_rpc_reasm_init(r, NULL, 0);
}

void frag_peer_reset(struct frag_peer *fp)
{
	for (int i = 0; i < TOOLS_FRAG_PARTS; i++)
		part_drop(&fp->r[i]);
	free(fp->done);
	frag_peer_init(fp);
}

/* A slot for fg: the one assembling its message, or a free one with a buffer of its size. */
static struct alp_rpc_reasm *slot_for(struct frag_peer *fp, const struct alp_rpc_frag *fg)
{
	struct alp_rpc_reasm *r = NULL;
	void *buf;

	for (int i = 0; i < TOOLS_FRAG_PARTS && !r; i++)
		if (fp->r[i].buf && fp->r[i].msg_id == fg->msg_id)
			r = &fp->r[i];
	if (!(fg->flags & ALP_RPC_WIRE_FRAG_FIRST))
		return r;
	if (r)
		part_drop(r);	/* started over */
	for (int i = 0; i < TOOLS_FRAG_PARTS && !r; i++)
		if (!fp->r[i].buf)
			r = &fp->r[i];
	if (!r || fg->total > TOOLS_MAX_MSG || !(buf = malloc(fg->total)))
		return NULL;
	alp_rpc_reasm_init(r, buf, fg->total);
	return r;
}

const uint8_t *frag_peer_in(struct frag_peer *fp, const uint8_t *msg, size_t *len)
{
	struct alp_rpc_reasm *r;
	struct alp_rpc_frag fg;
	size_t got;
	int rc;

	if (*len == 0 || msg[0] != ALP_RPC_WIRE_FRAG_MAGIC)
		return msg;
	free(fp->done);
	fp->done = NULL;
	if (alp_rpc_frag_decode(msg, *len, &fg))
		return msg;	/* not a valid fragment: shown as it is */
	r = slot_for(fp, &fg);
	if (!r) {
		warnmsg(fg.flags & ALP_RPC_WIRE_FRAG_FIRST ?
			"dropped a %u-byte message in fragments (above %u bytes, or too many at once)" :
			"dropped a fragment of message %u: its start is missing",
			fg.flags & ALP_RPC_WIRE_FRAG_FIRST ? fg.total : fg.msg_id, TOOLS_MAX_MSG);
		return NULL;
	}
	rc = alp_rpc_reasm_feed(r, &fg, &got);
	if (rc == ALP_RPC_REASM_DONE) {
		fp->done = r->buf;
		alp_rpc_reasm_init(r, NULL, 0);
		*len = got;
		return fp->done;
	}
	if (rc < 0) {
		warnmsg("dropped message %u: a fragment was lost, repeated or out of order",
			fg.msg_id);
		part_drop(r);
	}
	return NULL;
}

bool frag_peer_caps(struct frag_peer *fp, const struct alp_rpc_frame *f, frag_send_fn send,
		    void *arg)
{
	uint8_t pl[ALP_RPC_CAPS_LEN];
	uint32_t max;

	if (f->framing != ALP_RPC_WIRE_CALL || f->kind != ALP_RPC_KIND_REQUEST ||
	    strcmp(f->method, ALP_RPC_CAPS_METHOD))
		return false;
	if (alp_rpc_caps_decode(f->payload, f->payload_len, &max) == 0) {
		fp->caps_known = true;
		fp->peer_max = max;
	}
	alp_rpc_caps_encode(pl, sizeof(pl), TOOLS_MAX_MSG);
	frag_peer_send_call(fp, ALP_RPC_KIND_REPLY, 0, f->request_id, f->method, pl, sizeof(pl),
			    send, arg);
	return true;
}

int frag_peer_send_call(struct frag_peer *fp, uint8_t kind, uint8_t status, uint32_t id,
			const char *method, const void *body, size_t len, frag_send_fn send,
			void *arg)
{
	uint8_t buf[ALP_RPC_WIRE_MTU_DEFAULT];
	struct alp_rpc_fragmenter fr;
	long n, total;
	int rc;

	n = alp_rpc_frame_encode_call(buf, sizeof(buf), kind, status, id, method, body, len);
	if (n > 0)
		return send(buf, (size_t)n, arg);
	if (n != ALP_RPC_WIRE_ENOSPC)
		return -EINVAL;
	if (++fp->next_msg_id == 0)
		fp->next_msg_id = 1;
	total = alp_rpc_frag_begin(&fr, fp->next_msg_id, kind, status, id, method, body, len);
	if (total < 0)
		return -EINVAL;
	if (!fp->caps_known || (uint64_t)total > fp->peer_max)
		return -EMSGSIZE;
	while ((n = alp_rpc_frag_next(&fr, buf, sizeof(buf))) > 0) {
		rc = send(buf, (size_t)n, arg);
		if (rc)
			return rc;
	}
	return 0;
}
