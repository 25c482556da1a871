#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""The demo firmware from Python (alp_rpc, docs/python.md): a few calls,
an error with the firmware's own words, three temperature readings."""
import struct
import threading

import alp_rpc

with alp_rpc.Channel("alp_default_rpmsg") as ch:
    print("version:", ch.call("version").decode())
    print("2 + 40 =", struct.unpack("<i", ch.call("add", struct.pack("<ii", 2, 40)))[0])
    try:
        ch.call("fail")
    except alp_rpc.RemoteFailure as e:
        print("fail ->", e)

    readings = threading.Semaphore(0)

    @ch.subscribe("temperature")
    def on_temperature(data: bytes) -> None:
        print(f"temperature={struct.unpack('<f', data)[0]:.2f} C")
        readings.release()

    ch.send("subscribe")
    for _ in range(3):
        if not readings.acquire(timeout=5):
            raise SystemExit("no temperature from the firmware")
    ch.send("unsubscribe")
