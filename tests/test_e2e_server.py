"""The real server process, signed in over HTTP, with a real Socket.IO client
over the WebSocket transport: under gevent and under eventlet."""
import base64
import os
import socket

import pytest

from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_db):
    """A database with one user, built through the ODM, shared with the server."""
    return live_db.name, live_db.users(1)[0]


@pytest.mark.parametrize("async_mode", ["gevent", "eventlet"])
def test_sign_in_then_socket_connects(service_urls, seeded, async_mode):
    db_name, user = seeded
    server = start_server(service_urls, db_name, async_mode=async_mode)
    try:
        http = signed_in_session(server.url, user)
        me = http.get(server.url + "/api/auth/me", timeout=5).json()
        assert me["success"] and me["user"]["id"] == str(user["_id"])
        sio = socket_for(server.url, http)
        try:
            connected = sio.log.wait_for("connected")
            assert connected["user_id"] == str(user["_id"])
            assert sio.log.wait_for("online_count_update")["count"] >= 1
        finally:
            sio.disconnect()
    finally:
        server.stop()


def test_socket_without_session_is_refused(service_urls, seeded):
    import requests
    import socketio

    db_name, _ = seeded
    server = start_server(service_urls, db_name)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            socket_for(server.url, requests.Session())
    finally:
        server.stop()


def test_a_socket_that_leaves_is_not_read_as_an_http_request(service_urls, seeded):
    """Under gevent, the connection a WebSocket used ends with it (utils/gevent_server.py).
    Before, pywsgi read the client's close frame as a next HTTP request: the log got
    "Invalid HTTP method: '\\x88\\x82...'" for every socket that left, and the client
    an HTTP 400 in its closing WebSocket."""
    db_name, user = seeded
    server = start_server(service_urls, db_name)
    try:
        http = signed_in_session(server.url, user)
        for _ in range(5):
            sio = socket_for(server.url, http)
            sio.log.wait_for("connected")
            sio.disconnect()
        assert http.get(server.url + "/api/auth/me", timeout=5).status_code == 200
    finally:
        server.stop()  # graceful: every connection's handler has finished when it returns
    log = server.log()
    assert "Invalid HTTP method" not in log and "Expected GET method" not in log, log[-2000:]


def _masked_text_frame(text):
    data, mask = text.encode(), os.urandom(4)
    return bytes([0x81, 0x80 | len(data)]) + mask + bytes(
        byte ^ mask[i % 4] for i, byte in enumerate(data))


def _websocket_as_chromium_opens_it(server_url, http):
    """A raw WebSocket to Socket.IO that offers permessage-deflate, as browsers do."""
    host, port = server_url.split("//")[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((
        f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {server_url}\r\nCookie: {cookie}\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    head, rest = head.split(b"\r\n\r\n", 1)
    return sock, head.decode(), rest


def _read_frame(sock, received):
    """(first byte, payload, what is left) of the next unmasked frame from the server."""
    def at_least(count, received):
        while len(received) < count:
            received += sock.recv(4096)
        return received

    received = at_least(2, received)
    length, start = received[1] & 0x7F, 2
    if length == 126:
        received = at_least(4, received)
        length, start = int.from_bytes(received[2:4], "big"), 4
    received = at_least(start + length, received)
    return received[0], received[start:start + length], received[start + length:]


def test_a_browsers_offer_of_compression_is_declined(service_urls, seeded):
    """utils/websocket_compression.py: a compressor per socket cost ~94 KB of each idle
    browser socket. The socket works with plain frames."""
    db_name, user = seeded
    server = start_server(service_urls, db_name)
    try:
        http = signed_in_session(server.url, user)
        sock, head, received = _websocket_as_chromium_opens_it(server.url, http)
        with sock:
            assert head.startswith("HTTP/1.1 101")
            assert "sec-websocket-extensions" not in head.lower(), head
            first_byte, payload, received = _read_frame(sock, received)  # Engine.IO open
            assert first_byte == 0x81 and payload.startswith(b"0{")  # FIN, text, no RSV1
            sock.sendall(_masked_text_frame("40"))  # Socket.IO connect, plain
            first_bytes = set()
            for _ in range(5):  # the `connected` event among the first frames, all plain
                first_byte, payload, received = _read_frame(sock, received)
                first_bytes.add(first_byte)
                if payload.startswith(b'42["connected",'):
                    break
            assert payload.startswith(b'42["connected",') and first_bytes == {0x81}
    finally:
        server.stop()
