"""The call sweep (called directly, with a moved clock) and its Redis lease."""
from datetime import timedelta

import pytest

from models.voip_call import VoipCall
from services import voip_cleanup
from tests.voip_helpers import dm_room, drain, make_person, make_room
from utils.time import advance_clock


@pytest.fixture
def call(app, auth, socket_client):
    """Alice and Bob in a direct call; returns (alice, bob, call_id)."""
    alice, bob = make_person(auth, socket_client), make_person(auth, socket_client)
    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm"})
    call_id = alice.one("voip_call_created")["call"]["id"]
    bob.emit("voip_join_call", {"call_id": call_id})
    drain(alice, bob)
    return alice, bob, call_id


def sweep(app):
    with app.app_context():
        return voip_cleanup.sweep()


def test_silent_participant_is_removed_and_the_call_told(app, call):
    alice, bob, call_id = call
    advance_clock(timedelta(seconds=60))
    alice.emit("voip_heartbeat", {"call_id": call_id})
    advance_clock(timedelta(seconds=60))  # Bob silent for 120 s, Alice for 60 s

    assert sweep(app) == {"removed": 1, "ended": 0}
    left = alice.one("voip_user_left")
    assert left["call_id"] == call_id and left["user"]["id"] == bob.id
    with app.app_context():
        stored = VoipCall.get(call_id)
    assert [str(p["user_id"]) for p in stored["participants"]] == [alice.id]
    assert stored["status"] == "active"
    # Bob is no longer a participant: his signalling is refused
    bob.events()
    bob.emit("voip_offer", {"call_id": call_id, "target_user_id": alice.id,
                            "offer": {"type": "offer", "sdp": "x"}})
    assert bob.one("voip_error")["message"] == "You are not in this call"
    assert alice.events() == []


def test_heartbeats_keep_a_call_alive(app, call):
    alice, bob, call_id = call
    for _ in range(3):
        advance_clock(timedelta(seconds=60))
        alice.emit("voip_heartbeat", {"call_id": call_id})
        bob.emit("voip_heartbeat", {"call_id": call_id})
    assert sweep(app) == {"removed": 0, "ended": 0}
    assert alice.events() == [] and bob.events() == []


def test_abandoned_call_ends(app, call):
    alice, bob, call_id = call
    advance_clock(timedelta(seconds=91))
    assert sweep(app) == {"removed": 2, "ended": 1}
    ended = alice.one("voip_call_ended")
    assert ended["reason"] == "no_participants" and ended["room_id"] == dm_room(alice, bob)
    with app.app_context():
        stored = VoipCall.get(call_id)
    assert stored["status"] == "ended" and stored["participants"] == []
    # the room is free again
    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm"})
    assert alice.one("voip_call_created")["call"]["id"] != call_id


def test_call_older_than_the_maximum_ends(app, call):
    alice, bob, call_id = call
    app.config["VOIP_MAX_CALL_SECONDS"] = 300
    for _ in range(6):
        advance_clock(timedelta(seconds=60))
        alice.emit("voip_heartbeat", {"call_id": call_id})
        bob.emit("voip_heartbeat", {"call_id": call_id})
    assert sweep(app) == {"removed": 0, "ended": 1}
    assert alice.one("voip_call_ended")["reason"] == "max_duration"
    assert bob.one("voip_call_ended")["reason"] == "max_duration"


def test_group_call_end_reaches_the_chat_room(app, auth, socket_client, emitted):
    owner = make_person(auth, socket_client)
    room_id = make_room(app, owner)
    owner.emit("voip_create_call", {"room_id": room_id})
    call_id = owner.one("voip_call_created")["call"]["id"]
    advance_clock(timedelta(seconds=120))
    sweep(app)
    ended = [e for e in emitted if e["event"] == "voip_call_ended"]
    assert len(ended) == 1
    assert set(ended[0]["room"]) == {f"voip_{call_id}", f"chat_room_{room_id}"}
    assert ended[0]["data"]["room_id"] == room_id


def test_only_one_process_holds_the_sweeper_lease(app_ctx):
    assert voip_cleanup.hold_lease(app_ctx, "process-a", 5000)
    assert not voip_cleanup.hold_lease(app_ctx, "process-b", 5000)
    assert voip_cleanup.hold_lease(app_ctx, "process-a", 5000)  # renewed by its holder
