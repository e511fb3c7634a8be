"""Clear answers under faults (issue 16): MongoDB or Redis out of reach is a 503
with Retry-After in the JSON envelope, /readyz answers within a second naming
the dependency (paused and killed), an over-deep JSON body is a 400, and
production refuses to start with /metrics open."""
import os
import signal
import time

import pytest

import devservices
import models
from app import create_app
from config import ConfigError, ProductionConfig
from tests import factories
from tests.conftest import make_config, new_client


@pytest.fixture
def own_servers(service_urls):
    """A MongoDB-wire and a Valkey server this test may pause, kill and restart."""
    base = os.path.join(service_urls["base"], f"faults-{devservices.free_port()}")
    mongo, mongo_uri = devservices.start_mongo(os.path.join(base, "mongo"))
    valkey, redis_url = devservices.start_redis(os.path.join(base, "redis"), persist=False)
    yield {"mongo": mongo, "mongo_uri": mongo_uri, "redis": valkey, "redis_url": redis_url}
    for server in (mongo, valkey):
        if server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGCONT)
        server.stop()


@pytest.fixture
def fault_app(service_urls, own_servers):
    app = create_app(make_config(service_urls, MONGO_URI=own_servers["mongo_uri"],
                                 REDIS_URL=own_servers["redis_url"], MONGO_TIMEOUT_MS=500,
                                 MONGO_SOCKET_TIMEOUT_MS=1500, RATELIMIT_ENABLED=False,
                                 # as in production: an error opening the session is
                                 # answered, not re-raised into the test client
                                 PROPAGATE_EXCEPTIONS=False))
    with app.app_context():
        models.create_indexes()
    yield app
    app.extensions["mongo_client"].close()


def pause(pid):
    """SIGSTOP, and wait until the kernel reports the process stopped (kill returns before)."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "T":
                return
        time.sleep(0.01)


def signed_in_pair(app):
    with app.app_context():
        alice, bob = factories.create_user(), factories.create_user()
        client = new_client(app)
        assert factories.login(client, alice).status_code == 200
    return client, bob


def send_dm(client, bob, text="hello"):
    return client.post("/api/messages/private", json={"to_user_id": str(bob["_id"]),
                                                      "content": text})


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["success"] is False and body["error"] and body["errors"] == [body["error"]]


def timed_ready(app):
    """A probe as an orchestrator sends it: no cookie."""
    started = time.monotonic()
    response = app.test_client().get("/readyz")
    return response, time.monotonic() - started


def test_redis_outage_is_503_and_recovers_without_restart(fault_app, own_servers):
    client, bob = signed_in_pair(fault_app)
    assert send_dm(client, bob).status_code == 201
    own_servers["redis"].stop()
    assert_unavailable(send_dm(client, bob, "during the outage"))
    assert_unavailable(client.get("/api/auth/me"))
    response, took = timed_ready(fault_app)
    assert response.status_code == 503 and took < 1.0
    assert response.get_json()["checks"]["redis"].startswith("unavailable")
    own_servers["redis"].start()
    with fault_app.app_context():
        assert factories.login(client, factories.create_user()).status_code == 200
    assert client.get("/readyz").status_code == 200


def test_mongo_killed_is_503_and_readyz_names_it(fault_app, own_servers):
    client, bob = signed_in_pair(fault_app)
    own_servers["mongo"].process.kill()
    own_servers["mongo"].process.wait()
    assert_unavailable(send_dm(client, bob))
    response, took = timed_ready(fault_app)
    assert response.status_code == 503 and took < 1.0
    checks = response.get_json()["checks"]
    assert checks["mongo"].startswith("unavailable") and checks["redis"] == "ok"
    own_servers["mongo"].start()
    deadline = time.monotonic() + 15
    while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert send_dm(client, bob, "after the restart").status_code == 201


@pytest.mark.parametrize("which", ["mongo", "redis"])
def test_readyz_answers_within_a_second_while_a_server_is_paused(fault_app, own_servers, which):
    client = new_client(fault_app)
    assert client.get("/readyz").status_code == 200
    pid = own_servers[which].process.pid
    pause(pid)
    try:
        response, took = timed_ready(fault_app)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert response.status_code == 503 and took < 1.0
    checks = response.get_json()["checks"]
    assert checks[which].startswith("unavailable")
    other = "redis" if which == "mongo" else "mongo"
    assert checks[other] == "ok"


def test_mongo_paused_during_a_send_is_503(fault_app, own_servers):
    client, bob = signed_in_pair(fault_app)
    pid = own_servers["mongo"].process.pid
    pause(pid)
    try:
        response = send_dm(client, bob)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert_unavailable(response)


def test_a_deeply_nested_body_is_400_before_parsing(auth):
    _, client = auth.signed_in()
    for depth in (33, 10_000):
        body = "[" * depth + "]" * depth
        for path in ("/api/messages/private", "/api/topics", "/api/auth/login"):
            response = client.post(path, data=body, content_type="application/json")
            assert response.status_code == 400, (path, depth)
            assert "nested deeper than 32" in response.get_json()["error"]
    shallow = {"content": "x", "to_user_id": "a" * 24, "attachments": []}
    response = client.post("/api/messages/private", json=shallow)
    assert response.status_code == 404  # parsed: the recipient does not exist


def test_production_refuses_to_start_with_metrics_open(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("CORS_ORIGINS", "https://parley.example")
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        ProductionConfig().validate()
    monkeypatch.setenv("METRICS_TOKEN", "scrape-token")
    ProductionConfig().validate()


def test_socket_send_during_a_mongo_outage_answers_an_error_event(fault_app, own_servers):
    from extensions import socketio

    client, bob = signed_in_pair(fault_app)
    sio = socketio.test_client(fault_app, flask_test_client=client)
    assert sio.is_connected()
    sio.get_received()
    own_servers["mongo"].process.kill()
    own_servers["mongo"].process.wait()
    ack = sio.emit("send_private_message", {"to_user_id": str(bob["_id"]), "content": "hi",
                                            "client_message_id": "during-outage"}, callback=True)
    errors = [e["args"][0] for e in sio.get_received() if e["name"] == "error"]
    assert errors == [{"message": "Service temporarily unavailable, please retry",
                       "retry_after": 5, "client_message_id": "during-outage"}]
    assert ack == {"success": False, "error": "Service temporarily unavailable, please retry"}
    sio.disconnect()
