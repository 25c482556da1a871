/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The demo firmware's view of its platform: an rpmsg endpoint API shaped
 * like OpenAMP's (create/announce an endpoint with a receive callback, send
 * to an address), a clock and a log. The application (app.c) knows only
 * this and the frame codec <alp/rpc_codec.h>; a port implements it: here
 * port_sim.c, on the remote simulator, where a Zephyr or OpenAMP port would
 * call rpmsg_create_ept()/rpmsg_sendto().
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#ifndef DEMO_FW_EPT_H
#define DEMO_FW_EPT_H

#include <stddef.h>
#include <stdint.h>

struct fw_ept;

/* Called for every message sent to the endpoint; src is the sender. */
typedef void (*fw_ept_cb)(struct fw_ept *ept, const void *data, size_t len, uint32_t src,
			  void *priv);

struct fw_ept {
	char name[32];
	uint32_t addr;
	fw_ept_cb cb;
	void *priv;
};

/* Create an endpoint at addr and announce it to Linux (name service). 0 or -errno. */
int fw_ept_create(struct fw_ept *ept, const char *name, uint32_t addr, fw_ept_cb cb,
		  void *priv);
/* Send one message from ept to the Linux address dst. 0 or -errno. */
int fw_sendto(struct fw_ept *ept, const void *data, size_t len, uint32_t dst);
/* Milliseconds since this boot. */
uint64_t fw_uptime_ms(void);
/* One line of the firmware's console. */
void fw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The application's entry points, called by the port. */
void app_boot(void);	/* at every boot: state starts from scratch */
void app_tick(void);	/* every APP_TICK_MS while running */

#define APP_TICK_MS 100

#endif /* DEMO_FW_EPT_H */
