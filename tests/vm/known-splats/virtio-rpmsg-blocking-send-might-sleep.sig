# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 6.1 virtio_rpmsg_bus: a blocking send that finds no free tx buffer
# waits with wait_event_interruptible_timeout() whose condition,
# get_a_tx_buf(), takes vrp->tx_lock (a mutex) while the task is already
# TASK_INTERRUPTIBLE: DEBUG_ATOMIC_SLEEP's "do not call blocking ops"
# WARNING (once per boot). Analysis: docs/simulator.md.
WARNING: CPU: .* at kernel/sched/core.c:[0-9]+ __might_sleep
get_a_tx_buf
rpmsg_send_offchannel_raw
