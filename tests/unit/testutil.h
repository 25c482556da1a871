/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the librpc unit tests: a scripted peer on the other end
 * of a SOCK_SEQPACKET socketpair, frame builders, waiting for conditions.
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef RPC_TESTUTIL_H
#define RPC_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <alp/rpc.h>
#include <alp/rpc_codec.h>
#include <alp/rpc_ext.h>

/* Generous bound for things that must happen (valgrind is slow). */
#define T_WAIT_MS 5000
/* How long to watch for things that must not happen. */
#define T_QUIET_MS 100

/* Open a channel (framing) on one end of a socketpair; the peer end is *peer. */
alp_rpc_channel_t *t_open_pair(uint32_t framing, int *peer);
/*
 * The same with fragments off (max_msg = the MTU): frames above the MTU are
 * refused as before large messages existed (docs/librpc.md, "Large messages").
 */
alp_rpc_channel_t *t_open_pair_mtu_only(uint32_t framing, int *peer);
/* Two librpc channels connected to each other. */
void t_open_two(uint32_t framing, alp_rpc_channel_t **a, alp_rpc_channel_t **b);

/* A server handler that answers with the request (BAD_PACKET if it does not fit). */
int t_echo(const void *req, size_t len, void *resp, size_t *resp_len, void *user);

/* Receive one message within timeout_ms: its length, or -1 on timeout. */
ssize_t t_recv(int fd, void *buf, size_t cap, int timeout_ms);
void t_send(int fd, const void *buf, size_t len);
void t_send_text(int fd, const char *method, const void *payload, size_t len);
void t_send_call(int fd, uint8_t kind, uint8_t status, uint32_t id, const char *method,
		 const void *payload, size_t len);
/* Receive and decode one frame (asserts it arrives and decodes). */
void t_recv_frame(int fd, uint8_t *buf, size_t cap, struct alp_rpc_frame *f);

/*
 * Hex of a test vector into out (asserts it fits): "-" is empty, "seq:N"
 * the N bytes 00 01 02 ... (modulo 256). Returns the length.
 */
size_t t_unhex(const char *s, uint8_t *out, size_t cap);

/* Poll pred(arg) every millisecond for up to timeout_ms. */
bool t_wait(bool (*pred)(void *arg), void *arg, int timeout_ms);
/* Wait until a counter of ch's stats reaches want (field: offsetof in alp_rpc_stats_t). */
bool t_wait_stat(alp_rpc_channel_t *ch, size_t field, uint64_t want);
uint64_t t_stat(alp_rpc_channel_t *ch, size_t field);
#define T_STAT(ch, name) t_stat(ch, offsetof(alp_rpc_stats_t, name))
#define T_WAIT_STAT(ch, name, want) t_wait_stat(ch, offsetof(alp_rpc_stats_t, name), want)

/* A subscriber that records the first payload byte of each frame, in order. */
struct t_seq {
	_Atomic int n;
	char got[16];
};
void t_seq_cb(const void *payload, size_t len, void *user);
/* Wait until seq has recorded n frames. */
bool t_seq_wait(struct t_seq *seq, int n, int timeout_ms);

/*
 * alp_rpc_close(ch) on a helper thread: true when it returned within ms
 * (otherwise the helper stays blocked and the test should fail).
 */
bool t_close_within(alp_rpc_channel_t *ch, int ms);
/* Wait until *counter stops changing for quiet_ms (at most timeout_ms); its value. */
int t_settle(_Atomic int *counter, int quiet_ms, int timeout_ms);

void t_sleep_ms(int ms);
uint64_t t_now_ms(void);

/* One suite per library file. */
Suite *codec_suite(void);
Suite *codec_frag_suite(void);
Suite *error_suite(void);
Suite *lock_suite(void);
Suite *channel_suite(void);
Suite *call_suite(void);
Suite *server_suite(void);
Suite *transport_suite(void);
Suite *transport_unix_suite(void);
Suite *transport_rpmsg_char_suite(void);
Suite *transport_rpmsg_rpc_suite(void);
Suite *discovery_suite(void);
Suite *device_suite(void);
Suite *firmware_suite(void);
Suite *frag_suite(void);

#endif
