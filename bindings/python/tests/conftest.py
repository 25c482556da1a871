# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""Fixtures: peers for the channel under test, over AF_UNIX SOCK_SEQPACKET.

- peer / text_peer: the C librpc peer (tests/peer.c, ALP_RPC_PEER), a
  process serving echo, fail, slow, publish, ask on unix-listen:PATH;
- rpcctl_serve: `rpcctl serve` (RPCCTL) reflecting every request;
- pair: two channels over a socketpair in this process (both Python).
"""
import os
import socket
import subprocess
import sys
import time

import pytest

import alp_rpc

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.environ.get("ALP_RPC_PEER", os.path.join(HERE, "..", "build", "peer"))
RPCCTL = os.environ.get("RPCCTL", os.path.join(HERE, "..", "..", "..", "tools", "rpcctl"))


class Proc:
    def __init__(self, argv, sock):
        self.sock = sock
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            if self.p.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv} did not start: {self.p.stderr.read()!r}")
            time.sleep(0.005)
        self.node = "unix:" + sock

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def _peer(tmp_path, framing):
    if not os.access(PEER, os.X_OK):
        pytest.fail(f"no peer program {PEER} (make -C bindings/python peer)")
    sock = str(tmp_path / "peer.sock")
    return Proc([PEER, "serve", "unix-listen:" + sock, framing], sock)


@pytest.fixture
def peer(tmp_path):
    p = _peer(tmp_path, "call")
    yield p
    p.stop()


@pytest.fixture
def text_peer(tmp_path):
    p = _peer(tmp_path, "text")
    yield p
    p.stop()


@pytest.fixture
def ch(peer):
    with alp_rpc.Channel("pytest", peer.node) as c:
        yield c


@pytest.fixture
def rpcctl_serve(tmp_path):
    if not os.access(RPCCTL, os.X_OK):
        pytest.fail(f"no rpcctl at {RPCCTL} (make tools)")
    sock = str(tmp_path / "rpcctl.sock")

    def start(*opts):
        return Proc([RPCCTL, "serve", "-q", *opts, "unix:" + sock], sock)
    procs = []

    def factory(*opts):
        procs.append(start(*opts))
        return procs[-1]
    yield factory
    for p in procs:
        p.stop()


@pytest.fixture
def pair():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with a, b:
        server = alp_rpc.Channel("pair", fd=a)
        client = alp_rpc.Channel("pair", fd=b)
    yield server, client
    client.close()
    server.close()


@pytest.fixture
def unraisable(monkeypatch):
    """What reached sys.unraisablehook during the test."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u))
    return seen


def wait_until(pred, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True
