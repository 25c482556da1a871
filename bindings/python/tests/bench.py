#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""What the binding adds to a call: alp_rpc's Channel.call() against
librpc's alp_rpc_call() from C, in the same run, against the same C server.

usage: bench.py PEER [N] [ROUNDS]   (make -C bindings/python bench)
With BENCH_NODE and BENCH_NAME set, the clients call that channel (e.g. the
demo firmware over the driver in the VM, tests/vm/suites/35-python) instead
of starting a server, without pinning.

The server is the C peer (tests/peer.c, librpc's alp_rpc_serve, "echo") on
unix-listen:; the client is, alternately, the C peer's bench mode and this
Python process, over AF_UNIX SOCK_SEQPACKET with call framing and a 32-byte
payload, one call at a time. Each round runs C then Python; p50 and mean of
each, and their difference: the binding's cost per call. Twice: with the
client and the server free to run on any CPU, and all pinned to one CPU
(taskset/sched_setaffinity: no cross-CPU wake-up, the pure CPU path, which
docs/librpc.md's benchmark also reports). Prints figures; asserts nothing.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import alp_rpc

PAYLOAD = bytes(32)


def python_client(node, n, name="pytest"):
    lat = []
    with alp_rpc.Channel(name, node) as ch:
        call = ch.call
        for _ in range(min(n // 10, 2000)):  # warm up
            call("echo", PAYLOAD)
        clock = time.perf_counter_ns
        cpu0 = _cpu(resource.RUSAGE_SELF)
        for _ in range(n):
            t0 = clock()
            call("echo", PAYLOAD)
            lat.append(clock() - t0)
        cpu = (_cpu(resource.RUSAGE_SELF) - cpu0) / n * 1e6
    lat.sort()
    return lat[len(lat) // 2] / 1000, statistics.fmean(lat) / 1000, cpu


def loop_alone(n):
    """The Python timing loop around a trivial builtin instead of call()."""
    lat = []
    f, clock = len, time.perf_counter_ns
    for _ in range(n):
        t0 = clock()
        f(PAYLOAD)
        lat.append(clock() - t0)
    lat.sort()
    return lat[len(lat) // 2] / 1000


def _cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def c_client(peer, node, n, cpu, name="pytest"):
    argv = [peer, "bench", node, str(n), str(len(PAYLOAD)), name]
    if cpu is not None:
        argv = ["taskset", "-c", str(cpu)] + argv
    cpu0 = _cpu(resource.RUSAGE_CHILDREN)  # the server is reaped only at the end
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
    cpu = (_cpu(resource.RUSAGE_CHILDREN) - cpu0) / n * 1e6
    return float(out[0]), float(out[1]), cpu


def run(peer, n, rounds, cpu):
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "bench.sock")
        argv = [peer, "serve", "unix-listen:" + sock, "call"]
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu)] + argv
            os.sched_setaffinity(0, {cpu})
        else:
            os.sched_setaffinity(0, range(os.cpu_count() or 1))
        server = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        try:
            while not os.path.exists(sock):
                time.sleep(0.01)
            node = "unix:" + sock
            res = []
            for _ in range(rounds):
                # C first, then Python; the listener takes one client at a time
                res.append((c_client(peer, node, n, cpu), python_client(node, n)))
        finally:
            server.terminate()
            server.wait()
    return res


def main():
    peer = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    node, name = os.environ.get("BENCH_NODE"), os.environ.get("BENCH_NAME")
    if node and name:
        print(f"python binding benchmark: {n} calls of echo (32 bytes, call framing) "
              f"per client against {name} on {node}, {rounds} rounds")
        added = []
        for i in range(1, rounds + 1):
            cp, cm, _ = c_client(peer, node, n, None, name)
            pp, pm, _ = python_client(node, n, name)
            print(f"round {i}: C p50 {cp:.1f} us mean {cm:.1f} us; "
                  f"Python p50 {pp:.1f} us mean {pm:.1f} us; added p50 {pp - cp:.1f} us")
            added.append(pp - cp)
        print(f"added per call (p50, median of rounds): {statistics.median(added):.1f} us")
        return
    print(f"python binding benchmark: {n} calls of echo (32 bytes, call framing, "
          f"unix socket, C server) per client, {rounds} rounds")
    print("p50/mean: wall-clock round trip; cpu: the client process's CPU time per call")
    print(f"{'CPUs':<7} {'round':>5} {'C p50':>7} {'Py p50':>7} {'added':>6}"
          f" {'C mean':>7} {'Py mean':>7} {'added':>6} {'C cpu':>6} {'Py cpu':>6} {'added':>6}")
    for label, cpu in (("any", None), ("pinned", 0)):
        added, added_cpu = [], []
        for i, ((cp, cm, cc), (pp, pm, pc)) in enumerate(run(peer, n, rounds, cpu), 1):
            print(f"{label:<7} {i:>5} {cp:>7.2f} {pp:>7.2f} {pp - cp:>6.2f}"
                  f" {cm:>7.2f} {pm:>7.2f} {pm - cm:>6.2f} {cc:>6.2f} {pc:>6.2f} {pc - cc:>6.2f}")
            added.append(pp - cp)
            added_cpu.append(pc - cc)
        print(f"{label:<7} added per call, median of rounds: p50 {statistics.median(added):.2f} us,"
              f" client CPU {statistics.median(added_cpu):.2f} us")
    print(f"the Python timing loop alone (len() instead of call()): p50 {loop_alone(n):.2f} us")


if __name__ == "__main__":
    main()
