"""Live events of topics, posts and comments, and the room join/leave events."""
from tests.content_helpers import make_comment, make_post, make_topic, reply


def names(sio):
    return [event["name"] for event in sio.get_received()]


def received(sio, name):
    return [event["args"][0] for event in sio.get_received() if event["name"] == name]


def test_full_flow_seen_live_by_a_second_socket(auth, socket_client):
    owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    assert member_client.post(f"/api/topics/{topic['id']}/join").status_code == 200
    watcher = socket_client(member_client)
    watcher.get_received()
    watcher.emit("join_topic", {"topic_id": topic["id"]})
    assert received(watcher, "topic_joined") == [{"topic_id": topic["id"], "topic_title": topic["title"]}]

    post = make_post(owner_client, topic["id"], title="Live post")
    [new_post] = received(watcher, "new_post")
    assert new_post["id"] == post["id"] and new_post["user_has_upvoted"] is False

    watcher.emit("join_post", {"post_id": post["id"]})
    assert received(watcher, "post_joined") == [{"post_id": post["id"], "post_title": "Live post"}]
    root = make_comment(owner_client, post["id"], "level 0")
    one = reply(member_client, root["id"], "level 1")
    two = reply(owner_client, one["id"], "level 2")
    reply(member_client, two["id"], "level 3")
    comments = received(watcher, "new_comment")
    assert [c["depth"] for c in comments] == [0, 1, 2, 3]
    assert all("replies" not in c for c in comments)

    owner_client.post(f"/api/posts/{post['id']}/upvote")
    owner_client.post(f"/api/posts/{post['id']}/upvote")
    owner_client.post(f"/api/comments/{root['id']}/upvote")
    events = [(e["name"], e["args"][0]) for e in watcher.get_received()]
    assert [(n, d.get("score", d.get("upvote_count"))) for n, d in events] == [
        ("post_upvoted", 1), ("post_upvoted", 0), ("comment_upvoted", 1)]

    # Banned: refused on REST and on the socket.
    owner_client.post(f"/api/topics/{topic['id']}/ban", json={"user_id": str(member["_id"])})
    assert member_client.post(f"/api/comments/{root['id']}/reply", json={"content": "x"}).status_code == 403
    watcher.emit("join_topic", {"topic_id": topic["id"]})
    assert received(watcher, "error") == [{"message": "You are banned from this topic"}]


def test_leave_stops_events(auth, socket_client):
    _owner, owner_client = auth.signed_in()
    _member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"])
    sio = socket_client(member_client)
    sio.emit("join_topic", {"topic_id": topic["id"]})
    sio.emit("join_post", {"post_id": post["id"]})
    sio.get_received()
    sio.emit("leave_topic", {"topic_id": topic["id"]})
    sio.emit("leave_post", {"post_id": post["id"]})
    assert names(sio) == ["topic_left", "post_left"]
    make_post(owner_client, topic["id"])
    make_comment(owner_client, post["id"])
    assert names(sio) == []


def test_bad_payloads_and_unknown_ids(auth, socket_client):
    _user, client = auth.signed_in()
    sio = socket_client(client)
    sio.get_received()
    sio.emit("join_topic", {"topic_id": {"$ne": None}})
    sio.emit("join_topic", {"topic_id": "0123456789abcdef01234567"})
    sio.emit("join_post", {"post_id": "nope"})
    errors = received(sio, "error")
    assert len(errors) == 3 and errors[1] == {"message": "Topic not found"}
    assert errors[2] == {"message": "Post not found"}


def test_anonymous_socket_is_refused(client, socket_client):
    sio = socket_client(client)
    assert not sio.is_connected()


def test_invite_only_room_needs_membership(auth, socket_client):
    _owner, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    owner_client.post(f"/api/topics/{topic['id']}/invite", json={"user_id": str(guest["_id"])})
    sio = socket_client(guest_client)
    sio.get_received()
    sio.emit("join_topic", {"topic_id": topic["id"]})
    assert names(sio) == ["error"]
    guest_client.post(f"/api/topics/{topic['id']}/join")
    sio.emit("join_topic", {"topic_id": topic["id"]})
    assert names(sio) == ["topic_joined"]
    make_post(owner_client, topic["id"])
    assert names(sio) == ["new_post"]


def test_invite_only_topic_events_are_not_broadcast(auth, emitted):
    owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    owner_client.put(f"/api/topics/{topic['id']}", json={"description": "changed"})
    rooms = {e["event"]: e["room"] for e in emitted if e["event"].startswith("topic_")}
    assert rooms == {"topic_created": f"user_{owner['_id']}", "topic_updated": f"topic_{topic['id']}"}


def test_ban_takes_sockets_out_of_the_rooms(auth, socket_client):
    _owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"])
    member_client.post(f"/api/topics/{topic['id']}/join")
    sio = socket_client(member_client)
    sio.emit("join_topic", {"topic_id": topic["id"]})
    sio.emit("join_post", {"post_id": post["id"]})
    sio.get_received()
    owner_client.post(f"/api/topics/{topic['id']}/ban", json={"user_id": str(member["_id"])})
    make_post(owner_client, topic["id"])
    make_comment(owner_client, post["id"])
    assert names(sio) == []
