"""The real server process, signed in over HTTP, with a real Socket.IO client
over the WebSocket transport: under gevent and under eventlet."""
import uuid

import pytest
from pymongo import MongoClient

from app import create_app
from tests import factories
from tests.conftest import make_config
from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(service_urls):
    """A database with one user, built through the ODM, shared with the server."""
    config = make_config(service_urls)
    app = create_app(config)
    with app.app_context():
        import models

        models.create_indexes()
        user = factories.create_user()
    yield config.MONGO_DB_NAME, user
    MongoClient(service_urls["mongo"]).drop_database(config.MONGO_DB_NAME)


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
