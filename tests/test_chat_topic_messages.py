"""Legacy topic chat (rest-content §7.1, realtime.md §3.2/§4.2): the same message
service over REST and over the socket, with bans and invite-only topics enforced."""
from models.message import Message
from models.topic import TopicBan
from tests.chat_helpers import make_topic, received


def test_rest_and_socket_sends_share_one_stream(app, auth, socket_client):
    owner, alice = auth.signed_in()
    _, bob = auth.signed_in()
    topic = make_topic(app, owner)
    topic_id = str(topic["_id"])
    b_sio = socket_client(bob)
    b_sio.emit("join_topic", {"topic_id": topic_id})
    assert received(b_sio, "topic_joined")[0][1] == {"topic_id": topic_id,
                                                      "topic_title": topic["title"]}
    rest = alice.post(f"/api/messages/topic/{topic_id}", json={"content": "over rest"})
    assert rest.status_code == 201
    a_sio = socket_client(alice)
    a_sio.emit("send_message", {"topic_id": topic_id, "content": "over socket",
                                "client_message_id": "k1"})
    a_sio.emit("send_message", {"topic_id": topic_id, "content": "over socket",
                                "client_message_id": "k1"})
    sent = received(a_sio, "message_sent")
    assert len(sent) == 2 and sent[0][1]["message_id"] == sent[1][1]["message_id"]
    assert [d["content"] for _, d in received(b_sio, "new_message")] == ["over rest",
                                                                          "over socket"]
    history = bob.get(f"/api/messages/topic/{topic_id}").get_json()["data"]
    assert [(m["content"], m["seq"]) for m in history] == [("over rest", 1), ("over socket", 2)]
    one = bob.get(f"/api/messages/{history[0]['id']}").get_json()["data"]
    assert one["topic_id"] == topic_id and one.get("chat_room_id") is None
    attachment_only = alice.post(f"/api/messages/topic/{topic_id}",
                                 json={"gif_url": "https://g.example/a.gif"})
    assert attachment_only.get_json()["data"]["content"] == "[GIF]"


def test_banned_and_invite_only_are_refused(app, auth, socket_client):
    owner, owner_client = auth.signed_in()
    banned_user, banned = auth.signed_in()
    _, outsider = auth.signed_in()
    topic = make_topic(app, owner)
    closed = make_topic(app, owner, title="closed",
                        settings={"allow_anonymous": False, "require_approval": True})
    with app.app_context():
        TopicBan.insert(topic_id=topic["_id"], user_id=banned_user["_id"],
                        banned_by=owner["_id"])
    assert banned.post(f"/api/messages/topic/{topic['_id']}",
                       json={"content": "hi"}).status_code == 403
    sio = socket_client(banned)
    received(sio)
    sio.emit("join_topic", {"topic_id": str(topic["_id"])})
    sio.emit("send_message", {"topic_id": str(topic["_id"]), "content": "hi"})
    assert [d["message"] for _, d in received(sio, "error")] == [
        "You are banned from this topic"] * 2
    assert outsider.post(f"/api/messages/topic/{closed['_id']}",
                         json={"content": "hi"}).status_code == 404
    assert outsider.get(f"/api/messages/topic/{closed['_id']}").status_code == 404
    assert outsider.post("/api/messages/topic/nope", json={"content": "hi"}).status_code == 404
    with app.app_context():
        assert Message.count() == 0


def test_delete_topic_message_by_author_or_topic_moderator(app, auth, emitted):
    owner, owner_client = auth.signed_in()
    _, alice = auth.signed_in()
    _, eve = auth.signed_in()
    topic = make_topic(app, owner)
    first = alice.post(f"/api/messages/topic/{topic['_id']}", json={"content": "a"})
    second = alice.post(f"/api/messages/topic/{topic['_id']}", json={"content": "b"})
    first_id, second_id = (r.get_json()["data"]["id"] for r in (first, second))
    assert eve.delete(f"/api/messages/{first_id}").status_code == 403
    assert alice.delete(f"/api/messages/{first_id}").status_code == 200
    assert owner_client.delete(f"/api/messages/{second_id}?reason=off+topic").status_code == 200
    assert [e["data"]["message_id"] for e in emitted if e["event"] == "message_deleted"] == [
        first_id, second_id]
    with app.app_context():
        assert Message.get(second_id, include_deleted=True)["deletion_reason"] == "off topic"
    assert alice.delete(f"/api/messages/{'c' * 24}").status_code == 404
