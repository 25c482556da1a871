# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""alp_rpc.Device over the fake sysfs of tests/tools/fake-sysfs (the same
tree rpcctl's host tests and tests/unit/test_device.c use); the real driver
is exercised in the VM (tests/vm/suites/35-python)."""
import asyncio
import os
import subprocess

import pytest

import alp_rpc

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                    "tests", "tools", "fake-sysfs")


@pytest.fixture
def dev(tmp_path):
    subprocess.run([FAKE, str(tmp_path)], check=True)
    return alp_rpc.Device(sysfs_root=str(tmp_path / "sys"), dev_root=str(tmp_path / "dev"))


def test_backends(dev):
    assert dev.backends() == {alp_rpc.Backend.RPMSG_RPC, alp_rpc.Backend.RPMSG_CHAR}


def test_remotes_snapshot(dev, tmp_path):
    r0, r1 = dev.remotes()
    assert (r0.rproc, r0.name, r0.state) == ("remoteproc0", "rpmsg-sim.0", "running")
    assert r0.control == str(tmp_path / "dev" / "rpmsg_rpc_ctrl0")
    assert r0.backend is alp_rpc.Backend.RPMSG_RPC
    assert r0.channels == (alp_rpc.RemoteChannel("alp_default_rpmsg", 1024),)
    ours, upstream = r0.endpoints
    assert (ours.name, ours.src, ours.dst, ours.state) == ("ept-a", 7000, 1024,
                                                          alp_rpc.EndpointState.BOUND)
    assert (ours.rx_msgs, ours.rx_bytes, ours.rx_drops, ours.tx_msgs) == (1, 2, 3, 4)
    assert upstream.backend is alp_rpc.Backend.RPMSG_CHAR and upstream.dst == alp_rpc.ADDR_ANY
    assert upstream.state is alp_rpc.EndpointState.UNKNOWN
    assert (r1.rproc, r1.state, r1.control) == ("remoteproc1", "offline", "")


def test_find_remote(dev):
    assert dev.find_remote("remoteproc0").name == "rpmsg-sim.0"
    assert dev.find_remote().rproc == "remoteproc0"  # the only one up
    with pytest.raises(alp_rpc.NotReady) as e:
        dev.find_remote("remoteproc9")
    assert e.value.errno is not None
    with pytest.raises(TypeError):
        dev.find_remote(5)


def test_create_and_destroy_errors(dev):
    with pytest.raises(alp_rpc.InvalidArgument) as e:
        dev.create_endpoint("bad name")
    assert e.value.errno == 22  # EINVAL, checked before any system call
    with pytest.raises(alp_rpc.NotReady):
        dev.create_endpoint("x", "remoteproc1")  # down
    with pytest.raises(alp_rpc.NotSupported) as e:
        dev.create_endpoint("good:name@1", announce=True)
    assert e.value.errno == 25  # the fake node is a file: ENOTTY
    with pytest.raises(alp_rpc.NotSupported):
        dev.create_endpoint_fd("x")
    with pytest.raises(alp_rpc.NotReady):
        dev.destroy_endpoint("/dev/rpmsg_rpc77")
    with pytest.raises(alp_rpc.InvalidArgument):
        dev.destroy_endpoint("not-a-node")
    with pytest.raises(TypeError):
        dev.create_endpoint(None)


def test_names():
    assert alp_rpc.event_name(alp_rpc.EventType.REMOTE_UP) == "remote-up"
    assert str(alp_rpc.EventType.REMOTE_CRASHED) == "remote-crashed"
    assert alp_rpc.state_name(alp_rpc.EndpointState.BOUND) == "bound"


def test_monitor_iterators(dev):
    with dev.monitor() as mon:
        assert mon.fileno() >= 0
        assert mon.read(0) is None
        assert mon.read(0.05) is None
        with pytest.raises(ValueError):
            mon.read(-1)

        async def first():
            return await asyncio.wait_for(mon.__anext__(), 0.1)
        with pytest.raises(asyncio.TimeoutError):
            asyncio.run(first())
    with pytest.raises(ValueError):
        mon.fileno()  # closed


def test_device_bad_arguments():
    with pytest.raises(TypeError):
        alp_rpc.Device("positional")
    with pytest.raises(TypeError):
        alp_rpc.Device(sysfs_root=5)


def test_node_endpoint_refusals(dev):
    with pytest.raises(alp_rpc.InvalidArgument) as e:
        dev.node_endpoint("/etc/passwd")  # not a character device
    assert e.value.errno == 25  # ENOTTY
    with pytest.raises(alp_rpc.NotReady) as e:
        dev.node_endpoint("/nonexistent/rpmsg_rpc0")
    assert e.value.errno == 2  # ENOENT
    with pytest.raises(TypeError):
        dev.node_endpoint(None)
