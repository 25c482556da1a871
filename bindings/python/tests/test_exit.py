# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""The interpreter exits cleanly with channels open and callbacks busy."""
import subprocess
import sys

import pytest

SCRIPT_BUSY = r"""
import socket, threading, time, alp_rpc
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
server = alp_rpc.Channel("x", fd=a)
client = alp_rpc.Channel("x", fd=b)
server.serve("echo", lambda r: r)
def slow(data):
    time.sleep(0.2)
client.subscribe("tick", slow)
def flood():
    while True:
        try:
            server.send("tick")
            client.call("echo", b"x", timeout=None)
        except alp_rpc.Error:
            return
threading.Thread(target=flood, daemon=True).start()
time.sleep(0.3)
print("exiting", flush=True)
"""

SCRIPT_ASYNC = r"""
import asyncio, alp_rpc, sys
ch = alp_rpc.Channel("pytest", sys.argv[1])
async def main():
    for _ in range(50):
        asyncio.ensure_future(ch.call_async("slow", b"100", timeout=None))
    await asyncio.sleep(0.05)
asyncio.run(main())
print("exiting", flush=True)
"""

SCRIPT_CYCLES = r"""
import socket, alp_rpc
chans = []
for i in range(20):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s, c = alp_rpc.Channel("x", fd=a), alp_rpc.Channel("x", fd=b)
    s.subscribe("m", lambda d, s=s: s.stats())
    c.send("m")
    chans.append((s, c))
print("exiting", flush=True)
"""


@pytest.mark.parametrize("script", [SCRIPT_BUSY, SCRIPT_CYCLES], ids=["busy", "cycles"])
def test_exit_with_open_channels(script):
    for _ in range(3):
        p = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30,
                           cwd="/")
        assert p.returncode == 0, p.stderr.decode()
        assert p.stdout == b"exiting\n"
        assert p.stderr == b""


def test_exit_with_async_calls_pending(peer):
    p = subprocess.run([sys.executable, "-c", SCRIPT_ASYNC, peer.node], capture_output=True,
                       timeout=30, cwd="/")
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout == b"exiting\n"
