"""The SPA's seven-step registration wizard and TOTP sign-in (rest-accounts §2, §11.1-11.2)."""
import re
from datetime import timedelta

import pyotp
import pytest

from models.user import User
from services.email_service import outbox
from utils.time import advance_clock


def last_code(app, email):
    with app.app_context():
        mails = [m for m in outbox() if m["to"] == email]
    assert mails, f"no email sent to {email}"
    return re.search(r"\b(\d{6})\b", mails[-1]["text"]).group(1)


def register(client, username="alice", email="Alice@Example.com"):
    response = client.post("/api/auth/register-passwordless",
                           json={"username": username, "email": email, "language": "pt-PT"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_whole_wizard_then_totp_sign_in(app, client, make_client):
    body = register(client)
    assert body["success"] and len(body["user_id"]) == 24
    # Steps 2-6 send the email exactly as typed (capitals included).
    code = last_code(app, "alice@example.com")
    verified = client.post("/api/auth/verify-email", json={"email": "Alice@Example.com", "code": code})
    assert verified.status_code == 200
    assert verified.get_json()["totp_qr_data"].startswith("otpauth://totp/")

    qr = client.post("/api/auth/totp/qrcode", json={"email": "Alice@Example.com", "username": "alice"})
    assert qr.status_code == 200
    qr_body = qr.get_json()
    assert qr_body["qr_code_image"].startswith("data:image/png;base64,")
    secret = qr_body["totp_secret"]

    done = client.post("/api/auth/complete-totp-setup",
                       json={"email": "Alice@Example.com", "totp_code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_json()
    codes = done.get_json()["backup_codes"]
    assert len(codes) == 10 and all(re.fullmatch(r"\d{8}", c) for c in codes)

    recovery = client.post("/api/auth/recovery-code/set", json={
        "email": "Alice@Example.com", "user_id": body["user_id"], "recovery_code": "correct horse"})
    assert recovery.status_code == 200

    browser = make_client()
    with app.app_context():
        User.update(body["user_id"], unset=["totp_last_step"])  # fresh step for the sign-in
    login = browser.post("/api/auth/login-passwordless",
                         json={"identifier": "ALICE@example.com", "totp_code": pyotp.TOTP(secret).now()})
    assert login.status_code == 200, login.get_json()
    assert login.get_json()["user"] == {
        "id": body["user_id"], "username": "alice", "email": "alice@example.com",
        "preferences": {"language": "pt"}, "totp_enabled": True, "is_admin": False}
    me = browser.get("/api/auth/me").get_json()
    assert me["success"] and me["user"]["id"] == body["user_id"]

    with app.app_context():
        stored = User.get(body["user_id"])
    assert secret not in str(stored)  # the TOTP secret is stored encrypted
    assert all(code not in str(stored) for code in codes)  # backup codes hashed
    assert "correct horse" not in str(stored)


def test_wizard_step_from_another_browser_session_is_401(app, client, make_client):
    body = register(client)
    stranger = make_client()
    for path, payload in [
        ("/api/auth/totp/qrcode", {"email": "alice@example.com"}),
        ("/api/auth/verify-email", {"email": "alice@example.com", "code": "123456"}),
        ("/api/auth/complete-totp-setup", {"user_id": body["user_id"], "totp_code": "123456"}),
        ("/api/auth/recovery-code/set", {"email": "alice@example.com", "recovery_code": "x" * 10}),
        ("/api/auth/resend-verification", {"email": "alice@example.com"}),
    ]:
        response = stranger.post(path, json=payload)
        assert response.status_code == 401, path
        assert "totp_secret" not in response.get_json()


def test_wizard_session_cannot_name_another_account(client, make_client):
    register(make_client(), username="victim", email="victim@example.com")
    register(client)
    response = client.post("/api/auth/totp/qrcode", json={"email": "victim@example.com"})
    assert response.status_code == 401


def test_wrong_expired_and_reused_email_codes(app, client):
    register(client)
    code = last_code(app, "alice@example.com")
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post("/api/auth/verify-email", json={"email": "alice@example.com", "code": wrong})
    assert bad.status_code == 400 and bad.get_json()["error"]

    advance_clock(timedelta(minutes=16))
    expired = client.post("/api/auth/verify-email", json={"email": "alice@example.com", "code": code})
    assert expired.status_code == 400

    assert client.post("/api/auth/resend-verification",
                       json={"email": "alice@example.com"}).status_code == 200
    fresh = last_code(app, "alice@example.com")
    assert client.post("/api/auth/verify-email",
                       json={"email": "alice@example.com", "code": fresh}).status_code == 200
    reused = client.post("/api/auth/verify-email", json={"email": "alice@example.com", "code": fresh})
    assert reused.status_code == 400


def test_email_code_dies_after_repeated_wrong_guesses(app, client):
    register(client)
    code = last_code(app, "alice@example.com")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/api/auth/verify-email", json={"email": "alice@example.com", "code": wrong})
    response = client.post("/api/auth/verify-email", json={"email": "alice@example.com", "code": code})
    assert response.status_code == 400


def test_unknown_user_and_wrong_code_get_the_same_error(auth, client):
    user = auth.user()
    wrong = client.post("/api/auth/login-passwordless",
                        json={"identifier": user["username"], "totp_code": "000000"})
    unknown = client.post("/api/auth/login-passwordless",
                          json={"identifier": "nobody", "totp_code": "000000"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["errors"] == unknown.get_json()["errors"]


def test_totp_code_cannot_be_replayed(auth, make_client):
    user = auth.user()
    code = pyotp.TOTP(user["totp_secret"]).now()
    first = make_client().post("/api/auth/login-passwordless",
                               json={"identifier": user["username"], "totp_code": code})
    replay = make_client().post("/api/auth/login-passwordless",
                                json={"identifier": user["username"], "totp_code": code})
    assert first.status_code == 200
    assert replay.status_code == 401


def test_unverified_and_banned_accounts_cannot_sign_in(auth, client):
    unverified = auth.user(email_verified=False)
    response = client.post("/api/auth/login-passwordless", json={
        "identifier": unverified["username"], "totp_code": pyotp.TOTP(unverified["totp_secret"]).now()})
    assert response.status_code == 401
    banned = auth.user(is_banned=True)
    response = client.post("/api/auth/login-passwordless", json={
        "identifier": banned["username"], "totp_code": pyotp.TOTP(banned["totp_secret"]).now()})
    assert response.status_code == 401 and response.get_json()["errors"] == ["Account is banned"]


def test_backup_code_signs_in_once(app, client, make_client):
    body = register(client)
    client.post("/api/auth/verify-email", json={"email": "alice@example.com",
                                                "code": last_code(app, "alice@example.com")})
    secret = client.post("/api/auth/totp/qrcode", json={}).get_json()["totp_secret"]
    codes = client.post("/api/auth/complete-totp-setup", json={
        "user_id": body["user_id"], "totp_code": pyotp.TOTP(secret).now()}).get_json()["backup_codes"]
    first = make_client().post("/api/auth/login-passwordless-backup",
                               json={"identifier": "alice", "backup_code": codes[0]})
    again = make_client().post("/api/auth/login-passwordless-backup",
                               json={"identifier": "alice", "backup_code": codes[0]})
    assert first.status_code == 200 and first.get_json()["user"]["username"] == "alice"
    assert again.status_code == 401


def test_email_second_factor(app, auth, client):
    user = auth.user(preferences={"language": "en", "email_2fa_enabled": True})
    response = client.post("/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()})
    body = response.get_json()
    assert response.status_code == 200 and body["success"] is False
    assert body["require_email_2fa"] is True and body["user_id"] == str(user["_id"])
    assert client.get("/api/auth/me").get_json()["success"] is False  # no session yet
    code = last_code(app, user["email"])
    verified = client.post("/api/auth/verify-login-email-2fa",
                           json={"user_id": str(user["_id"]), "code": code})
    assert verified.status_code == 200
    assert client.get("/api/auth/me").get_json()["user"]["username"] == user["username"]


def test_duplicate_registration(client, make_client, auth):
    existing = auth.user(username="taken")
    response = client.post("/api/auth/register-passwordless",
                           json={"username": "someone", "email": existing["email"]})
    assert response.status_code == 409
    response = make_client().post("/api/auth/register-passwordless",
                                  json={"username": "TAKEN", "email": "new@example.com"})
    assert response.status_code == 409


@pytest.mark.parametrize("payload, message", [
    ({"username": "ab", "email": "a@example.com"}, "at least 3"),
    ({"username": "bad name!", "email": "a@example.com"}, "invalid characters"),
    ({"username": "-dash", "email": "a@example.com"}, "invalid characters"),
    ({"username": "fine", "email": "not-an-email"}, "Valid email"),
])
def test_registration_input_rules(client, payload, message):
    response = client.post("/api/auth/register-passwordless", json=payload)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_password_registration_and_login_for_api_clients(app, client, make_client):
    weak = client.post("/api/auth/register", json={
        "username": "bob", "email": "bob@example.com", "password": "password1"})
    assert weak.status_code == 400
    created = client.post("/api/auth/register", json={
        "username": "bob", "email": "bob@example.com", "password": "Str0ng!pass"})
    assert created.status_code == 201
    api = make_client()
    early = api.post("/api/auth/login", json={"username": "bob", "password": "Str0ng!pass"})
    assert early.status_code == 401  # email not verified yet
    client.post("/api/auth/verify-email", json={"email": "bob@example.com",
                                                "code": last_code(app, "bob@example.com")})
    wrong = api.post("/api/auth/login", json={"username": "bob", "password": "Str0ng!passX"})
    assert wrong.status_code == 401
    ok = api.post("/api/auth/login", json={"username": "bob", "password": "Str0ng!pass"})
    assert ok.status_code == 200 and ok.get_json()["user"]["username"] == "bob"
    with app.app_context():
        assert User.by_username("bob")["password_hash"].startswith("$argon2id$")


def test_resend_login_email_code_waits_for_its_cooldown(app, auth, client):
    user = auth.user(preferences={"language": "en", "email_2fa_enabled": True})
    # Nobody is waiting for a sign-in code yet: nothing to resend.
    assert client.post("/api/auth/resend-login-email-2fa",
                       json={"user_id": str(user["_id"])}).status_code == 400
    client.post("/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()})
    early = client.post("/api/auth/resend-login-email-2fa", json={"user_id": str(user["_id"])})
    assert early.status_code == 400 and early.get_json()["retry_after"] > 0
    advance_clock(timedelta(seconds=61))
    later = client.post("/api/auth/resend-login-email-2fa", json={"user_id": str(user["_id"])})
    assert later.status_code == 200 and later.get_json()["cooldown"] == 60
    assert client.post("/api/auth/verify-login-email-2fa", json={
        "user_id": str(user["_id"]), "code": last_code(app, user["email"])}).status_code == 200


def test_session_endpoint_shape(auth, client):
    assert client.get("/api/auth/session").get_json()["authenticated"] is False
    user = auth.user()
    auth.login(user, client)
    body = client.get("/api/auth/session").get_json()
    assert body["authenticated"] is True and body["user_id"] == str(user["_id"])
