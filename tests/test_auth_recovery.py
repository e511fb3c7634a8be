"""Passwordless recovery (rest-accounts §2.3, §11.5), with the steps bound together."""
import re

import pyotp

from models.user import User
from services.email_service import outbox
from utils import crypto


def recovery_code_sent(app, email):
    with app.app_context():
        mails = [m for m in outbox() if m["to"] == email and "recovery" in m["subject"]]
    return re.search(r"\b(\d{6})\b", mails[-1]["text"]).group(1) if mails else None


def user_with_recovery_code(app, auth):
    user = auth.user()
    with app.app_context():
        User.update(user["_id"], set_={"recovery_code_hash": crypto.hash_password("my master code")})
    return user


def test_full_recovery_then_sign_in_with_new_authenticator(app, auth, client, make_client):
    user = user_with_recovery_code(app, auth)
    assert client.post("/api/auth/recovery/initiate-passwordless",
                       json={"email": user["email"].upper()}).status_code == 200
    code = recovery_code_sent(app, user["email"])
    step2 = client.post("/api/auth/recovery/verify-email-code", json={"email": user["email"], "code": code})
    assert step2.status_code == 200 and step2.get_json()["user_id"] == str(user["_id"])
    step3 = client.post("/api/auth/recovery/verify-user-code",
                        json={"email": user["email"], "recovery_code": "my master code"})
    assert step3.status_code == 200
    secret = step3.get_json()["totp_secret"]
    assert step3.get_json()["qr_code_image"].startswith("data:image/png;base64,")
    step5 = client.post("/api/auth/recovery/complete-totp-setup",
                        json={"email": user["email"], "totp_code": pyotp.TOTP(secret).now()})
    assert step5.status_code == 200 and len(step5.get_json()["backup_codes"]) == 10
    old = make_client().post("/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()})
    assert old.status_code == 401


def test_unknown_email_gets_the_same_answer(app, client):
    response = client.post("/api/auth/recovery/initiate-passwordless", json={"email": "no@example.com"})
    assert response.status_code == 200
    assert response.get_json()["message"] == "If this email exists, a recovery code has been sent"


def test_recovery_code_alone_does_not_reset_the_authenticator(app, auth, make_client):
    user = user_with_recovery_code(app, auth)
    response = make_client().post("/api/auth/recovery/verify-user-code",
                                  json={"email": user["email"], "recovery_code": "my master code"})
    assert response.status_code == 401
    with app.app_context():
        assert User.get(user["_id"])["totp_enabled"] is True


def test_steps_from_another_browser_are_refused(app, auth, client, make_client):
    user = user_with_recovery_code(app, auth)
    client.post("/api/auth/recovery/initiate-passwordless", json={"email": user["email"]})
    code = recovery_code_sent(app, user["email"])
    client.post("/api/auth/recovery/verify-email-code", json={"email": user["email"], "code": code})
    thief = make_client()
    response = thief.post("/api/auth/recovery/verify-user-code",
                          json={"email": user["email"], "recovery_code": "my master code"})
    assert response.status_code == 401
    wrong = client.post("/api/auth/recovery/verify-user-code",
                        json={"email": user["email"], "recovery_code": "not my code"})
    assert wrong.status_code == 400
    skipped = client.post("/api/auth/recovery/complete-totp-setup",
                          json={"email": user["email"], "totp_code": "123456"})
    assert skipped.status_code == 401
