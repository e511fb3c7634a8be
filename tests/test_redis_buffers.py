"""Every Redis client of the app reads with Parley's buffer, not redis-py's 64 KiB one:
each pooled connection keeps its buffer, and a burst of socket connects grows the
pools by a connection per concurrent handler (issue 12, idle sockets)."""
from app import queue_manager
from tests.command_counting import redis_clients
from utils import rate_limit
from utils.redis_client import READ_BUFFER_BYTES


def _buffer_of(client):
    return client.connection_pool.connection_kwargs.get("socket_read_size")


def test_the_apps_clients_read_with_the_small_buffer(app, service_urls):
    with app.app_context():
        rate_limit.hit("test:buffers", 10, 60)  # the per-user budgets' client, made at first use
    clients = redis_clients(app)
    assert len(clients) >= 3
    assert {_buffer_of(client) for client in clients} == {READ_BUFFER_BYTES}
    manager = queue_manager(service_urls["redis"])  # the Socket.IO queue's, when it is on
    manager._redis_connect()
    try:
        assert _buffer_of(manager.redis) == READ_BUFFER_BYTES
        assert manager.redis.ping()
    finally:
        manager.redis.close()


def test_a_reply_larger_than_the_buffer_arrives_whole(app):
    with app.app_context():
        redis = app.extensions["redis"]
        value = "x" * (5 * READ_BUFFER_BYTES + 7)
        redis.set("parley:test:large", value)
        assert redis.get("parley:test:large") == value
        redis.delete("parley:test:large")
