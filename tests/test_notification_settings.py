"""Follows and mutes (rest-accounts §3.5, §6), and their effect on notifications."""
from datetime import timedelta

from bson import ObjectId

from models import get_db
from models.chat_room import ChatRoom
from models.topic import Topic
from services.notifications import notify
from utils.time import advance_clock

POST_ID = "b" * 24


def seed(app):
    """A topic, a chat room in it and a post (raw: the posts model is another issue's)."""
    with app.app_context():
        topic = Topic.insert(title="Cats", title_lower="cats", owner_id=ObjectId())
        room = ChatRoom.insert(name="Lobby", name_lower="lobby", owner_id=ObjectId(),
                               topic_id=topic["_id"])
        get_db()["posts"].insert_one({
            "_id": ObjectId(POST_ID), "title": "Hello", "content": "x" * 150,
            "topic_id": topic["_id"], "author_username": "writer", "comment_count": 2})
    return str(topic["_id"]), str(room["_id"])


def test_anonymous_calls_are_401(client):
    i = "a" * 24
    for method, path in [("post", f"/api/notification-settings/posts/{i}/follow"),
                         ("post", f"/api/notification-settings/chatrooms/{i}/unfollow"),
                         ("get", f"/api/notification-settings/chatrooms/{i}/status"),
                         ("post", f"/api/notification-settings/topics/{i}/mute"),
                         ("get", "/api/notification-settings/posts/followed"),
                         ("get", "/api/notification-settings/chat-rooms/followed"),
                         ("post", f"/api/users/posts/{i}/mute"),
                         ("post", f"/api/users/chats/{i}/unmute")]:
        assert getattr(client, method)(path).status_code == 401, path


def test_follow_posts_and_rooms(auth, app):
    _, client = auth.signed_in()
    _, room_id = seed(app)
    base = "/api/notification-settings"
    status = client.get(f"{base}/chatrooms/{room_id}/status").get_json()
    assert status["data"] == {"following": True}
    assert client.post(f"{base}/chatrooms/{room_id}/unfollow").status_code == 200
    assert client.get(f"{base}/chatrooms/{room_id}/status").get_json()["data"]["following"] is False
    assert client.get(f"{base}/chat-rooms/followed").get_json()["data"] == []
    client.post(f"{base}/chatrooms/{room_id}/follow", json={})
    rooms = client.get(f"{base}/chat-rooms/followed").get_json()["data"]
    assert rooms[0]["id"] == room_id and rooms[0]["name"] == "Lobby"

    assert client.get(f"{base}/posts/{POST_ID}/status").get_json()["data"]["following"] is False
    assert client.post(f"{base}/posts/{POST_ID}/follow").get_json() == {
        "success": True, "message": "Post followed successfully"}
    posts = client.get(f"{base}/posts/followed").get_json()["data"]
    assert posts[0]["title"] == "Hello" and posts[0]["content"] == "x" * 100 + "..."
    client.post(f"{base}/posts/{POST_ID}/unfollow")
    assert client.get(f"{base}/posts/followed").get_json()["data"] == []


def test_unknown_and_malformed_ids(auth, app):
    _, client = auth.signed_in()
    base = "/api/notification-settings"
    assert client.post(f"{base}/chatrooms/{'0' * 24}/follow").status_code == 404
    assert client.post(f"{base}/posts/garbage/follow").status_code == 404
    assert client.post(f"{base}/topics/{'0' * 24}/mute", json={"minutes": -1}).status_code == 404
    chat = client.post(f"/api/users/chats/{'0' * 24}/mute", json={"minutes": 5})
    assert chat.status_code == 404 and chat.get_json()["errors"] == ["Chat not found"]


def test_topic_mute_with_expiry_suppresses_notifications(auth, app):
    user, client = auth.signed_in()
    topic_id, room_id = seed(app)
    base = "/api/notification-settings"
    assert client.post(f"{base}/topics/{topic_id}/mute", json={"minutes": -2}).status_code == 400
    assert client.post(f"{base}/topics/{topic_id}/mute",
                       json={"minutes": "5"}).status_code == 400
    response = client.post(f"{base}/topics/{topic_id}/mute", json={"minutes": 30})
    assert response.get_json()["message"] == "Topic muted for 30 minutes successfully"
    assert client.get(f"{base}/topics/{topic_id}/status").get_json()["data"] == {"muted": True}
    with app.app_context():
        data = {"chat_room_id": room_id, "topic_id": topic_id, "chat_room_name": "Lobby"}
        assert notify(user["_id"], "chatroom_message", "t", "m", data) is None
        advance_clock(timedelta(minutes=31))
        assert notify(user["_id"], "chatroom_message", "t", "m", data) is not None
    assert client.get(f"{base}/topics/{topic_id}/status").get_json()["data"] == {"muted": False}


def test_user_mute_routes_and_unfollowed_room(auth, app):
    user, client = auth.signed_in()
    topic_id, room_id = seed(app)
    with app.app_context():
        room_note = {"chat_room_id": room_id}
        post_note = {"post_id": POST_ID}
    assert client.post(f"/api/users/posts/{POST_ID}/mute", json={"minutes": -1}).get_json() == {
        "success": True, "message": "Post muted successfully"}
    assert client.post(f"/api/users/chats/{room_id}/mute", json={"minutes": 10}).status_code == 200
    muted = client.get("/api/notification-settings/muted").get_json()["data"]
    assert {m["type"] for m in muted} == {"post", "chat_room"}
    with app.app_context():
        assert notify(user["_id"], "comment", "t", "m", post_note) is None
        assert notify(user["_id"], "chatroom_message", "t", "m", room_note) is None
        assert notify(user["_id"], "mention", "t", "m", room_note) is not None
    client.post(f"/api/users/posts/{POST_ID}/unmute")
    client.post(f"/api/users/chats/{room_id}/unmute")
    client.post(f"/api/notification-settings/chatrooms/{room_id}/unfollow")
    with app.app_context():
        assert notify(user["_id"], "comment", "t", "m", post_note) is not None
        # an unfollowed room stops its message notifications, not mentions in it
        assert notify(user["_id"], "chatroom_message", "t", "m", room_note) is None
        assert notify(user["_id"], "mention", "t", "m", room_note) is not None
    assert client.post(f"/api/users/topics/{topic_id}/mute").status_code == 200
    unmuted = client.post(f"/api/users/chat-rooms/{room_id}/mute", json={"minutes": 0})
    assert unmuted.get_json()["message"] == "Chat room unmuted successfully"


def test_conversation_mute_suppresses_dm_notifications(auth, app):
    user = auth.user()
    other = auth.user()
    with app.app_context():
        from services import notification_settings
        notification_settings.mute(user, "conversation", other["_id"], 60)
        data = {"from_user_id": str(other["_id"]), "from_username": other["username"]}
        assert notify(user["_id"], "message", "New message", "hi", data, other["_id"]) is None
        notification_settings.unmute(user, "conversation", other["_id"])
        assert notify(user["_id"], "message", "New message", "hi", data, other["_id"]) is not None
