# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (c) 2026 The rpmsg-rpc authors
"""librpc for Python: framed RPC over RPMsg between Linux and a remote core.

    import alp_rpc

    with alp_rpc.Channel("alp_default_rpmsg") as ch:
        print(ch.call("version"))                 # b'alp-demo-firmware 1.0 ...'

        @ch.subscribe("temperature")
        def on_temperature(data: bytes) -> None:
            print(struct.unpack("<f", data)[0])

        @ch.serve("ping")
        def ping(data: bytes) -> bytes:
            return b"pong"

A Channel is one librpc channel (<alp/rpc.h>); Device is the device level
(<alp/rpc_device.h>): remotes, their channels and endpoints, endpoint
creation, and events. Errors are subclasses of alp_rpc.Error, one per
ALP_ERR_* code; timeouts are also the built-in TimeoutError.

Callbacks (subscriptions, handlers) run on librpc's poll thread of the
channel, one at a time, holding the GIL; an exception they raise is reported
through sys.unraisablehook. See docs/python.md in the rpmsg-rpc sources.
"""
from __future__ import annotations

import asyncio
import atexit
import dataclasses
import enum
from typing import AsyncIterator, Callable, Iterator, Optional, TypeVar

from . import _core
from ._core import (Busy, Error, InvalidArgument, MessageTooLarge, NoSuchMethod,
                    NotReady, NotSupported, OutOfMemory, PermissionDenied,
                    ProtocolError, RemoteFailure, Timeout, TransportError,
                    event_name, state_name, strerror)

__all__ = [
    "Channel", "Stats", "Device", "Monitor", "Remote", "RemoteChannel", "Endpoint",
    "Event", "EventType", "EventObject", "EventAction", "EndpointState", "Backend", "ADDR_ANY",
    "Error", "InvalidArgument", "OutOfMemory", "NotReady", "NotSupported", "Timeout",
    "TransportError", "MessageTooLarge", "Busy", "NoSuchMethod", "RemoteFailure",
    "ProtocolError", "PermissionDenied", "strerror", "event_name", "state_name",
]

__version__ = "1.1.0"

#: "No address" / "any address" (the kernel's RPMSG_ADDR_ANY).
ADDR_ANY = 0xFFFFFFFF

F = TypeVar("F", bound=Callable)


def _register(setter: Callable, fn: Optional[F]):
    """setter(fn) now and return fn, or (fn None) a decorator that does."""
    if fn is None:
        def decorate(f: F) -> F:
            setter(f)
            return f
        return decorate
    setter(fn)
    return fn


def _complete(fut: asyncio.Future, ok: bool, value) -> None:
    # Runs in the future's loop (call_soon_threadsafe from librpc's poll thread).
    if fut.done():  # cancelled meanwhile
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


_core._set_helpers(_complete)
# Before the interpreter finalizes: no channel (poll thread) may outlive it.
atexit.register(_core._close_all)


@dataclasses.dataclass(frozen=True)
class Stats:
    """A channel's counters (alp_rpc_stats_t), as Channel.stats() read them."""
    tx_frames: int
    tx_bytes: int
    rx_frames: int
    rx_bytes: int
    rx_malformed: int
    rx_oversize: int
    rx_unmatched_reply: int
    rx_unhandled: int
    calls_ok: int
    calls_failed: int
    calls_timeout: int
    link_down: int
    link_up: int
    replies_failed: int
    rx_dropped: int


class Channel(_core.Channel):
    """A librpc channel to a peer (the remote core, or a socket peer).

    Channel(name, node=None, *, framing="call", src=0, dst=0,
            open_timeout=5.0, fd=None, paused=False)

    name:    the rpmsg channel (endpoint) name, e.g. "alp_default_rpmsg".
    node:    None to find the channel by name (udev); or "/dev/rpmsg_rpcN",
             "/dev/rpmsg_rpc_ctrlN", "/dev/rpmsgN", "/dev/rpmsg_ctrlN",
             "unix:PATH", "unix-listen:PATH" (see docs/librpc.md).
    framing: "call" (request ids, statuses, async calls; the default here),
             "text" (the reference's "<method>\\0<payload>"), or "raw".
    src/dst: rpmsg addresses; 0 for librpc's defaults (bind by name).
    open_timeout: seconds to wait for the node or peer; None: forever.
    fd:      an already connected message-preserving socket or node (any
             object with fileno()); the channel uses a duplicate of it.
    paused:  read nothing until resume(), so that callbacks registered in
             between see the peer's first frames.

    Use it as a context manager, or call close(). Every method is
    thread-safe; blocking ones release the GIL.
    """

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("up" if self.connected else "down")
        return f"<alp_rpc.Channel framing={self.framing} {state}>"

    async def call_async(self, method: str, data: bytes = b"",
                         timeout: Optional[float] = 1.0) -> bytes:
        """Call method without blocking the event loop; returns the reply.

        librpc's asynchronous call; its completion (on the channel's poll
        thread) is handed to the running loop with call_soon_threadsafe.
        No thread of our own. Needs framing="call". Cancelling the awaiting
        task abandons the reply (librpc still counts it)."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._call_async(method, bytes(data), timeout, loop, fut)
        return await fut

    def subscribe(self, method: str, fn: Optional[Callable[[bytes], object]] = None):
        """Call fn(data: bytes) for every frame of method the peer sends.

        Replaces an earlier subscription of method. Without fn, returns a
        decorator:  @ch.subscribe("temperature")  def on_t(data): ...
        fn runs on the channel's poll thread; what it raises is reported
        through sys.unraisablehook. At most 16 methods per channel."""
        return _register(lambda f: self._subscribe(method, f), fn)

    def serve(self, method: str, fn: Optional[Callable[[bytes], Optional[bytes]]] = None):
        """Answer the peer's calls of method with fn(request: bytes) -> bytes.

        Return bytes (or None for an empty reply). Raise an alp_rpc.Error to
        answer with an error status: NoSuchMethod, ProtocolError, Timeout
        give theirs, any other Error RemoteFailure; its text (or the
        diagnostic it carries) goes to the caller. Any other exception is a
        bug: the caller gets RemoteFailure with "Type: text" and the
        exception is reported through sys.unraisablehook. Without fn,
        returns a decorator. At most 16 methods per channel."""
        return _register(lambda f: self._serve(method, f), fn)

    def on_message(self, fn: Optional[Callable[[str, bytes], object]] = None):
        """Call fn(method, data) for frames no subscription took (replaces an
        earlier one; remove_on_message() removes it). Without fn, returns a
        decorator: @ch.on_message()"""
        return _register(self._on_message, fn)

    def remove_on_message(self) -> None:
        """Remove the catch-all callback."""
        self._on_message(None)

    def on_raw(self, fn: Optional[Callable[[bytes], object]] = None):
        """framing="raw" only: call fn(message) for every message as read
        (remove_on_raw() removes it). Without fn, returns a decorator."""
        return _register(self._on_raw, fn)

    def remove_on_raw(self) -> None:
        """Remove the raw callback."""
        self._on_raw(None)

    def stats(self) -> Stats:
        """The channel's counters now."""
        return Stats(*self._stats())


# ---- the device level -----------------------------------------------------------

class Backend(enum.IntEnum):
    """Which kernel interface a control node or endpoint belongs to."""
    NONE = 0
    RPMSG_RPC = 1
    RPMSG_CHAR = 2


class EndpointState(enum.IntEnum):
    """An endpoint's state (our driver's values)."""
    UNBOUND = 0
    BOUND = 1
    WAITING = 2
    WITHDRAWN = 3
    DEAD = 4
    UNKNOWN = 255


class EventType(enum.IntEnum):
    """What a device event means (ALP_RPC_DEV_EVENT_*)."""
    OTHER = 0
    REMOTE_STATE = 1
    REMOTE_UP = 2
    REMOTE_DOWN = 3
    REMOTE_CRASHED = 4
    CHANNEL_ANNOUNCED = 5
    CHANNEL_WITHDRAWN = 6
    ENDPOINT_CREATED = 7
    ENDPOINT_DESTROYED = 8

    def __str__(self) -> str:
        return event_name(self.value)


class EventObject(enum.IntEnum):
    """What kind of device an event is about (ALP_RPC_DEV_OBJ_*)."""
    REMOTEPROC = 1
    CONTROL = 2
    CHANNEL = 3
    ENDPOINT = 4


class EventAction(enum.IntEnum):
    """The kernel's action (ALP_RPC_DEV_ACTION_*)."""
    ADD = 1
    REMOVE = 2
    CHANGE = 3


def _enum(cls, v):
    try:
        return cls(v)
    except ValueError:
        return v


@dataclasses.dataclass(frozen=True)
class RemoteChannel:
    """A channel a remote announced (name service)."""
    name: str
    addr: int


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One of our endpoints on a remote, with its statistics."""
    name: str
    node: str
    backend: Backend
    index: int
    src: int
    dst: int
    mtu: int
    state: EndpointState
    flags: int
    rxq_depth: int
    rxq_limit: int
    rx_msgs: int
    rx_bytes: int
    rx_drops: int
    tx_msgs: int
    tx_bytes: int
    tx_busy: int

    @classmethod
    def _from(cls, d: dict) -> Endpoint:
        d = dict(d)
        d["backend"] = _enum(Backend, d["backend"])
        d["state"] = _enum(EndpointState, d["state"])
        return cls(**d)


@dataclasses.dataclass(frozen=True)
class Remote:
    """A remote processor: its remoteproc, control nodes, and (from
    Device.remotes()) the channels it announced and our endpoints on it."""
    rproc: str
    name: str
    state: str
    control: str
    char_control: str
    transport: str
    backend: Backend
    flags: int
    list_status: int
    sys_errno: int
    n_channels: int
    n_endpoints: int
    channels: tuple = ()
    endpoints: tuple = ()

    @classmethod
    def _from(cls, d: dict) -> Remote:
        d = dict(d)
        d["backend"] = _enum(Backend, d["backend"])
        d["channels"] = tuple(RemoteChannel(**c) for c in d.get("channels", ()))
        d["endpoints"] = tuple(Endpoint._from(e) for e in d.get("endpoints", ()))
        return cls(**d)


@dataclasses.dataclass(frozen=True)
class Event:
    """A device event: a remote coming up, crashing, a channel announced..."""
    type: EventType
    object: EventObject
    backend: Backend
    action: EventAction
    src: int
    dst: int
    device: str
    name: str
    rproc: str
    state: str

    @classmethod
    def _from(cls, d: dict) -> Event:
        d = dict(d)
        d["type"] = _enum(EventType, d["type"])
        d["object"] = _enum(EventObject, d["object"])
        d["action"] = _enum(EventAction, d["action"])
        d["backend"] = _enum(Backend, d["backend"])
        return cls(**d)


class Monitor:
    """Device events from now on: an iterator and an async iterator.

        with dev.monitor() as mon:
            for ev in mon:                 # blocks; Ctrl-C interrupts
                print(ev.type, ev.device)

        async for ev in dev.monitor():     # loop.add_reader on its fd
            ...
    """

    def __init__(self, core) -> None:
        self._m = core

    def fileno(self) -> int:
        """An fd that becomes readable when an event may be pending."""
        return self._m.fileno()

    def read(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, or None if none came within timeout seconds
        (None: wait for ever; 0: only what is pending)."""
        d = self._m._read(timeout)
        return None if d is None else Event._from(d)

    def close(self) -> None:
        """Stop watching."""
        self._m.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        return self.read(None)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        ev = self.read(0)
        if ev is not None:
            return ev
        loop = asyncio.get_running_loop()
        fd = self.fileno()
        while True:
            fut = loop.create_future()
            loop.add_reader(fd, lambda: fut.done() or fut.set_result(None))
            try:
                await fut
            finally:
                loop.remove_reader(fd)
            ev = self.read(0)
            if ev is not None:
                return ev


class Device(_core.Device):
    """The device level of librpc: remotes, channels, endpoints, events.

    Device(*, sysfs_root=None, dev_root=None); the roots replace /sys and
    /dev for tests only. Opens nothing by itself."""

    def backends(self) -> frozenset:
        """The backends whose kernel driver is loaded (a set of Backend)."""
        m = self._backends()
        return frozenset(b for b in (Backend.RPMSG_RPC, Backend.RPMSG_CHAR) if m & (1 << b))

    def remotes(self) -> list:
        """A snapshot of every remote with its channels and endpoints."""
        return [Remote._from(d) for d in self._remotes()]

    def find_remote(self, which: Optional[str] = None) -> Remote:
        """One remote: a control node (path, name or number), "remoteprocN"
        or a remote's name; None: the only one that is up. NotReady if there
        is none; InvalidArgument if which is None and several are up."""
        return Remote._from(self._find_remote(which))

    def node_endpoint(self, path: str) -> Endpoint:
        """What endpoint the device node path is."""
        return Endpoint._from(self._node_endpoint(path))

    def create_endpoint(self, name: str, remote: Optional[str] = None, *,
                        src: int = ADDR_ANY, dst: int = ADDR_ANY,
                        announce: bool = False, bind_by_name: bool = False,
                        backend: Backend = Backend.NONE) -> Endpoint:
        """Create an endpoint with a node on remote (as for find_remote()).
        It lives until destroy_endpoint(ep.node) or the remote goes away.
        Busy: src in use; PermissionDenied; NotSupported (a flag rpmsg_char
        lacks); InvalidArgument. .errno says why."""
        return Endpoint._from(self._create(remote, name, _ept_flags(announce, bind_by_name),
                                           src, dst, int(backend), False))

    def create_endpoint_fd(self, name: str, remote: Optional[str] = None, *,
                           src: int = ADDR_ANY, dst: int = ADDR_ANY,
                           announce: bool = False, bind_by_name: bool = False) -> tuple:
        """The same without a node: returns (fd, Endpoint); the fd is the
        endpoint (gone when closed) and can be given to Channel(fd=...).
        Our driver only."""
        fd, d = self._create(remote, name, _ept_flags(announce, bind_by_name) | (1 << 9),
                             src, dst, int(Backend.RPMSG_RPC), True)
        return fd, Endpoint._from(d)

    def monitor(self) -> Monitor:
        """Start watching device events (from this moment on)."""
        return Monitor(self._monitor())


def _ept_flags(announce: bool, bind_by_name: bool) -> int:
    return (1 if announce else 0) | (2 if bind_by_name else 0)
