"""Endpoints whose behaviour was covered only through a sibling route: each one
works for the right user and refuses the wrong one."""
import io

import pytest
from PIL import Image

from models.user import User
from tests import content_helpers
from tests.chat_helpers import create_room, make_topic, send
from utils.time import utcnow


def png_data_uri():
    import base64

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def room(app, auth):
    """A public topic room owned by Alice, with Bob as a member."""
    owner, alice = auth.signed_in()
    topic = make_topic(app, owner)
    room = create_room(alice, topic["_id"], name="lounge")
    bob_user, bob = auth.signed_in()
    assert bob.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200
    return alice, bob, bob_user, room


def test_room_background_only_for_moderators(client, room):
    alice, bob, _, room = room
    path = f"/api/chat-rooms/{room['id']}/background"
    assert client.put(path, json={"background_picture": png_data_uri()}).status_code == 401
    assert bob.put(path, json={"background_picture": png_data_uri()}).status_code == 403
    response = alice.put(path, json={"background_picture": png_data_uri()})
    assert response.status_code == 200
    assert response.get_json()["data"]["background_picture"].startswith("data:image/png")


def test_room_moderator_removed_only_by_the_owner(auth, room):
    alice, bob, bob_user, room = room
    carol_user, carol = auth.signed_in()
    carol.post(f"/api/chat-rooms/{room['id']}/join")
    for user in (bob_user, carol_user):
        assert alice.post(f"/api/chat-rooms/{room['id']}/moderators",
                          json={"user_id": str(user["_id"])}).status_code == 200
    path = f"/api/chat-rooms/{room['id']}/moderators/{carol_user['_id']}"
    assert bob.delete(path).status_code == 403  # a moderator is not the owner
    assert alice.delete(path).status_code == 200
    room_now = alice.get(f"/api/chat-rooms/{room['id']}").get_json()["data"]
    assert str(carol_user["_id"]) not in room_now["moderators"]
    assert str(bob_user["_id"]) in room_now["moderators"]


def test_room_invitation_declined_only_by_the_invitee(app, auth):
    owner, alice = auth.signed_in()
    topic = make_topic(app, owner)
    private = create_room(alice, topic["_id"], name="inner", is_public=False)
    bob_user, bob = auth.signed_in()
    _, eve = auth.signed_in()
    alice.post(f"/api/chat-rooms/{private['id']}/invite", json={"username": bob_user["username"]})
    invitation = bob.get("/api/chat-rooms/invitations").get_json()["data"][0]
    path = f"/api/chat-rooms/invitations/{invitation['id']}/decline"
    assert eve.post(path).status_code in (400, 403, 404)
    assert bob.get("/api/chat-rooms/invitations").get_json()["data"]  # still pending
    assert bob.post(path).status_code == 200
    assert bob.get("/api/chat-rooms/invitations").get_json()["data"] == []
    assert send(bob, private["id"], "let me in").status_code == 403


def test_friend_request_reject_and_cancel_belong_to_one_side_each(auth):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()

    def request():
        response = alice.post("/api/friends/requests/send", json={"to_user_id": str(bob_user["_id"])})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["request_id"]

    first = request()
    assert alice.post(f"/api/friends/requests/{first}/reject").status_code in (403, 404)
    assert bob.post(f"/api/friends/requests/{first}/reject").status_code == 200
    second = request()
    assert bob.delete(f"/api/friends/requests/{second}/cancel").status_code in (403, 404)
    assert alice.delete(f"/api/friends/requests/{second}/cancel").status_code == 200
    assert bob.get(f"/api/friends/check/{alice_user['_id']}").get_json()["are_friends"] is False
    request()  # both earlier requests are gone, so a new one is not a duplicate


def test_room_message_report(app, auth, room):
    alice, bob, _, room = room
    message = send(alice, room["id"], "buy cheap pills").get_json()["data"]
    path = f"/api/messages/{message['id']}/report"
    body = {"reason": "spam", "description": "Selling pills in the lounge"}
    assert alice.post(path, json=body).status_code == 400  # your own message
    assert bob.post(path, json=body).status_code == 200
    assert bob.post(path, json=body).status_code == 409
    private = create_room(alice, make_topic(app, auth.user())["_id"], name="p", is_public=False)
    secret = send(alice, private["id"], "members only").get_json()["data"]
    assert bob.post(f"/api/messages/{secret['id']}/report", json=body).status_code == 403


def test_topic_unmute_and_mute_status(app, auth, client):
    owner, owner_client = auth.signed_in()
    _, member = auth.signed_in()
    _, stranger = auth.signed_in()
    topic = content_helpers.make_topic(owner_client, require_approval=True)
    status = f"/api/notification-settings/topics/{topic['id']}/status"
    unmute = f"/api/notification-settings/topics/{topic['id']}/unmute"
    legacy_unmute = f"/api/topics/{topic['id']}/unmute"
    for path in (status,):
        assert client.get(path).status_code == 401
        assert stranger.get(path).status_code == 404  # invite-only: invisible
    for path in (unmute, legacy_unmute):
        assert client.post(path).status_code == 401
        assert stranger.post(path).status_code == 404
    assert owner_client.post(f"/api/notification-settings/topics/{topic['id']}/mute",
                             json={"minutes": -1}).status_code == 200
    assert owner_client.get(status).get_json()["data"]["muted"] is True
    assert owner_client.post(unmute).status_code == 200
    assert owner_client.get(status).get_json()["data"]["muted"] is False
    assert member.post(legacy_unmute).status_code == 404  # not a member of the hidden topic


def test_topic_moderator_removed_only_by_the_owner(auth):
    _, owner = auth.signed_in()
    mod_user, mod = auth.signed_in()
    other_user, other = auth.signed_in()
    topic = content_helpers.make_topic(owner)
    for user, client in ((mod_user, mod), (other_user, other)):
        client.post(f"/api/topics/{topic['id']}/join")
        assert owner.post(f"/api/topics/{topic['id']}/moderators",
                          json={"user_id": str(user["_id"])}).status_code == 200
    path = f"/api/topics/{topic['id']}/moderators/{other_user['_id']}"
    assert mod.delete(path).status_code == 403
    assert owner.delete(path).status_code == 200
    names = {m["username"] for m in owner.get(f"/api/topics/{topic['id']}/moderators")
             .get_json()["data"]}
    assert other_user["username"] not in names and mod_user["username"] in names


def test_clear_warning(app, auth, client):
    assert client.post("/api/users/clear-warning").status_code == 401
    user, signed = auth.signed_in()
    assert signed.post("/api/users/clear-warning").status_code == 400  # nothing to clear
    with app.app_context():
        User.update(user["_id"], set_={"active_warning": {
            "message": "be nice", "warned_at": utcnow(), "warned_by": None, "dismissed_at": None}})
    assert signed.post("/api/users/clear-warning").status_code == 200
    assert signed.get("/api/auth/me").get_json()["user"]["active_warning"] is None
