"""Every socket emit is answered (issue 16), on long-polling and on WebSocket,
against a real server process: 60 sends within 0.5 s of connecting end as 60
confirmations or errors naming their client_message_id (the per-user chat
rate answers what it refuses), and what was confirmed is stored. Concurrent
first DMs of new conversations all succeed (the counter upsert race)."""
import threading
import time

import pytest
import socketio as socketio_client

from app import create_app
from models.private_message import PrivateMessage, conversation_key
from tests import factories
from tests.conftest import make_config
from tests.live_server import EventLog, signed_in_session, start_server

pytestmark = pytest.mark.e2e

BURST = 60


@pytest.fixture(scope="module")
def world(service_urls):
    """(server process, in-process app on the same database for seeding and checking)."""
    app = create_app(make_config(service_urls))
    handle = start_server(service_urls, app.config["MONGO_DB_NAME"])
    yield handle, app
    handle.stop()
    app.extensions["mongo_client"].drop_database(app.config["MONGO_DB_NAME"])
    app.extensions["mongo_client"].close()


TRANSPORTS = {"polling": ["polling"], "websocket": ["websocket"],
              "upgrade": ["polling", "websocket"]}  # the SPA's way: polling, then upgrade


def connect(server_url, http, transport):
    client = socketio_client.Client(reconnection=False)
    log = EventLog()
    client.on("*", lambda event, data=None: log.record(event, data))
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    client.connect(server_url, headers={"Cookie": cookie}, transports=TRANSPORTS[transport],
                   wait_timeout=10)
    client.log = log
    return client


def answered_ids(log):
    confirmed = {d.get("client_message_id") for d in log.named("private_message_confirmed")}
    refused = {d.get("client_message_id") for d in log.named("error")}
    return confirmed - {None}, refused - {None}


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
def test_a_burst_right_after_connecting_is_answered(world, transport):
    server, app = world
    with app.app_context():
        alice, bob = factories.create_user(), factories.create_user()
    http = signed_in_session(server.url, alice)
    sio = connect(server.url, http, transport)
    try:
        started = time.monotonic()
        ids = [f"{transport}-{n}" for n in range(BURST)]
        for client_id in ids:
            sio.emit("send_private_message", {"to_user_id": str(bob["_id"]),
                                              "content": client_id,
                                              "client_message_id": client_id})
        assert time.monotonic() - started < 0.5
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            confirmed, refused = answered_ids(sio.log)
            if len(confirmed | refused) >= BURST:
                break
            time.sleep(0.1)
        confirmed, refused = answered_ids(sio.log)
        assert confirmed | refused == set(ids), (len(confirmed), len(refused))
        assert not confirmed & refused
        with app.app_context():
            stored = {doc["client_message_id"] for doc in PrivateMessage.find(
                {"conversation_key": conversation_key(alice["_id"], bob["_id"])})}
        assert stored == confirmed
        assert "Something went wrong" not in {d["message"] for d in sio.log.named("error")}
    finally:
        sio.disconnect()


def test_concurrent_first_messages_of_new_conversations_all_succeed(world):
    server, app = world
    with app.app_context():
        people = [factories.create_user() for _ in range(12)]
    sessions = [signed_in_session(server.url, person) for person in people]
    pairs = [(i, i + 1) for i in range(0, len(people), 2)]
    results, barrier = [], threading.Barrier(len(pairs) * 2)

    def send(sender, recipient):
        barrier.wait()
        response = sessions[sender].post(server.url + "/api/messages/private", json={
            "to_user_id": str(people[recipient]["_id"]), "content": "first!"}, timeout=30)
        results.append(response.status_code)

    threads = [threading.Thread(target=send, args=args)
               for a, b in pairs for args in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * len(threads), results
    with app.app_context():
        for a, b in pairs:
            seqs = sorted(doc["seq"] for doc in PrivateMessage.find(
                {"conversation_key": conversation_key(people[a]["_id"], people[b]["_id"])}))
            # distinct and ordered (a lost race may leave a gap: seq is monotonic, not dense)
            assert len(set(seqs)) == 2 and seqs[0] >= 1


def test_a_refused_send_names_its_client_message_id_and_acks(auth, socket_client):
    _, client = auth.signed_in()
    sio = socket_client(client)
    sio.get_received()
    ack = sio.emit("send_private_message", {"to_user_id": "0" * 24, "content": "hello",
                                            "client_message_id": "c-1"}, callback=True)
    errors = [e["args"][0] for e in sio.get_received() if e["name"] == "error"]
    assert len(errors) == 1 and errors[0]["client_message_id"] == "c-1"
    assert ack == {"success": False, "error": errors[0]["message"]}
    invalid = sio.emit("send_private_message", {"content": 5, "client_message_id": "c-2"},
                       callback=True)
    assert invalid["success"] is False
    assert [e["args"][0]["client_message_id"] for e in sio.get_received()] == ["c-2"]
