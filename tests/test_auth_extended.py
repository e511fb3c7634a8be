"""POST /api/auth/verify-totp and POST /api/auth/change-password (rest-accounts §2.2, §2.4)."""
import re

import pyotp

from models.user import User
from services.email_service import outbox
from tests.conftest import new_client
from tests.factories import totp_now
from utils import crypto

OLD_PASSWORD = "Old-pass-1"
NEW_PASSWORD = "New-pass-2!"


def verify_totp(client, **body):
    return client.post("/api/auth/verify-totp", json=body)


def test_verify_totp_signed_in_checks_the_code_once(app, auth):
    user, client = auth.signed_in()
    with app.app_context():
        User.update(user["_id"], unset=["totp_last_step"])
    code = totp_now(user)
    # the session's user is checked, whatever user_id says
    response = verify_totp(client, user_id="0" * 24, totp_code=code, is_setup=False)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"success": True, "message": "TOTP code verified successfully"}
    replay = verify_totp(client, user_id=str(user["_id"]), totp_code=code)
    assert replay.status_code == 400 and replay.get_json()["errors"] == ["Invalid verification code"]
    wrong = verify_totp(client, user_id=str(user["_id"]), totp_code="000000")
    assert wrong.status_code == 400
    assert verify_totp(client, totp_code="12").get_json()["errors"] == ["Invalid user ID or TOTP code"]


def test_verify_totp_without_2fa_enabled(app, auth):
    user, client = auth.signed_in()
    with app.app_context():
        User.update(user["_id"], set_={"totp_enabled": False})
    response = verify_totp(client, user_id=str(user["_id"]), totp_code=totp_now(user))
    assert response.status_code == 400
    assert response.get_json()["errors"] == ["2FA is not enabled. Please enable 2FA first."]


def test_verify_totp_is_no_oracle_for_other_accounts(app, auth, client, make_client):
    victim = auth.user()
    # anonymous, naming any account: refused before any code is checked
    response = verify_totp(client, user_id=str(victim["_id"]), totp_code=totp_now(victim))
    assert response.status_code == 401
    # a browser in the middle of its own registration may name only that account
    wizard = make_client()
    body = wizard.post("/api/auth/register-passwordless",
                       json={"username": "zed", "email": "zed@example.com"}).get_json()
    response = verify_totp(wizard, user_id=str(victim["_id"]), totp_code=totp_now(victim))
    assert response.status_code == 401
    with app.app_context():
        assert User.get(victim["_id"]).get("totp_last_step") is None  # never checked
        code = re.search(r"\b(\d{6})\b", [m for m in outbox() if m["to"] == "zed@example.com"][-1]["text"]).group(1)
    wizard.post("/api/auth/verify-email", json={"email": "zed@example.com", "code": code})
    secret = wizard.post("/api/auth/totp/qrcode", json={"email": "zed@example.com"}).get_json()["totp_secret"]
    enabled = verify_totp(wizard, user_id=body["user_id"], totp_code=pyotp.TOTP(secret).now(), is_setup=True)
    assert enabled.status_code == 200, enabled.get_json()
    assert enabled.get_json()["message"] == "2FA enabled successfully"
    assert len(enabled.get_json()["backup_codes"]) == 10
    with app.app_context():
        assert User.get(body["user_id"])["totp_enabled"] is True


def test_verify_totp_is_rate_limited_and_typed(app, auth, client):
    _, typed = auth.signed_in()
    assert verify_totp(typed, user_id={"$ne": None}, totp_code="123456").status_code == 400
    assert verify_totp(typed, totp_code={"$gt": ""}).status_code == 400
    assert verify_totp(typed, totp_code="123456", is_setup="yes").status_code == 400
    user, signed = auth.signed_in()
    statuses = [verify_totp(signed, user_id=str(user["_id"]), totp_code="000000").status_code
                for _ in range(11)]
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {400}


def password_user(auth, **fields):
    """A password account without TOTP, signed in on a new client by password."""
    user = auth.user(totp_enabled=False, password_hash=crypto.hash_password(OLD_PASSWORD), **fields)
    return user, password_login(auth, user, OLD_PASSWORD)


def password_login(auth, user, password):
    client = new_client(auth.app)
    response = client.post("/api/auth/login", json={"username": user["username"], "password": password})
    return client if response.status_code == 200 else response


def test_change_password_ends_other_sessions(app, auth):
    user, client = password_user(auth)
    other = password_login(auth, user, OLD_PASSWORD)
    assert other.get("/api/auth/me").get_json()["success"]

    response = client.post("/api/auth/change-password",
                           json={"current_password": OLD_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"success": True, "message": "Password changed successfully"}
    assert client.get("/api/auth/me").get_json()["success"]  # this browser stays signed in
    assert other.get("/api/auth/me").get_json()["success"] is False
    assert password_login(auth, user, OLD_PASSWORD).status_code == 401
    assert password_login(auth, user, NEW_PASSWORD).get("/api/auth/me").get_json()["success"]
    with app.app_context():
        stored = User.get(user["_id"])["password_hash"]
    assert stored.startswith("$argon2id$") and NEW_PASSWORD not in stored


def test_change_password_refusals(app, auth, client):
    user, signed = password_user(auth)

    def change(current, new, who=signed):
        return who.post("/api/auth/change-password", json={"current_password": current, "new_password": new})

    assert change("Wrong-pass-1", NEW_PASSWORD).get_json()["errors"] == ["Current password is incorrect"]
    weak = change(OLD_PASSWORD, "alllowercase1")
    assert weak.status_code == 400 and weak.get_json()["errors"][0].startswith("Password must be")
    assert change(OLD_PASSWORD, "x" * 129).status_code == 400
    assert change({"$ne": None}, NEW_PASSWORD).status_code == 400
    assert change(OLD_PASSWORD, NEW_PASSWORD, who=client).status_code == 401
    with app.app_context():
        assert crypto.verify_password(User.get(user["_id"])["password_hash"], OLD_PASSWORD)

    _, passwordless = auth.signed_in()
    refused = change(OLD_PASSWORD, NEW_PASSWORD, who=passwordless)
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == ["Password change is not available for passwordless accounts"]
