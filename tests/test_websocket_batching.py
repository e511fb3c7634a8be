"""A WebSocket writer that fell behind sends its backlog in one system call
(utils/websocket_batching.py, issue 12), with the frames simple-websocket makes,
in order. Real python-engineio server and socket, real simple-websocket over a
real socket pair; the server's end counts its `send` calls. A room message's frame
is made once for all its sockets (real wsproto connections and clients)."""
import base64
import os
import socket
import threading
from types import SimpleNamespace

import engineio
import gevent
import pytest
from engineio import packet
from engineio import socket as engineio_socket
from gevent import socket as gevent_socket
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Request
from wsproto.extensions import PerMessageDeflate
from wsproto.utilities import LocalProtocolError

from tests.test_e2e_server import _read_frame
from utils import memory, websocket_batching
from utils.websocket_batching import frame_of


class CountingSends:
    """A socket that records what each of its `send` calls sent (on this class:
    simple-websocket sends through a `dup` of the socket it is given under gevent)."""

    sent = None

    def send(self, data, *args, **kwargs):
        count = super().send(data, *args, **kwargs)
        CountingSends.sent.append(bytes(data[:count]))
        return count


class CountingSocket(CountingSends, gevent_socket.socket):
    pass


class CountingThreadSocket(CountingSends, socket.socket):
    pass


@pytest.fixture
def counted_pair():
    CountingSends.sent = []
    client, server_end = gevent_socket.socketpair()
    server_end = CountingSocket(fileno=server_end.detach())
    yield client, server_end
    client.close()
    server_end.close()


def upgrade_request():
    return {"REQUEST_METHOD": "GET", "HTTP_HOST": "localhost",
            "HTTP_CONNECTION": "Upgrade", "HTTP_UPGRADE": "websocket",
            "HTTP_SEC_WEBSOCKET_VERSION": "13",
            "HTTP_SEC_WEBSOCKET_KEY": base64.b64encode(os.urandom(16)).decode()}


def websocket_environ(sock):
    """A WebSocket upgrade as gevent's pywsgi hands it over, as far as simple-websocket
    reads it (the connection's socket is `wsgi.input.raw._sock`)."""
    return {**upgrade_request(), "SERVER_SOFTWARE": "gevent/26",
            "wsgi.input": SimpleNamespace(raw=SimpleNamespace(_sock=sock))}


def queued_socket(socket_class, async_mode, count):
    """An Engine.IO socket with `count` messages queued and no writer yet."""
    server = engineio.Server(async_mode=async_mode)
    sock = socket_class(server, "sid-batch")
    server.sockets[sock.sid] = sock
    for n in range(count):
        sock.send(packet.Packet(packet.MESSAGE, data=f"message {n}"))
    return sock


def read_payloads(client, count):
    """The upgrade's answer, then the payloads of `count` text frames."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += client.recv(4096)
    head, received = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 101")
    payloads = []
    for _ in range(count):
        first_byte, payload, received = _read_frame(client, received)
        assert first_byte == 0x81  # FIN, text
        payloads.append(payload)
    return payloads


def deliver_backlog(socket_class, client, server_end, count=5, handler_frames=None):
    """Queue `count` messages on a socket whose writer has not started, open its
    WebSocket, and return the payloads the client reads. `handler_frames`, a list,
    gets the frames the connection's handler waits in, innermost first."""
    sock = queued_socket(socket_class, "gevent", count)
    handler = gevent.spawn(sock._upgrade_websocket, websocket_environ(server_end), None)
    payloads = read_payloads(client, count)
    frame = handler.gr_frame  # where the handler greenlet waits for the client
    while handler_frames is not None and frame is not None:
        handler_frames.append(frame)
        frame = frame.f_back
    client.close()  # the handler sees the connection end and returns
    handler.join(timeout=10)
    assert handler.dead
    return payloads


def frame_sends():
    return [data for data in CountingSends.sent if not data.startswith(b"HTTP/1.1")]


def test_a_backlog_goes_out_in_one_call_in_order(app, counted_pair):
    # The class the app installed (sockets/connection.py), looked up now.
    payloads = deliver_backlog(engineio_socket.Socket, *counted_pair)

    assert payloads == [f"4message {n}".encode() for n in range(5)]
    assert len(frame_sends()) == 1


def run_werkzeug_upgrade(sock, environ):
    try:
        sock._upgrade_websocket(environ, None)
    except ConnectionError:
        pass  # how simple-websocket tells werkzeug the connection was taken over


def test_under_threads_a_backlog_goes_out_in_one_call_too(app):
    """ASYNC_MODE=threading (werkzeug's server): python-engineio's threading driver
    makes its WebSockets with the batched class too. Real threads, real sockets."""
    CountingSends.sent = []
    client, server_end = socket.socketpair()
    server_end = CountingThreadSocket(fileno=server_end.detach())
    sock = queued_socket(engineio_socket.Socket, "threading", 5)
    handler = threading.Thread(target=run_werkzeug_upgrade,
                               args=(sock, {**upgrade_request(), "werkzeug.socket": server_end}))
    handler.start()
    try:
        payloads = read_payloads(client, 5)
    finally:
        client.close()  # the handler sees the connection end and returns
        handler.join(timeout=10)
        server_end.close()

    assert not handler.is_alive()
    assert payloads == [f"4message {n}".encode() for n in range(5)]
    assert len(frame_sends()) == 1


def test_the_socket_waits_in_python_engineios_frames_only(app, counted_pair):
    """Each connection's handler waits for the client for as long as the socket lives,
    and a greenlet's Python frames live in memory of its own: the first batching, a
    wrapper around python-engineio's handler, cost every idle socket 3.2 KB (bench
    `--only idle --idle 1000`). The batching is in the WebSocket class itself now."""
    frames = []
    deliver_backlog(engineio_socket.Socket, *counted_pair, handler_frames=frames)

    names = [frame.f_code.co_qualname for frame in frames]
    waiting = names[:names.index("Socket._upgrade_websocket") + 1]
    assert "Socket._websocket_handler" in waiting
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ours = [frame.f_code.co_qualname for frame in frames[:len(waiting)]
            if frame.f_code.co_filename.startswith(project + os.sep)
            and "site-packages" not in frame.f_code.co_filename]
    assert ours == []


def test_without_it_each_message_is_its_own_call(counted_pair):
    """The control: python-engineio's socket (here with only the ping-task fix) sends
    each frame of the same backlog with its own call."""
    payloads = deliver_backlog(memory.ClosingSocket, *counted_pair)

    assert payloads == [f"4message {n}".encode() for n in range(5)]
    assert len(frame_sends()) == 5


def websocket_pair(extensions=()):
    """A wsproto server connection and its client, through the opening handshake;
    `extensions` are offered by the client and accepted by the server."""
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="localhost", target="/socket.io/",
                                            extensions=[e() for e in extensions])))
    assert isinstance(next(server.events()), Request)
    client.receive_data(server.send(AcceptConnection(extensions=[e() for e in extensions])))
    assert isinstance(next(client.events()), AcceptConnection)
    return server, client


def received_by(client, frame):
    client.receive_data(frame)
    return [event.data for event in client.events()]


def encoded(data):
    """An Engine.IO message packet's encoding: a new string object on each call."""
    return "4" + data


def test_a_room_message_is_framed_once_for_all_its_sockets():
    """python-engineio encodes a room message once, so each member's writer sends the
    same string object: the frame is made once, and each member reads the message,
    also when each writer sends several messages before the next writer starts."""
    pairs = [websocket_pair() for _ in range(3)]
    messages = [encoded(f'["new_chat_room_message",{{"id":"m{n}"}}]') for n in range(3)]

    frames = [[frame_of(server, message) for message in messages] for server, _ in pairs]

    for n in range(3):
        assert frames[1][n] is frames[0][n] and frames[2][n] is frames[0][n]
    for (_, client), sent in zip(pairs, frames):
        assert received_by(client, b"".join(sent)) == messages
    equal_but_another = encoded('["new_chat_room_message",{"id":"m0"}]')
    assert frame_of(pairs[0][0], equal_but_another) is not frames[0][0]


def test_the_frames_kept_are_bounded():
    server, _ = websocket_pair()
    first = encoded("first")
    kept = frame_of(server, first)
    for n in range(websocket_batching.RECENT_FRAMES):
        frame_of(server, encoded(f"later {n}"))
    large = encoded("x" * websocket_batching.SHARED_FRAME_BYTES)

    assert frame_of(server, first) is not kept  # made again: it was let go
    assert frame_of(server, large) is not frame_of(server, large)  # never kept
    assert len(websocket_batching._recent_frames) == websocket_batching.RECENT_FRAMES


def test_a_closed_connection_gets_no_shared_frame():
    open_pair, closed_pair = websocket_pair(), websocket_pair()
    message = encoded("after the close")
    frame_of(open_pair[0], message)
    closed_pair[0].send(CloseConnection(code=1000))

    with pytest.raises(LocalProtocolError):
        frame_of(closed_pair[0], message)


def test_a_compressed_frame_is_never_shared():
    """A connection that negotiated permessage-deflate (Parley declines it, see
    utils/websocket_compression.py) compresses with its own state: its frame is not
    reused. An uncompressed frame is still valid on it."""
    deflating, plain = websocket_pair([PerMessageDeflate]), websocket_pair()
    message = encoded("x" * 200)

    compressed = frame_of(deflating[0], message)
    shared = frame_of(plain[0], message)

    assert compressed[0] & 0x40 and not shared[0] & 0x40  # RSV1: compressed
    assert received_by(plain[1], shared) == [message]
    other = encoded("y" * 200)
    uncompressed = frame_of(plain[0], other)
    assert frame_of(deflating[0], other) is uncompressed
    assert received_by(deflating[1], compressed) == [message]
    assert received_by(deflating[1], uncompressed) == [other]
