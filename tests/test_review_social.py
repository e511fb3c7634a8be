"""Security review fixes (social side): follow / mute / hide / silence respect the
item's visibility, lists drop details of items the caller lost access to, ticket
threads are bounded, warning history is capped, account deletion drops passkeys."""
import pytest

from models.passkey import Passkey
from models.ticket import Ticket
from models.user import User
from tests.chat_helpers import create_group, create_room
from tests.content_helpers import make_post, make_topic
from tests.test_account_deletion import emailed_code, fresh_totp
from tests.test_tickets import create as create_ticket
from utils.time import utcnow

NS = "/api/notification-settings"
CS = "/api/content-settings"


@pytest.fixture
def config_overrides():
    return {"TICKET_MAX_MESSAGES": 5, "TICKET_REPLY_LIMIT": 6}


def errors(response):
    return response.get_json()["errors"]


def invite_only_post(owner_client):
    topic = make_topic(owner_client, require_approval=True)
    return topic, make_post(owner_client, topic["id"], title="Secret plan", content="hush")


# ----- finding 1: strangers -----

def test_stranger_cannot_follow_mute_or_hide_a_post_in_an_invite_only_topic(auth):
    _owner, owner_client = auth.signed_in()
    _stranger, client = auth.signed_in()
    _topic, post = invite_only_post(owner_client)
    assert client.get(f"/api/posts/{post['id']}").status_code == 404
    for method, path in [("post", f"{NS}/posts/{post['id']}/follow"),
                         ("get", f"{NS}/posts/{post['id']}/status"),
                         ("post", f"/api/users/posts/{post['id']}/mute"),
                         ("post", f"{CS}/posts/{post['id']}/hide"),
                         ("post", f"{CS}/posts/{post['id']}/silence")]:
        response = getattr(client, method)(path)
        # the same answer as for a post that does not exist: no existence oracle
        assert response.status_code == 404 and errors(response) == ["Post not found"], path
    assert client.get(f"{NS}/posts/followed").get_json()["data"] == []
    assert client.get(f"{CS}/hidden-items").get_json()["data"]["hidden_posts"] == []
    assert client.get(f"{NS}/muted").get_json()["data"] == []


def test_stranger_cannot_follow_mute_or_hide_an_invite_only_topic(auth):
    _owner, owner_client = auth.signed_in()
    _stranger, client = auth.signed_in()
    topic, _post = invite_only_post(owner_client)
    for path in [f"{NS}/topics/{topic['id']}/mute", f"{NS}/topics/{topic['id']}/status",
                 f"{CS}/topics/{topic['id']}/hide", f"{CS}/topics/{topic['id']}/silence"]:
        response = client.get(path) if path.endswith("status") else client.post(path)
        assert response.status_code == 404 and errors(response) == ["Topic not found"], path
    assert client.get(f"{CS}/hidden-items").get_json()["data"]["hidden_topics"] == []
    assert client.get(f"{CS}/silenced-items").get_json()["data"]["items"] == []


def test_stranger_cannot_follow_or_hide_private_rooms_and_group_chats(auth):
    _alice_user, alice = auth.signed_in()
    _stranger, client = auth.signed_in()
    topic = make_topic(alice)
    private = create_room(alice, topic["id"], name="secret", is_public=False)
    group = create_group(alice, "Friends")
    for room in (private, group):
        for method, path in [("post", f"{NS}/chatrooms/{room['id']}/follow"),
                             ("get", f"{NS}/chatrooms/{room['id']}/status"),
                             ("post", f"/api/users/chats/{room['id']}/mute"),
                             ("post", f"{CS}/chats/{room['id']}/hide"),
                             ("post", f"{CS}/chats/{room['id']}/silence")]:
            response = getattr(client, method)(path)
            assert response.status_code == 404 and errors(response) == ["Chat not found"], path
    assert client.get(f"{NS}/chat-rooms/followed").get_json()["data"] == []
    assert client.get(f"{CS}/hidden-items").get_json()["data"]["hidden_chats"] == []
    # the owner may still do all of it
    assert alice.post(f"{NS}/chatrooms/{private['id']}/follow").status_code == 200
    assert alice.post(f"{CS}/chats/{group['id']}/hide").status_code == 200
    assert [r["name"] for r in alice.get(f"{NS}/chat-rooms/followed").get_json()["data"]] == [
        "secret"]


# ----- finding 1: a user who loses access -----

def test_losing_access_removes_details_from_the_lists(auth):
    _owner, owner_client = auth.signed_in()
    _reader, client = auth.signed_in()
    topic = make_topic(owner_client)
    post = make_post(owner_client, topic["id"], title="Soon secret")
    room = create_room(owner_client, topic["id"], name="lobby")
    assert client.post(f"{NS}/posts/{post['id']}/follow").status_code == 200
    assert client.post(f"{NS}/chatrooms/{room['id']}/follow").status_code == 200
    assert client.post(f"{CS}/topics/{topic['id']}/hide").status_code == 200
    assert client.post(f"{CS}/chats/{room['id']}/hide").status_code == 200
    assert client.post(f"{CS}/posts/{post['id']}/silence").status_code == 200
    assert client.get(f"{NS}/posts/followed").get_json()["data"][0]["title"] == "Soon secret"

    response = owner_client.put(f"/api/topics/{topic['id']}",
                                json={"settings": {"require_approval": True}})
    assert response.status_code == 200
    assert client.get(f"{NS}/posts/followed").get_json()["data"] == []
    assert client.get(f"{NS}/chat-rooms/followed").get_json()["data"] == []
    hidden = client.get(f"{CS}/hidden-items").get_json()["data"]
    assert [(r["id"], r["title"], r["description"]) for r in hidden["hidden_topics"]] == [
        (topic["id"], None, None)]
    assert [(r["id"], r["name"], r["topic_id"]) for r in hidden["hidden_chats"]] == [
        (room["id"], None, None)]
    silenced = client.get(f"{CS}/silenced-items").get_json()["data"]["posts"]
    assert [(r["id"], r["name"], r["topic_id"]) for r in silenced] == [(post["id"], None, None)]
    assert client.get(f"{NS}/posts/{post['id']}/status").status_code == 404

    # what the caller set can still be undone, and then it is gone
    assert client.post(f"{NS}/posts/{post['id']}/unfollow").status_code == 200
    assert client.post(f"{CS}/topics/{topic['id']}/unhide").status_code == 200
    assert client.post(f"{CS}/posts/{post['id']}/unsilence").status_code == 200
    assert client.get(f"{CS}/hidden-items").get_json()["data"]["hidden_topics"] == []
    assert client.get(f"{CS}/silenced-items").get_json()["data"]["items"] == []
    # without a setting to undo, the item must be visible
    assert client.post(f"{CS}/posts/{post['id']}/unhide").status_code == 404


# ----- finding 11: tickets -----

def test_ticket_replies_are_capped_and_refused_when_closed(auth, app):
    admin_user, admin = auth.signed_in(is_admin=True)
    _user, client = auth.signed_in()
    ticket = create_ticket(client).get_json()["data"]
    url = f"/api/tickets/{ticket['id']}"
    for i in range(4):  # the description is message 1 of at most 5
        assert client.put(url, json={"message": f"more {i}"}).status_code == 200
    full = client.put(url, json={"message": "one too many"})
    assert full.status_code == 400 and errors(full) == [
        "This ticket has reached its message limit; please open a new ticket"]
    with app.app_context():
        assert len(Ticket.get(ticket["id"])["messages"]) == 5

    other = create_ticket(client).get_json()["data"]
    assert admin.put(f"/api/admin/tickets/{other['id']}",
                     json={"status": "closed"}).status_code == 200
    closed = client.put(f"/api/tickets/{other['id']}", json={"message": "hello?"})
    assert closed.status_code == 400 and errors(closed) == ["Cannot reply to a closed ticket"]


def test_ticket_replies_are_rate_limited(auth):
    _user, client = auth.signed_in()
    ids = [create_ticket(client).get_json()["data"]["id"] for _ in range(2)]
    statuses = [client.put(f"/api/tickets/{ids[i % 2]}", json={"message": "ping"}).status_code
                for i in range(7)]
    assert statuses == [200] * 6 + [429]


def test_warning_history_is_capped(auth, app):
    from services.users import WARNING_HISTORY_CAP

    user, client = auth.signed_in()
    old = [{"message": f"old {i}"} for i in range(WARNING_HISTORY_CAP)]
    with app.app_context():
        User.update(user["_id"], set_={"warning_history": old, "active_warning": {
            "message": "newest", "warned_at": utcnow()}})
    assert client.post("/api/users/dismiss-warning").status_code == 200
    with app.app_context():
        history = User.get(user["_id"])["warning_history"]
    assert len(history) == WARNING_HISTORY_CAP
    assert history[-1]["message"] == "newest" and history[0]["message"] == "old 1"


# ----- account deletion -----

def test_account_deletion_forgets_passkeys(auth, app):
    user, client = auth.signed_in()
    keeper, _ = auth.signed_in()
    with app.app_context():
        for owner, cred in ((user, "cred-a"), (keeper, "cred-b")):
            Passkey.insert(user_id=owner["_id"], credential_id=cred, public_key=b"k")
    client.post("/api/users/request-deletion-code")
    response = client.delete("/api/users/delete-account", json={
        "verification_code": emailed_code(app, user["email"]),
        "totp_code": fresh_totp(app, user)})
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        assert Passkey.count({"user_id": user["_id"]}) == 0
        assert Passkey.count({"user_id": keeper["_id"]}) == 1
