// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The consumer of the reference's "Canonical usage" (alp-rpc-h.md),
 * unchanged but for the standard headers it omits (<stdio.h>, <string.h>,
 * <unistd.h>); <alp/system_ipc.h> is generated (demo/gen-system-ipc).
 * Copyright (c) 2026 The rpmsg-rpc authors
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <alp/rpc.h>
#include <alp/system_ipc.h>

static void on_temperature(const void *payload, size_t len, void *u) {
    (void)u;
    float c;
    if (len == sizeof c) {
        memcpy(&c, payload, sizeof c);
        printf("[a55] temperature=%.2f C\n", c);
    }
}

int main(void) {
    alp_rpc_channel_t *ch = alp_rpc_open(&(alp_rpc_config_t){
        .name    = ALP_IPC_ALP_DEFAULT_RPMSG_NAME,
        .src_ept = ALP_IPC_ALP_DEFAULT_RPMSG_DST_EPT,   /* swap src/dst */
        .dst_ept = ALP_IPC_ALP_DEFAULT_RPMSG_SRC_EPT,
    });
    alp_rpc_subscribe(ch, "temperature", on_temperature, NULL);
    for (;;) pause();
}
