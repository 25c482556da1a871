/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsim: the C helper every test uses to drive the rpmsg remote simulator
 * (tests/sim/rpmsg_sim.ko through /dev/rpmsg_sim). Never write the control
 * device by hand in a test; add what is missing here.
 * Copyright (c) 2026 The rpmsg-rpc authors
 *
 * All functions return 0 (or a count) on success and -errno on failure.
 * A struct sim is one open control fd bound to one simulated remote; it is
 * not thread-safe, but separate handles for the same remote may be used from
 * separate threads (sim_open_index()).
 */
#ifndef LIBSIM_H
#define LIBSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rpmsg_sim.h"

struct sim;

/* Create a new simulated remote (vring_num 0 = default) and wait until its
 * firmware is up (rpmsg bus probed) unless flags has RPMSG_SIM_CREATE_STOPPED. */
int sim_create(unsigned int vring_num, unsigned int flags, struct sim **out);
/* Open another handle on an existing remote. */
int sim_open_index(unsigned int index, struct sim **out);
/* Close the handle; the remote stays. */
void sim_close(struct sim *sim);
/* Remove the remote (its rpmsg devices go away) and close the handle. */
int sim_destroy(struct sim *sim);

int sim_fd(const struct sim *sim);		/* for poll(): POLLIN = captured msg */
unsigned int sim_index(const struct sim *sim);
int sim_info(struct sim *sim, struct rpmsg_sim_info *info);
int sim_stats(struct sim *sim, struct rpmsg_sim_stats *stats);
/* "remoteprocN": the remoteproc device of this remote. */
int sim_rproc_name(struct sim *sim, char *buf, size_t len);

/* Firmware services: announced now (if up) and at every boot. */
int sim_add_service(struct sim *sim, const char *name, uint32_t addr,
		    uint32_t flags);
/* Withdraw: name-service destroy is sent, the service is gone. */
int sim_del_service(struct sim *sim, uint32_t addr);
/* Shorthand: an announced echo service. */
int sim_echo(struct sim *sim, const char *name, uint32_t addr);

/* Stop consuming Linux's tx buffers (senders meet backpressure) / resume. */
int sim_stall(struct sim *sim, bool on);

/* Crash through rproc_report_crash(); remoteproc recovers it (detach +
 * attach). Returns at once; sim_wait_up() waits for the new boot. */
int sim_crash(struct sim *sim);
/* Detach the remote (stays down) / attach it again. */
int sim_stop(struct sim *sim);
int sim_start(struct sim *sim);
/* Wait until the firmware is up; -ETIMEDOUT after timeout_ms. */
int sim_wait_up(struct sim *sim, unsigned int timeout_ms);
/* Wait until boots > prev_boots and up: for "crashed and came back". */
int sim_wait_reboot(struct sim *sim, unsigned int prev_boots,
		    unsigned int timeout_ms);

/* Capture: every message Linux sends to this remote is queued for
 * sim_recv() (bounded; overflow counted in stats.capture_drops). */
int sim_capture(struct sim *sim, bool on);
/* Next captured message; waits up to timeout_ms (-1 forever, 0 no wait).
 * Returns the payload length (truncated copies are an error: -EMSGSIZE). */
ssize_t sim_recv(struct sim *sim, struct rpmsg_sim_msg *hdr, void *buf,
		 size_t cap, int timeout_ms);

/* The remote sends len bytes from src to dst (Linux address). */
int sim_inject(struct sim *sim, uint32_t src, uint32_t dst, const void *buf,
	       size_t len);
/* The remote puts raw bytes (rpmsg header included, any content) in a
 * Linux rx buffer: for malformed-message tests. */
int sim_inject_raw(struct sim *sim, const void *buf, size_t len);

#endif /* LIBSIM_H */
