"""The §6.3 call sequence with real Socket.IO clients over WebSocket against real
server processes: both on one process, and caller and callee on two processes
whose relays travel through the Redis message queue. A stranger on the
caller's process receives nothing."""
import pytest

from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_db):
    return live_db.name, live_db.users(3)


@pytest.fixture
def servers(service_urls, seeded):
    started = []

    def start():
        started.append(start_server(service_urls, seeded[0]))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def connect(server, user):
    sio = socket_for(server.url, signed_in_session(server.url, user))
    sio.log.wait_for("connected")
    return sio


def from_user(user_id):
    return lambda data: data.get("from_user_id") == user_id


@pytest.mark.parametrize("processes", [1, 2])
def test_call_sequence_over_websockets(seeded, servers, processes):
    _, (alice, bob, stranger) = seeded
    first = servers()
    second = servers() if processes == 2 else first
    a_id, b_id = str(alice["_id"]), str(bob["_id"])
    room_id = "_".join(sorted([a_id, b_id]))
    a, b, c = connect(first, alice), connect(second, bob), connect(first, stranger)
    try:
        a.emit("voip_get_active_call", {"room_id": room_id})
        assert a.log.wait_for("voip_active_call")["call"] is None

        a.emit("voip_create_call", {"room_id": room_id, "room_type": "dm", "room_name": "bob"})
        call_id = a.log.wait_for("voip_call_created")["call"]["id"]
        assert b.log.wait_for("voip_incoming_call")["caller"]["id"] == a_id
        a.emit("voip_heartbeat", {"call_id": call_id})

        b.emit("voip_join_call", {"call_id": call_id})
        assert len(b.log.wait_for("voip_call_joined")["call"]["participants"]) == 2
        assert a.log.wait_for("voip_user_joined")["user"]["id"] == b_id

        b.emit("voip_offer", {"call_id": call_id, "target_user_id": a_id,
                              "from_user_id": str(stranger["_id"]),  # forged: ignored
                              "offer": {"type": "offer", "sdp": "v=0 b"}})
        assert a.log.wait_for("voip_offer", from_user(b_id))["offer"]["sdp"] == "v=0 b"
        a.emit("voip_answer", {"call_id": call_id, "target_user_id": b_id,
                               "answer": {"type": "answer", "sdp": "v=0 a"}})
        assert b.log.wait_for("voip_answer", from_user(a_id))["answer"]["sdp"] == "v=0 a"
        a.emit("voip_ice_candidate", {"call_id": call_id, "target_user_id": b_id,
                                      "candidate": {"candidate": "from-a"}})
        b.emit("voip_ice_candidate", {"call_id": call_id, "target_user_id": a_id,
                                      "candidate": {"candidate": "from-b"}})
        assert b.log.wait_for("voip_ice_candidate", from_user(a_id))["candidate"] == {
            "candidate": "from-a"}
        assert a.log.wait_for("voip_ice_candidate", from_user(b_id))["candidate"] == {
            "candidate": "from-b"}

        a.emit("voip_mute_toggle", {"call_id": call_id, "is_muted": True})
        assert b.log.wait_for("voip_mute_status")["user_id"] == a_id
        assert a.log.wait_for("voip_mute_status")["is_muted"] is True

        # the stranger tries to take part and is refused
        c.emit("voip_offer", {"call_id": call_id, "target_user_id": a_id,
                              "offer": {"type": "offer", "sdp": "evil"}})
        assert c.log.wait_for("voip_error")["message"] == "You are not in this call"

        b.emit("voip_leave_call", {"call_id": call_id})
        assert b.log.wait_for("voip_left_call")["call_id"] == call_id
        assert a.log.wait_for("voip_user_left")["user"]["id"] == b_id
        a.emit("voip_leave_call", {"call_id": call_id})
        assert a.log.wait_for("voip_call_ended")["reason"] == "no_participants"
        assert b.log.wait_for("voip_call_ended")["call_id"] == call_id

        assert [d for d in a.log.named("voip_offer") if d["offer"]["sdp"] == "evil"] == []
        assert [name for name, _ in c.log.events if name.startswith("voip_")] == ["voip_error"]
    finally:
        for sio in (a, b, c):
            sio.disconnect()
