"""/readyz follows Redis down and back up (a Valkey server this test owns)."""
import os
import time

import pytest

import devservices
from app import create_app
from tests.conftest import make_config


@pytest.fixture
def own_redis(service_urls):
    """A Valkey server on a fixed port, so it can be stopped and started again."""
    port = devservices.free_port()
    data_dir = os.path.join(service_urls["base"], f"own-redis-{port}")
    server, url = devservices.start_redis(data_dir, port=port, persist=False)
    handle = {"server": server, "url": url, "port": port, "dir": data_dir}
    yield handle
    handle["server"].stop()


def ready(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def wait_ready(client, status, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        code, body = ready(client)
        if code == status or time.monotonic() > deadline:
            return code, body
        time.sleep(0.2)


def test_readyz_fails_while_redis_is_down_and_recovers(service_urls, own_redis):
    app = create_app(make_config(service_urls, REDIS_URL=own_redis["url"]))
    client = app.test_client()
    try:
        assert ready(client) == (200, {"status": "ready",
                                       "checks": {"mongo": "ok", "redis": "ok"}})
        own_redis["server"].stop()
        code, body = wait_ready(client, 503)
        assert code == 503
        assert body["status"] == "unavailable"
        assert body["checks"]["mongo"] == "ok"
        assert body["checks"]["redis"].startswith("unavailable")
        # The liveness probe stays up: the process is fine, its dependency is not.
        assert client.get("/healthz").status_code == 200

        own_redis["server"], _ = devservices.start_redis(own_redis["dir"], port=own_redis["port"],
                                                         persist=False)
        code, body = wait_ready(client, 200)
        assert (code, body["checks"]["redis"]) == (200, "ok")
    finally:
        app.extensions["mongo_client"].close()


def test_readyz_fails_when_mongo_is_unreachable(service_urls):
    # A port nobody listens on, with a short server-selection timeout.
    config = make_config(service_urls, MONGO_URI=f"mongodb://127.0.0.1:{devservices.free_port()}/",
                         MONGO_TIMEOUT_MS=300)
    app = create_app(config)
    try:
        code, body = ready(app.test_client())
        assert code == 503
        assert body["checks"]["mongo"].startswith("unavailable")
        assert body["checks"]["redis"] == "ok"
    finally:
        app.extensions["mongo_client"].close()
