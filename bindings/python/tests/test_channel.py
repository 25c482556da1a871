# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""alp_rpc.Channel against the C librpc peer (tests/peer.c)."""
import gc
import sys
import threading
import time

import pytest

import alp_rpc
from conftest import wait_until


def test_call_echo(ch):
    assert ch.call("echo", b"hello") == b"hello"
    assert ch.call("echo") == b""
    assert ch.call(method="echo", data=bytearray(b"ba"), timeout=2) == b"ba"
    assert ch.call("echo", memoryview(b"mv")) == b"mv"


def test_call_largest_payload(ch):
    # call frame header: 8 bytes + method + NUL; the rest is payload. Above
    # one frame the call and its reply travel in fragments, up to max_msg.
    n = ch.mtu - 8 - len("echo") - 1
    big = bytes(range(256)) * (ch.max_msg // 256 + 1)
    assert ch.call("echo", big[:n]) == big[:n]
    assert ch.call("echo", big[:n + 1]) == big[:n + 1]
    n = ch.max_msg - 8 - len("echo") - 1
    assert ch.call("echo", big[:n]) == big[:n]
    with pytest.raises(alp_rpc.MessageTooLarge):
        ch.call("echo", big[:n + 1])


def test_peer_error_carries_diagnostic(ch):
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        ch.call("fail", b"sensor 3")
    assert e.value.diagnostic == b"fail: sensor 3"
    assert e.value.status == -10
    assert "fail: sensor 3" in str(e.value)
    assert isinstance(e.value, alp_rpc.Error)


def test_no_such_method(ch):
    with pytest.raises(alp_rpc.NoSuchMethod) as e:
        ch.call("nothere")
    assert e.value.status == -9 and e.value.diagnostic is None


def test_timeout_is_builtin_timeout_error(ch):
    t0 = time.monotonic()
    with pytest.raises(TimeoutError) as e:
        ch.call("slow", b"500", timeout=0.1)
    assert isinstance(e.value, alp_rpc.Timeout)
    assert e.value.status == -5
    assert time.monotonic() - t0 < 0.45
    assert ch.stats().calls_timeout == 1


def test_bad_arguments(ch):
    with pytest.raises(TypeError):
        ch.call()
    with pytest.raises(TypeError):
        ch.call(b"echo")
    with pytest.raises(TypeError):
        ch.call("echo", "not bytes")
    with pytest.raises(TypeError):
        ch.call("echo", b"", 1.0, 4)
    with pytest.raises(TypeError):
        ch.call("echo", bogus=1)
    with pytest.raises(TypeError):
        ch.call("echo", b"", data=b"")
    with pytest.raises(ValueError):
        ch.call("echo", timeout=-1)
    with pytest.raises(TypeError):
        ch.call("echo", timeout="1")
    with pytest.raises(alp_rpc.InvalidArgument):
        ch.call("bad method!")
    with pytest.raises(ValueError):  # InvalidArgument is a ValueError
        ch.send("x" * 40)
    with pytest.raises(TypeError):
        ch.subscribe("m", 42)
    with pytest.raises(TypeError):
        ch.serve("m", "not callable")
    with pytest.raises(alp_rpc.InvalidArgument):
        ch.subscribe("bad name", print)
    with pytest.raises(TypeError):
        ch.send_raw("str")


def test_open_errors(tmp_path):
    with pytest.raises(ValueError):
        alp_rpc.Channel("x", "unix:/nonexistent", framing="binary")
    with pytest.raises(alp_rpc.InvalidArgument):
        alp_rpc.Channel("bad name", "unix:/x")
    with pytest.raises(alp_rpc.InvalidArgument):
        alp_rpc.Channel("x", "nosuchscheme:/x")
    t0 = time.monotonic()
    with pytest.raises(alp_rpc.NotReady):
        alp_rpc.Channel("x", "unix:" + str(tmp_path / "absent"), open_timeout=0.2)
    assert time.monotonic() - t0 < 2
    with pytest.raises(ValueError):
        alp_rpc.Channel("x", "unix:/x", open_timeout=-1)
    with pytest.raises(TypeError):
        alp_rpc.Channel()
    with pytest.raises(ValueError):
        alp_rpc.Channel("x", "unix:/x", fd=0)
    with open(tmp_path / "file", "w") as f:  # a regular file keeps no message boundaries
        with pytest.raises(alp_rpc.InvalidArgument):
            alp_rpc.Channel("x", fd=f)


def test_closed_channel(peer):
    ch = alp_rpc.Channel("pytest", peer.node)
    assert not ch.closed
    ch.close()
    ch.close()  # twice is fine
    assert ch.closed and not ch.connected
    for f in (lambda: ch.call("echo"), lambda: ch.send("echo"), lambda: ch.subscribe("e", print),
              lambda: ch.stats(), lambda: ch.mtu, lambda: ch.resume()):
        with pytest.raises(alp_rpc.NotReady):
            f()
    assert "closed" in repr(ch)


def test_send_and_subscribe(ch):
    got = []
    done = threading.Event()

    @ch.subscribe("event")
    def on_event(data):
        got.append(data)
        if len(got) == 5:
            done.set()
    assert on_event.__name__ == "on_event"  # the decorator returns the function
    assert ch.call("publish", b"5") == b"published"
    assert done.wait(5)
    assert got == [b"0", b"1", b"2", b"3", b"4"]
    ch.unsubscribe("event")
    ch.unsubscribe("event")  # no error when there is none
    ch.call("publish", b"3")
    assert wait_until(lambda: ch.stats().rx_unhandled >= 3)
    assert len(got) == 5


def test_subscribe_replaces_and_table_full(ch):
    a, b = [], []
    ch.subscribe("event", a.append)
    ch.subscribe("event", b.append)
    ch.call("publish", b"2")
    assert wait_until(lambda: len(b) == 2)
    assert a == []
    for i in range(alp_rpc._core.SUBSCRIBE_MAX - 1):
        ch.subscribe(f"m{i}", print)
    with pytest.raises(alp_rpc.OutOfMemory):
        ch.subscribe("one_too_many", print)
    ch.unsubscribe("m0")
    ch.subscribe("one_too_many", print)  # the freed slot is reused


def test_on_message_catch_all(ch):
    got = []

    @ch.on_message()
    def anything(method, data):
        got.append((method, data))
    ch.call("publish", b"2")
    assert wait_until(lambda: len(got) == 2)
    assert got == [("event", b"0"), ("event", b"1")]
    ch.remove_on_message()


def test_send_one_way(pair):
    server, client = pair
    got = threading.Event()
    server.subscribe("note", lambda d: got.set() if d == b"x" else None)
    client.send("note", b"x")
    assert got.wait(5)
    assert client.stats().tx_frames == 1


def test_callback_exception_is_reported(ch, unraisable):
    def broken(data):
        raise ZeroDivisionError("bad callback")
    ch.subscribe("event", broken)
    ch.call("publish", b"3")
    assert wait_until(lambda: len(unraisable) == 3)
    assert all(isinstance(u.exc_value, ZeroDivisionError) for u in unraisable)
    assert unraisable[0].object is broken
    assert ch.call("echo", b"still fine") == b"still fine"


def test_serve(pair):
    server, client = pair

    @server.serve("double")
    def double(req):
        return req * 2

    @server.serve("none")
    def none(req):
        return None

    @server.serve("refuse")
    def refuse(req):
        raise alp_rpc.RemoteFailure("not today")

    @server.serve("gone")
    def gone(req):
        raise alp_rpc.NoSuchMethod()

    @server.serve("badpkt")
    def badpkt(req):
        raise alp_rpc.ProtocolError("malformed")

    @server.serve("late")
    def late(req):
        raise alp_rpc.Timeout("sensor timeout")

    assert client.call("double", b"ab") == b"abab"
    assert client.call("none") == b""
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        client.call("refuse")
    assert e.value.diagnostic == b"not today"
    with pytest.raises(alp_rpc.NoSuchMethod):
        client.call("gone")
    with pytest.raises(alp_rpc.ProtocolError) as e:
        client.call("badpkt")
    assert e.value.diagnostic == b"malformed"
    with pytest.raises(TimeoutError) as e:
        client.call("late")
    assert e.value.diagnostic == b"sensor timeout"
    server.unserve("double")
    with pytest.raises(alp_rpc.NoSuchMethod):
        client.call("double")


def test_serve_handler_bugs_are_reported_and_answered(pair, unraisable):
    server, client = pair
    server.serve("div", lambda req: 1 // 0)
    server.serve("wrongtype", lambda req: "a str")
    server.serve("huge", lambda req: b"x" * (server.max_msg + 1))
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        client.call("div")
    assert e.value.diagnostic == b"ZeroDivisionError: integer division or modulo by zero"
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        client.call("wrongtype")
    assert b"must return bytes or None" in e.value.diagnostic
    with pytest.raises(alp_rpc.RemoteFailure) as e:
        client.call("huge")
    assert b"exceeds" in e.value.diagnostic
    assert [type(u.exc_value) for u in unraisable] == [ZeroDivisionError, TypeError, ValueError]


def test_serve_called_by_the_c_peer(ch):
    """The C peer calls our handler (async, from its own handler)."""
    answers = []
    ch.subscribe("answer", answers.append)
    ch.serve("upper", lambda req: req.upper())
    ch.serve("oops", lambda req: (_ for _ in ()).throw(alp_rpc.RemoteFailure("no way")))
    assert ch.call("ask", b"upper:abc") == b"0"
    assert ch.call("ask", b"oops:") == b"0"
    assert ch.call("ask", b"nothere:") == b"0"
    assert wait_until(lambda: len(answers) == 3)
    assert answers == [b"0:ABC", b"-10:no way", b"-9:"]


def test_text_framing(text_peer):
    with alp_rpc.Channel("pytest", text_peer.node, framing="text") as ch:
        assert ch.framing == "text"
        assert ch.call("echo", b"text!") == b"text!"
        with pytest.raises(alp_rpc.NotSupported):
            ch._call_async("echo", b"", 1.0, None, None)
        with pytest.raises(TimeoutError):  # text framing: a failing server sends nothing
            ch.call("fail", b"x", timeout=0.2)


def test_raw_framing(pair):
    server, client = pair
    import socket
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with a, b, alp_rpc.Channel("raw", fd=a, framing="raw") as r1, \
            alp_rpc.Channel("raw", fd=b, framing="raw") as r2:
        got = []
        r2.on_raw(got.append)
        r1.send_raw(b"\x00\x01 anything")
        assert wait_until(lambda: got == [b"\x00\x01 anything"])
        with pytest.raises(alp_rpc.NotSupported):
            r1.subscribe("x", print)
        with pytest.raises(alp_rpc.NotSupported):
            r1.send("x")
        r2.remove_on_raw()
    with pytest.raises(alp_rpc.NotSupported):
        client.on_raw(print)


def test_paused_open_keeps_first_frames():
    import socket
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with a, b, alp_rpc.Channel("p", fd=a) as talker:
        talker.send("hello", b"1")
        talker.send("hello", b"2")
        with alp_rpc.Channel("p", fd=b, paused=True) as ch:
            got = []
            ch.subscribe("hello", got.append)
            with pytest.raises(alp_rpc.NotReady):
                ch.call("x")  # nobody reads before resume
            ch.resume()
            assert wait_until(lambda: got == [b"1", b"2"])


def test_properties_and_stats(ch):
    assert ch.connected
    ch.wait_connected(1)
    assert ch.mtu == 496
    src, dst = ch.addresses
    assert isinstance(src, int) and isinstance(dst, int)
    ch.call("echo", b"1234")
    st = ch.stats()
    assert isinstance(st, alp_rpc.Stats)
    assert st.calls_ok == 1 and st.tx_frames == 1 and st.rx_frames == 1 and st.link_up == 1
    import dataclasses
    assert dataclasses.asdict(st)["calls_ok"] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.calls_ok = 5
    assert "up" in repr(ch)


def test_peer_goes_away(peer):
    ch = alp_rpc.Channel("pytest", peer.node)
    assert ch.call("echo", b"x") == b"x"
    peer.stop()
    assert wait_until(lambda: not ch.connected)
    with pytest.raises(alp_rpc.NotReady):
        ch.call("echo", b"x")
    with pytest.raises(ConnectionError):
        ch.send("echo", b"x")
    with pytest.raises(alp_rpc.Timeout):
        ch.wait_connected(0.05)
    assert ch.stats().link_down == 1
    ch.close()


def test_close_from_callback(pair):
    server, client = pair
    closed = threading.Event()

    @server.subscribe("bye")
    def bye(data):
        server.close()  # on its own poll thread: must not deadlock
        closed.set()
    client.send("bye")
    assert closed.wait(5)
    assert server.closed
    assert wait_until(lambda: not client.connected)


def test_close_from_handler_and_call_from_callback(pair):
    server, client = pair
    result = {}

    @server.serve("nested")
    def nested(req):
        try:
            server.call("x")
        except alp_rpc.Busy as e:
            result["busy"] = e
        server.close()
        return b"closed"
    try:  # the reply may or may not be written before the channel goes
        assert client.call("nested", timeout=2) == b"closed"
    except alp_rpc.NotReady:
        pass
    assert server.closed
    assert isinstance(result["busy"], alp_rpc.Busy)


def test_close_while_other_threads_call(peer):
    ch = alp_rpc.Channel("pytest", peer.node)
    errors = []
    started = threading.Barrier(5)

    def caller():
        started.wait()
        try:
            ch.call("slow", b"2000", timeout=10)
        except alp_rpc.Error as e:
            errors.append(e)
    ts = [threading.Thread(target=caller) for _ in range(4)]
    for t in ts:
        t.start()
    started.wait()
    time.sleep(0.2)
    t0 = time.monotonic()
    ch.close()
    for t in ts:
        t.join()
    assert time.monotonic() - t0 < 5
    assert len(errors) == 4 and all(isinstance(e, alp_rpc.NotReady) for e in errors)


def test_many_threads(ch):
    n_threads, n_calls = 16, 200
    errors = []

    def worker(k):
        try:
            for i in range(n_calls):
                data = f"{k}:{i}".encode()
                assert ch.call("echo", data, timeout=10) == data
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert ch.stats().calls_ok == n_threads * n_calls


def test_many_threads_subscribe_while_calling(pair):
    server, client = pair
    server.serve("echo", lambda r: r)
    stop = threading.Event()
    errors = []

    def churn():
        i = 0
        while not stop.is_set():
            try:
                client.subscribe("x", lambda d: None)
                client.unsubscribe("x")
                server.serve("e2", lambda r: r)
                server.unserve("e2")
            except BaseException as e:  # pragma: no cover
                errors.append(e)
            i += 1

    def calls():
        try:
            for _ in range(300):
                assert client.call("echo", b"z", timeout=10) == b"z"
        except BaseException as e:  # pragma: no cover
            errors.append(e)
    ts = [threading.Thread(target=churn) for _ in range(2)] + \
        [threading.Thread(target=calls) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts[2:]:
        t.join()
    stop.set()
    for t in ts[:2]:
        t.join()
    assert errors == []


def test_garbage_channel_with_cycle_is_closed(peer):
    ch = alp_rpc.Channel("pytest", peer.node)
    ch.subscribe("event", lambda d: ch.stats())  # ch -> slot -> lambda -> ch
    ref = __import__("weakref").ref(ch)
    del ch
    gc.collect()
    assert ref() is None


def test_rpcctl_serve(rpcctl_serve):
    srv = rpcctl_serve("--framing", "call", "--method", "echo", "--method", "boom",
                       "--fail", "boom", "--method", "hang", "--ignore", "hang")
    with alp_rpc.Channel("rpcctl", srv.node) as ch:
        assert ch.call("echo", b"via rpcctl") == b"via rpcctl"
        with pytest.raises(alp_rpc.RemoteFailure) as e:
            ch.call("boom")
        assert e.value.diagnostic == b"boom failed (rpcctl serve --fail)"
        with pytest.raises(alp_rpc.NoSuchMethod):
            ch.call("other")
        with pytest.raises(TimeoutError):
            ch.call("hang", timeout=0.2)


def test_rpcctl_serve_text(rpcctl_serve):
    srv = rpcctl_serve()
    with alp_rpc.Channel("rpcctl", srv.node, framing="text") as ch:
        assert ch.call("anything", b"reflected") == b"reflected"


def test_help_and_exceptions():
    import inspect
    assert str(inspect.signature(alp_rpc.Channel.call)) == "(self, /, method, data=b'', timeout=1.0)"
    assert "Timeout" in alp_rpc.Channel.call.__doc__
    assert "Channel(name" in alp_rpc.Channel.__doc__
    assert alp_rpc.Channel.subscribe.__doc__ and alp_rpc.Device.__doc__
    for cls in (alp_rpc.InvalidArgument, alp_rpc.OutOfMemory, alp_rpc.NotReady,
                alp_rpc.NotSupported, alp_rpc.Timeout, alp_rpc.TransportError,
                alp_rpc.MessageTooLarge, alp_rpc.Busy, alp_rpc.NoSuchMethod,
                alp_rpc.RemoteFailure, alp_rpc.ProtocolError, alp_rpc.PermissionDenied):
        assert issubclass(cls, alp_rpc.Error) and cls.__doc__.startswith("ALP_ERR_")
        assert alp_rpc.strerror(cls.status)
    assert issubclass(alp_rpc.Timeout, TimeoutError)
    assert issubclass(alp_rpc.PermissionDenied, PermissionError)
    assert alp_rpc.strerror(0)


def test_close_waits_for_a_running_callback(pair):
    server, client = pair
    started, finished = threading.Event(), threading.Event()

    @server.subscribe("slow")
    def slow(data):
        started.set()
        time.sleep(0.3)
        finished.set()
    client.send("slow")
    assert started.wait(5)
    server.close()  # from another thread: joins the poll thread, which needs the GIL
    assert finished.is_set()


def test_no_callback_starts_once_close_began(pair, unraisable):
    """A callback waiting for the GIL when close() begins does not run: it
    would find its own channel closed (the failure of test_exit's "cycles"
    script on a loaded machine)."""
    server, client = pair
    ran = []
    closing = False

    def cb(data):
        ran.append(closing)
        server.stats()  # raises once the channel is closed
    server.subscribe("m", cb)
    old = sys.getswitchinterval()
    sys.setswitchinterval(100)  # this thread keeps the GIL until it blocks
    try:
        client.send("m")
        # The poll thread reads the frame and waits for the GIL meanwhile.
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            pass
        closing = True
        server.close()
    finally:
        sys.setswitchinterval(old)
    assert True not in ran
    assert not unraisable


def test_replace_and_remove_while_running(pair):
    server, client = pair
    got = []
    running = threading.Event()

    def first(data):
        running.set()
        time.sleep(0.2)
        got.append(("first", data))
    server.subscribe("m", first)
    client.send("m", b"1")
    assert running.wait(5)
    server.subscribe("m", lambda d: got.append(("second", d)))  # while first runs
    client.send("m", b"2")
    assert wait_until(lambda: len(got) == 2)
    assert got == [("first", b"1"), ("second", b"2")]
    server.unsubscribe("m")
    server.subscribe("other", lambda d: got.append(("other", d)))  # may reuse the slot
    client.send("m", b"3")
    client.send("other", b"4")
    assert wait_until(lambda: len(got) == 3)
    assert got[2] == ("other", b"4")
