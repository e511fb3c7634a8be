"""Fixtures: real embedded servers for the session, a fresh app, database and
Redis keyspace per test, HTTP and Socket.IO clients, and sign-in helpers."""
import itertools
import os
import tempfile
import uuid

import pytest
import redis as redis_lib

import devservices
import models
from app import create_app
from config import TestingConfig
from extensions import socketio
from tests import factories
from utils.time import reset_clock

_addresses = itertools.count(1)


@pytest.fixture(scope="session")
def service_urls():
    """MongoDB-wire and Redis URLs: TEST_MONGO_URI / TEST_REDIS_URL, else embedded servers."""
    started = []
    base = tempfile.mkdtemp(prefix="parley-test-")
    mongo_uri = os.environ.get("TEST_MONGO_URI")
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not mongo_uri:
        server, mongo_uri = devservices.start_mongo(os.path.join(base, "mongo"))
        started.append(server)
    if not redis_url:
        server, redis_url = devservices.start_redis(os.path.join(base, "redis"), persist=False)
        started.append(server)
    yield {"mongo": mongo_uri, "redis": redis_url, "base": base}
    for server in started:
        server.stop()


def make_config(service_urls, **overrides):
    config = TestingConfig()
    config.MONGO_URI = service_urls["mongo"]
    config.REDIS_URL = service_urls["redis"]
    config.MONGO_DB_NAME = f"parley_test_{uuid.uuid4().hex[:12]}"
    config.VAR_DIR = os.path.join(service_urls["base"], "var", config.MONGO_DB_NAME)
    config.UPLOAD_DIR = os.path.join(config.VAR_DIR, "uploads")
    for name, value in overrides.items():
        setattr(config, name, value)
    return config


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings: return a dict."""
    return {}


def _empty_redis(service_urls):
    """No key of an earlier test (a cached page, the admin stats) is read by this one."""
    redis_lib.Redis.from_url(service_urls["redis"]).flushdb()


@pytest.fixture
def app(service_urls, config_overrides):
    _empty_redis(service_urls)
    application = create_app(make_config(service_urls, **config_overrides))
    with application.app_context():
        models.create_indexes()
    yield application
    application.extensions["mongo_client"].drop_database(application.config["MONGO_DB_NAME"])
    application.extensions["mongo_client"].close()
    reset_clock()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


def new_client(app):
    """A browser of its own: own cookie jar and own client address."""
    n = next(_addresses)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    # A browser sends Origin on every POST/PUT/PATCH/DELETE, same-origin ones too (CSRF guard).
    client.environ_base["HTTP_ORIGIN"] = "http://localhost"
    return client


@pytest.fixture
def client(app):
    return new_client(app)


@pytest.fixture
def make_client(app):
    return lambda: new_client(app)


@pytest.fixture
def socket_client(app):
    """`socket_client(http_client)`: a Socket.IO test client sharing that client's cookie."""
    opened = []

    def connect(http_client):
        sio = socketio.test_client(app, flask_test_client=http_client)
        opened.append(sio)
        return sio

    yield connect
    for sio in opened:
        if sio.is_connected():
            sio.disconnect()


class Auth:
    """Create users and sign them in over HTTP, as the SPA does."""

    def __init__(self, app):
        self.app = app

    def user(self, **fields):
        with self.app.app_context():
            return factories.create_user(**fields)

    def login(self, user, client=None):
        client = client or new_client(self.app)
        with self.app.app_context():
            response = factories.login(client, user)
        assert response.status_code == 200 and response.get_json()["success"], response.get_json()
        return client

    def signed_in(self, **fields):
        """`(user, client)` for a new user signed in on a new client."""
        user = self.user(**fields)
        return user, self.login(user)


@pytest.fixture
def auth(app):
    return Auth(app)


@pytest.fixture
def emitted(monkeypatch):
    """Every server->client event emitted through services.realtime, in order."""
    events = []
    original = socketio.emit

    def record(event, data=None, *args, **kwargs):
        events.append({"event": event, "data": data, "room": kwargs.get("to") or kwargs.get("room"),
                       "skip_sid": kwargs.get("skip_sid")})
        return original(event, data, *args, **kwargs)

    monkeypatch.setattr(socketio, "emit", record)
    return events


class LiveDb:
    """A database seeded through the ODM in-process and shared with real server
    processes (tests/live_server.start_server) by name."""

    def __init__(self, name, app):
        self.name, self.app = name, app

    def seed(self, build):
        """Run `build()` in an app context of this database; returns its result."""
        with self.app.app_context():
            return build()

    def users(self, count, **fields):
        return self.seed(lambda: [factories.create_user(**fields) for _ in range(count)])


@pytest.fixture
def live_db(service_urls):
    """A fresh database with every index, for tests that start server processes;
    dropped afterwards. Redis starts empty too, as for `app`."""
    _empty_redis(service_urls)
    config = make_config(service_urls)
    application = create_app(config)
    with application.app_context():
        models.create_indexes()
    yield LiveDb(config.MONGO_DB_NAME, application)
    application.extensions["mongo_client"].drop_database(config.MONGO_DB_NAME)
    application.extensions["mongo_client"].close()
