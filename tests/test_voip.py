"""VoIP signalling in one process: the §6.3 sequence, and every refusal."""
import pytest
from bson import ObjectId

from models.block import Block
from models.chat_room import ChatRoomBan
from models.voip_call import VoipCall
from tests.voip_helpers import dm_room, drain, make_person, make_room


@pytest.fixture
def people(auth, socket_client):
    def make(n):
        made = [make_person(auth, socket_client) for _ in range(n)]
        drain(*made)  # presence events of each other's connects
        return made

    return make


def start_dm(alice, bob):
    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm",
                                    "room_name": "bob"})
    call = alice.one("voip_call_created")["call"]
    bob.one("voip_incoming_call")
    return call["id"]


def start_group(owner, room_id):
    owner.emit("voip_create_call", {"room_id": room_id})
    return owner.one("voip_call_created")["call"]["id"]


def test_direct_call_whole_sequence(app, people):
    alice, bob, stranger = people(3)

    alice.emit("voip_get_active_call", {"room_id": dm_room(alice, bob)})
    assert alice.one("voip_active_call") == {"room_id": dm_room(alice, bob), "call": None}

    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm",
                                    "room_name": "bob"})
    created = alice.one("voip_call_created")
    call_id = created["call"]["id"]
    assert created["user"]["id"] == alice.id
    assert [p["user_id"] for p in created["call"]["participants"]] == [alice.id]
    ring = bob.one("voip_incoming_call")
    assert ring["call"]["id"] == call_id and ring["caller"]["username"] == alice.user["username"]

    bob.emit("voip_join_call", {"call_id": call_id})
    joined = bob.one("voip_call_joined")
    assert {p["user_id"] for p in joined["call"]["participants"]} == {alice.id, bob.id}
    assert alice.one("voip_user_joined") == {"call_id": call_id, "user": {
        "id": bob.id, "username": bob.user["username"], "profile_picture": None}}

    bob.emit("voip_offer", {"call_id": call_id, "target_user_id": alice.id,
                            "offer": {"type": "offer", "sdp": "v=0 bob"}})
    assert alice.one("voip_offer") == {"call_id": call_id, "from_user_id": bob.id,
                                       "from_username": bob.user["username"],
                                       "offer": {"type": "offer", "sdp": "v=0 bob"}}
    alice.emit("voip_answer", {"call_id": call_id, "target_user_id": bob.id,
                               "answer": {"type": "answer", "sdp": "v=0 alice"}})
    assert bob.one("voip_answer") == {"call_id": call_id, "from_user_id": alice.id,
                                      "answer": {"type": "answer", "sdp": "v=0 alice"}}
    for sender, target in ((alice, bob), (bob, alice)):
        sender.emit("voip_ice_candidate", {"call_id": call_id, "target_user_id": target.id,
                                           "candidate": {"candidate": "candidate:1 udp"}})
        assert target.one("voip_ice_candidate") == {
            "call_id": call_id, "from_user_id": sender.id,
            "candidate": {"candidate": "candidate:1 udp"}}
        assert sender.events() == []

    bob.emit("voip_mute_toggle", {"call_id": call_id, "is_muted": True})
    expected = {"call_id": call_id, "user_id": bob.id, "is_muted": True}
    assert alice.one("voip_mute_status") == expected and bob.one("voip_mute_status") == expected
    bob.emit("voip_speaking", {"call_id": call_id, "is_speaking": True})
    assert alice.one("voip_speaking_status")["is_speaking"] is True
    assert bob.events() == []
    bob.emit("voip_heartbeat", {"call_id": call_id})
    bob.assert_silent()
    alice.assert_silent()

    bob.emit("voip_leave_call", {"call_id": call_id})
    assert bob.one("voip_left_call") == {"call_id": call_id}
    assert alice.one("voip_user_left")["user"]["id"] == bob.id
    alice.emit("voip_leave_call", {"call_id": call_id})
    events = dict(alice.events())
    assert events["voip_call_ended"]["reason"] == "no_participants"
    assert events["voip_call_ended"]["room_id"] == dm_room(alice, bob)
    assert bob.one("voip_call_ended")["call_id"] == call_id  # the ring stops too

    with app.app_context():
        stored = VoipCall.get(call_id)
    assert stored["status"] == "ended" and stored["end_reason"] == "no_participants"
    stranger.assert_silent()


def test_group_call_rings_the_chat_room(app, people, emitted):
    owner, member = people(2)
    room_id = make_room(app, owner, member)
    call_id = start_group(owner, room_id)
    started = [e for e in emitted if e["event"] == "voip_call_started"]
    assert len(started) == 1 and started[0]["room"] == f"chat_room_{room_id}"
    assert started[0]["data"]["started_by"]["id"] == owner.id
    assert started[0]["skip_sid"] is not None

    member.emit("voip_get_active_call", {"room_id": room_id})
    assert member.one("voip_active_call")["call"]["id"] == call_id
    member.emit("voip_create_call", {"room_id": room_id})
    exists = member.one("voip_call_exists")
    assert exists["call"]["id"] == call_id
    member.emit("voip_join_call", {"call_id": call_id})
    assert member.one("voip_call_joined")["call"]["id"] == call_id


@pytest.mark.parametrize("case", ["stranger", "banned", "calls_off"])
def test_group_call_refused_outside_the_room(app, people, case):
    owner, member, outsider = people(3)
    in_room = [member, outsider] if case == "banned" else [member]
    room_id = make_room(app, owner, *in_room, voip_enabled=case != "calls_off")
    if case == "banned":
        with app.app_context():
            ChatRoomBan.insert(room_id=ObjectId(room_id), user_id=outsider.user["_id"],
                               banned_by=owner.user["_id"])
    caller = owner if case == "calls_off" else outsider
    caller.emit("voip_create_call", {"room_id": room_id})
    assert caller.one("voip_error")["message"]
    if case != "calls_off":
        caller.emit("voip_get_active_call", {"room_id": room_id})
        assert caller.one("voip_error")
    with app.app_context():
        assert VoipCall.count() == 0
    member.assert_silent()


def test_outsider_cannot_join_or_see_a_running_call(app, people):
    owner, member, stranger = people(3)
    room_id = make_room(app, owner, member)
    call_id = start_group(owner, room_id)
    stranger.emit("voip_join_call", {"call_id": call_id})
    assert stranger.one("voip_error")["message"] == "You are not a member of this chat room"
    stranger.emit("voip_get_active_call", {"room_id": room_id})
    assert stranger.one("voip_error")
    owner.assert_silent()
    member.assert_silent()
    with app.app_context():
        assert len(VoipCall.get(call_id)["participants"]) == 1


@pytest.mark.parametrize("blocker", ["callee", "caller"])
def test_direct_call_refused_when_blocked(app, people, blocker):
    alice, bob = people(2)
    a, b = (bob, alice) if blocker == "callee" else (alice, bob)
    with app.app_context():
        Block.insert(blocker_id=a.user["_id"], blocked_id=b.user["_id"])
    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm"})
    assert alice.one("voip_error")["message"] == "You cannot call this user"
    bob.assert_silent()


def test_direct_call_only_between_its_two_users(app, people):
    alice, bob, mallory = people(3)
    mallory.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm"})
    assert mallory.one("voip_error")["message"] == "You are not part of this conversation"
    call_id = start_dm(alice, bob)
    mallory.emit("voip_join_call", {"call_id": call_id})
    assert mallory.one("voip_error")
    mallory.emit("voip_get_active_call", {"room_id": dm_room(alice, bob)})
    assert mallory.one("voip_error")
    alice.assert_silent()
    bob.assert_silent()


@pytest.mark.parametrize("event, payload", [
    ("voip_create_call", {}),
    ("voip_create_call", {"room_id": "not-a-room"}),
    ("voip_create_call", {"room_id": {"$ne": None}}),
    ("voip_create_call", {"room_id": "a" * 24, "room_type": "party"}),
    ("voip_join_call", {}),
    ("voip_join_call", {"call_id": "zz"}),
    ("voip_leave_call", {"call_id": 5}),
    ("voip_offer", {"call_id": "CALL", "target_user_id": "TARGET", "offer": "v=0"}),
    ("voip_offer", {"call_id": "f" * 24, "target_user_id": "TARGET", "offer": {"sdp": "x"}}),
    ("voip_offer", {"call_id": "CALL", "target_user_id": "nope", "offer": {"sdp": "x"}}),
    ("voip_offer", {"call_id": "CALL", "offer": {"sdp": "x"}}),
    ("voip_answer", {"call_id": "bad", "target_user_id": "TARGET", "answer": {}}),
    ("voip_ice_candidate", {"call_id": "CALL", "target_user_id": "TARGET", "candidate": "x"}),
    ("voip_offer", {"call_id": "CALL", "target_user_id": "TARGET",
                    "offer": {"sdp": "x" * 70000}}),
    ("voip_mute_toggle", {"call_id": "CALL", "is_muted": "yes"}),
])
def test_malformed_payloads_answer_voip_error(app, people, event, payload):
    alice, bob = people(2)
    call_id = start_dm(alice, bob)
    bob.emit("voip_join_call", {"call_id": call_id})
    drain(alice, bob)
    fill = {"CALL": call_id, "TARGET": bob.id}
    alice.emit(event, {k: fill.get(v, v) if isinstance(v, str) else v for k, v in payload.items()})
    assert alice.one("voip_error")["message"]
    bob.assert_silent()


def test_joining_an_ended_call_is_refused(app, people):
    alice, bob = people(2)
    call_id = start_dm(alice, bob)
    alice.emit("voip_leave_call", {"call_id": call_id})
    drain(alice, bob)
    bob.emit("voip_join_call", {"call_id": call_id})
    assert bob.one("voip_error")["message"] == "Call not found or already ended"
    bob.emit("voip_join_call", {"call_id": "f" * 24})
    assert bob.one("voip_error")["message"] == "Call not found or already ended"


def test_relay_only_between_participants_and_from_the_session(app, people):
    owner, member, bystander = people(3)
    room_id = make_room(app, owner, member, bystander)
    call_id = start_group(owner, room_id)
    member.emit("voip_join_call", {"call_id": call_id})
    drain(owner, member, bystander)

    # an offer to a room member who is not in the call
    owner.emit("voip_offer", {"call_id": call_id, "target_user_id": bystander.id,
                              "offer": {"type": "offer", "sdp": "x"}})
    assert owner.one("voip_error")["message"] == "That user is not in this call"
    # an offer from a room member who is not in the call
    bystander.emit("voip_offer", {"call_id": call_id, "target_user_id": owner.id,
                                  "offer": {"type": "offer", "sdp": "x"}})
    assert bystander.one("voip_error")["message"] == "You are not in this call"
    bystander.emit("voip_ice_candidate", {"call_id": call_id, "target_user_id": member.id,
                                          "candidate": {"candidate": "c"}})
    assert bystander.one("voip_error")
    # a forged sender: the session wins
    member.emit("voip_offer", {"call_id": call_id, "target_user_id": owner.id,
                               "from_user_id": bystander.id, "from_username": "x",
                               "offer": {"type": "offer", "sdp": "y"}})
    relayed = owner.one("voip_offer")
    assert relayed["from_user_id"] == member.id
    assert relayed["from_username"] == member.user["username"]
    bystander.assert_silent()
    member.assert_silent()


def test_state_changes_only_from_participants(app, people):
    owner, member, bystander = people(3)
    room_id = make_room(app, owner, member, bystander)
    call_id = start_group(owner, room_id)
    member.emit("voip_join_call", {"call_id": call_id})
    drain(owner, member)
    for event, payload in [("voip_mute_toggle", {"is_muted": True}),
                           ("voip_speaking", {"is_speaking": True}),
                           ("voip_set_disconnected", {"is_disconnected": True}),
                           ("voip_heartbeat", {})]:
        bystander.emit(event, {"call_id": call_id, **payload})
        assert bystander.one("voip_error")["message"] == "You are not in this call"
    owner.assert_silent()
    member.assert_silent()
    with app.app_context():
        participants = VoipCall.get(call_id)["participants"]
    assert not any(p["is_muted"] or p["is_disconnected"] for p in participants)


def test_set_disconnected_tells_the_call(app, people):
    alice, bob = people(2)
    call_id = start_dm(alice, bob)
    bob.emit("voip_join_call", {"call_id": call_id})
    drain(alice, bob)
    bob.emit("voip_set_disconnected", {"call_id": call_id})
    assert alice.one("voip_user_disconnected") == {
        "call_id": call_id, "user_id": bob.id, "username": bob.user["username"],
        "is_disconnected": True}
    assert bob.events() == []
    bob.emit("voip_heartbeat", {"call_id": call_id})
    assert alice.one("voip_user_disconnected")["is_disconnected"] is False


def test_refreshed_client_gets_its_call_back(app, people, socket_client):
    alice, bob = people(2)
    call_id = start_dm(alice, bob)
    bob.emit("voip_join_call", {"call_id": call_id})
    drain(alice, bob)

    bob.sio.disconnect()  # the page goes away: the call hears it at once
    assert alice.one("voip_user_disconnected") == {
        "call_id": call_id, "user_id": bob.id, "username": bob.user["username"],
        "is_disconnected": True}

    bob.sio = socket_client(bob.http)  # the refreshed page
    bob.sio.get_received()
    bob.emit("voip_get_my_call")
    call = bob.one("voip_my_call")["call"]
    assert call["id"] == call_id
    assert not next(p for p in call["participants"] if p["user_id"] == bob.id)["is_disconnected"]
    assert alice.one("voip_user_disconnected")["is_disconnected"] is False
    alice.emit("voip_mute_toggle", {"call_id": call_id, "is_muted": True})
    assert bob.one("voip_mute_status")["user_id"] == alice.id  # back in voip_<call_id>

    stranger = people(1)[0]
    stranger.emit("voip_get_my_call")
    assert stranger.one("voip_my_call") == {"call": None}


def test_decline_tells_the_caller_and_ends_a_direct_call(app, people):
    alice, bob = people(2)
    call_id = start_dm(alice, bob)
    bob.emit("voip_decline_call", {"call_id": call_id})
    events = dict(alice.events())
    assert events["voip_call_declined"]["user"]["id"] == bob.id
    assert events["voip_call_ended"]["reason"] == "declined"
    with app.app_context():
        assert VoipCall.get(call_id)["status"] == "ended"


def test_only_the_caller_or_a_moderator_ends_a_call(app, people):
    owner, member = people(2)
    room_id = make_room(app, owner, member)
    member.emit("voip_create_call", {"room_id": room_id})
    call_id = member.one("voip_call_created")["call"]["id"]
    owner.emit("voip_join_call", {"call_id": call_id})
    drain(owner, member)
    stranger = people(1)[0]
    drain(owner, member)
    stranger.emit("voip_end_call", {"call_id": call_id})
    assert stranger.one("voip_error")
    member.assert_silent()
    owner.emit("voip_end_call", {"call_id": call_id})  # the room's owner moderates
    assert member.one("voip_call_ended")["reason"] == "ended_by_host"


def test_one_active_call_per_room_is_enforced_by_the_index(app, people):
    from pymongo.errors import DuplicateKeyError

    alice, bob = people(2)
    start_dm(alice, bob)
    with app.app_context():
        with pytest.raises(DuplicateKeyError):
            VoipCall.insert(room_id=dm_room(alice, bob), room_type="dm",
                            created_by=alice.user["_id"])


def test_ringing_is_rate_limited(app, people):
    alice, bob = people(2)
    for _ in range(10):  # call, hang up, call again...
        call_id = start_dm(alice, bob)
        alice.emit("voip_leave_call", {"call_id": call_id})
        drain(alice, bob)
    alice.emit("voip_create_call", {"room_id": dm_room(alice, bob), "room_type": "dm"})
    assert alice.one("voip_error")["message"] == "Too many calls started; wait a minute"
    bob.assert_silent()


def test_active_call_without_room_id_is_null(app, people):
    (alice,) = people(1)
    alice.emit("voip_get_active_call", {})
    assert alice.one("voip_active_call") == {"room_id": None, "call": None}
