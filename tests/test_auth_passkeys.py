"""Passkeys (rest-accounts §1.6, §2): registration in the wizard and from settings,
sign-in, the list of keys, and the refusals. A software authenticator makes the
bytes a browser would; the server verifies them with py_webauthn."""
import base64
import re
from datetime import timedelta

import pyotp
import pytest

from models.passkey import Passkey
from models.user import User
from services.email_service import outbox
from tests.webauthn_authenticator import SoftAuthenticator, b64url
from utils.time import advance_clock

FRONTEND = "https://app.parley.test"
RP_ID = "app.parley.test"
REG_OPTIONS = "/api/auth/passkey/register-options"
REG_VERIFY = "/api/auth/passkey/register-verify"
AUTH_OPTIONS = "/api/auth/passkey/auth-options"
AUTH_VERIFY = "/api/auth/passkey/auth-verify"


@pytest.fixture
def config_overrides():
    return {"FRONTEND_URL": FRONTEND, "PASSKEY_RP_ID": None}


def authenticator():
    return SoftAuthenticator(rp_id=RP_ID, origin=FRONTEND)


def register_options(client, **body):
    response = client.post(REG_OPTIONS, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def register_passkey(client, key, device_name=None, **body):
    options = register_options(client, **body)["options"]
    payload = {"credential": key.register(options), **body}
    if device_name is not None:
        payload["device_name"] = device_name
    return client.post(REG_VERIFY, json=payload)


def auth_options(client, identifier=None):
    response = client.post(AUTH_OPTIONS, json={"identifier": identifier} if identifier else {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["options"]


def passkey_sign_in(client, key, identifier=None, **tamper):
    credential = key.assert_(auth_options(client, identifier), **tamper)
    body = {"credential": credential}
    if identifier:
        body["identifier"] = identifier
    return client.post(AUTH_VERIFY, json=body)


def signed_in_with_passkey(auth, **fields):
    """`(user, client, key)`: a signed-in user with one registered passkey."""
    user, client = auth.signed_in(**fields)
    key = authenticator()
    assert register_passkey(client, key).status_code == 200
    return user, client, key


def last_code(app, email):
    with app.app_context():
        mails = [m for m in outbox() if m["to"] == email]
    return re.search(r"\b(\d{6})\b", mails[-1]["text"]).group(1)


def run_wizard_to_passkey_step(app, client, username="wendy"):
    """Steps 1-5 of the SPA's registration wizard; the user id."""
    email = f"{username}@example.com"
    body = client.post("/api/auth/register-passwordless",
                       json={"username": username, "email": email}).get_json()
    client.post("/api/auth/verify-email", json={"email": email, "code": last_code(app, email)})
    secret = client.post("/api/auth/totp/qrcode", json={"email": email}).get_json()["totp_secret"]
    done = client.post("/api/auth/complete-totp-setup",
                       json={"email": email, "totp_code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_json()
    recovery = client.post("/api/auth/recovery-code/set", json={
        "email": email, "user_id": body["user_id"], "recovery_code": "correct horse"})
    assert recovery.status_code == 200
    return body["user_id"]


def test_wizard_registers_a_passkey_that_signs_in(app, client, make_client):
    user_id = run_wizard_to_passkey_step(app, client)
    body = register_options(client, email="Wendy@Example.com")
    options = body["options"]
    assert options["rp"] == {"id": RP_ID, "name": "Parley"}
    assert options["user"]["id"] == b64url(user_id.encode())
    assert options["user"]["name"] == "wendy"
    assert options["pubKeyCredParams"] == [{"type": "public-key", "alg": -7},
                                           {"type": "public-key", "alg": -257}]
    assert options["timeout"] == 60000 and options["attestation"] == "none"
    assert options["excludeCredentials"] == []
    assert options["authenticatorSelection"] == {
        "authenticatorAttachment": "platform", "residentKey": "preferred",
        "requireResidentKey": False, "userVerification": "required"}
    # the top-level challenge is the same bytes, padded
    assert base64.urlsafe_b64decode(body["challenge"]) == base64.urlsafe_b64decode(
        options["challenge"] + "=" * (-len(options["challenge"]) % 4))

    key = authenticator()
    verified = client.post(REG_VERIFY, json={"email": "wendy@example.com",
                                             "credential": key.register(options)})
    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json() == {"success": True, "message": "Passkey registered successfully",
                                   "credential_id": key.id}
    assert "=" not in key.id
    with app.app_context():
        stored = Passkey.by_credential_id(key.id)
    assert str(stored["user_id"]) == user_id and stored["device_name"] is None

    # The wizard's hold ends with its passkey step.
    assert client.post(REG_OPTIONS, json={"email": "wendy@example.com"}).status_code == 401

    browser = make_client()
    signed = passkey_sign_in(browser, key)
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["user"]["id"] == user_id
    me = browser.get("/api/auth/me").get_json()
    assert me["success"] and me["user"]["username"] == "wendy"
    with browser.session_transaction() as sess:
        assert sess["auth_method"] == "passkey"


def test_wizard_passkey_step_from_another_browser_session_is_401(app, client, make_client):
    user_id = run_wizard_to_passkey_step(app, client)
    stranger = make_client()
    for body in ({"email": "wendy@example.com"}, {"user_id": user_id}, {}):
        response = stranger.post(REG_OPTIONS, json=body)
        assert response.status_code == 401, body
    # options made in the wizard's browser, the verify sent from another one
    key = authenticator()
    credential = key.register(register_options(client, email="wendy@example.com")["options"])
    response = stranger.post(REG_VERIFY, json={"email": "wendy@example.com", "credential": credential})
    assert response.status_code == 401
    # the wizard's browser cannot name another account either
    other = make_client()
    other.post("/api/auth/register-passwordless", json={"username": "oscar", "email": "oscar@example.com"})
    assert client.post(REG_OPTIONS, json={"email": "oscar@example.com"}).status_code == 401
    with app.app_context():
        assert Passkey.count({}) == 0


def test_settings_register_list_rename_delete(app, auth):
    user, client = auth.signed_in()
    laptop, phone = authenticator(), authenticator()
    first = register_passkey(client, laptop, device_name="  <b>My Laptop</b> " + "x" * 80)
    assert first.status_code == 200, first.get_json()
    # the second options exclude the registered key
    options = register_options(client)["options"]
    assert [c["id"] for c in options["excludeCredentials"]] == [laptop.id]

    long_name = "My Laptop " + "x" * 54
    duplicate = register_passkey(client, phone, device_name=long_name.upper())
    assert duplicate.status_code == 400
    assert duplicate.get_json()["errors"] == ["A passkey with this name already exists"]
    assert register_passkey(client, phone).status_code == 200

    listed = client.get("/api/auth/passkey/list").get_json()
    assert [(p["credential_id"], p["device_name"]) for p in listed["passkeys"]] == [
        (laptop.id, long_name), (phone.id, None)]
    assert listed["passkeys"][0]["created_at"].endswith("Z") and listed["passkeys"][0]["last_used"] is None

    clash = client.patch(f"/api/auth/passkey/{phone.id}", json={"device_name": long_name.lower()})
    assert clash.status_code == 400
    assert client.patch(f"/api/auth/passkey/{phone.id}", json={"device_name": "  "}).get_json()[
        "errors"] == ["device_name is required"]
    renamed = client.patch(f"/api/auth/passkey/{phone.id}", json={"device_name": "Phone"})
    assert renamed.get_json() == {"success": True, "message": "Passkey updated"}

    removed = client.delete(f"/api/auth/passkey/{laptop.id}")
    assert removed.get_json() == {"success": True, "message": "Passkey removed successfully"}
    assert client.delete(f"/api/auth/passkey/{laptop.id}").status_code == 400
    listed = client.get("/api/auth/passkey/list").get_json()["passkeys"]
    assert [(p["credential_id"], p["device_name"]) for p in listed] == [(phone.id, "Phone")]
    # a removed passkey no longer signs in
    assert passkey_sign_in(auth.app.test_client(), laptop).status_code == 401


def test_another_users_passkey_and_anonymous_calls_are_refused(app, auth, client):
    owner, owner_client, key = signed_in_with_passkey(auth)
    _, other = auth.signed_in()
    assert other.patch(f"/api/auth/passkey/{key.id}", json={"device_name": "mine"}).status_code == 400
    assert other.delete(f"/api/auth/passkey/{key.id}").status_code == 400
    assert other.get("/api/auth/passkey/list").get_json()["passkeys"] == []
    assert other.patch("/api/auth/passkey/bad$id", json={"device_name": "x"}).status_code == 400

    assert client.get("/api/auth/passkey/list").status_code == 401
    assert client.patch(f"/api/auth/passkey/{key.id}", json={"device_name": "x"}).status_code == 401
    assert client.delete(f"/api/auth/passkey/{key.id}").status_code == 401
    assert client.post(REG_OPTIONS, json={}).status_code == 401
    with app.app_context():
        stored = Passkey.by_credential_id(key.id)
    assert stored is not None and stored["device_name"] is None


def test_sign_in_discoverable_and_with_identifier(app, auth, make_client):
    user, _, key = signed_in_with_passkey(auth, username="carol")
    other = auth.user(username="dave")

    named = make_client()
    options = auth_options(named, "carol")
    assert options["allowCredentials"] == [{"id": key.id, "type": "public-key"}]
    assert options["rpId"] == RP_ID and options["userVerification"] == "required"
    response = named.post(AUTH_VERIFY, json={"credential": key.assert_(options), "identifier": "carol"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["user"] == {
        "id": str(user["_id"]), "username": "carol", "email": "carol@example.com",
        "preferences": {"language": "en"}, "totp_enabled": True, "is_admin": False}

    assert auth_options(make_client())["allowCredentials"] == []
    assert passkey_sign_in(make_client(), key).status_code == 200
    # carol's key presented for dave's account
    wrong = passkey_sign_in(make_client(), key, identifier="dave")
    assert wrong.status_code == 401 and wrong.get_json()["errors"] == ["Invalid credential"]
    # a userHandle that is not the key's owner
    browser = make_client()
    credential = key.assert_(auth_options(browser))
    credential["response"]["userHandle"] = b64url(str(other["_id"]).encode())
    assert browser.post(AUTH_VERIFY, json={"credential": credential}).status_code == 401

    with app.app_context():
        assert Passkey.by_credential_id(key.id)["last_used"] is not None


def test_forged_or_replayed_assertions_are_refused(app, auth, make_client):
    _, _, key = signed_in_with_passkey(auth)

    def refused(response, message):
        assert response.status_code == 401, response.get_json()
        assert response.get_json()["errors"] == [message]
        assert make_client().get("/api/auth/me").get_json()["success"] is False

    refused(passkey_sign_in(make_client(), key, origin="https://evil.test"), "Passkey verification failed")
    refused(passkey_sign_in(make_client(), key, bad_signature=True), "Passkey verification failed")

    # a replayed challenge: the second verify of one options call
    browser = make_client()
    options = auth_options(browser)
    assert browser.post(AUTH_VERIFY, json={"credential": key.assert_(options)}).status_code == 200
    refused(browser.post(AUTH_VERIFY, json={"credential": key.assert_(options)}),
            "No challenge found. Please try again.")

    # options from one browser, verify from another
    refused(make_client().post(AUTH_VERIFY, json={"credential": key.assert_(auth_options(make_client()))}),
            "No challenge found. Please try again.")

    # a signature counter that goes backwards (a cloned key)
    with app.app_context():
        stored_count = Passkey.by_credential_id(key.id)["sign_count"]
    assert stored_count >= 1
    for count in (stored_count, stored_count - 1):
        refused(passkey_sign_in(make_client(), key, sign_count=count), "Passkey verification failed")

    # an expired challenge
    browser = make_client()
    options = auth_options(browser)
    advance_clock(timedelta(minutes=6))
    refused(browser.post(AUTH_VERIFY, json={"credential": key.assert_(options)}),
            "No challenge found. Please try again.")

    # unknown key
    refused(passkey_sign_in(make_client(), authenticator_with_owner(key)), "Passkey not found")
    assert passkey_sign_in(make_client(), key).status_code == 200  # the real key still works


def authenticator_with_owner(key):
    stranger = authenticator()
    stranger.user_handle = key.user_handle
    return stranger


def test_forged_registrations_are_refused(app, auth, make_client):
    user, client = auth.signed_in()
    key = authenticator()
    wrong_origin = client.post(REG_VERIFY, json={
        "credential": key.register(register_options(client)["options"], origin="https://evil.test")})
    assert wrong_origin.status_code == 400
    assert wrong_origin.get_json()["errors"] == ["Passkey registration verification failed"]
    # replay of the same options
    options = register_options(client)["options"]
    assert client.post(REG_VERIFY, json={"credential": key.register(options)}).status_code == 200
    replay = client.post(REG_VERIFY, json={"credential": authenticator().register(options)})
    assert replay.get_json()["errors"] == ["No challenge found. Please try again."]
    # options in one signed-in browser, verify in another of the same account
    second_browser = auth.login(user)
    credential = authenticator().register(register_options(client)["options"])
    assert second_browser.post(REG_VERIFY, json={"credential": credential}).status_code == 400
    assert client.post(REG_VERIFY, json={}).get_json()["errors"] == ["Credential data is required"]
    with app.app_context():
        assert Passkey.count({}) == 1


def test_banned_and_email_2fa_users(app, auth, make_client):
    user, _, key = signed_in_with_passkey(auth)
    with app.app_context():
        User.update(user["_id"], set_={"is_banned": True})
    banned = passkey_sign_in(make_client(), key)
    assert banned.status_code == 401 and banned.get_json()["errors"] == ["Account is banned"]

    with app.app_context():
        User.update(user["_id"], set_={"is_banned": False, "preferences.email_2fa_enabled": True})
    browser = make_client()
    second = passkey_sign_in(browser, key)
    assert second.status_code == 200
    assert second.get_json() == {
        "success": False, "require_email_2fa": True, "user_id": str(user["_id"]),
        "message": "Please enter the verification code sent to your email."}
    assert browser.get("/api/auth/me").get_json()["success"] is False
    code = last_code(app, user["email"])
    done = browser.post("/api/auth/verify-login-email-2fa", json={"user_id": str(user["_id"]), "code": code})
    assert done.status_code == 200 and browser.get("/api/auth/me").get_json()["success"]

    with app.app_context():
        User.update(user["_id"], set_={"is_deleted": True})
    deleted = passkey_sign_in(make_client(), key)
    assert deleted.status_code == 401 and deleted.get_json()["errors"] == ["User not found"]


def test_mongo_operators_in_fields_are_400(app, auth, client):
    _, signed, key = signed_in_with_passkey(auth)
    assert client.post(AUTH_OPTIONS, json={"identifier": {"$ne": None}}).status_code == 400
    credential = key.assert_(auth_options(client))
    for bad in ({"credential": {**credential, "id": {"$ne": None}}},
                {"credential": credential, "identifier": {"$gt": ""}},
                {"credential": {**credential, "response": {"signature": {"$ne": None}}}},
                {"credential": "not an object"}):
        assert client.post(AUTH_VERIFY, json=bad).status_code == 400, bad
    assert signed.patch(f"/api/auth/passkey/{key.id}", json={"device_name": {"$ne": None}}).status_code == 400
    assert signed.post(REG_VERIFY, json={"device_name": {"$ne": None}, "credential": None}).status_code == 400
    assert signed.post(REG_OPTIONS, json={"email": {"$ne": None}}).status_code == 400


def test_rp_id_setting_is_used(app, auth):
    app.config["PASSKEY_RP_ID"] = "parley.test"
    _, client = auth.signed_in()
    options = register_options(client)["options"]
    assert options["rp"]["id"] == "parley.test"
    key = SoftAuthenticator(rp_id="parley.test", origin=FRONTEND)
    assert client.post(REG_VERIFY, json={"credential": key.register(options)}).status_code == 200
    # an authenticator scoped to the host alone no longer matches
    wrong = authenticator()
    assert client.post(REG_VERIFY, json={
        "credential": wrong.register(register_options(client)["options"])}).status_code == 400
