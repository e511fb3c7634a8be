"""Shared helpers of the chat, private-message and attachment tests."""
from models.topic import Topic, TopicMember


def make_topic(app, owner, **fields):
    with app.app_context():
        title = fields.pop("title", f"topic-{owner['username']}")
        topic = Topic.insert(title=title, title_lower=title.lower(), owner_id=owner["_id"],
                             member_count=1, **fields)
        TopicMember.insert(topic_id=topic["_id"], user_id=owner["_id"], role="owner")
    return topic


def create_room(client, topic_id, **body):
    body = {"name": "general", "description": "chat", "is_public": True, **body}
    response = client.post(f"/api/chat-rooms/topics/{topic_id}/conversations", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def create_group(client, name="friends", invited=()):
    response = client.post("/api/chat-rooms/group",
                           json={"name": name, "invited_users": [str(i) for i in invited]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def send(client, room_id, content="hello", **body):
    return client.post(f"/api/chat-rooms/{room_id}/messages", json={"content": content, **body})


def received(sio, name=None):
    """Events a Socket.IO test client got since the last call: [(name, first arg)]."""
    events = [(item["name"], item["args"][0] if item["args"] else None)
              for item in sio.get_received()]
    return [e for e in events if name is None or e[0] == name]
