"""Private messages: send (REST and socket), delivery, blocks, conversations,
read markers, mute, delete for me (rest-content §7.2-7.3, rest-accounts §3.3,
realtime.md §3.4/§4.5)."""
from models.block import Block
from models.private_message import PrivateMessage
from services.private_messages import get_private_message_for_admin
from tests.chat_helpers import received


def dm(client, to, content="hi", **body):
    return client.post("/api/messages/private", json={"to_user_id": str(to["_id"]),
                                                      "content": content, **body})


def test_send_delivers_to_both_sides(auth, socket_client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    a_sio, b_sio = socket_client(alice), socket_client(bob)
    received(a_sio), received(b_sio)
    response = dm(alice, bob_user, "hello bob")
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["_id"] == data["id"] and data["is_from_me"] is True
    assert data["from_user_id"] == str(alice_user["_id"])
    sent = received(a_sio, "private_message_sent")
    assert [d["content"] for _, d in sent] == ["hello bob"] and sent[0][1]["is_from_me"]
    events = received(b_sio)
    incoming = [d for name, d in events if name == "new_private_message"]
    assert [(d["id"], d["is_from_me"]) for d in incoming] == [(data["id"], False)]
    notes = [d for name, d in events if name == "new_notification"]
    assert len(notes) == 1 and notes[0]["type"] == "message"
    assert notes[0]["data"]["from_user_id"] == str(alice_user["_id"])


def test_refusals(app, auth, client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    assert client.post("/api/messages/private", json={"to_user_id": str(bob_user["_id"]),
                                                      "content": "x"}).status_code == 401
    assert alice.post("/api/messages/private", json={"to_user_id": "0" * 24,
                                                     "content": "x"}).status_code == 404
    assert alice.post("/api/messages/private", json={"to_user_id": "junk",
                                                     "content": "x"}).status_code == 404
    assert dm(alice, bob_user, "").status_code == 400
    assert dm(alice, bob_user, "y" * 2001).status_code == 400
    with app.app_context():
        Block.insert(blocker_id=bob_user["_id"], blocked_id=alice_user["_id"])
    refused = dm(alice, bob_user, "are you there?")
    assert refused.status_code == 403 and refused.get_json()["errors"] == [
        "This user has blocked you"]
    assert dm(bob, alice_user, "no").get_json()["errors"] == ["You have blocked this user"]
    with app.app_context():
        assert PrivateMessage.count() == 0


def test_conversations_unread_and_read_receipts(auth, socket_client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    dm(alice, bob_user, "one")
    dm(alice, bob_user, "two")
    dm(bob, alice_user, "back")
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert len(convs) == 1
    assert convs[0]["user_id"] == str(alice_user["_id"]) and convs[0]["unread_count"] == 2
    assert convs[0]["last_message"]["content"] == "back"
    assert convs[0]["last_message"]["is_from_me"] is True
    assert bob.get("/api/users/private-messages/unread-count").get_json()["data"] == {
        "unread_count": 2}
    a_sio = socket_client(alice)
    b_sio = socket_client(bob)
    received(a_sio), received(b_sio)
    b_sio.emit("mark_messages_read", {"from_user_id": str(alice_user["_id"])})
    assert received(b_sio, "messages_marked_read")[0][1] == {"from_user_id": str(alice_user["_id"])}
    assert received(a_sio, "messages_read")[0][1]["reader_id"] == str(bob_user["_id"])
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert convs[0]["unread_count"] == 0
    marked = alice.post(f"/api/users/private-messages/{bob_user['_id']}/read").get_json()
    assert marked["data"] == {"marked_count": 1}


def test_history_cursors_and_delete_for_me(auth):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    ids = [dm(alice if n % 2 == 0 else bob, bob_user if n % 2 == 0 else alice_user,
              f"m{n}").get_json()["data"]["id"] for n in range(5)]
    url = f"/api/users/private-messages/{bob_user['_id']}"
    page = alice.get(f"{url}?limit=2").get_json()["data"]
    assert [m["content"] for m in page] == ["m3", "m4"]
    assert [m["is_from_me"] for m in page] == [False, True]
    older = alice.get(f"{url}?before_message_id={ids[3]}").get_json()["data"]
    assert [m["content"] for m in older] == ["m0", "m1", "m2"]
    missed = alice.get(f"{url}?after_message_id={ids[1]}").get_json()["data"]
    assert [m["id"] for m in missed] == ids[2:]
    assert alice.get(f"{url}?limit=101").status_code == 400
    assert alice.get(f"{url}?before_message_id=zz").status_code == 404
    assert alice.get("/api/users/private-messages/" + "0" * 24).status_code == 404

    assert alice.post(f"/api/users/private-messages/{ids[0]}/delete-for-me").status_code == 200
    assert alice.post(f"/api/users/private-messages/{ids[0]}/delete-for-me").status_code == 404
    assert ids[0] not in [m["id"] for m in alice.get(url).get_json()["data"]]
    bob_url = f"/api/users/private-messages/{alice_user['_id']}"
    assert ids[0] in [m["id"] for m in bob.get(bob_url).get_json()["data"]]
    assert alice.post(f"/api/users/private-messages/{ids[0]}/restore-for-me").status_code == 200
    assert ids[0] in [m["id"] for m in alice.get(url).get_json()["data"]]

    deleted = alice.delete(url).get_json()
    assert deleted["data"] == {"deleted_count": 5}
    assert alice.get(url).get_json()["data"] == []
    assert len(bob.get(bob_url).get_json()["data"]) == 5  # only for me
    assert alice.get("/api/users/private-messages/conversations").get_json()["data"] == []
    dm(bob, alice_user, "new after clear")
    assert [m["content"] for m in alice.get(url).get_json()["data"]] == ["new after clear"]


def test_a_third_user_cannot_touch_someone_elses_messages(auth):
    _, alice = auth.signed_in()
    bob_user, _ = auth.signed_in()
    _, eve = auth.signed_in()
    message_id = dm(alice, bob_user, "private").get_json()["data"]["id"]
    assert eve.delete(f"/api/messages/private/{message_id}").status_code == 403
    assert eve.post(f"/api/messages/private/{message_id}/read").status_code == 403
    assert eve.post(f"/api/messages/private/{message_id}/report",
                    json={"reason": "spam spam"}).status_code == 403
    assert eve.post(f"/api/users/private-messages/{message_id}/delete-for-me").status_code == 404
    assert alice.post(f"/api/messages/private/{message_id}/read").status_code == 403  # sender


def test_unsend_and_report(auth, socket_client, emitted):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    message_id = dm(alice, bob_user, "oops").get_json()["data"]["id"]
    assert bob.post(f"/api/messages/private/{message_id}/report",
                    json={"reason": "rude words"}).status_code == 200
    assert bob.delete(f"/api/messages/private/{message_id}?mode=hard").status_code == 403
    assert alice.delete(f"/api/messages/private/{message_id}?mode=hard").status_code == 200
    assert {e["room"] for e in emitted if e["event"] == "private_message_deleted"} == {
        f"user_{alice_user['_id']}", f"user_{bob_user['_id']}"}
    assert bob.get(f"/api/users/private-messages/{alice_user['_id']}").get_json()["data"] == []


def test_mute_suppresses_notifications_not_delivery(auth, emitted):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    assert bob.post(f"/api/users/private-messages/{alice_user['_id']}/mute",
                    json={"minutes": -1}).status_code == 200
    assert bob.post(f"/api/users/private-messages/{alice_user['_id']}/mute",
                    json={"minutes": -2}).status_code == 400
    dm(alice, bob_user, "quiet")
    assert [e["event"] for e in emitted if e["room"] == f"user_{bob_user['_id']}"] == [
        "new_private_message"]
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert convs[0]["is_muted"] is True


def test_socket_send_is_idempotent(app, auth, socket_client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    a_sio, b_sio = socket_client(alice), socket_client(bob)
    received(a_sio), received(b_sio)
    payload = {"to_user_id": str(bob_user["_id"]), "content": "via socket",
               "client_message_id": "retry-7"}
    a_sio.emit("send_private_message", payload)
    a_sio.emit("send_private_message", payload)
    confirmed = received(a_sio, "private_message_confirmed")
    assert len(confirmed) == 2 and confirmed[0][1] == confirmed[1][1]
    assert len(received(b_sio, "new_private_message")) == 1
    with app.app_context():
        assert PrivateMessage.count() == 1
        admin_view = get_private_message_for_admin(confirmed[0][1]["message_id"])
        assert admin_view["sender_username"] == alice_user["username"]
        assert admin_view["recipient_username"] == bob_user["username"]
    a_sio.emit("send_private_message", {"to_user_id": str(bob_user["_id"]), "content": ""})
    assert received(a_sio, "error") == [("error", {
        "message": "Message content, GIF URL, or attachment is required"})]
