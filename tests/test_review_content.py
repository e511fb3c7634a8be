"""Regression tests of the security review's content findings (2-7, 9, 10, 13)."""
import base64
import io

import pytest
from PIL import Image

from models.chat_room import ChatRoomMember
from models.message import Message
from tests.chat_helpers import create_room, received, send
from tests.content_helpers import errors, make_comment, make_post, make_topic


def _events(sio, name):
    return [data for event, data in received(sio) if event == name]


def _dm(client, to, content="hi", **body):
    return client.post("/api/messages/private", json={"to_user_id": str(to["_id"]),
                                                      "content": content, **body})


# ----- 2: a topic ban covers the topic's chat rooms -----

def _invite_to_room(owner_client, guest_client, room, guest):
    response = owner_client.post(f"/api/chat-rooms/{room['id']}/invite",
                                 json={"user_id": str(guest["_id"])})
    assert response.status_code == 200, response.get_json()
    [invitation] = guest_client.get("/api/chat-rooms/invitations").get_json()["data"]
    return invitation


def test_topic_ban_covers_the_topics_chat_rooms(app, auth, socket_client):
    _owner, owner_client = auth.signed_in()
    bad, bad_client = auth.signed_in()
    topic = make_topic(owner_client)
    public = create_room(owner_client, topic["id"], name="open")
    private = create_room(owner_client, topic["id"], name="closed", is_public=False)
    assert bad_client.post(f"/api/topics/{topic['id']}/join").status_code == 200
    assert bad_client.post(f"/api/chat-rooms/{public['id']}/join").status_code == 200
    invitation = _invite_to_room(owner_client, bad_client, private, bad)
    assert bad_client.post(
        f"/api/chat-rooms/invitations/{invitation['id']}/accept").status_code == 200
    sio = socket_client(bad_client)
    for room in (public, private):
        sio.emit("join_chat_room", {"room_id": room["id"]})
    assert len(_events(sio, "chat_room_joined")) == 2

    assert owner_client.post(f"/api/topics/{topic['id']}/ban",
                             json={"user_id": str(bad["_id"])}).status_code == 200
    with app.app_context():
        assert ChatRoomMember.count({"user_id": bad["_id"]}) == 0
    received(sio)
    for room in (public, private):
        assert send(owner_client, room["id"], "after the ban").status_code == 201
    assert _events(sio, "new_chat_room_message") == []
    for room in (public, private):
        assert bad_client.get(f"/api/chat-rooms/{room['id']}/messages").status_code == 403
        assert bad_client.post(f"/api/chat-rooms/{room['id']}/join").status_code == 403
        sio.emit("join_chat_room", {"room_id": room["id"]})
        assert _events(sio, "error") and not _events(sio, "chat_room_joined")
    # An invitation sent after the ban cannot be accepted either.
    invitation = _invite_to_room(owner_client, bad_client, private, bad)
    assert bad_client.post(
        f"/api/chat-rooms/invitations/{invitation['id']}/accept").status_code == 400
    with app.app_context():
        assert ChatRoomMember.count({"user_id": bad["_id"]}) == 0


# ----- 3, 4: DM conversation list and payloads -----

def test_unsent_dm_leaves_the_conversation_list(auth):
    alice, alice_client = auth.signed_in()
    bob, bob_client = auth.signed_in()
    first = _dm(alice_client, bob, "first").get_json()["data"]
    secret = _dm(alice_client, bob, "oops, secret").get_json()["data"]
    assert alice_client.delete(f"/api/messages/private/{secret['id']}?mode=hard").status_code == 200
    [row] = bob_client.get("/api/users/private-messages/conversations").get_json()["data"]
    assert row["last_message"]["id"] == first["id"]
    assert row["last_message"]["content"] == "first"
    # Deleted for oneself: the viewer no longer sees it either; the other side still does.
    assert bob_client.delete(f"/api/messages/private/{first['id']}").status_code == 200
    [row] = bob_client.get("/api/users/private-messages/conversations").get_json()["data"]
    assert row["last_message"] is None
    [row] = alice_client.get("/api/messages/private/conversations").get_json()["data"]
    assert row["last_message"]["content"] == "first"


def test_dm_payload_hides_the_other_sides_delete_for_me(auth):
    alice, alice_client = auth.signed_in()
    bob, bob_client = auth.signed_in()
    message = _dm(alice_client, bob, "hello").get_json()["data"]
    assert bob_client.delete(f"/api/messages/private/{message['id']}").status_code == 200
    history = alice_client.get(f"/api/messages/private?other_user_id={bob['_id']}")
    [seen] = history.get_json()["data"]
    assert seen["deleted_for_user_ids"] == []
    [row] = alice_client.get("/api/messages/private/conversations").get_json()["data"]
    assert row["last_message"]["deleted_for_user_ids"] == []


# ----- 5: topic mute bounds -----

def test_topic_mute_minutes_are_bounded(auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    url = f"/api/topics/{topic['id']}/mute"
    assert owner_client.post(url, json={"minutes": 10_000_000_000}).status_code == 400
    assert owner_client.post(url, json={"minutes": -2}).status_code == 400
    assert owner_client.post(url, json={"minutes": 60}).status_code == 200


# ----- 6: invite-only topic events stop for people who left -----

def _invite_and_join(owner_client, guest_client, topic, guest):
    assert owner_client.post(f"/api/topics/{topic['id']}/invite",
                             json={"user_id": str(guest["_id"])}).status_code == 200
    [invitation] = guest_client.get("/api/topics/invitations").get_json()["data"]
    assert guest_client.post(
        f"/api/topics/invitations/{invitation['id']}/accept").status_code == 200


def test_leaving_an_invite_only_topic_stops_its_events(auth, socket_client):
    _owner, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    _invite_and_join(owner_client, guest_client, topic, guest)
    sio = socket_client(guest_client)
    sio.emit("join_topic", {"topic_id": topic["id"]})
    assert _events(sio, "topic_joined")
    make_post(owner_client, topic["id"], title="Still a member")
    assert len(_events(sio, "new_post")) == 1
    assert guest_client.post(f"/api/topics/{topic['id']}/leave").status_code == 200
    make_post(owner_client, topic["id"], title="Members only")
    assert _events(sio, "new_post") == []


def test_switching_to_invite_only_evicts_non_members(auth, socket_client):
    _owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    _stranger, stranger_client = auth.signed_in()
    topic = make_topic(owner_client)
    assert member_client.post(f"/api/topics/{topic['id']}/join").status_code == 200
    member_sio, stranger_sio = socket_client(member_client), socket_client(stranger_client)
    for sio in (member_sio, stranger_sio):
        sio.emit("join_topic", {"topic_id": topic["id"]})
        assert _events(sio, "topic_joined")
    response = owner_client.put(f"/api/topics/{topic['id']}",
                                json={"settings": {"require_approval": True}})
    assert response.status_code == 200, response.get_json()
    received(member_sio), received(stranger_sio)
    make_post(owner_client, topic["id"], title="Now private")
    assert len(_events(member_sio, "new_post")) == 1
    assert _events(stranger_sio, "new_post") == []


# ----- 7: a pending invitee cannot write in the topic's chat -----

def test_pending_invitee_cannot_send_topic_messages(auth):
    _owner, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    assert owner_client.post(f"/api/topics/{topic['id']}/invite",
                             json={"user_id": str(guest["_id"])}).status_code == 200
    url = f"/api/messages/topic/{topic['id']}"
    assert guest_client.get(url).status_code == 200  # may read while invited
    response = guest_client.post(url, json={"content": "sneaky"})
    assert response.status_code == 403
    assert owner_client.post(url, json={"content": "fine"}).status_code == 201


# ----- 10: retried sends in topic rooms are idempotent -----

def test_retried_send_in_a_topic_room_returns_the_first(app, auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    room = create_room(owner_client, topic["id"])
    first = send(owner_client, room["id"], "once", client_message_id="retry-1")
    assert first.status_code == 201
    again = send(owner_client, room["id"], "once", client_message_id="retry-1")
    assert again.status_code == 200
    assert again.get_json()["data"]["id"] == first.get_json()["data"]["id"]
    assert again.get_json()["data"]["seq"] == first.get_json()["data"]["seq"]
    with app.app_context():
        assert Message.count({"client_message_id": "retry-1"}) == 1
    # The retry used no sequence number: the next message follows the first directly.
    following = send(owner_client, room["id"], "next").get_json()["data"]
    assert following["seq"] == first.get_json()["data"]["seq"] + 1


# ----- 9: per-user budgets on content writes (small limits set per test) -----

def _limits(**values):
    return pytest.mark.parametrize("config_overrides", [values])


@_limits(POST_CREATE_LIMIT=2)
def test_post_creation_is_rate_limited(auth):
    _owner, owner_client = auth.signed_in()
    _other, other_client = auth.signed_in()
    topic = make_topic(owner_client)
    make_post(owner_client, topic["id"])
    make_post(owner_client, topic["id"])
    url = f"/api/posts/topics/{topic['id']}/posts"
    response = owner_client.post(url, json={"title": "third", "content": "too fast"})
    assert response.status_code == 429 and errors(response) == ["You are posting too fast"]
    make_post(other_client, topic["id"])  # the budget is per user


@_limits(COMMENT_CREATE_LIMIT=2)
def test_comment_creation_is_rate_limited(auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"])
    root = make_comment(owner_client, post["id"])
    make_comment(owner_client, post["id"])
    assert owner_client.post(f"/api/comments/posts/{post['id']}/comments",
                             json={"content": "third"}).status_code == 429
    assert owner_client.post(f"/api/comments/{root['id']}/reply",
                             json={"content": "reply"}).status_code == 429


@_limits(VOTE_LIMIT=2)
def test_votes_are_rate_limited(auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"])
    comment = make_comment(owner_client, post["id"])
    assert owner_client.post(f"/api/posts/{post['id']}/upvote").status_code == 200
    assert owner_client.post(f"/api/comments/{comment['id']}/upvote").status_code == 200
    assert owner_client.post(f"/api/posts/{post['id']}/downvote").status_code == 429


@_limits(REPORT_LIMIT=1)
def test_reports_are_rate_limited(auth):
    _owner, owner_client = auth.signed_in()
    _reporter, reporter_client = auth.signed_in()
    topic = make_topic(owner_client)
    first, second = make_post(owner_client, topic["id"]), make_post(owner_client, topic["id"])
    body = {"reason": "spam", "description": "buy now"}
    assert reporter_client.post(f"/api/posts/{first['id']}/report", json=body).status_code == 200
    assert reporter_client.post(f"/api/posts/{second['id']}/report", json=body).status_code == 429


@_limits(TOPIC_INVITE_LIMIT=1)
def test_topic_invitations_are_rate_limited_and_respect_blocks(auth):
    _owner, owner_client = auth.signed_in()
    first, second = auth.user(), auth.user()
    blocker, blocker_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    assert blocker_client.post(f"/api/users/{_owner['_id']}/block").status_code == 200
    url = f"/api/topics/{topic['id']}/invite"
    refused = owner_client.post(url, json={"user_id": str(blocker["_id"])})
    assert refused.status_code == 403 and errors(refused) == ["You cannot invite this user"]
    assert owner_client.post(url, json={"user_id": str(first["_id"])}).status_code == 200
    assert owner_client.post(url, json={"user_id": str(second["_id"])}).status_code == 429


@_limits(CHAT_INVITE_LIMIT=2)
def test_group_creation_invitations_count_against_the_invite_budget(app, auth):
    _owner, owner_client = auth.signed_in()
    users = [auth.user() for _ in range(3)]
    too_many = owner_client.post("/api/chat-rooms/group", json={
        "name": "crowd", "invited_users": [str(u["_id"]) for u in users]})
    assert too_many.status_code == 429
    assert owner_client.get("/api/chat-rooms/group/list").get_json()["data"] == []
    group = owner_client.post("/api/chat-rooms/group", json={
        "name": "pair", "invited_users": [str(u["_id"]) for u in users[:2]]})
    assert group.status_code == 201
    response = owner_client.post(f"/api/chat-rooms/{group.get_json()['data']['id']}/invite",
                                 json={"user_id": str(users[2]["_id"])})
    assert response.status_code == 429


# ----- 13: picture and GIF URLs -----

def _png_base64():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_room_pictures_are_https_urls_or_real_images(auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    room = create_room(owner_client, topic["id"])
    url = f"/api/chat-rooms/{room['id']}/picture"
    for bad in ("JAVASCRIPT:alert(1)", "//evil.example/x.png", "HTTP://img.example/a.png",
                "data:text/html;base64,PHNjcmlwdD4=", "data:image/png;base64,bm90IGFuIGltYWdl",
                "bm90IGFuIGltYWdl", "https://img.example/a b.png"):
        assert owner_client.put(url, json={"picture": bad}).status_code == 400, bad
    stored = owner_client.put(url, json={"picture": _png_base64()}).get_json()["data"]
    assert stored["picture"].startswith("data:image/png;base64,")
    assert owner_client.put(url, json={"picture": "HTTPS://img.example/a.png"}).status_code == 200
    refused = owner_client.post(f"/api/chat-rooms/topics/{topic['id']}/conversations",
                                json={"name": "x", "picture": "javascript:alert(1)"})
    assert refused.status_code == 400


def test_gif_urls_are_https_only(auth):
    _owner, owner_client = auth.signed_in()
    topic = make_topic(owner_client)
    room = create_room(owner_client, topic["id"])
    post = make_post(owner_client, topic["id"])
    for bad in ("JAVASCRIPT:alert(1)", "//evil.example/x.gif", "https://evil.example/\"x.gif"):
        assert owner_client.post(f"/api/posts/topics/{topic['id']}/posts",
                                 json={"title": "t", "gif_url": bad}).status_code == 400, bad
        assert owner_client.post(f"/api/comments/posts/{post['id']}/comments",
                                 json={"gif_url": bad}).status_code == 400, bad
        assert send(owner_client, room["id"], "", gif_url=bad,
                    message_type="gif").status_code == 400, bad
    assert send(owner_client, room["id"], "", gif_url="https://media.example/cat.gif",
                message_type="gif").status_code == 201
