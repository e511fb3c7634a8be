"""Command counts of the hot reads and writes: a regression in round trips fails here.

Counted with a pymongo command listener and a counting Redis connection class
(tests/command_counting.py); no timings. A cached read is the second identical
request: the first fills the caches."""
import pytest

from models.user import User
from services.content_cache import POST_ACTIVITY
from tests import command_counting
from tests.chat_helpers import create_group, send
from tests.command_counting import Recording
from tests.content_helpers import make_comment, make_post, make_topic, reply
from tests.factories import make_friends


@pytest.fixture
def world(app, auth):
    owner, client = auth.signed_in()
    friend, friend_client = auth.signed_in()
    with app.app_context():
        make_friends(owner, friend)
    topic = make_topic(client)
    post = make_post(client, topic["id"])
    comment = make_comment(client, post["id"])
    reply(client, comment["id"])
    room = create_group(client, invited=[friend["_id"]])
    send(client, room["id"])
    client.post("/api/messages/private", json={"to_user_id": str(friend["_id"]), "content": "hi"})
    command_counting.install(app)
    return {"owner": owner, "client": client, "friend": friend, "friend_client": friend_client,
            "topic": topic, "post": post, "room": room}


READS = {
    "me": "/api/auth/me",
    "topic": "/api/topics/{topic}",
    "topic_list": "/api/topics?limit=20",
    "posts": "/api/posts/topics/{topic}/posts?limit=20",
    "comments": "/api/comments/posts/{post}/comments",
    "room_history": "/api/chat-rooms/{room}/messages",
    "conversations": "/api/users/private-messages/conversations",
    "notifications": "/api/notifications",
}


def _url(world, name):
    return READS[name].format(topic=world["topic"]["id"], post=world["post"]["id"],
                              room=world["room"]["id"])


def cached_read(world, name):
    client = world["client"]
    url = _url(world, name)
    assert client.get(url).status_code == 200
    with Recording() as rec:
        response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return rec


# MongoDB commands a cached read may still make. The caller's permission facts
# come with the session (policies/facts.py, utils/session_store.py); the topic a
# visibility check needs comes from its cached document, read with the page
# (policies/documents.py, utils/cache.prefetch).
MONGO_CEILING = {
    "me": [],
    "topic": [],
    "topic_list": [],
    "posts": [],
    "comments": [],
    "room_history": [],  # the latest page cached per room (services/chat_cache.py)
    "conversations": [],  # cached per user, bumped by every DM write (private_messages.py)
    "notifications": [],  # cached per user, bumped by every notification write
}


@pytest.mark.parametrize("name", list(READS))
def test_cached_read_is_one_redis_command(world, name):
    rec = cached_read(world, name)
    # The session, the signed-in user, their facts, and the cache versions and pages
    # the route reads (its plan, utils/prefetch_plans.py) in one script; nothing
    # written back.
    assert rec.redis_commands == ["EVALSHA"], rec.redis_trips
    assert len(rec.mongo) <= len(MONGO_CEILING[name]), rec.log.mongo_detail


def test_me_is_one_redis_command_and_no_mongodb(world):
    rec = cached_read(world, "me")
    assert rec.redis_commands == ["EVALSHA"] and rec.mongo == []


def test_anonymous_request_touches_nothing(world, make_client):
    client = make_client()
    with Recording() as rec:
        assert client.get("/api/auth/me").status_code == 200
    assert rec.redis_commands == [] and rec.mongo == []


def test_unchanged_session_is_not_written_back(world, app):
    """The session's bytes and expiry are left alone by a read."""
    store = app.session_interface.client
    sid = world["client"].get_cookie("session").value
    before = store.get(f"session:{sid}")
    rec = cached_read(world, "topic")
    assert "SET" not in rec.redis_commands and store.get(f"session:{sid}") == before
    assert store.ttl(f"session:{sid}") > 0


def write(world, name):
    client, topic, post, room = world["client"], world["topic"], world["post"], world["room"]
    calls = {
        "post": lambda: client.post(f"/api/posts/topics/{topic['id']}/posts",
                                    json={"title": "Another", "content": "Body"}),
        "comment": lambda: client.post(f"/api/comments/posts/{post['id']}/comments",
                                       json={"content": "More"}),
        "room_message": lambda: send(client, room["id"], "again"),
        "dm": lambda: client.post("/api/messages/private",
                                  json={"to_user_id": str(world["friend"]["_id"]), "content": "yo"}),
    }
    calls[name]()  # the first fills the caches a write reads (room facts, session user)
    with Recording() as rec:
        response = calls[name]()
    assert response.status_code == 201, response.get_json()
    return rec


# MongoDB commands per write. post: the insert (its topic from the cached document,
# its counters at most once a second: services/activity_counts.py). comment: the
# insert (its post's head and its topic from the cache, the post's count as the
# topic's). The ban check and the author's role come from the facts. DM: the insert, both
# conversation rows, the notification (the recipient from the user cache, blocks and
# the recipient's notification silences from the facts, the seq from Redis).
WRITE_MONGO_CEILING = {"post": 1, "comment": 1, "room_message": 1, "dm": 3}
# Round trips. post: the session with the topic (the route's plan), rate limit, the
# counters with the pages' version. comment: the session with the post's topic id,
# the topic and the post's head (the route's plan), rate limit, the cache bumps. Room message: the session with the room (the route's
# plan), rate limit, seq, the counters, the publish. DM: session, recipient, rate
# limit, seq, both conversation lists, recipient's facts, their notification list,
# presence, missed-email queue.
WRITE_REDIS_CEILING = {"post": 3, "comment": 3, "room_message": 5, "dm": 9}


@pytest.mark.parametrize("name", ["post", "comment", "room_message", "dm"])
def test_write_command_counts(world, name):
    rec = write(world, name)
    assert len(rec.mongo) <= WRITE_MONGO_CEILING[name], rec.log.mongo_detail
    assert len(rec.redis_trips) <= WRITE_REDIS_CEILING[name], rec.redis_trips
    # SecantusDB's findAndModify scans the whole collection (bench `write`, README):
    # counters and timestamps are bumped with `update`.
    assert "findAndModify" not in rec.mongo, rec.log.mongo_detail


def test_reply_is_three_mongodb_commands(world):
    """The parent, the insert and the parent's reply count; the topic (visibility,
    ban) and the post's head come from the cache, the post's comment count is
    written at most once a second (services/activity_counts.py)."""
    client, post = world["client"], world["post"]
    parent = client.post(f"/api/comments/posts/{post['id']}/comments",
                         json={"content": "Parent"}).get_json()["data"]
    url = f"/api/comments/{parent['id']}/reply"
    assert client.post(url, json={"content": "First"}).status_code == 201
    with Recording() as rec:
        response = client.post(url, json={"content": "Second"})
    assert response.status_code == 201, response.get_json()
    assert sorted(rec.mongo) == ["find", "insert", "update"], rec.log.mongo_detail


def test_comment_on_someone_elses_post_notifies_in_three_commands(world):
    """The friend comments on the owner's post: the insert and the notification
    (the post's head from the cache, its counter at most once a second). Whether the
    owner blocked them comes from the commenter's facts, the owner (preferences,
    email) from the user cache. Redis: session with the post's topic and head, rate
    limit, comment caches, the owner's cached user,
    the owner's facts (silences), their notification list, presence, the
    missed-email queue."""
    client, post = world["friend_client"], world["post"]
    url = f"/api/comments/posts/{post['id']}/comments"
    assert client.post(url, json={"content": "First"}).status_code == 201
    with Recording() as rec:
        response = client.post(url, json={"content": "Second"})
    assert response.status_code == 201, response.get_json()
    assert sorted(rec.mongo) == ["insert", "insert"], rec.log.mongo_detail
    assert len(rec.redis_trips) <= 8, rec.redis_trips
    notes = world["client"].get("/api/notifications").get_json()["data"]
    assert [n["type"] for n in notes[:2]] == ["comment", "comment"]


def test_write_invalidates_the_cached_read(world, app):
    """A post and a comment are seen by the next cached read of their lists, the
    comment count once written (a burst's: by the periodic flush)."""
    client, topic, post = world["client"], world["topic"], world["post"]
    posts_url, comments_url = _url(world, "posts"), _url(world, "comments")
    before = len(client.get(posts_url).get_json()["data"])
    make_post(client, topic["id"], title="Fresh")
    assert len(client.get(posts_url).get_json()["data"]) == before + 1
    with app.app_context():  # the fixture's reply too
        POST_ACTIVITY.flush_all()
    count = _post_in(client.get(posts_url), post["id"])["comment_count"]
    make_comment(client, post["id"], content="Fresh comment")
    tree = client.get(comments_url).get_json()["data"]
    assert any(node["content"] == "Fresh comment" for node in tree)
    with app.app_context():
        POST_ACTIVITY.flush_all()
    assert _post_in(client.get(posts_url), post["id"])["comment_count"] == count + 1


def _post_in(response, post_id):
    return next(p for p in response.get_json()["data"] if p["id"] == post_id)


def test_prefetched_user_is_the_sessions_own(world):
    """The user read with each session is that session's: alternating callers
    never get each other's account, and a ban is seen on the next request."""
    owner, friend = world["owner"], world["friend"]
    for _ in range(2):
        assert world["client"].get("/api/auth/me").get_json()["user"]["username"] == \
            owner["username"]
        assert world["friend_client"].get("/api/auth/me").get_json()["user"]["username"] == \
            friend["username"]


def test_ban_ends_the_cached_session_user(world, app):
    assert world["friend_client"].get("/api/auth/me").get_json()["success"]
    with app.app_context():
        User.update(world["friend"]["_id"], set_={"is_banned": True})
    assert world["friend_client"].get("/api/auth/me").get_json()["success"] is False


def test_notification_writes_reach_the_cached_list(world):
    """A new notification, a read mark and a deletion are seen by the next cached read."""
    client, friend_client = world["client"], world["friend_client"]
    before = client.get("/api/notifications").get_json()
    unread = client.get("/api/notifications/unread-count").get_json()["data"]["count"]
    friend_client.post("/api/messages/private",
                       json={"to_user_id": str(world["owner"]["_id"]), "content": "ping"})
    after = client.get("/api/notifications").get_json()
    assert len(after["data"]) == len(before["data"]) + 1
    assert client.get("/api/notifications/unread-count").get_json()["data"]["count"] == unread + 1
    newest = after["data"][0]
    theirs = [n["id"] for n in friend_client.get("/api/notifications").get_json()["data"]]
    assert newest["id"] not in theirs  # one user's cached list is never another's
    assert client.post(f"/api/notifications/{newest['id']}/read").status_code == 200
    assert client.get("/api/notifications/unread-count").get_json()["data"]["count"] == unread
    assert client.delete(f"/api/notifications/{newest['id']}").status_code == 200
    ids = [n["id"] for n in client.get("/api/notifications").get_json()["data"]]
    assert newest["id"] not in ids


def test_topic_writes_reach_the_cached_topic_document(world, auth, app):
    """The topic a cached posts page, comment tree, new post or new comment is checked
    against is dropped by the topic's writes: invite-only and deletion hide it from a stranger
    at once."""
    stranger_client = auth.signed_in()[1]
    client, topic = world["client"], world["topic"]
    urls = [_url(world, "posts"), _url(world, "comments")]
    for url in urls:
        for _ in range(2):  # fill, then a cached read
            assert stranger_client.get(url).status_code == 200
    new_post, body = f"/api/posts/topics/{topic['id']}/posts", {"title": "Hi", "content": "x"}
    new_comment = f"/api/comments/posts/{world['post']['id']}/comments"
    for _ in range(2):
        assert stranger_client.post(new_post, json=body).status_code == 201
        assert stranger_client.post(new_comment, json={"content": "x"}).status_code == 201
    assert client.put(f"/api/topics/{topic['id']}",
                      json={"settings": {"require_approval": True}}).status_code == 200
    for url in urls:
        assert stranger_client.get(url).status_code == 404
        assert client.get(url).status_code == 200  # the owner still sees it
    assert stranger_client.post(new_post, json=body).status_code == 404
    assert stranger_client.post(new_comment, json={"content": "x"}).status_code == 404
    assert client.post(new_post, json=body).status_code == 201
    assert client.post(new_comment, json={"content": "x"}).status_code == 201
    assert client.put(f"/api/topics/{topic['id']}",
                      json={"settings": {"require_approval": False}}).status_code == 200
    assert stranger_client.get(urls[0]).status_code == 200
    assert client.delete(f"/api/topics/{topic['id']}").status_code == 200
    assert stranger_client.get(urls[0]).status_code == 404


def _history(client, room_id):
    response = client.get(f"/api/chat-rooms/{room_id}/messages")
    return response.status_code, (response.get_json().get("data") or [])


def test_room_history_cache_follows_writes(world, auth):
    """A new message and a deletion reach the cached page at once; a cached page is
    never served to someone who may not read the room."""
    client, room_id = world["client"], world["room"]["id"]
    _history(client, room_id)
    _history(client, room_id)
    new = send(client, room_id, "brand new").get_json()["data"]
    status, page = _history(client, room_id)
    assert status == 200 and page[-1]["id"] == new["id"]
    assert client.delete(f"/api/chat-rooms/{room_id}/messages/{new['id']}").status_code == 200
    assert new["id"] not in [m["id"] for m in _history(client, room_id)[1]]
    stranger_client = auth.signed_in()[1]
    assert _history(stranger_client, room_id)[0] == 403


def _conversation(client, other_id):
    rows = client.get("/api/users/private-messages/conversations").get_json()["data"]
    return next((row for row in rows if row["other_user_id"] == str(other_id)), None)


def test_conversations_cache_follows_writes(world):
    """Each user's cached list is their own, and a DM, a read mark, a mute and a
    deletion reach it at once."""
    client, friend_client = world["client"], world["friend_client"]
    owner_id, friend_id = world["owner"]["_id"], world["friend"]["_id"]
    assert _conversation(client, friend_id)["last_message"]["content"] == "hi"
    assert _conversation(friend_client, owner_id)["last_message"]["is_from_me"] is False
    unread = _conversation(client, friend_id)["unread_count"]
    friend_client.post("/api/messages/private",
                       json={"to_user_id": str(owner_id), "content": "news"})
    row = _conversation(client, friend_id)
    assert row["last_message"]["content"] == "news" and row["unread_count"] == unread + 1
    assert client.post(f"/api/users/private-messages/{friend_id}/read").status_code == 200
    assert _conversation(client, friend_id)["unread_count"] == 0
    assert client.post(f"/api/users/private-messages/{friend_id}/mute",
                       json={"minutes": -1}).status_code == 200
    assert _conversation(client, friend_id)["is_muted"] is True
    assert _conversation(friend_client, owner_id)["is_muted"] is False
    assert client.delete(f"/api/users/private-messages/{friend_id}").status_code == 200
    assert _conversation(client, friend_id) is None
    assert _conversation(friend_client, owner_id) is not None


def test_block_and_mute_reach_the_cached_facts_at_once(world):
    """The DM check and the notification silences read the users' cached facts:
    a block, an unblock and a mute through the API are seen by the very next DM."""
    client, friend_client = world["client"], world["friend_client"]
    owner_id, friend_id = world["owner"]["_id"], world["friend"]["_id"]

    def dm(sender, to):
        return sender.post("/api/messages/private", json={"to_user_id": str(to), "content": "k"})

    def notified():
        return client.get("/api/notifications/unread-count").get_json()["data"]["count"]

    assert dm(friend_client, owner_id).status_code == 201  # both users' facts now cached
    assert friend_client.post(f"/api/users/{owner_id}/block").status_code == 200
    assert dm(client, friend_id).get_json()["errors"] == ["This user has blocked you"]
    assert dm(friend_client, owner_id).get_json()["errors"] == ["You have blocked this user"]
    assert friend_client.delete(f"/api/users/{owner_id}/unblock").status_code == 200
    before = notified()
    assert dm(friend_client, owner_id).status_code == 201
    assert notified() == before + 1
    assert client.post(f"/api/users/private-messages/{friend_id}/mute",
                       json={"minutes": -1}).status_code == 200
    assert dm(friend_client, owner_id).status_code == 201
    assert notified() == before + 1  # muted: stored, not notified


def test_a_vote_and_a_user_update_use_no_find_and_modify(world, app):
    """A vote (a conditional update, then the post by `_id`) and a user update
    (`BaseModel.update`) stay on the `_id` index on SecantusDB too."""
    with Recording() as rec:
        response = world["client"].post(f"/api/posts/{world['post']['id']}/upvote")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["user_has_upvoted"] is True
    assert "findAndModify" not in rec.mongo and "update" in rec.mongo, rec.log.mongo_detail
    with app.app_context(), Recording() as rec:
        updated = User.update(world["friend"]["_id"], set_={"bio": "Changed"})
    assert updated["bio"] == "Changed"
    assert rec.mongo == ["update", "find"], rec.log.mongo_detail
