# SPDX-License-Identifier: GPL-2.0-or-later
# Linux 6.1 virtio_rpmsg_bus: a name-service destroy for a channel whose
# driver owns an endpoint makes lockdep report "possible recursive locking"
# on ept->cb_lock (the name-service endpoint's lock is held while the
# channel's endpoint is destroyed; same lock class, different instances,
# no real deadlock). Analysis: docs/simulator.md, "Known upstream reports".
# Every regex below must match inside one report for it to be accepted.
WARNING: possible recursive locking detected
is trying to acquire lock:
&ept->cb_lock.*at: virtio_rpmsg_destroy_ept
already holding lock:
&ept->cb_lock.*at: rpmsg_recv_done
rpmsg_ns_cb
