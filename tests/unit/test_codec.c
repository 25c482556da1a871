// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/codec.c: the test vectors of docs/wire-format.md, field rules,
 * truncation, method names, addresses.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#ifndef WIRE_DOC
#error "WIRE_DOC must name docs/wire-format.md"
#endif

static int err_code(const char *name)
{
	if (!strcmp(name, "ETRUNC"))
		return ALP_RPC_WIRE_ETRUNC;
	if (!strcmp(name, "EMETHOD"))
		return ALP_RPC_WIRE_EMETHOD;
	if (!strcmp(name, "EKIND"))
		return ALP_RPC_WIRE_EKIND;
	if (!strcmp(name, "EFIELD"))
		return ALP_RPC_WIRE_EFIELD;
	if (!strcmp(name, "EFRAG"))
		return ALP_RPC_WIRE_EFRAG;
	ck_abort_msg("unknown error name %s", name);
	return 0;
}

static void check_ok_vector(const char *name, const uint8_t *msg, size_t len, char *rest)
{
	char framing[8], method[64], payload_hex[1024];
	unsigned int kind, status;
	unsigned long id;
	uint8_t payload[512], enc[1024];
	struct alp_rpc_frame f;
	size_t plen;
	long n;

	ck_assert_msg(sscanf(rest, "%7s %u %lu %u %63s %1023s", framing, &kind, &id, &status,
			     method, payload_hex) == 6, "bad vector line %s", name);
	plen = t_unhex(payload_hex, payload, sizeof(payload));
	ck_assert_msg(alp_rpc_frame_decode(msg, len, &f) == 0, "%s does not decode", name);
	ck_assert_int_eq(f.framing, !strcmp(framing, "text") ? ALP_RPC_WIRE_TEXT : ALP_RPC_WIRE_CALL);
	ck_assert_int_eq(f.kind, kind);
	ck_assert_uint_eq(f.request_id, id);
	ck_assert_int_eq(f.status, status);
	ck_assert_str_eq(f.method, strcmp(method, "-") ? method : "");
	ck_assert_int_eq(f.method_len, strlen(f.method));
	ck_assert_uint_eq(f.payload_len, plen);
	ck_assert_int_eq(memcmp(f.payload, payload, plen), 0);
	/* The encoder must produce exactly the vector's bytes. */
	if (f.framing == ALP_RPC_WIRE_TEXT)
		n = alp_rpc_frame_encode_text(enc, sizeof(enc), f.method, payload, plen);
	else
		n = alp_rpc_frame_encode_call(enc, sizeof(enc), f.kind, f.status, f.request_id,
					      f.method, payload, plen);
	ck_assert_int_eq(n, (long)len);
	ck_assert_msg(memcmp(enc, msg, len) == 0, "%s: encoder differs", name);
}

START_TEST(vectors_from_doc)
{
	FILE *fp = fopen(WIRE_DOC, "r");
	char line[2048];
	int frames = 0, addrs = 0, errs = 0;
	bool in_vectors = false;

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		char name[64], hex[1024], verdict[8];
		uint8_t msg[512];
		int used = 0;

		if (!strncmp(line, "## ", 3))
			in_vectors = !strncmp(line, "## Test vectors", 15);
		if (!in_vectors)
			continue;
		if (!strncmp(line, "A ", 2)) {
			unsigned int fnv, src;

			ck_assert_int_eq(sscanf(line + 2, "%63s %x %x", name, &fnv, &src), 3);
			ck_assert_uint_eq(alp_rpc_fnv1a32(name), fnv);
			ck_assert_uint_eq(alp_rpc_default_src(name), src);
			addrs++;
			continue;
		}
		if (strncmp(line, "V ", 2))
			continue;
		ck_assert_int_eq(sscanf(line + 2, "%63s %1023s %7s %n", name, hex, verdict, &used), 3);
		size_t len = t_unhex(hex, msg, sizeof(msg));

		if (!strcmp(verdict, "ok")) {
			check_ok_vector(name, msg, len, line + 2 + used);
			frames++;
		} else {
			char code[16];
			struct alp_rpc_frame f;

			ck_assert_int_eq(sscanf(line + 2 + used, "%15s", code), 1);
			ck_assert_msg(alp_rpc_frame_decode(msg, len, &f) == err_code(code),
				      "vector %s: want %s", name, code);
			errs++;
		}
	}
	fclose(fp);
	/* The doc must actually hold vectors: an empty parse is a failure. */
	ck_assert_int_ge(frames, 10);
	ck_assert_int_ge(errs, 15);
	ck_assert_int_ge(addrs, 5);
}
END_TEST

START_TEST(method_names)
{
	char m32[40];

	ck_assert_int_eq(alp_rpc_method_len("a"), 1);
	ck_assert_int_eq(alp_rpc_method_len("Temp_1.x-y"), 10);
	memset(m32, 'm', 31);
	m32[31] = 0;
	ck_assert_int_eq(alp_rpc_method_len(m32), 31);
	m32[31] = 'm';
	m32[32] = 0;
	ck_assert_int_eq(alp_rpc_method_len(m32), -1);
	ck_assert_int_eq(alp_rpc_method_len(""), -1);
	ck_assert_int_eq(alp_rpc_method_len(NULL), -1);
	ck_assert_int_eq(alp_rpc_method_len("a b"), -1);
	ck_assert_int_eq(alp_rpc_method_len("a/b"), -1);
	ck_assert_int_eq(alp_rpc_method_len("caf\xc3\xa9"), -1);
	ck_assert_int_eq(alp_rpc_method_len("tab\t"), -1);
}
END_TEST

START_TEST(encode_bounds)
{
	uint8_t buf[64];

	/* "ab\0" + 3 bytes = 6: fits exactly, one byte less does not. */
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 6, "ab", "xyz", 3), 6);
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 5, "ab", "xyz", 3), ALP_RPC_WIRE_ENOSPC);
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 2, "ab", "xyz", SIZE_MAX),
			 ALP_RPC_WIRE_ENOSPC);
	/* call: 8 + 2 + 1 + 3 = 14 */
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 14, ALP_RPC_KIND_REQUEST, 0, 1, "ab",
						   "xyz", 3), 14);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 13, ALP_RPC_KIND_REQUEST, 0, 1, "ab",
						   "xyz", 3), ALP_RPC_WIRE_ENOSPC);
	ck_assert_int_eq(alp_rpc_frame_size_text("ab", 3), 6);
	ck_assert_int_eq(alp_rpc_frame_size_call("ab", 3), 14);
	ck_assert_int_eq(alp_rpc_frame_size_call(NULL, 0), 9);
	ck_assert_int_eq(alp_rpc_frame_size_text("a b", 0), -1);
	ck_assert_int_eq(alp_rpc_frame_size_call("a b", 0), -1);
}
END_TEST

START_TEST(encode_rejects)
{
	uint8_t buf[64];

	ck_assert_int_eq(alp_rpc_frame_encode_text(NULL, 64, "a", NULL, 0), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 64, "a", NULL, 1), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 64, NULL, NULL, 0), ALP_RPC_WIRE_EMETHOD);
	ck_assert_int_eq(alp_rpc_frame_encode_text(buf, 64, "", NULL, 0), ALP_RPC_WIRE_EMETHOD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_REQUEST, 0, 0, "a", NULL, 0),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_REQUEST, 0, 1, NULL, NULL, 0),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_ONEWAY, 0, 3, "a", NULL, 0),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_REPLY, 1, 3, "a", NULL, 0),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_ERROR, 0, 3, "a", NULL, 0),
			 ALP_RPC_WIRE_EFIELD);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, 0, 0, 3, "a", NULL, 0), ALP_RPC_WIRE_EKIND);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, 5, 0, 3, "a", NULL, 0), ALP_RPC_WIRE_EKIND);
	ck_assert_int_eq(alp_rpc_frame_encode_call(buf, 64, ALP_RPC_KIND_REQUEST, 0, 3, "a b", NULL, 0),
			 ALP_RPC_WIRE_EMETHOD);
	ck_assert_int_eq(alp_rpc_frame_decode(NULL, 3, NULL), ALP_RPC_WIRE_EINVAL);
	ck_assert_int_eq(alp_rpc_frame_decode(buf, 3, NULL), ALP_RPC_WIRE_EINVAL);
}
END_TEST

/*
 * Call frames with methods of every length 1..31: the encoder copies the
 * method in size classes (below 4, 4-7, 8-16, above 16), the decoder checks
 * it four bytes at a time then byte by byte. Each round-trips byte for byte
 * (the frame has the exact size: ASan sees overreads), and a byte that is
 * not a method character at any position of it is rejected.
 */
START_TEST(call_method_every_length)
{
	static const uint8_t bad[] = { ' ', '/', 0x80, 0xff, 0 };
	char method[32], frame_method[32];
	uint8_t full[64], *exact;
	struct alp_rpc_frame f;

	for (size_t mlen = 1; mlen <= ALP_RPC_WIRE_METHOD_MAX; mlen++) {
		for (size_t i = 0; i < mlen; i++)
			method[i] = "abcdefghijklmnopqrstuvwxyz0123456789_.-"[(i * 7 + mlen) % 39];
		method[mlen] = 0;
		long n = alp_rpc_frame_encode_call(full, sizeof(full), ALP_RPC_KIND_REQUEST, 0, 9,
						   method, "pq", 2);

		ck_assert_int_eq(n, (long)(8 + mlen + 1 + 2));
		ck_assert_int_eq(full[3], mlen);
		ck_assert_int_eq(memcmp(full + 8, method, mlen + 1), 0);
		exact = malloc((size_t)n);
		memcpy(exact, full, (size_t)n);
		ck_assert_int_eq(alp_rpc_frame_decode(exact, (size_t)n, &f), 0);
		ck_assert_int_eq(f.method_len, mlen);
		memcpy(frame_method, f.method, mlen + 1);
		ck_assert_str_eq(frame_method, method);
		ck_assert_int_eq(f.payload_len, 2);
		for (size_t at = 0; at < mlen; at++) {
			for (size_t b = 0; b < sizeof(bad); b++) {
				exact[8 + at] = bad[b];
				ck_assert_msg(alp_rpc_frame_decode(exact, (size_t)n, &f) ==
					      ALP_RPC_WIRE_EMETHOD,
					      "method of %zu with 0x%02x at %zu decodes", mlen, bad[b],
					      at);
			}
			exact[8 + at] = (uint8_t)method[at];
		}
		free(exact);
	}
}
END_TEST

/* Every strict prefix of a valid frame is rejected, never read past. */
START_TEST(truncation_never_decodes)
{
	uint8_t full[128], *cut;
	struct alp_rpc_frame f;
	long n = alp_rpc_frame_encode_call(full, sizeof(full), ALP_RPC_KIND_REQUEST, 0, 42,
					   "method.name", NULL, 0);

	ck_assert_int_eq(n, 8 + 11 + 1);
	for (long len = 0; len < n; len++) {
		cut = malloc(len ? (size_t)len : 1);	/* exact size: ASan sees overreads */
		memcpy(cut, full, (size_t)len);
		ck_assert_int_lt(alp_rpc_frame_decode(cut, (size_t)len, &f), 0);
		free(cut);
	}
	n = alp_rpc_frame_encode_text(full, sizeof(full), "method.name", NULL, 0);
	for (long len = 0; len < n; len++) {
		cut = malloc(len ? (size_t)len : 1);
		memcpy(cut, full, (size_t)len);
		ck_assert_int_lt(alp_rpc_frame_decode(cut, (size_t)len, &f), 0);
		free(cut);
	}
}
END_TEST

START_TEST(little_endian_id)
{
	uint8_t buf[32];
	struct alp_rpc_frame f;

	ck_assert_int_gt(alp_rpc_frame_encode_call(buf, sizeof(buf), ALP_RPC_KIND_REQUEST, 0,
						   0xA1B2C3D4u, "x", NULL, 0), 0);
	ck_assert_int_eq(buf[4], 0xD4);
	ck_assert_int_eq(buf[5], 0xC3);
	ck_assert_int_eq(buf[6], 0xB2);
	ck_assert_int_eq(buf[7], 0xA1);
	ck_assert_int_eq(alp_rpc_frame_decode(buf, 10, &f), 0);
	ck_assert_uint_eq(f.request_id, 0xA1B2C3D4u);
	ck_assert_uint_eq(f.payload_len, 0);
}
END_TEST

START_TEST(default_addresses_usable_on_linux)
{
	char name[16];
	int folded = 0;

	ck_assert_uint_eq(alp_rpc_fnv1a32(""), 0x811C9DC5u);
	for (int i = 0; i < 5000; i++) {
		uint32_t h, src;

		snprintf(name, sizeof(name), "ch%d", i);
		h = alp_rpc_fnv1a32(name);
		src = alp_rpc_default_src(name);
		ck_assert_uint_ge(src, 1024);
		ck_assert_uint_le(src + 1, (uint32_t)INT_MAX);
		if (h >= 1024 && h < (uint32_t)INT_MAX)
			ck_assert_uint_eq(src, h);
		else {
			folded++;
			ck_assert_uint_eq(src, 1024 + h % ((uint32_t)INT_MAX - 1024));
		}
	}
	/* About half of all hashes are above INT_MAX: the fold path ran. */
	ck_assert_int_gt(folded, 1000);
}
END_TEST

Suite *codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, vectors_from_doc);
	tcase_add_test(tc, method_names);
	tcase_add_test(tc, encode_bounds);
	tcase_add_test(tc, encode_rejects);
	tcase_add_test(tc, call_method_every_length);
	tcase_add_test(tc, truncation_never_decodes);
	tcase_add_test(tc, little_endian_id);
	tcase_add_test(tc, default_addresses_usable_on_linux);
	suite_add_tcase(s, tc);
	return s;
}
