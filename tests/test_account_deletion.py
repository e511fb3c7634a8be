"""Account deletion with an emailed code (rest-accounts §3.2, §13 item 3)."""
import re
from datetime import timedelta

from models.block import Block
from models.friendship import Friendship
from models.user import User
from services import email_service, presence
from tests.factories import totp_now
from utils.time import advance_clock


def emailed_code(app, email):
    with app.app_context():
        mails = [m for m in email_service.outbox() if m["to"] == email]
    return re.search(r"\b(\d{6})\b", mails[-1]["text"]).group(1)


def fresh_totp(app, user):
    with app.app_context():
        User.update(user["_id"], unset=["totp_last_step"])
    return totp_now(user)


def test_anonymous_calls_are_401(client):
    assert client.post("/api/users/request-deletion-code").status_code == 401
    assert client.delete("/api/users/delete-account", json={}).status_code == 401


def test_delete_with_nested_body_anonymises_and_ends_sessions(auth, app, socket_client):
    user, client = auth.signed_in(profile_picture="data:image/png;base64,AAAA")
    friend, f_client = auth.signed_in()
    second_tab = auth.login(user)
    sio = socket_client(second_tab)
    assert sio.is_connected()
    rid = client.post("/api/users/friends/request",
                      json={"to_user_id": str(friend["_id"])}).get_json()["data"]["id"]
    f_client.post(f"/api/users/friends/request/{rid}/accept")
    client.post(f"/api/users/{friend['_id']}/block")
    assert client.post("/api/users/request-deletion-code").get_json() == {
        "success": True, "message": "Verification code sent to your email"}
    code = emailed_code(app, user["email"])
    response = client.delete("/api/users/delete-account", json={
        "data": {"verification_code": code, "totp_code": fresh_totp(app, user)}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["message"] == "Account deleted successfully"

    assert client.get("/api/users/profile").status_code == 401
    assert second_tab.get("/api/users/profile").status_code == 401
    assert not sio.is_connected()
    with app.app_context():
        stored = User.get(user["_id"])
        assert stored["username"] == "Deleted User"
        assert stored["username_lower"] == f"deleted_{user['_id']}"
        assert user["email"] not in str(stored)
        assert stored["profile_picture"] is None and stored["totp_secret_enc"] is None
        assert stored["preferences"] == {} and stored["is_deleted"] is True
        assert Friendship.count() == 0 and Block.count() == 0
        assert not presence.is_online(user["_id"])
    # the account is gone for lookups; its old name is free; sign-in fails
    assert f_client.get(f"/api/users/{user['_id']}").status_code == 404
    assert f_client.post("/api/users/check-username",
                         json={"username": user["username"]}).get_json()["data"]["available"]
    login = auth.app.test_client().post("/api/auth/login-passwordless", json={
        "identifier": user["email"], "totp_code": totp_now(user)})
    assert login.status_code == 401


def test_flat_body_and_refusals(auth, app):
    user, client = auth.signed_in()
    client.post("/api/users/request-deletion-code")
    code = emailed_code(app, user["email"])
    wrong = "000000" if code != "000000" else "111111"
    cases = [({}, "Verification code is required"),
             ({"verification_code": code}, "TOTP code is required"),
             ({"verification_code": wrong, "totp_code": "123456"},
              "Invalid or expired verification code"),
             ({"verification_code": code, "totp_code": "000000"}, "Invalid TOTP code"),
             ({"verification_code": {"$ne": None}}, None)]
    for body, message in cases:
        response = client.delete("/api/users/delete-account", json=body)
        assert response.status_code == 400, body
        if message:
            assert response.get_json()["errors"] == [message]
    other_tab = auth.login(user)  # a fresh address: the route allows 5 tries a minute
    advance_clock(timedelta(minutes=16))
    expired = other_tab.delete("/api/users/delete-account", json={
        "verification_code": code, "totp_code": fresh_totp(app, user)})
    assert expired.status_code == 400
    assert expired.get_json()["errors"] == ["Invalid or expired verification code"]
    with app.app_context():
        assert User.get(user["_id"])["is_deleted"] is False


def test_flat_body_deletes(auth, app):
    user, client = auth.signed_in()
    client.post("/api/users/request-deletion-code")
    response = client.delete("/api/users/delete-account", json={
        "verification_code": emailed_code(app, user["email"]),
        "totp_code": fresh_totp(app, user)})
    assert response.status_code == 200
    with app.app_context():
        assert User.get(user["_id"])["is_deleted"] is True


def test_deleted_sender_reads_as_deleted_user(auth, app):
    user, client = auth.signed_in()
    with app.app_context():
        from services.users import display_name
        client.post("/api/users/request-deletion-code")
        code = emailed_code(app, user["email"])
    client.delete("/api/users/delete-account", json={
        "verification_code": code, "totp_code": fresh_totp(app, user)})
    with app.app_context():
        assert display_name(User.get(user["_id"])) == "Deleted User"
