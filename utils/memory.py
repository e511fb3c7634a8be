"""Give the memory of closed sockets back to the system (issue 12).

When many sockets close, the objects they held are freed, but the process stays
at its peak size. CPython's allocator (pymalloc) gives back only arenas (1 MiB)
that are wholly empty, and glibc only free pages: one object that outlives the
burst in an arena or page keeps all of it. Measured at 1,000 sockets
(`sys._debugmallocstats()`): 46 arenas before they connected, 72 while they were
connected and still 72 after they all left, with 45 MB in use before and after.
The memory kept is that, not live objects.

So the release is what can be given back: after a burst of disconnects
(coalesced: one pass RELEASE_DELAY seconds after the first of them), a
collection breaks the cycles a socket leaves behind and glibc's
`malloc_trim(0)` returns the free pages (bench: RSS kept after 1,000 sockets
closed went from +50 % to +30 % of the RSS before they connected; +26-28 % since
the Redis pools are bounded and the WebSocket threads named). What keeps the
arenas is some 2,000 objects made during the burst that outlive it, most of them
in third-party code (JSON keys, objects made in gevent's loop, dicts grown to the
burst's size; the closing notes of issue 12 list them).

A second collection and trim follow one Engine.IO ping interval later, for what
was still referenced at the first (under eventlet and threading: the closed
sockets' ping tasks, see `ClosingSocket`).
"""
import ctypes
import gc

from engineio import socket as engineio_socket
from engineio.async_drivers import gevent as engineio_gevent
from gevent import getcurrent

from extensions import socketio

RELEASE_DELAY = 2.0
DEFAULT_PING_INTERVAL = 25.0  # Engine.IO's default, when no server is set up

# The C library already loaded into this process (dlopen of the program itself):
# ctypes.util.find_library("c") would run `ldconfig -p` to find its file name,
# 30 ms of every start-up (issue 12).
try:
    _malloc_trim = ctypes.CDLL(None).malloc_trim
except (OSError, AttributeError):  # not glibc (musl, macOS): collection only
    _malloc_trim = None

_pending = []


class ClosingSocket(engineio_socket.Socket):
    """An Engine.IO socket whose ping task ends when the socket closes.

    python-engineio's ping task sleeps out its interval (25 s) before it looks
    whether the socket was closed, holding the socket, its queue and its green
    thread all that time; it has no hook to stop it. This class records the task
    while it runs and kills it at close under gevent, Parley's default (a real
    thread cannot be killed; under eventlet and threading it ends as before).
    Installed by sockets/connection.py.
    """

    _ping_task = None

    def _send_ping(self):
        self._ping_task = getcurrent()
        try:
            super()._send_ping()
        finally:
            self._ping_task = None

    def close(self, *args, **kwargs):
        super().close(*args, **kwargs)
        task, self._ping_task = self._ping_task, None
        # Not from the task itself: a ping timeout closes the socket from it.
        if task is not None and task is not getcurrent() and self.server.async_mode == "gevent":
            task.kill(block=False)  # GreenletExit in its sleep: it ends quietly


class NamedWebSocketThread(engineio_gevent.Thread):
    """The green thread that reads a WebSocket, with a name from the start.

    simple-websocket renames its reader thread as it starts it (`thread.name =
    thread.name.replace(...)`). A gevent greenlet with no name makes one from its
    `minimal_ident`, and that registers it in the hub's ident registry: a weak
    reference while the socket lives, and its number in the registry's free list for
    ever after. After 1,000 sockets left, 743 such numbers made during the burst were
    still alive, spread over the arenas the burst had opened (issue 12, tracemalloc).
    With a name, nothing is registered.
    """

    name = "simple_websocket.Base._thread"


def name_websocket_threads():
    """python-engineio's gevent WebSocket looks its thread class up at each connection."""
    engineio_gevent.Thread = NamedWebSocketThread


def release_soon():
    """Schedule one release pass (a no-op while one is already scheduled)."""
    if not _pending:
        _pending.append(True)
        socketio.start_background_task(_release)


def _release():
    socketio.sleep(RELEASE_DELAY)
    _pending.clear()
    release()
    socketio.sleep(_ping_interval() + RELEASE_DELAY)  # ping tasks that could not be ended
    release()


def release():
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def _ping_interval():
    server = socketio.server
    interval = getattr(getattr(server, "eio", None), "ping_interval", None)
    return float(interval) if isinstance(interval, (int, float)) else DEFAULT_PING_INTERVAL
