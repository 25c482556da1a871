# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""alp_rpc in the test VM, over the rpmsg_rpc driver, against the demo
firmware (demo/firmware/app.c) on a simulated remote. Run by the guest
suite tests/vm/suites/35-python, which boots the remote and passes:
SIM_IDX (the remote's index for tests/sim/simctl), SIM_RPROC
(remoteprocN), FW_ADDR (the firmware's address), SIMCTL.
The crash test runs last (pytest keeps file order)."""
import asyncio
import errno
import os
import struct
import subprocess
import threading
import time

import pytest

import alp_rpc

CH = "alp_default_rpmsg"
IDX = os.environ["SIM_IDX"]
RPROC = os.environ["SIM_RPROC"]
FW_ADDR = int(os.environ["FW_ADDR"])
SIMCTL = os.environ["SIMCTL"]


def simctl(*args):
    return subprocess.run([SIMCTL, *args], check=True, capture_output=True, text=True).stdout


def boots():
    info = dict(line.split("=", 1) for line in simctl("info", IDX).splitlines() if "=" in line)
    return int(info["boots"])


@pytest.fixture(scope="module")
def ch():
    with alp_rpc.Channel(CH, open_timeout=10) as c:  # discovery by name, our driver
        yield c


def test_discovery_and_methods(ch):
    assert ch.connected and ch.framing == "call"
    src, dst = ch.addresses
    assert dst == FW_ADDR
    assert ch.call("ping") == b"pong"
    assert ch.call("version").startswith(b"alp-demo-firmware")
    assert struct.unpack("<i", ch.call("add", struct.pack("<ii", 2, 40)))[0] == 42
    assert ch.call("echo", b"x" * 400) == b"x" * 400
    assert ch.mtu == 496


def test_firmware_errors(ch):
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        ch.call("fail")
    assert e.value.diagnostic == b"fail always fails (as asked)"
    with pytest.raises(alp_rpc.NoSuchMethod):
        ch.call("selfdestruct")
    with pytest.raises(TimeoutError):
        ch.call("hang", timeout=0.3)
    # above one RPMsg buffer the call travels in fragments (docs/wire-format.md);
    # the demo firmware takes up to 16 KiB (FW_MAX_MSG), more is refused
    assert ch.call("echo", b"x" * 600, timeout=10) == b"x" * 600
    with pytest.raises(alp_rpc.MessageTooLarge):
        ch.call("echo", b"x" * 20000, timeout=10)


def test_text_framing():
    # A second channel of the same name needs its own source address: the
    # default one is derived from the name, and the module's channel has it.
    with alp_rpc.Channel(CH, framing="text", src=7200, open_timeout=10) as t:
        assert t.call("ping", timeout=5) == b"pong"


def test_subscription(ch):
    temps = []
    got = threading.Event()

    @ch.subscribe("temperature")
    def on_temperature(data):
        temps.append(struct.unpack("<f", data)[0])
        if len(temps) >= 2:
            got.set()
    ch.send("subscribe")
    assert got.wait(10), "no temperature frames"
    assert all(-40.0 < t < 125.0 for t in temps)
    ch.send("unsubscribe")
    ch.unsubscribe("temperature")


def test_call_async(ch):
    async def main():
        return await asyncio.gather(*(ch.call_async("echo", bytes([i])) for i in range(20)),
                                    ch.call_async("ping"))
    assert asyncio.run(main()) == [bytes([i]) for i in range(20)] + [b"pong"]


def test_threads(ch):
    errors = []

    def worker(k):
        try:
            for i in range(10):
                data = f"{k}.{i}".encode()
                assert ch.call("echo", data, timeout=10) == data
        except BaseException as e:
            errors.append(e)
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []


def test_device_snapshot():
    dev = alp_rpc.Device()
    assert alp_rpc.Backend.RPMSG_RPC in dev.backends()
    r = [r for r in dev.remotes() if r.rproc == RPROC]
    assert len(r) == 1 and r[0].state == "running"
    assert alp_rpc.RemoteChannel(CH, FW_ADDR) in r[0].channels
    assert r[0].control.startswith("/dev/rpmsg_rpc_ctrl")
    assert dev.find_remote(RPROC).control == r[0].control


def test_device_endpoints():
    dev = alp_rpc.Device()
    ep = dev.create_endpoint("py-node", RPROC, src=7100, dst=FW_ADDR)
    assert ep.node.startswith("/dev/rpmsg_rpc") and (ep.src, ep.dst) == (7100, FW_ADDR)
    assert ep.state == alp_rpc.EndpointState.BOUND
    assert dev.node_endpoint(ep.node).src == 7100
    with pytest.raises(alp_rpc.Busy) as e:
        dev.create_endpoint("py-dup", RPROC, src=7100)
    assert e.value.errno == errno.EADDRINUSE
    with alp_rpc.Channel("py-node", ep.node) as c:  # an existing endpoint node
        assert c.call("ping") == b"pong"
    listed = [e for r in dev.remotes() for e in r.endpoints if e.node == ep.node]
    assert listed and listed[0].tx_msgs >= 1 and listed[0].rx_msgs >= 1
    dev.destroy_endpoint(ep.node)
    with pytest.raises(alp_rpc.NotReady) as e:
        dev.destroy_endpoint(ep.node)
    fd, fep = dev.create_endpoint_fd("py-fd", RPROC, dst=FW_ADDR)
    os.close(fd)
    assert fep.node == "" and fep.dst == FW_ADDR


def test_fd_endpoint_as_channel():
    dev = alp_rpc.Device()
    fd, fep = dev.create_endpoint_fd("py-fd", RPROC, dst=FW_ADDR)
    try:
        with alp_rpc.Channel("py-fd", fd=fd) as c:
            assert c.call("echo", b"over an fd endpoint") == b"over an fd endpoint"
    finally:
        os.close(fd)


def test_device_events():
    dev = alp_rpc.Device()
    with dev.monitor() as mon:
        ep = dev.create_endpoint("py-events", RPROC, dst=FW_ADDR)
        dev.destroy_endpoint(ep.node)
        seen = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and alp_rpc.EventType.ENDPOINT_DESTROYED not in seen:
            ev = mon.read(1.0)
            if ev is not None and ev.device == ep.node.rsplit("/", 1)[1]:
                seen.append(ev.type)
    assert seen[:1] == [alp_rpc.EventType.ENDPOINT_CREATED]
    assert alp_rpc.EventType.ENDPOINT_DESTROYED in seen


def test_remote_crash_and_restart(ch):
    """A call in flight fails NotReady, the same channel reconnects, its
    subscription delivers again; the monitor (async) sees it all."""
    dev = alp_rpc.Device()
    temps = []
    ch.subscribe("temperature", temps.append)
    result = {}

    def in_flight():
        try:
            result["reply"] = ch.call("hang", timeout=20)
        except alp_rpc.Error as e:
            result["error"] = e

    async def watch(mon):
        got = []
        async for ev in mon:
            # the remote's control node (a removal may no longer know its rproc)
            if ev.object == alp_rpc.EventObject.CONTROL and ev.rproc in (RPROC, ""):
                got.append(ev.type)
                if ev.type == alp_rpc.EventType.REMOTE_UP:
                    return got

    with dev.monitor() as mon:
        before = boots()
        t = threading.Thread(target=in_flight)
        t.start()
        time.sleep(0.3)
        simctl("crash", IDX)
        events = asyncio.run(asyncio.wait_for(watch(mon), 30))
    simctl("wait-up", IDX, "15000", str(before + 1))
    t.join(25)
    assert isinstance(result.get("error"), alp_rpc.NotReady), result
    assert alp_rpc.EventType.REMOTE_CRASHED in events or alp_rpc.EventType.REMOTE_DOWN in events
    assert events[-1] == alp_rpc.EventType.REMOTE_UP
    ch.wait_connected(15)
    deadline = time.monotonic() + 15
    while True:  # the firmware announces its channel once it runs again
        try:
            assert ch.call("ping", timeout=2) == b"pong"
            break
        except (alp_rpc.NotReady, alp_rpc.Timeout):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    st = ch.stats()
    assert st.link_down >= 1 and st.link_up >= 2
    n = len(temps)
    ch.send("subscribe")  # the firmware forgot its subscribers when it rebooted
    deadline = time.monotonic() + 10
    while len(temps) < n + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(temps) >= n + 2, "no temperature after the restart"
    ch.send("unsubscribe")
