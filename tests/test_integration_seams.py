"""Seams between the issues merged in parallel: chat mentions, one DM mute
store, admin deletions through the owning services, hidden items on every list,
and a deleted account seen by others."""
from models.notification import Notification
from tests.chat_helpers import create_room, make_topic, send


def _mentions_of(app, user):
    with app.app_context():
        return Notification.find({"user_id": user["_id"], "type": "mention"})


def _events_to(emitted, name, user):
    return [e for e in emitted if e["event"] == name and e["room"] == f"user_{user['_id']}"]


# ----- 1. mentions in chat -----

def test_room_message_mention_notifies_once_and_only_readers(app, auth, emitted):
    owner, owner_client = auth.signed_in()
    bob = auth.user()
    outsider = auth.user()
    topic = make_topic(app, owner)
    room = create_room(owner_client, topic["_id"], is_public=False)
    with app.app_context():
        from models.chat_room import ChatRoom
        from services.chat_room_members import add_member as _add_member
        _add_member(ChatRoom.get(room["id"]), bob["_id"])
    text = f"hi @{bob['username']} and @{outsider['username']}"
    first = send(owner_client, room["id"], text, client_message_id="m1")
    retry = send(owner_client, room["id"], text, client_message_id="m1")
    assert first.status_code == 201 and retry.get_json()["data"]["id"] == first.get_json()["data"]["id"]
    notes = _mentions_of(app, bob)
    assert len(notes) == 1
    assert notes[0]["data"]["chat_room_id"] == room["id"]
    assert notes[0]["data"]["content_type"] == "chat_room_message"
    assert len(_events_to(emitted, "user_mentioned", bob)) == 1
    assert _mentions_of(app, outsider) == []  # a private room: outsiders are not told


def test_topic_message_mention_notifies_once_and_only_viewers(app, auth, emitted, socket_client):
    owner, owner_client = auth.signed_in()
    bob = auth.user()
    outsider = auth.user()
    open_topic = make_topic(app, owner, title="open one")
    closed = make_topic(app, owner, title="closed one",
                        settings={"allow_anonymous": False, "require_approval": True})
    text = f"hey @{bob['username']} @{outsider['username']}"
    assert owner_client.post(f"/api/messages/topic/{open_topic['_id']}",
                             json={"content": text}).status_code == 201
    sio = socket_client(owner_client)
    sio.emit("send_message", {"topic_id": str(open_topic["_id"]), "content": "again @"
                              + bob["username"], "client_message_id": "k"})
    sio.emit("send_message", {"topic_id": str(open_topic["_id"]), "content": "again @"
                              + bob["username"], "client_message_id": "k"})
    assert len(_mentions_of(app, bob)) == 2  # one REST send, one socket send (retried once)
    assert len(_events_to(emitted, "user_mentioned", bob)) == 2
    assert len(_mentions_of(app, outsider)) == 1
    owner_client.post(f"/api/messages/topic/{closed['_id']}", json={"content": text})
    assert len(_mentions_of(app, outsider)) == 1  # the invite-only topic is not theirs


# ----- 2. one store for a conversation mute -----

def _dm(client, to_user, content):
    response = client.post("/api/messages/private", json={"to_user_id": str(to_user["_id"]),
                                                          "content": content})
    assert response.status_code in (200, 201), response.get_json()


def test_dm_mute_is_the_notification_mute(app, auth):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    mute_url = f"/api/users/private-messages/{alice_user['_id']}/mute"
    assert bob.post(mute_url, json={"minutes": 30}).status_code == 200
    with app.app_context():
        from services import notification_settings
        assert notification_settings.is_muted(bob_user["_id"], "conversation", alice_user["_id"])
    _dm(alice, bob_user, "shh")
    with app.app_context():
        assert Notification.count({"user_id": bob_user["_id"], "type": "message"}) == 0
    silenced = bob.get("/api/content-settings/silenced-items").get_json()["data"]
    assert [row["id"] for row in silenced["silenced_users"]] == [str(alice_user["_id"])]
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert convs[0]["is_muted"] is True
    assert bob.post(mute_url, json={"minutes": 0}).status_code == 200
    _dm(alice, bob_user, "again")
    with app.app_context():
        assert Notification.count({"user_id": bob_user["_id"], "type": "message"}) == 1
    assert bob.get("/api/content-settings/silenced-items").get_json()["data"][
        "silenced_users"] == []


def test_accounts_side_conversation_mute_silences_dms(app, auth):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    with app.app_context():
        from services import notification_settings
        notification_settings.mute(bob_user, "conversation", str(alice_user["_id"]), -1)
    _dm(alice, bob_user, "quiet")
    with app.app_context():
        assert Notification.count({"user_id": bob_user["_id"], "type": "message"}) == 0
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert convs[0]["is_muted"] is True


# ----- 3. admin decisions on pending deletions go through the owning services -----

def _topic_ids(client):
    return [t["id"] for t in client.get("/api/topics").get_json()["data"]]


def test_admin_approve_and_reject_topic_deletion_refresh_cached_lists(app, auth, emitted):
    from tests.content_helpers import make_topic as api_topic

    _, owner = auth.signed_in()
    _, admin = auth.signed_in(is_admin=True)
    gone, back = api_topic(owner, title="Gone for good"), api_topic(owner, title="Coming back")
    assert set(_topic_ids(owner)) == {gone["id"], back["id"]}  # now cached
    for topic in (gone, back):
        assert owner.delete(f"/api/topics/{topic['id']}").status_code == 200
    assert _topic_ids(owner) == []
    assert admin.post(f"/api/admin/topics/{gone['id']}/approve-deletion").status_code == 200
    assert admin.post(f"/api/admin/topics/{back['id']}/reject-deletion", json={}).status_code == 200
    assert _topic_ids(owner) == [back["id"]]
    assert owner.get(f"/api/topics/{back['id']}").status_code == 200
    # its title is its own again, and the restore was announced
    assert owner.post("/api/topics", json={"title": "Coming back"}).status_code == 409
    assert any(e["event"] == "topic_updated" and str(e["data"]["topic_id"]) == back["id"]
               for e in emitted)


def test_admin_reject_post_deletion_restores_it_in_cached_lists(app, auth):
    from tests.content_helpers import make_post, make_topic as api_topic

    _, owner = auth.signed_in()
    _, author = auth.signed_in()
    _, admin = auth.signed_in(is_admin=True)
    topic = api_topic(owner)
    assert author.post(f"/api/topics/{topic['id']}/join").status_code in (200, 201)
    post = make_post(author, topic["id"])
    posts_url = f"/api/posts/topics/{topic['id']}/posts"
    assert [p["id"] for p in owner.get(posts_url).get_json()["data"]] == [post["id"]]
    assert author.delete(f"/api/posts/{post['id']}").status_code == 200
    assert owner.get(posts_url).get_json()["data"] == []
    assert admin.post(f"/api/admin/posts/{post['id']}/reject-deletion", json={}).status_code == 200
    assert [p["id"] for p in owner.get(posts_url).get_json()["data"]] == [post["id"]]
    assert owner.get(f"/api/topics/{topic['id']}").get_json()["data"]["post_count"] == 1


def test_admin_reject_room_deletion_keeps_a_private_room_private(app, auth):
    owner_user, owner = auth.signed_in()
    _, admin = auth.signed_in(is_admin=True)
    topic = make_topic(app, owner_user)
    room = create_room(owner, topic["_id"], is_public=False)
    assert owner.delete(f"/api/chat-rooms/{room['id']}").status_code == 200
    assert admin.post(f"/api/admin/chatrooms/{room['id']}/reject-deletion", json={}).status_code == 200
    assert owner.get(f"/api/chat-rooms/{room['id']}").get_json()["data"]["is_public"] is False


# ----- 4. what the caller hid leaves every list (and comes back on unhide) -----

def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


def _hide_and_check(client, other_client, kind, item_id, url, expected):
    """Hide through the real endpoint; the list drops the item for the caller only
    (after being read once, so cached lists are exercised too)."""
    assert _ids(client, url) == expected
    assert client.post(f"/api/content-settings/{kind}/{item_id}/hide").status_code == 200
    assert _ids(client, url) == [i for i in expected if i != item_id]
    assert _ids(other_client, url) == expected
    assert client.post(f"/api/content-settings/{kind}/{item_id}/unhide").status_code == 200
    assert _ids(client, url) == expected


def test_hidden_topic_leaves_topic_list(auth):
    from tests.content_helpers import make_topic as api_topic

    _, alice = auth.signed_in()
    _, bob = auth.signed_in()
    first, second = api_topic(alice), api_topic(alice)
    _hide_and_check(bob, alice, "topics", first["id"], "/api/topics?sort_by=created_at",
                    [second["id"], first["id"]])


def test_hidden_post_leaves_topic_posts(auth):
    from tests.content_helpers import make_post, make_topic as api_topic

    _, alice = auth.signed_in()
    _, bob = auth.signed_in()
    topic = api_topic(alice)
    first, second = make_post(alice, topic["id"]), make_post(alice, topic["id"])
    _hide_and_check(bob, alice, "posts", first["id"], f"/api/posts/topics/{topic['id']}/posts",
                    [second["id"], first["id"]])


def test_hidden_post_leaves_recent_posts(auth):
    from tests.content_helpers import make_post, make_topic as api_topic

    _, alice = auth.signed_in()
    _, bob = auth.signed_in()
    topic = api_topic(alice)
    first, second = make_post(alice, topic["id"]), make_post(alice, topic["id"])
    _hide_and_check(bob, alice, "posts", second["id"], "/api/posts/recent",
                    [second["id"], first["id"]])


def test_hidden_room_leaves_topic_rooms(app, auth):
    alice_user, alice = auth.signed_in()
    _, bob = auth.signed_in()
    topic = make_topic(app, alice_user)
    first = create_room(alice, topic["_id"], name="first")
    second = create_room(alice, topic["_id"], name="second")
    send(alice, second["id"], "bump")  # newest activity first
    _hide_and_check(bob, alice, "chats", first["id"],
                    f"/api/chat-rooms/topics/{topic['_id']}/conversations",
                    [second["id"], first["id"]])


def test_hidden_group_leaves_group_list(app, auth):
    from tests.chat_helpers import create_group

    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    group = create_group(alice, "pals")
    with app.app_context():
        from models.chat_room import ChatRoom
        from services.chat_room_members import add_member as _add_member
        _add_member(ChatRoom.get(group["id"]), bob_user["_id"])
    _hide_and_check(bob, alice, "chats", group["id"], "/api/chat-rooms/group/list", [group["id"]])


# ----- 5. content-settings leftovers: DM unhide, hidden DMs list, user stats -----

def test_private_message_hidden_for_me_is_listed_and_unhidden(app, auth, client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    _dm(alice, bob_user, "keep this")
    message_id = bob.get(f"/api/users/private-messages/{alice_user['_id']}").get_json()["data"][0]["id"]
    unhide_url = f"/api/content-settings/private-messages/{message_id}/unhide"
    assert auth.signed_in()[1].post(unhide_url).status_code == 404  # not theirs, not hidden
    assert bob.post(f"/api/users/private-messages/{message_id}/delete-for-me").status_code == 200
    hidden = bob.get("/api/content-settings/hidden-items").get_json()["data"]
    assert hidden["hidden_private_messages"] == [{
        "id": message_id, "other_user_id": str(alice_user["_id"]),
        "other_username": alice_user["username"], "content": "keep this",
        "created_at": hidden["hidden_private_messages"][0]["created_at"]}]
    assert bob.get(f"/api/users/private-messages/{alice_user['_id']}").get_json()["data"] == []
    response = bob.post(unhide_url)
    assert response.status_code == 200 and response.get_json()["success"] is True
    assert [m["id"] for m in bob.get(
        f"/api/users/private-messages/{alice_user['_id']}").get_json()["data"]] == [message_id]
    assert bob.get("/api/content-settings/hidden-items").get_json()["data"][
        "hidden_private_messages"] == []
    assert bob.post(unhide_url).status_code == 404
    assert client.post(unhide_url).status_code == 401


def test_user_stats_counts_topics_messages_and_unread(app, auth, client):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    topic = make_topic(app, alice_user)
    room = create_room(alice, topic["_id"])
    assert send(alice, room["id"], "one").status_code == 201
    _dm(alice, bob_user, "two")
    _dm(alice, bob_user, "three")
    assert alice.get("/api/users/stats").get_json()["data"] == {
        "topics_joined": 1, "messages_sent": 3, "unread_messages": 0}
    assert bob.get("/api/users/stats").get_json()["data"] == {
        "topics_joined": 0, "messages_sent": 0, "unread_messages": 2}
    assert client.get("/api/users/stats").status_code == 401


# ----- 6. a deleted account, seen by the others -----

def _delete_account(app, user, client):
    from tests.test_account_deletion import emailed_code, fresh_totp

    assert client.post("/api/users/request-deletion-code").status_code == 200
    response = client.delete("/api/users/delete-account", json={
        "verification_code": emailed_code(app, user["email"]),
        "totp_code": fresh_totp(app, user)})
    assert response.status_code == 200, response.get_json()


def test_deleted_account_content_reads_as_deleted_user(app, auth):
    from tests.content_helpers import make_post, make_topic as api_topic

    gone_user, gone = auth.signed_in()
    bob_user, bob = auth.signed_in()
    topic = api_topic(bob)
    assert gone.post(f"/api/topics/{topic['id']}/join").status_code in (200, 201)
    assert bob.post(f"/api/topics/{topic['id']}/moderators",
                    json={"user_id": str(gone_user["_id"])}).status_code in (200, 201)
    post = make_post(gone, topic["id"])
    room = create_room(bob, topic["id"])
    assert gone.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200
    assert send(gone, room["id"], "from the room").status_code == 201
    _dm(gone, bob_user, "from a dm")
    from tests.chat_helpers import create_group
    group = create_group(gone, "gone's group")
    with app.app_context():
        from models.chat_room import ChatRoom
        from services.chat_room_members import add_member as _add_member
        _add_member(ChatRoom.get(group["id"]), bob_user["_id"])
    gone_topic = api_topic(gone)
    _delete_account(app, gone_user, gone)

    messages = bob.get(f"/api/chat-rooms/{room['id']}/messages").get_json()["data"]
    assert [(m["content"], m["sender_username"]) for m in messages] == [
        ("from the room", "Deleted User")]
    history = bob.get(f"/api/users/private-messages/{gone_user['_id']}")
    assert history.status_code == 200, history.get_json()
    assert [(m["content"], m["sender_username"]) for m in history.get_json()["data"]] == [
        ("from a dm", "Deleted User")]
    convs = bob.get("/api/users/private-messages/conversations").get_json()["data"]
    assert [c["username"] for c in convs] == ["Deleted User"]
    posts = bob.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"]
    assert [(p["id"], p["author_username"]) for p in posts] == [(post["id"], "Deleted User")]
    assert bob.get(f"/api/posts/{post['id']}").get_json()["data"]["author_username"] == "Deleted User"
    members = bob.get(f"/api/chat-rooms/{room['id']}/members")
    assert members.status_code == 200, members.get_json()
    assert {m["username"] for m in members.get_json()["data"]} == {"Deleted User",
                                                                     bob_user["username"]}
    moderators = bob.get(f"/api/topics/{topic['id']}/moderators")
    assert moderators.status_code == 200, moderators.get_json()
    assert bob.get(f"/api/topics/{topic['id']}").status_code == 200
    owned = bob.get(f"/api/topics/{gone_topic['id']}")
    assert owned.status_code == 200 and owned.get_json()["data"]["owner"]["username"] == "Deleted User"
    assert bob.get("/api/topics").status_code == 200
    assert [g["id"] for g in bob.get("/api/chat-rooms/group/list").get_json()["data"]] == [group["id"]]
    group_members = bob.get(f"/api/chat-rooms/{group['id']}/members")
    assert group_members.status_code == 200, group_members.get_json()
    refused = bob.post("/api/messages/private", json={"to_user_id": str(gone_user["_id"]),
                                                       "content": "are you there?"})
    assert refused.status_code in (403, 404), refused.get_json()
