# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""await ch.call_async(): librpc's async calls completed into the loop."""
import asyncio
import threading

import pytest

import alp_rpc


def test_call_async(ch):
    async def main():
        return await ch.call_async("echo", b"async")
    assert asyncio.run(main()) == b"async"


def test_call_async_many_in_flight(ch):
    async def main():
        calls = [ch.call_async("echo", str(i).encode()) for i in range(200)]
        return await asyncio.gather(*calls)
    assert asyncio.run(main()) == [str(i).encode() for i in range(200)]


def test_call_async_errors(ch):
    async def main():
        with pytest.raises(alp_rpc.RemoteFailure) as e:
            await ch.call_async("fail", b"async")
        assert e.value.diagnostic == b"fail: async"
        with pytest.raises(alp_rpc.NoSuchMethod):
            await ch.call_async("nothere")
        with pytest.raises(TimeoutError):
            await ch.call_async("slow", b"400", timeout=0.05)
        with pytest.raises(alp_rpc.InvalidArgument):
            await ch.call_async("bad name")
        with pytest.raises(TypeError):
            await ch.call_async(b"echo")
    asyncio.run(main())


def test_call_async_completes_in_the_loop_thread(ch):
    async def main():
        loop_thread = threading.get_ident()
        fut_threads = []
        t = asyncio.ensure_future(ch.call_async("echo", b"x"))
        t.add_done_callback(lambda f: fut_threads.append(threading.get_ident()))
        await t
        await asyncio.sleep(0)
        return loop_thread, fut_threads
    loop_thread, fut_threads = asyncio.run(main())
    assert fut_threads == [loop_thread]


def test_call_async_cancelled_and_closed(peer):
    ch = alp_rpc.Channel("pytest", peer.node)

    async def main():
        t = asyncio.ensure_future(ch.call_async("slow", b"300", timeout=2))
        await asyncio.sleep(0.05)
        t.cancel()
        with pytest.raises(asyncio.CancelledError):
            await t
        pending = asyncio.ensure_future(ch.call_async("slow", b"1000", timeout=5))
        await asyncio.sleep(0.05)
        ch.close()  # completes the pending call with NotReady
        with pytest.raises(alp_rpc.NotReady):
            await pending
        with pytest.raises(alp_rpc.NotReady):
            await ch.call_async("echo")
    asyncio.run(main())


def test_call_async_loop_gone(peer):
    """A completion for a loop that has closed meanwhile is dropped quietly."""
    ch = alp_rpc.Channel("pytest", peer.node)
    loop = asyncio.new_event_loop()

    async def start():
        asyncio.ensure_future(ch.call_async("slow", b"200", timeout=2))
        await asyncio.sleep(0.01)
    loop.run_until_complete(start())
    loop.close()
    assert ch.call("slow", b"300", timeout=2) == b"slept"
    ch.close()


def test_async_from_a_callback(pair):
    """call_async may be used where call() would be Busy: in a callback."""
    server, client = pair
    server.serve("echo", lambda r: r)

    async def main():
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        @client.subscribe("kick")
        def kick(data):
            with pytest.raises(alp_rpc.Busy):
                client.call("echo", b"sync")
            client._call_async("echo", b"from callback", 1.0, loop, done)
        server.send("kick")
        return await asyncio.wait_for(done, 5)
    assert asyncio.run(main()) == b"from callback"


def test_subscribe_feeding_an_asyncio_queue(ch):
    async def main():
        loop = asyncio.get_running_loop()
        q = asyncio.Queue()
        ch.subscribe("event", lambda d: loop.call_soon_threadsafe(q.put_nowait, d))
        await ch.call_async("publish", b"3")
        return [await asyncio.wait_for(q.get(), 5) for _ in range(3)]
    assert asyncio.run(main()) == [b"0", b"1", b"2"]
