"""Send the frames a WebSocket writer has ready in one system call (issue 12).

python-engineio's WebSocket writer takes every packet queued for its socket
(`Socket.poll`), sends each through simple-websocket, which frames it and makes
one `send` system call per frame, then polls again. A room message reaches each
member's socket as one packet, so at 500 members and 100 messages a second that
is 50,000 calls a second, and py-spy found 40 % of the process in the kernel's
`send` (bench fan-out). When the process falls behind, each writer finds several
packets at once; their frames can leave in one call.

python-engineio's gevent and threading drivers make their WebSockets with
subclasses of their own classes (`BatchedSends`, `install`): a send frames the
packet and keeps the bytes, and the batch goes out in one call when the writer
polls again (`BatchedWrites`, a mixin of the Engine.IO socket), which it does
right after sending what it polled. So a writer that keeps up sends as before,
one frame per call, at the same moment; a writer that fell behind sends what it
caught up on at once. The frames are those simple-websocket makes, in the same
order, and none is left half sent when the socket's buffer is full
(simple-websocket's single `send` could).

Once a socket is on WebSocket, only its writer polls: python-engineio answers a
polling GET of an upgraded or upgrading socket without polling. A socket that
upgrades from polling answers the upgrade probe before its writer starts, so
the batch sends straight through until the writer's first poll.

The WebSocket is python-engineio's own class, subclassed, not a wrapper around
it. A connection's handler waits in its greenlet for as long as the socket lives,
and a waiting greenlet keeps its stack (the C stack copied to the heap, and its
Python frames) in memory of its own: each frame in that chain is paid once per
socket. A wrapper made the chain one frame deeper, and an idle socket cost
73.1-73.5 KB in five runs (bench `--only idle --idle 1000`) against 69.5-69.8 KB
with the subclass (the floor: 66.0).

A message to a room is one packet, encoded once (python-engineio caches a
packet's encoding), so every member's writer sends the same string object. Its
frame is the same for every connection that does not compress it, and wsproto,
pure Python, took as long to make each frame as the kernel took to send it
(py-spy, 500 members at 100 messages a second). `frame_of` makes it once. It
keeps the frames of the last messages, not only the last one: a writer that fell
behind sends several messages in a row before the next writer sends the first.
"""
import weakref
from collections import OrderedDict

from engineio import exceptions
from engineio.async_drivers import gevent as engineio_gevent
from engineio.async_drivers import threading as engineio_threading
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from wsproto.connection import ConnectionState
from wsproto.events import BytesMessage, TextMessage

from utils.socket_writes import send_all

_RSV_BITS = 0x70  # a frame's extension bits: set when permessage-deflate compressed it
RECENT_FRAMES = 128  # messages whose frames are kept: more than a writer falls behind by
SHARED_FRAME_BYTES = 16 * 1024  # larger frames are not kept: 4 MiB kept at most

# id(message) -> (message, its frame). Holding the message keeps its id from being
# reused by another object. OrderedDict: its popitem is one step, safe under threads.
_recent_frames = OrderedDict()


def frame_of(connection, message):
    """The frame of `message` (a str or bytes) for `connection`, a wsproto server
    connection. A message object sent again, to any connection, gets the frame
    already made when that frame is uncompressed: an uncompressed frame is valid
    on every connection, permessage-deflate's too (RFC 7692, section 6)."""
    known = _recent_frames.get(id(message))
    if known is not None and known[0] is message and connection.state is ConnectionState.OPEN:
        return known[1]
    event = BytesMessage(data=message) if isinstance(message, bytes) \
        else TextMessage(data=str(message))
    frame = bytes(connection.send(event))  # raises when it is not open
    if not frame[0] & _RSV_BITS and len(frame) <= SHARED_FRAME_BYTES:
        _recent_frames[id(message)] = (message, frame)
        if len(_recent_frames) > RECENT_FRAMES:
            _recent_frames.popitem(last=False)
    return frame


class BatchedSends:
    """A mixin of python-engineio's simple-websocket WebSocket: a send made while
    its writer works through a poll waits for the next poll, and goes with the
    others then (`flush`)."""

    def __init__(self, handler, server, **kwargs):
        super().__init__(handler, server, **kwargs)
        self._frames = None  # None: frames are sent as they are made
        # python-engineio passes its socket's bound `_websocket_handler`. The socket
        # finds this WebSocket when it polls; weakly, so a handler that ends before
        # its writer starts (a failed upgrade) leaves no cycle behind.
        engineio_socket = getattr(handler, "__self__", None)
        if isinstance(engineio_socket, BatchedWrites):
            engineio_socket._batched_websocket = weakref.ref(self)

    def send(self, message):
        connection = self.ws  # simple_websocket.Server
        if not connection.connected:
            raise OSError("the WebSocket is closed")  # as python-engineio's send does
        frame = frame_of(connection.ws, message)
        if self._frames is None:
            send_all(connection.sock, frame)
        else:
            self._frames.append(frame)

    def flush(self):
        """Send the frames made since the last flush, and keep the next ones for
        the next flush. False when the connection is gone."""
        frames, self._frames = self._frames, []
        if not frames:
            return True
        try:
            send_all(self.ws.sock, b"".join(frames))
        except OSError:
            return False
        return True


class GeventWebSocket(BatchedSends, engineio_gevent.WebSocketWSGI):
    """python-engineio's WebSocket under gevent, batched."""


class ThreadingWebSocket(BatchedSends, SimpleWebSocketWSGI):
    """python-engineio's WebSocket under threads, batched."""


def install():
    """python-engineio's drivers look their WebSocket class up at each connection.
    Not eventlet's (its own WebSocket), nor gevent-websocket's if it were installed."""
    if issubclass(engineio_gevent.WebSocketWSGI, SimpleWebSocketWSGI):
        engineio_gevent._async["websocket"] = GeventWebSocket
    engineio_threading._async["websocket"] = ThreadingWebSocket


class BatchedWrites:
    """An Engine.IO socket mixin: its WebSocket writer sends once per poll."""

    _batched_websocket = None  # a weak reference, set by BatchedSends

    def poll(self):
        websocket = self._batched_websocket() if self._batched_websocket else None
        if websocket is not None and not websocket.flush():
            raise exceptions.QueueEmpty()  # the connection is gone: the writer closes it
        return super().poll()
