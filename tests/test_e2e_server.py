"""The real server process, signed in over HTTP, with a real Socket.IO client
over the WebSocket transport: under gevent and under eventlet."""

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
