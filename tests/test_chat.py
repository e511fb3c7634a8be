"""Chat rooms: creation, membership, live delivery, history cursors, idempotent
sends, deletes, moderation, rate limits and slow mode (rest-content §6,
realtime.md §3.3/§4.4)."""
import pytest

from models.message import Message
from tests.chat_helpers import create_group, create_room, make_topic, received, send


@pytest.fixture
def room_setup(app, auth):
    owner, owner_client = auth.signed_in()
    topic = make_topic(app, owner)
    room = create_room(owner_client, topic["_id"])
    return owner, owner_client, topic, room


def test_two_users_chat_live_both_ways_sender_included(app, auth, socket_client, room_setup):
    owner, alice, _, room = room_setup
    bob_user, bob = auth.signed_in()
    assert bob.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200
    a_sio, b_sio = socket_client(alice), socket_client(bob)
    for sio in (a_sio, b_sio):
        sio.emit("join_chat_room", {"room_id": room["id"]})
        assert received(sio, "chat_room_joined")[0][1]["room_id"] == room["id"]

    response = send(alice, room["id"], "hi bob")
    assert response.status_code == 201
    sent = response.get_json()["data"]
    assert sent["content"] == "hi bob" and sent["can_delete"] is True and sent["seq"] == 1
    assert send(bob, room["id"], "hi alice").status_code == 201

    for sio in (a_sio, b_sio):
        got = [data["content"] for _, data in received(sio, "new_chat_room_message")]
        assert got == ["hi bob", "hi alice"]
    history = alice.get(f"/api/chat-rooms/{room['id']}/messages").get_json()["data"]
    assert [m["content"] for m in history] == ["hi bob", "hi alice"]
    assert history[0]["sender_username"] == owner["username"] and history[0]["is_owner"]
    assert history[1]["user_id"] == str(bob_user["_id"]) and not history[1]["can_delete"]


def test_non_member_socket_receives_nothing_of_a_private_room(app, auth, socket_client,
                                                              room_setup):
    owner, alice, topic, _ = room_setup
    private = create_room(alice, topic["_id"], name="secret", is_public=False)
    _, eve = auth.signed_in()
    eve_sio = socket_client(eve)
    received(eve_sio)
    eve_sio.emit("join_chat_room", {"room_id": private["id"]})
    assert received(eve_sio, "error") == [("error", {
        "message": "You are not a member of this chat room"})]
    # A whole conversation: messages, a delete, a settings change.
    ids = [send(alice, private["id"], f"secret {n}").get_json()["data"]["id"] for n in range(3)]
    alice.delete(f"/api/chat-rooms/{private['id']}/messages/{ids[0]}", json={})
    alice.put(f"/api/chat-rooms/{private['id']}/settings", json={"voip_enabled": False})
    events = received(eve_sio)
    assert [e for e in events if e[0] not in ("online_count_update", "user_online")] == []
    assert eve.get(f"/api/chat-rooms/{private['id']}/messages").status_code == 403
    assert eve.get(f"/api/chat-rooms/{private['id']}").status_code == 403
    assert send(eve, private["id"], "let me in").status_code == 403
    assert eve.post(f"/api/chat-rooms/{private['id']}/join").status_code == 403


def test_anonymous_callers_are_refused(client, room_setup):
    _, _, topic, room = room_setup
    for method, path in [("get", f"/api/chat-rooms/{room['id']}"),
                         ("get", f"/api/chat-rooms/{room['id']}/messages"),
                         ("post", f"/api/chat-rooms/{room['id']}/messages"),
                         ("post", f"/api/chat-rooms/{room['id']}/join"),
                         ("get", f"/api/chat-rooms/topics/{topic['_id']}/conversations"),
                         ("post", "/api/chat-rooms/group")]:
        assert getattr(client, method)(path, json={}).status_code == 401, path


def test_bad_input(room_setup):
    _, alice, _, room = room_setup
    assert send(alice, room["id"], "   ").status_code == 400
    assert send(alice, room["id"], "x" * 2001).status_code == 400
    assert send(alice, room["id"], {"$ne": None}).status_code == 400
    assert send(alice, "0" * 24, "hi").status_code == 404
    assert send(alice, "not-an-id", "hi").status_code == 404
    assert alice.get(f"/api/chat-rooms/{room['id']}/messages?limit=101").status_code == 400
    assert alice.get(f"/api/chat-rooms/{room['id']}/messages?before_message_id=nope"
                     ).status_code == 404
    assert alice.get(f"/api/chat-rooms/{room['id']}/messages?after_message_id={'a' * 24}"
                     ).status_code == 404
    assert alice.delete(f"/api/chat-rooms/{room['id']}/messages/{'b' * 24}",
                        json={}).status_code == 404
    gif = send(alice, room["id"], "", gif_url="https://media.example/x.gif", message_type="gif")
    assert gif.status_code == 201 and gif.get_json()["data"]["content"] == "[GIF]"
    assert send(alice, room["id"], "", gif_url="javascript:alert(1)").status_code == 400


def test_cursors_page_oldest_first_and_catch_up(room_setup):
    _, alice, _, room = room_setup
    ids = [send(alice, room["id"], f"m{n}").get_json()["data"]["id"] for n in range(6)]
    url = f"/api/chat-rooms/{room['id']}/messages"
    latest = alice.get(f"{url}?limit=2").get_json()["data"]
    assert [m["content"] for m in latest] == ["m4", "m5"]
    older = alice.get(f"{url}?limit=3&before_message_id={ids[4]}").get_json()["data"]
    assert [m["content"] for m in older] == ["m1", "m2", "m3"]
    missed = alice.get(f"{url}?after_message_id={ids[2]}").get_json()["data"]
    assert [m["id"] for m in missed] == ids[3:]
    seqs = [m["seq"] for m in alice.get(url).get_json()["data"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 6


def test_retried_send_with_client_id_is_stored_once(app, room_setup, emitted):
    _, alice, _, room = room_setup
    first = send(alice, room["id"], "once", client_message_id="c-1")
    again = send(alice, room["id"], "once", client_message_id="c-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["data"]["id"] == again.get_json()["data"]["id"]
    assert len([e for e in emitted if e["event"] == "new_chat_room_message"]) == 1
    with app.app_context():
        assert Message.count({"chat_room_id": Message.get(
            first.get_json()["data"]["id"])["chat_room_id"]}) == 1


def test_delete_rules_and_event(auth, socket_client, room_setup, emitted):
    owner, alice, _, room = room_setup
    bob_user, bob = auth.signed_in()
    _, carol = auth.signed_in()
    for client in (bob, carol):
        client.post(f"/api/chat-rooms/{room['id']}/join")
    bob_msg = send(bob, room["id"], "bob says").get_json()["data"]["id"]
    url = f"/api/chat-rooms/{room['id']}/messages/{bob_msg}"
    assert carol.delete(url, json={}).status_code == 403
    assert alice.delete(url, json={}).status_code == 400  # owner: reason required
    assert alice.delete(url, json={"data": {"reason": "spam"}}).status_code == 200
    deleted = [e for e in emitted if e["event"] == "message_deleted"]
    assert deleted == [{"event": "message_deleted", "room": f"chat_room_{room['id']}",
                        "data": {"message_id": bob_msg, "chat_room_id": room["id"]},
                        "skip_sid": None}]
    history = alice.get(f"/api/chat-rooms/{room['id']}/messages").get_json()["data"]
    assert bob_msg not in [m["id"] for m in history]
    own = send(carol, room["id"], "mine").get_json()["data"]["id"]
    assert carol.delete(f"/api/chat-rooms/{room['id']}/messages/{own}").status_code == 200
    # a moderator may delete without a reason
    assert alice.post(f"/api/chat-rooms/{room['id']}/moderators",
                      json={"user_id": str(bob_user["_id"])}).status_code == 200
    other = send(carol, room["id"], "again").get_json()["data"]["id"]
    assert bob.delete(f"/api/chat-rooms/{room['id']}/messages/{other}",
                      json={}).status_code == 200


def test_kicked_and_banned_members_cannot_rejoin_and_stop_receiving(auth, socket_client,
                                                                    room_setup):
    _, alice, _, room = room_setup
    bob_user, bob = auth.signed_in()
    carol_user, carol = auth.signed_in()
    for client in (bob, carol):
        assert client.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200
    carol_sio = socket_client(carol)
    carol_sio.emit("join_chat_room", {"room_id": room["id"]})
    assert bob.post(f"/api/chat-rooms/{room['id']}/kick/{carol_user['_id']}").status_code == 403
    assert alice.post(f"/api/chat-rooms/{room['id']}/kick/{bob_user['_id']}").status_code == 200
    assert bob.post(f"/api/chat-rooms/{room['id']}/join").status_code == 403
    assert alice.post(f"/api/chat-rooms/{room['id']}/ban/{carol_user['_id']}").status_code == 200
    received(carol_sio)
    send(alice, room["id"], "after the ban")
    assert received(carol_sio, "new_chat_room_message") == []
    assert carol.post(f"/api/chat-rooms/{room['id']}/join").status_code == 403
    assert carol.get(f"/api/chat-rooms/{room['id']}/messages").status_code == 403
    carol_sio.emit("join_chat_room", {"room_id": room["id"]})
    assert received(carol_sio, "error")
    assert alice.post(f"/api/chat-rooms/{room['id']}/unban/{carol_user['_id']}").status_code == 200
    assert carol.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"CHAT_SEND_LIMIT": 3}])
def test_send_rate_limit(room_setup, socket_client, config_overrides):
    _, alice, topic, room = room_setup
    codes = [send(alice, room["id"], f"m{n}").status_code for n in range(4)]
    assert codes == [201, 201, 201, 429]
    sio = socket_client(alice)
    received(sio)
    sio.emit("send_message", {"topic_id": str(topic["_id"]), "content": "topic"})
    assert received(sio, "error") == [("error", {"message": "You are sending messages too fast"})]


def test_slow_mode_set_by_owner(auth, room_setup):
    _, alice, _, room = room_setup
    _, bob = auth.signed_in()
    bob.post(f"/api/chat-rooms/{room['id']}/join")
    settings = f"/api/chat-rooms/{room['id']}/settings"
    assert bob.put(settings, json={"slow_mode_seconds": 30}).status_code == 403
    assert alice.put(settings, json={"slow_mode_seconds": 30}).status_code == 200
    assert send(bob, room["id"], "one").status_code == 201
    slow = send(bob, room["id"], "two")
    assert slow.status_code == 400 and "Slow mode" in slow.get_json()["errors"][0]
    assert send(alice, room["id"], "owners are exempt").status_code == 201


def test_typing_is_throttled_relayed_and_checked(auth, socket_client, room_setup, emitted):
    _, alice, topic, room = room_setup
    private = create_room(alice, topic["_id"], name="closed", is_public=False)
    _, eve = auth.signed_in()
    a_sio = socket_client(alice)
    for _ in range(3):
        a_sio.emit("typing_start", {"room_id": room["id"]})
    typing = [e for e in emitted if e["event"] == "user_typing"]
    assert len(typing) == 1 and typing[0]["room"] == f"chat_room_{room['id']}"
    assert typing[0]["skip_sid"] is not None
    for _ in range(2):
        a_sio.emit("typing_stop", {"room_id": room["id"]})
    assert len([e for e in emitted if e["event"] == "user_stop_typing"]) == 1
    e_sio = socket_client(eve)
    received(e_sio)
    e_sio.emit("typing_start", {"room_id": private["id"]})
    assert received(e_sio, "error")
    assert len([e for e in emitted if e["event"] == "user_typing"]) == 1


def test_private_room_invitation_flow(auth, socket_client, room_setup):
    owner, alice, topic, _ = room_setup
    bob_user, bob = auth.signed_in()
    private = create_room(alice, topic["_id"], name="inner", is_public=False)
    assert bob.post(f"/api/chat-rooms/{private['id']}/invite",
                    json={"user_id": str(owner["_id"])}).status_code == 403
    bob_sio = socket_client(bob)
    received(bob_sio)
    assert alice.post(f"/api/chat-rooms/{private['id']}/invite",
                      json={"username": bob_user["username"]}).status_code == 200
    assert received(bob_sio, "chat_room_invitation")[0][1]["room_id"] == private["id"]
    assert alice.post(f"/api/chat-rooms/{private['id']}/invite",
                      json={"username": "nobody-here"}).status_code == 404
    invites = bob.get("/api/chat-rooms/invitations").get_json()["data"]
    assert [(i["room_id"], i["topic"]["id"]) for i in invites] == [(private["id"],
                                                                    str(topic["_id"]))]
    assert alice.post(f"/api/chat-rooms/invitations/{invites[0]['id']}/accept").status_code == 400
    assert bob.post(f"/api/chat-rooms/invitations/{invites[0]['id']}/accept").status_code == 200
    assert send(bob, private["id"], "thanks").status_code == 201
    members = bob.get(f"/api/chat-rooms/{private['id']}/members").get_json()
    assert members["count"] == 2 and {m["username"] for m in members["data"]} == {
        owner["username"], bob_user["username"]}


def test_group_chats(auth, socket_client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    group = create_group(alice, "Friends", invited=[bob_user["_id"]])
    assert group["is_public"] is False and group["topic_id"] is None
    assert alice.post("/api/chat-rooms/group", json={"name": "friends"}).status_code == 409
    assert create_group(bob, "Friends")["name"] == "Friends"  # names are per owner
    assert [g["id"] for g in alice.get("/api/chat-rooms/group/list").get_json()["data"]] == [
        group["id"]]
    assert bob.get(f"/api/chat-rooms/{group['id']}/messages").status_code == 403
    invite = bob.get("/api/chat-rooms/invitations").get_json()["data"][0]
    bob.post(f"/api/chat-rooms/invitations/{invite['id']}/accept")
    assert send(bob, group["id"], "hey").status_code == 201
    assert alice.put(f"/api/chat-rooms/{group['id']}", json={"name": "Pals"}
                     ).get_json()["data"]["name"] == "Pals"
    assert bob.put(f"/api/chat-rooms/{group['id']}", json={"name": "Mine"}).status_code == 403
    assert bob.delete(f"/api/chat-rooms/{group['id']}").status_code == 403
    assert alice.delete(f"/api/chat-rooms/{group['id']}").status_code == 200
    assert bob.get(f"/api/chat-rooms/{group['id']}").status_code == 404


def test_topic_room_list_hides_private_rooms_of_others(auth, room_setup):
    _, alice, topic, room = room_setup
    create_room(alice, topic["_id"], name="hidden-room", is_public=False)
    _, bob = auth.signed_in()
    listed = bob.get(f"/api/chat-rooms/topics/{topic['_id']}/conversations").get_json()["data"]
    assert [r["id"] for r in listed] == [room["id"]] and listed[0]["user_is_member"] is False
    mine = alice.get(f"/api/chat-rooms/topics/{topic['_id']}/conversations?search=hidden(")
    assert mine.status_code == 200 and mine.get_json()["data"] == []
    assert len(alice.get(f"/api/chat-rooms/topics/{topic['_id']}/conversations"
                         ).get_json()["data"]) == 2


def test_picture_and_mute(auth, socket_client, room_setup, emitted):
    _, alice, _, room = room_setup
    _, bob = auth.signed_in()
    bob.post(f"/api/chat-rooms/{room['id']}/join")
    url = f"/api/chat-rooms/{room['id']}/picture"
    assert bob.put(url, json={"picture": "https://img.example/a.png"}).status_code == 403
    assert alice.put(url, json={"picture": "http://img.example/a.png"}).status_code == 400
    assert alice.put(url, json={"picture": "https://img.example/a.png"}).status_code == 200
    assert [e["data"]["picture"] for e in emitted if e["event"] == "chat_room_updated"] == [
        "https://img.example/a.png"]
    assert bob.post(f"/api/chat-rooms/{room['id']}/mute", json={"minutes": 10}).status_code == 200
    assert bob.get(f"/api/chat-rooms/{room['id']}").get_json()["data"]["is_muted"] is True
    assert bob.post(f"/api/chat-rooms/{room['id']}/unmute").status_code == 200
    assert bob.get(f"/api/chat-rooms/{room['id']}").get_json()["data"]["is_muted"] is False
    # JSON's 10.0 is the integer 10 (found by the fuzz); 10.5 is not an integer.
    assert bob.post(f"/api/chat-rooms/{room['id']}/mute", json={"minutes": 10.0}).status_code == 200
    assert bob.post(f"/api/chat-rooms/{room['id']}/mute", json={"minutes": 10.5}).status_code == 400
    assert bob.post(f"/api/chat-rooms/{room['id']}/unmute").status_code == 200
    assert bob.post(f"/api/chat-rooms/{room['id']}/leave").status_code == 200
    assert alice.post(f"/api/chat-rooms/{room['id']}/leave").status_code == 400


def test_the_database_refuses_a_second_message_with_the_same_client_id(app, room_setup):
    from bson import ObjectId
    from pymongo.errors import DuplicateKeyError

    owner, _, _, room = room_setup
    values = dict(chat_room_id=ObjectId(room["id"]), topic_id=None, user_id=owner["_id"],
                  content="x", seq=1, client_message_id="same")
    with app.app_context():
        Message.insert(**values)
        with pytest.raises(DuplicateKeyError):
            Message.insert(**{**values, "seq": 2})
        Message.insert(**{**values, "client_message_id": None, "seq": 3})
        Message.insert(**{**values, "client_message_id": None, "seq": 4})
