"""Hide and silence (rest-accounts §7), and the one helper other lists use."""
from bson import ObjectId

from models import get_db
from models.chat_room import ChatRoom
from models.topic import Topic
from services.content_settings import exclude_hidden, hidden_ids
from services.notifications import notify

BASE = "/api/content-settings"


def seed(app):
    with app.app_context():
        topics = [Topic.insert(title=f"T{i}", title_lower=f"t{i}", owner_id=ObjectId())
                  for i in range(3)]
        room = ChatRoom.insert(name="Room", name_lower="room", owner_id=ObjectId(),
                               topic_id=topics[0]["_id"])
        post_id = get_db()["posts"].insert_one({"title": "P", "topic_id": topics[0]["_id"],
                                                "author_username": "w"}).inserted_id
    return [str(t["_id"]) for t in topics], str(room["_id"]), str(post_id)


def test_anonymous_calls_are_401(client):
    i = "a" * 24
    for path in [f"/topics/{i}/hide", f"/topics/{i}/silence", f"/posts/{i}/unhide",
                 f"/chats/{i}/hide", f"/comments/{i}/hide"]:
        assert client.post(BASE + path).status_code == 401, path
    assert client.get(BASE + "/hidden-items").status_code == 401
    assert client.get(BASE + "/silenced-items").status_code == 401


def test_hidden_topics_leave_the_callers_lists_only(auth, app):
    me, client = auth.signed_in()
    other = auth.user()
    topic_ids, room_id, post_id = seed(app)
    assert client.post(f"{BASE}/topics/{topic_ids[1]}/hide").get_json() == {
        "success": True, "message": "Topic hidden successfully"}
    client.post(f"{BASE}/topics/{topic_ids[1]}/hide")  # idempotent
    with app.app_context():
        mine = Topic.find(exclude_hidden({}, me, "topic"))
        theirs = Topic.find(exclude_hidden({}, other, "topic"))
        assert str(topic_ids[1]) not in [str(t["_id"]) for t in mine] and len(mine) == 2
        assert len(theirs) == 3
        assert len(Topic.find(exclude_hidden({"_id": {"$ne": ObjectId()}}, me, "topic"))) == 2
    hidden = client.get(f"{BASE}/hidden-items").get_json()["data"]
    assert set(hidden) == {"hidden_topics", "hidden_posts", "hidden_chats", "hidden_comments",
                           "hidden_chat_messages", "hidden_private_messages"}
    assert hidden["hidden_topics"][0]["id"] == topic_ids[1]
    assert hidden["hidden_topics"][0]["title"] == "T1"
    client.post(f"{BASE}/topics/{topic_ids[1]}/unhide")
    with app.app_context():
        assert hidden_ids(me, "topic") == []


def test_hide_posts_chats_comments(auth, app):
    me, client = auth.signed_in()
    topic_ids, room_id, post_id = seed(app)
    assert client.post(f"{BASE}/posts/{post_id}/hide").status_code == 200
    assert client.post(f"{BASE}/chats/{room_id}/hide").status_code == 200
    assert client.post(f"{BASE}/comments/{'c' * 24}/hide").status_code == 200
    assert client.post(f"{BASE}/chat-messages/{'d' * 24}/hide").status_code == 200
    hidden = client.get(f"{BASE}/hidden-items").get_json()["data"]
    assert hidden["hidden_posts"][0]["title"] == "P"
    assert hidden["hidden_chats"][0]["name"] == "Room"
    assert hidden["hidden_chats"][0]["is_group_chat"] is False
    assert hidden["hidden_comments"][0]["id"] == "c" * 24
    assert len(hidden["hidden_chat_messages"]) == 1
    with app.app_context():
        assert [str(i) for i in hidden_ids(me, "chat_room")] == [room_id]


def test_unknown_items_are_404(auth, app):
    _, client = auth.signed_in()
    missing = "0" * 24
    post = client.post(f"{BASE}/posts/{missing}/hide")
    assert post.status_code == 404 and post.get_json()["errors"] == ["Post not found"]
    chat = client.post(f"{BASE}/chats/{missing}/hide")
    assert chat.status_code == 404 and chat.get_json()["errors"] == ["Chat not found"]
    assert client.post(f"{BASE}/topics/{missing}/silence", json={"minutes": 5}).status_code == 404
    assert client.post(f"{BASE}/topics/bad/hide").status_code == 404
    assert client.post(f"{BASE}/comments/bad/hide").status_code == 404


def test_silence_suppresses_notifications_and_lists(auth, app):
    me, client = auth.signed_in()
    topic_ids, room_id, post_id = seed(app)
    assert client.post(f"{BASE}/topics/{topic_ids[0]}/silence",
                       json={"minutes": {"$gt": 1}}).status_code == 400
    assert client.post(f"{BASE}/topics/{topic_ids[0]}/silence",
                       json={"minutes": -1}).status_code == 200
    assert client.post(f"{BASE}/chats/{room_id}/silence").status_code == 200
    silenced = client.get(f"{BASE}/silenced-items").get_json()["data"]
    assert {(i["type"], i["id"]) for i in silenced["items"]} == {
        ("topic", topic_ids[0]), ("chatroom", room_id)}
    assert silenced["topics"][0]["name"] == "T0" and silenced["silenced_users"] == []
    with app.app_context():
        assert notify(me["_id"], "comment", "t", "m", {"topic_id": topic_ids[0]}) is None
    client.post(f"{BASE}/topics/{topic_ids[0]}/unsilence")
    with app.app_context():
        assert notify(me["_id"], "comment", "t", "m", {"topic_id": topic_ids[0]}) is not None
