"""Parley's Redis pools are bounded and read with a small buffer (issue 12, idle sockets).

redis-py's pools open a connection whenever every open one is busy and keep it, each
with its read buffer (64 KiB by default): a burst of socket connects grew them by a
connection per concurrent handler, and the memory stayed after the sockets left. Each
of Parley's pools opens at most REDIS_POOL_SIZE connections; past that a caller waits
for one, and answers 503 if none frees in time.
"""
import threading

import pytest
import redis as redis_lib

from app import create_app, queue_manager
from tests import factories
from tests.command_counting import redis_clients
from tests.conftest import make_config, new_client
from tests.test_fault_answers import assert_unavailable
from utils import rate_limit, redis_client
from utils.redis_client import READ_BUFFER_BYTES, bounded_pool

POOL_SIZE = 3


@pytest.fixture
def config_overrides():
    return {"REDIS_POOL_SIZE": POOL_SIZE}


def _all_clients(app, service_urls):
    with app.app_context():
        rate_limit.hit("test:pools", 10, 60)  # the per-user budgets' client, made at first use
    manager = queue_manager(service_urls["redis"], POOL_SIZE)  # the Socket.IO queue's, when on
    manager._redis_connect()
    return redis_clients(app) + [manager.redis], manager


def test_every_client_of_the_app_has_a_bounded_pool_with_the_small_buffer(app, service_urls):
    clients, manager = _all_clients(app, service_urls)
    try:
        assert len(clients) >= 5  # cache, sessions, HTTP limits, per-user budgets, queue
        for client in clients:
            pool = client.connection_pool
            assert isinstance(pool, redis_lib.BlockingConnectionPool), pool
            assert pool.max_connections == POOL_SIZE
            assert pool.connection_kwargs.get("socket_read_size") == READ_BUFFER_BYTES
            assert client.ping()
    finally:
        manager.redis.close()


def _connections_named(url, name):
    with redis_lib.Redis.from_url(url) as admin:
        return [entry for entry in admin.client_list() if entry.get("name") == name]


def test_a_burst_of_callers_shares_the_pools_connections(service_urls):
    """Twelve callers, each holding a connection 0.2 s (a BLPOP that times out), all
    answered, over at most POOL_SIZE connections: Redis sees no more than that."""
    url = service_urls["redis"]
    client = redis_lib.Redis.from_pool(bounded_pool(url, POOL_SIZE, client_name="pool-burst"))
    answers, seen = [], []

    def wait_on_empty_list():
        answers.append(client.blpop("parley:test:never-filled", timeout=0.2))
        seen.append(len(_connections_named(url, "pool-burst")))

    callers = [threading.Thread(target=wait_on_empty_list) for _ in range(12)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    try:
        assert answers == [None] * 12
        assert 1 <= max(seen) <= POOL_SIZE
        assert len(_connections_named(url, "pool-burst")) <= POOL_SIZE
    finally:
        client.close()


def test_a_request_that_finds_every_connection_busy_answers_503_then_recovers(
        service_urls, monkeypatch):
    monkeypatch.setattr(redis_client, "POOL_WAIT_SECONDS", 0.2)
    app = create_app(make_config(service_urls, REDIS_POOL_SIZE=1, RATELIMIT_ENABLED=False,
                                 PROPAGATE_EXCEPTIONS=False))
    try:
        client = new_client(app)
        with app.app_context():
            user = factories.create_user()
            assert factories.login(client, user).status_code == 200
        pool = app.session_interface.client.connection_pool
        held = pool.get_connection()  # every connection of the session pool busy
        try:
            assert_unavailable(client.get("/api/auth/me"))
        finally:
            pool.release(held)
        response = client.get("/api/auth/me")
        assert response.status_code == 200 and response.get_json()["user"]["id"] == str(user["_id"])
    finally:
        app.extensions["mongo_client"].drop_database(app.config["MONGO_DB_NAME"])
        app.extensions["mongo_client"].close()


def test_a_reply_larger_than_the_buffer_arrives_whole(app):
    redis = app.extensions["redis"]
    value = "x" * (5 * READ_BUFFER_BYTES + 7)
    redis.set("parley:test:large", value)
    assert redis.get("parley:test:large") == value
    redis.delete("parley:test:large")
