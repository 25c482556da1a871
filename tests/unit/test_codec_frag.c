// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/codec.c, fragments: the F/D/R/K vectors of docs/wire-format.md, every
 * size boundary (0, MTU-1, MTU, MTU+1, maximum, maximum+1), loss,
 * duplication, reordering and truncation of fragments, a peer that stops
 * mid-message, the alp.caps payload.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#ifndef WIRE_DOC
#error "WIRE_DOC must name docs/wire-format.md"
#endif

#define MAX_FVEC 16
#define MAX_FRAGS 8

struct fvec {
	char name[32];
	size_t mtu;
	uint32_t msg_id, id;
	unsigned int kind, status;
	char method[40];
	uint8_t payload[256];
	size_t payload_len;
	int nfrags;
	uint8_t frag[MAX_FRAGS][600];
	size_t frag_len[MAX_FRAGS];
};

static int code_of(const char *name)
{
	static const struct { const char *name; int code; } codes[] = {
		{ "ETRUNC", ALP_RPC_WIRE_ETRUNC }, { "EMETHOD", ALP_RPC_WIRE_EMETHOD },
		{ "EKIND", ALP_RPC_WIRE_EKIND }, { "EFIELD", ALP_RPC_WIRE_EFIELD },
		{ "EFRAG", ALP_RPC_WIRE_EFRAG }, { "ESEQ", ALP_RPC_WIRE_ESEQ },
		{ "ETOOBIG", ALP_RPC_WIRE_ETOOBIG }, { "EBUSY", ALP_RPC_WIRE_EBUSY },
		{ "more", ALP_RPC_REASM_MORE }, { "done", ALP_RPC_REASM_DONE },
		{ "replaced", ALP_RPC_REASM_REPLACED },
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(codes[i].name, name))
			return codes[i].code;
	ck_abort_msg("unknown result name %s", name);
	return 0;
}

/* The whole call frame of an F vector, with the one-frame encoder. */
static long fvec_frame(const struct fvec *v, uint8_t *out, size_t cap)
{
	return alp_rpc_frame_encode_call(out, cap, (uint8_t)v->kind, (uint8_t)v->status, v->id,
					 strcmp(v->method, "-") ? v->method : NULL, v->payload,
					 v->payload_len);
}

static void check_fvec(struct fvec *v)
{
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_reasm r;
	struct alp_rpc_frame f;
	uint8_t buf[600], whole[600], out[600];
	long total, n;
	size_t len = 0;
	int i = 0, rc = -100;

	total = alp_rpc_frag_begin(&fr, v->msg_id, (uint8_t)v->kind, (uint8_t)v->status, v->id,
				   strcmp(v->method, "-") ? v->method : NULL, v->payload,
				   v->payload_len);
	ck_assert_int_eq(total, fvec_frame(v, whole, sizeof(whole)));
	while ((n = alp_rpc_frag_next(&fr, buf, v->mtu)) > 0) {
		ck_assert_msg(i < v->nfrags, "%s: more fragments than the document", v->name);
		ck_assert_int_eq(n, (long)v->frag_len[i]);
		ck_assert_msg(!memcmp(buf, v->frag[i], (size_t)n), "%s: fragment %d differs",
			      v->name, i + 1);
		i++;
	}
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(i, v->nfrags);
	/* Reassembled, it is the call frame, and decodes to the fields. */
	alp_rpc_reasm_init(&r, out, sizeof(out));
	for (i = 0; i < v->nfrags; i++) {
		struct alp_rpc_frag d;

		ck_assert_int_eq(alp_rpc_frag_decode(v->frag[i], v->frag_len[i], &d), 0);
		rc = alp_rpc_reasm_feed(&r, &d, &len);
		ck_assert_int_eq(rc, i == v->nfrags - 1 ? ALP_RPC_REASM_DONE : ALP_RPC_REASM_MORE);
	}
	ck_assert_int_eq(len, (size_t)total);
	ck_assert_int_eq(memcmp(out, whole, len), 0);
	ck_assert_int_eq(alp_rpc_frame_decode(out, len, &f), 0);
	ck_assert_uint_eq(f.request_id, v->id);
	ck_assert_uint_eq(f.payload_len, v->payload_len);
}

static void check_dvec(const char *name, const uint8_t *msg, size_t len, const char *rest)
{
	struct alp_rpc_frag d;
	char verdict[8], code[16], method[40];
	unsigned int flags, kind, status;
	unsigned long msg_id, total, offset, dlen, id;
	int used = 0;

	ck_assert_int_eq(sscanf(rest, "%7s %n", verdict, &used), 1);
	if (!strcmp(verdict, "err")) {
		ck_assert_int_eq(sscanf(rest + used, "%15s", code), 1);
		ck_assert_msg(alp_rpc_frag_decode(msg, len, &d) == code_of(code), "D %s: want %s",
			      name, code);
		return;
	}
	ck_assert_int_eq(sscanf(rest + used, "%u %lu %lu %lu %lu", &flags, &msg_id, &total, &offset,
				&dlen), 5);
	ck_assert_msg(alp_rpc_frag_decode(msg, len, &d) == 0, "D %s does not decode", name);
	ck_assert_uint_eq(d.flags, flags);
	ck_assert_uint_eq(d.msg_id, msg_id);
	ck_assert_uint_eq(d.total, total);
	ck_assert_uint_eq(d.offset, offset);
	ck_assert_uint_eq(d.len, dlen);
	ck_assert_ptr_eq(d.data, msg + ALP_RPC_WIRE_FRAG_HDR);
	if (flags & ALP_RPC_WIRE_FRAG_FIRST) {
		ck_assert_int_eq(sscanf(rest + used, "%*u %*u %*u %*u %*u %u %u %lu %39s", &kind,
					&status, &id, method), 4);
		ck_assert_uint_eq(d.head.kind, kind);
		ck_assert_uint_eq(d.head.status, status);
		ck_assert_uint_eq(d.head.request_id, id);
		ck_assert_str_eq(d.head.method, strcmp(method, "-") ? method : "");
	} else {
		ck_assert_uint_eq(d.head.kind, 0);
	}
}

static struct fvec *find_fvec(struct fvec *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	ck_abort_msg("R step names unknown F vector %s", name);
	return NULL;
}

/* Feed one fragment to the reassembler alp_rpc_reasm_pick() chooses. */
static int feed_set(struct alp_rpc_reasm *set, size_t n, const struct alp_rpc_frag *d,
		    size_t *len)
{
	struct alp_rpc_reasm *r = alp_rpc_reasm_pick(set, n, d);

	*len = 0;
	if (!r)
		return (d->flags & ALP_RPC_WIRE_FRAG_FIRST) ? ALP_RPC_WIRE_EBUSY : ALP_RPC_WIRE_ESEQ;
	return alp_rpc_reasm_feed(r, d, len);
}

static void check_rvec(const char *name, char *rest, struct fvec *fv, int nfv)
{
	struct alp_rpc_reasm set[4];
	static uint8_t bufs[4][600];
	unsigned long cap, slots;
	char *save = NULL, *tok;
	int used = 0, steps = 0;

	ck_assert_int_eq(sscanf(rest, "%lu %lu %n", &cap, &slots, &used), 2);
	ck_assert_uint_le(slots, 4);
	ck_assert_uint_le(cap, sizeof(bufs[0]));
	for (size_t i = 0; i < slots; i++)
		alp_rpc_reasm_init(&set[i], bufs[i], cap);
	for (tok = strtok_r(rest + used, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		char fname[32], *hash, *eq;
		struct alp_rpc_frag d;
		struct fvec *v;
		size_t len;
		int idx, want = ALP_RPC_REASM_MORE, rc;

		steps++;
		if (!strcmp(tok, "reset")) {
			for (size_t i = 0; i < slots; i++)
				alp_rpc_reasm_reset(&set[i]);
			continue;
		}
		eq = strchr(tok, '=');
		if (eq) {
			*eq = 0;
			want = code_of(eq + 1);
		}
		hash = strchr(tok, '#');
		ck_assert_ptr_nonnull(hash);
		snprintf(fname, sizeof(fname), "%.*s", (int)(hash - tok), tok);
		idx = atoi(hash + 1) - 1;
		v = find_fvec(fv, nfv, fname);
		ck_assert_int_ge(idx, 0);
		ck_assert_int_lt(idx, v->nfrags);
		ck_assert_int_eq(alp_rpc_frag_decode(v->frag[idx], v->frag_len[idx], &d), 0);
		rc = feed_set(set, slots, &d, &len);
		ck_assert_msg(rc == want, "R %s step %d (%s#%d): got %d, want %d", name, steps,
			      fname, idx + 1, rc, want);
		if (rc == ALP_RPC_REASM_DONE) {
			uint8_t whole[600];
			long n = fvec_frame(v, whole, sizeof(whole));
			struct alp_rpc_reasm *r = NULL;

			/* The message is in the buffer of the reassembler that took it. */
			for (size_t i = 0; i < slots && !r; i++)
				if (!memcmp(bufs[i], whole, (size_t)n))
					r = &set[i];
			ck_assert_int_eq(len, (size_t)n);
			ck_assert_msg(r != NULL, "R %s: reassembled message differs", name);
		}
	}
	ck_assert_int_gt(steps, 0);
}

static void check_kvec(const char *name, const uint8_t *msg, size_t len, const char *rest)
{
	char verdict[8], code[16];
	unsigned long want;
	uint32_t max = 0;

	ck_assert_int_eq(sscanf(rest, "%7s", verdict), 1);
	if (!strcmp(verdict, "err")) {
		ck_assert_int_eq(sscanf(rest, "%*s %15s", code), 1);
		ck_assert_msg(alp_rpc_caps_decode(msg, len, &max) == code_of(code), "K %s", name);
		return;
	}
	ck_assert_int_eq(sscanf(rest, "%*s %lu", &want), 1);
	ck_assert_int_eq(alp_rpc_caps_decode(msg, len, &max), 0);
	ck_assert_uint_eq(max, want);
	if (len == ALP_RPC_CAPS_LEN && msg[0] == ALP_RPC_CAPS_VERSION) {
		uint8_t enc[ALP_RPC_CAPS_LEN];

		ck_assert_int_eq(alp_rpc_caps_encode(enc, sizeof(enc), max), ALP_RPC_CAPS_LEN);
		ck_assert_int_eq(memcmp(enc, msg, len), 0);
	}
}

START_TEST(frag_vectors_from_doc)
{
	FILE *fp = fopen(WIRE_DOC, "r");
	static struct fvec fv[MAX_FVEC];
	char line[2048];
	int nfv = 0, nd = 0, nr = 0, nk = 0, pending = 0;
	bool in_vectors = false;
	static char rlines[32][2048];
	int nrl = 0;

	ck_assert_ptr_nonnull(fp);
	memset(fv, 0, sizeof(fv));
	while (fgets(line, sizeof(line), fp)) {
		char name[64], hex[1300];
		uint8_t msg[600];
		int used = 0;

		if (!strncmp(line, "## ", 3))
			in_vectors = !strncmp(line, "## Test vectors", 15);
		if (!in_vectors)
			continue;
		if (!strncmp(line, "F ", 2)) {
			struct fvec *v = &fv[nfv++];
			char payload[600];

			ck_assert_int_le(nfv, MAX_FVEC);
			ck_assert_int_eq(pending, 0);
			ck_assert_int_eq(sscanf(line + 2, "%31s %zu %u %u %u %u %39s %599s %d", v->name,
						&v->mtu, &v->msg_id, &v->kind, &v->status, &v->id,
						v->method, payload, &v->nfrags), 9);
			ck_assert_int_le(v->nfrags, MAX_FRAGS);
			v->payload_len = t_unhex(payload, v->payload, sizeof(v->payload));
			pending = v->nfrags;
		} else if (!strncmp(line, "f ", 2)) {
			struct fvec *v = &fv[nfv - 1];
			int idx;

			ck_assert_int_gt(pending, 0);
			ck_assert_int_eq(sscanf(line + 2, "%63s %d %1299s", name, &idx, hex), 3);
			ck_assert_str_eq(name, v->name);
			ck_assert_int_eq(idx, v->nfrags - pending + 1);
			v->frag_len[idx - 1] = t_unhex(hex, v->frag[idx - 1], sizeof(v->frag[0]));
			if (--pending == 0)
				check_fvec(v);
		} else if (!strncmp(line, "D ", 2)) {
			ck_assert_int_eq(sscanf(line + 2, "%63s %1299s %n", name, hex, &used), 2);
			check_dvec(name, msg, t_unhex(hex, msg, sizeof(msg)), line + 2 + used);
			nd++;
		} else if (!strncmp(line, "K ", 2)) {
			ck_assert_int_eq(sscanf(line + 2, "%63s %1299s %n", name, hex, &used), 2);
			check_kvec(name, msg, t_unhex(hex, msg, sizeof(msg)), line + 2 + used);
			nk++;
		} else if (!strncmp(line, "R ", 2)) {
			ck_assert_int_lt(nrl, 32);
			memcpy(rlines[nrl++], line + 2, sizeof(line) - 2);
		}
	}
	fclose(fp);
	ck_assert_int_eq(pending, 0);
	/* R lines may name any F vector: run them once all are read. */
	for (int i = 0; i < nrl; i++) {
		char name[64];
		int used = 0;

		ck_assert_int_eq(sscanf(rlines[i], "%63s %n", name, &used), 1);
		check_rvec(name, rlines[i] + used, fv, nfv);
		nr++;
	}
	/* The document must actually hold vectors of each kind. */
	ck_assert_int_ge(nfv, 5);
	ck_assert_int_ge(nd, 20);
	ck_assert_int_ge(nr, 12);
	ck_assert_int_ge(nk, 4);
}
END_TEST

/* Fragment a call frame with a payload of len bytes at this MTU; reassemble with cap. */
static int roundtrip(size_t len, size_t mtu, size_t cap, uint32_t *nfrags)
{
	static uint8_t payload[70000], frame[70000], out[70000];
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_reasm r;
	uint8_t buf[600];
	size_t got = 0;
	long total, n;
	int rc = ALP_RPC_REASM_MORE;

	ck_assert_uint_le(len, sizeof(payload));
	for (size_t i = 0; i < len; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	total = alp_rpc_frag_begin(&fr, 42, ALP_RPC_KIND_REQUEST, 0, 5, "blk", payload, len);
	ck_assert_int_eq(total, (long)(12 + len));
	ck_assert_int_eq(alp_rpc_frame_encode_call(frame, sizeof(frame), ALP_RPC_KIND_REQUEST, 0, 5,
						   "blk", payload, len), total);
	alp_rpc_reasm_init(&r, out, cap);
	*nfrags = 0;
	while ((n = alp_rpc_frag_next(&fr, buf, mtu)) > 0) {
		struct alp_rpc_frag d;

		ck_assert_int_le(n, (long)mtu);
		ck_assert_int_eq(alp_rpc_frag_decode(buf, (size_t)n, &d), 0);
		(*nfrags)++;
		rc = alp_rpc_reasm_feed(&r, &d, &got);
		if (rc < 0)
			return rc;
	}
	ck_assert_int_eq(rc, ALP_RPC_REASM_DONE);
	ck_assert_uint_eq(got, (size_t)total);
	ck_assert_int_eq(memcmp(out, frame, got), 0);
	return rc;
}

START_TEST(size_boundaries)
{
	const size_t mtu = ALP_RPC_WIRE_MTU_DEFAULT, max = 65536, data = mtu - 16;
	/* Payload lengths making the call frame (12 + payload bytes) 0+12, MTU-1, MTU, MTU+1, max. */
	const size_t frames[] = { 12, mtu - 1, mtu, mtu + 1, 2 * data, 2 * data + 1, max };
	uint32_t n;

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		size_t total = frames[i];

		ck_assert_int_eq(roundtrip(total - 12, mtu, max, &n), ALP_RPC_REASM_DONE);
		ck_assert_uint_eq(n, (total + data - 1) / data);
	}
	/* max + 1: refused at the first fragment, every later one is an orphan. */
	ck_assert_int_eq(roundtrip(max + 1 - 12, mtu, max, &n), ALP_RPC_WIRE_ETOOBIG);
	ck_assert_uint_eq(n, 1);
	/* The smallest MTU the fragmenter takes, with the longest method. */
	ck_assert_int_eq(roundtrip(1000, ALP_RPC_WIRE_FRAG_MIN_MTU, 2000, &n), ALP_RPC_REASM_DONE);
}
END_TEST

START_TEST(fragmenter_rejects)
{
	struct alp_rpc_fragmenter fr;
	uint8_t buf[600], p[4] = { 1, 2, 3, 4 };
	char m31[32];

	ck_assert_int_eq(alp_rpc_frag_begin(NULL, 1, 1, 0, 1, "a", p, 4), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 0, 1, 0, 1, "a", p, 4), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, 1, 0, 1, "a", NULL, 4), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, 1, 0, 1, "a b", p, 4), ALP_RPC_WIRE_EMETHOD);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, ALP_RPC_KIND_REQUEST, 0, 0, "a", p, 4),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, ALP_RPC_KIND_ONEWAY, 0, 0, NULL, p, 4),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, 9, 0, 1, "a", p, 4), ALP_RPC_WIRE_EKIND);
	if (sizeof(size_t) > 4)
		ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, ALP_RPC_KIND_REQUEST, 0, 1, "a", p,
						    (size_t)0xFFFFFFFFu - 10 + 1),
				 ALP_RPC_WIRE_ENOSPC);
	/* One byte below the minimum MTU: refused, nothing consumed; at it: works. */
	memset(m31, 'm', 31);
	m31[31] = 0;
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 1, ALP_RPC_KIND_REQUEST, 0, 1, m31, p, 4), 44);
	ck_assert_int_eq(alp_rpc_frag_next(&fr, buf, ALP_RPC_WIRE_FRAG_MIN_MTU - 1),
			 ALP_RPC_WIRE_ENOSPC);
	ck_assert_int_eq(alp_rpc_frag_next(NULL, buf, 600), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frag_next(&fr, buf, ALP_RPC_WIRE_FRAG_MIN_MTU), 57);
	ck_assert_int_eq(alp_rpc_frag_next(&fr, buf, ALP_RPC_WIRE_FRAG_MIN_MTU), 16 + 3);
	ck_assert_int_eq(alp_rpc_frag_next(&fr, buf, ALP_RPC_WIRE_FRAG_MIN_MTU), 0);
	ck_assert_int_eq(alp_rpc_frag_next(&fr, buf, ALP_RPC_WIRE_FRAG_MIN_MTU), 0);
}
END_TEST

/* Fragments of a 3000-byte payload (a 3013-byte frame) at MTU 200: 17 of them. */
#define P_MTU 200
#define P_FRAGS 17
static uint8_t p_frag[P_FRAGS][P_MTU];
static size_t p_len[P_FRAGS];
static uint8_t p_frame[4000];
static long p_total;

static void make_fragments(void)
{
	static uint8_t payload[3000];
	struct alp_rpc_fragmenter fr;
	long n;
	int i = 0;

	for (size_t k = 0; k < sizeof(payload); k++)
		payload[k] = (uint8_t)(k ^ (k >> 8));
	p_total = alp_rpc_frame_encode_call(p_frame, sizeof(p_frame), ALP_RPC_KIND_ONEWAY, 0, 0,
					    "dump", payload, sizeof(payload));
	ck_assert_int_eq(alp_rpc_frag_begin(&fr, 77, ALP_RPC_KIND_ONEWAY, 0, 0, "dump", payload,
					    sizeof(payload)), p_total);
	while ((n = alp_rpc_frag_next(&fr, p_frag[i], P_MTU)) > 0)
		p_len[i++] = (size_t)n;
	ck_assert_int_eq(i, P_FRAGS);
}

/*
 * Random drops, duplicates and swaps: the reassembler completes a message
 * exactly when the sequence still holds every fragment in order (a repeated
 * first fragment restarts the message, a repeated last one comes after it
 * is complete), and then with the right bytes; anything else is refused.
 */
START_TEST(drop_dup_reorder_random)
{
	static uint8_t out[4000];
	struct alp_rpc_reasm r;
	unsigned int seed = 12345;
	int completed = 0, refused = 0;

	make_fragments();
	alp_rpc_reasm_init(&r, out, sizeof(out));
	for (int round = 0; round < 3000; round++) {
		int seq[3 * P_FRAGS], n = 0, done = 0;
		int mode = (int)(rand_r(&seed) % 4);
		bool broken = false;

		for (int i = 0; i < P_FRAGS; i++) {
			if (mode == 1 && rand_r(&seed) % 16 == 0) {
				broken = true;		/* drop */
				continue;
			}
			if (mode == 2 && rand_r(&seed) % 16 == 0) {
				seq[n++] = i;		/* duplicate */
				if (i != 0 && i != P_FRAGS - 1)
					broken = true;
			}
			if (mode == 3 && i + 1 < P_FRAGS && rand_r(&seed) % 16 == 0) {
				seq[n++] = i + 1;	/* swap with the next */
				seq[n++] = i;
				i++;
				broken = true;
				continue;
			}
			seq[n++] = i;
		}
		alp_rpc_reasm_reset(&r);
		for (int k = 0; k < n; k++) {
			struct alp_rpc_frag d;
			size_t len;

			ck_assert_int_eq(alp_rpc_frag_decode(p_frag[seq[k]], p_len[seq[k]], &d), 0);
			if (alp_rpc_reasm_feed(&r, &d, &len) == ALP_RPC_REASM_DONE) {
				ck_assert_int_eq(len, (size_t)p_total);
				ck_assert_int_eq(memcmp(out, p_frame, len), 0);
				done++;
			}
		}
		ck_assert_msg(done == (broken ? 0 : 1), "round %d (mode %d): %d completions",
			      round, mode, done);
		if (done)
			completed++;
		else
			refused++;
	}
	ck_assert_int_gt(completed, 500);
	ck_assert_int_gt(refused, 500);
}
END_TEST

/* A cut fragment: the last is refused at decode, a middle one at reassembly. */
START_TEST(truncated_fragments)
{
	static uint8_t out[4000];
	struct alp_rpc_reasm r;
	struct alp_rpc_frag d;
	size_t len;

	make_fragments();
	for (size_t cut = 0; cut < p_len[P_FRAGS - 1]; cut++) {
		uint8_t *m = malloc(cut ? cut : 1);	/* exact size: ASan sees overreads */

		memcpy(m, p_frag[P_FRAGS - 1], cut);
		ck_assert_int_lt(alp_rpc_frag_decode(m, cut, &d), 0);
		free(m);
	}
	for (size_t cut = ALP_RPC_WIRE_FRAG_HDR + 1; cut < p_len[3]; cut++) {
		alp_rpc_reasm_init(&r, out, sizeof(out));
		for (int i = 0; i < P_FRAGS; i++) {
			int rc;

			ck_assert_int_eq(alp_rpc_frag_decode(p_frag[i], i == 3 ? cut : p_len[i], &d), 0);
			rc = alp_rpc_reasm_feed(&r, &d, &len);
			/* The cut one still fits (a shorter fragment); the next shows the gap. */
			ck_assert_int_eq(rc, i <= 3 ? ALP_RPC_REASM_MORE : ALP_RPC_WIRE_ESEQ);
		}
	}
}
END_TEST

/* The peer stops mid-message: the partial holds its reassembler until reset. */
START_TEST(peer_stops_mid_message)
{
	static uint8_t out[4000];
	struct alp_rpc_reasm r;
	struct alp_rpc_fragmenter fr;
	struct alp_rpc_frag d;
	uint8_t other[P_MTU];
	size_t len;
	long n;

	make_fragments();
	alp_rpc_reasm_init(&r, out, sizeof(out));
	for (int i = 0; i < P_FRAGS / 2; i++) {
		ck_assert_int_eq(alp_rpc_frag_decode(p_frag[i], p_len[i], &d), 0);
		ck_assert_int_eq(alp_rpc_reasm_feed(&r, &d, &len), ALP_RPC_REASM_MORE);
	}
	ck_assert_uint_eq(r.msg_id, 77);
	ck_assert_uint_eq(r.got, (P_FRAGS / 2) * (P_MTU - ALP_RPC_WIRE_FRAG_HDR));
	/* Another message cannot start in it... */
	ck_assert_int_gt(alp_rpc_frag_begin(&fr, 78, ALP_RPC_KIND_ONEWAY, 0, 0, "x", "hi", 2), 0);
	n = alp_rpc_frag_next(&fr, other, sizeof(other));
	ck_assert_int_eq(alp_rpc_frag_decode(other, (size_t)n, &d), 0);
	ck_assert_int_eq(alp_rpc_reasm_feed(&r, &d, &len), ALP_RPC_WIRE_EBUSY);
	ck_assert_uint_eq(r.msg_id, 77);
	/* ...until the caller's timer expires the partial one. */
	alp_rpc_reasm_reset(&r);
	ck_assert_int_eq(alp_rpc_reasm_feed(&r, &d, &len), ALP_RPC_REASM_DONE);
	ck_assert_uint_eq(len, 8 + 1 + 1 + 2);
	/* The stale sender's next fragment is an orphan now. */
	ck_assert_int_eq(alp_rpc_frag_decode(p_frag[P_FRAGS / 2], p_len[P_FRAGS / 2], &d), 0);
	ck_assert_int_eq(alp_rpc_reasm_feed(&r, &d, &len), ALP_RPC_WIRE_ESEQ);
}
END_TEST

START_TEST(caps_payload)
{
	uint8_t b[16];
	uint32_t max = 0;

	ck_assert_int_eq(alp_rpc_caps_encode(b, 7, 1), ALP_RPC_WIRE_ENOSPC);
	ck_assert_int_eq(alp_rpc_caps_encode(NULL, 8, 1), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_caps_encode(b, sizeof(b), 0xA1B2C3D4u), 8);
	ck_assert_int_eq(alp_rpc_caps_decode(b, 8, &max), 0);
	ck_assert_uint_eq(max, 0xA1B2C3D4u);
	ck_assert_int_eq(alp_rpc_caps_decode(b, 8, NULL), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_caps_decode(NULL, 8, &max), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_method_len(ALP_RPC_CAPS_METHOD), 8);
}
END_TEST

Suite *codec_frag_suite(void)
{
	Suite *s = suite_create("codec_frag");
	TCase *tc = tcase_create("codec_frag");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, frag_vectors_from_doc);
	tcase_add_test(tc, size_boundaries);
	tcase_add_test(tc, fragmenter_rejects);
	tcase_add_test(tc, drop_dup_reorder_random);
	tcase_add_test(tc, truncated_fragments);
	tcase_add_test(tc, peer_stops_mid_message);
	tcase_add_test(tc, caps_payload);
	suite_add_tcase(s, tc);
	return s;
}
