"""The one-click unsubscribe link of notification emails (RFC 8058): GET shows
a confirmation, POST applies it once; a tampered, expired or forged link is
refused, and a link works only for the user it was made for (issue 15)."""
import json
import zlib
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

from models.user import User
from services import unsubscribe
from utils.time import advance_clock


@pytest.fixture
def config_overrides():
    return {"EMAIL_LINK_BASE_URL": "http://api.example"}


def token_for(app, user, list_name="missed"):
    with app.app_context():
        return unsubscribe.make_token(user["_id"], list_name)


def prefs(app, user):
    with app.app_context():
        return User.get(user["_id"])["preferences"]


def refused(response, text):
    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False and text in body["error"]


def test_get_confirms_and_post_applies_once(app, auth, client):
    user = auth.user(preferences={"language": "en", "theme": "dark"})
    url = f"/api/email/unsubscribe/{token_for(app, user)}"
    page = client.get(url)
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    assert b'method="post"' in page.data and url.encode() in page.data
    assert prefs(app, user).get("email_missed_messages") is None  # a GET changes nothing
    # What a mail client sends for one-click (RFC 8058): no cookie, the fixed form body.
    done = client.post(url, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and b"You are unsubscribed" in done.data
    assert prefs(app, user) == {"language": "en", "theme": "dark",
                                "email_missed_messages": False}  # merged, not replaced
    refused(client.post(url), "already been used")
    refused(client.get(url), "already been used")


def test_digest_link_turns_the_digest_off_in_portuguese(app, auth, client):
    user = auth.user(preferences={"language": "pt", "email_digest": "daily"})
    url = f"/api/email/unsubscribe/{token_for(app, user, 'digest')}"
    assert "Cancelar inscrição?" in client.get(url).get_data(as_text=True)
    assert "Inscrição cancelada" in client.post(url).get_data(as_text=True)
    assert prefs(app, user)["email_digest"] == "off"


def test_tampered_link_is_refused(app, auth, client):
    user = auth.user()
    token = token_for(app, user)
    payload, stamp, signature = token.rsplit(".", 2)
    middle = len(payload) // 2
    flipped = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]
    for bad in (f"{flipped}.{stamp}.{signature}", f"{payload}.{stamp}.{signature[:-3]}abc",
                "not-a-token", "x" * 600):
        refused(client.post(f"/api/email/unsubscribe/{bad}"), "not valid")
        refused(client.get(f"/api/email/unsubscribe/{bad}"), "not valid")
    assert prefs(app, user).get("email_missed_messages") is None


def test_a_link_cannot_be_forged_for_another_user(app, auth, client):
    alice, bob = auth.user(), auth.user()
    token = token_for(app, alice)
    # Bob's id put into Alice's signed payload: the signature no longer matches.
    payload, stamp, signature = token.rsplit(".", 2)
    raw = base64_decode(payload.lstrip("."))
    data = json.loads(zlib.decompress(raw) if payload.startswith(".") else raw)
    data["u"] = str(bob["_id"])
    swapped = base64_encode(json.dumps(data, separators=(",", ":"))).decode()
    refused(client.post(f"/api/email/unsubscribe/{swapped}.{stamp}.{signature}"), "not valid")
    # Signed with any key but the server's: refused.
    with app.app_context():
        forged = URLSafeTimedSerializer("guessed-key", salt=unsubscribe.SALT).dumps(
            {"u": str(bob["_id"]), "l": "missed", "n": "x"})
    refused(client.post(f"/api/email/unsubscribe/{forged}"), "not valid")
    assert prefs(app, bob).get("email_missed_messages") is None


def test_wrong_user_signed_in_changes_only_the_links_owner(app, auth):
    alice = auth.user()
    bob, bob_client = auth.signed_in()
    url = f"/api/email/unsubscribe/{token_for(app, alice)}"
    assert bob_client.post(url).status_code == 200
    assert prefs(app, alice)["email_missed_messages"] is False
    assert prefs(app, bob).get("email_missed_messages") is None


def test_an_expired_link_is_refused(app, auth, client):
    user = auth.user()
    url = f"/api/email/unsubscribe/{token_for(app, user)}"
    advance_clock(timedelta(days=app.config["EMAIL_UNSUBSCRIBE_MAX_AGE_DAYS"], seconds=5))
    refused(client.post(url), "expired")
    assert prefs(app, user).get("email_missed_messages") is None


def test_link_of_a_deleted_user_is_refused(app, auth, client):
    user = auth.user()
    url = f"/api/email/unsubscribe/{token_for(app, user)}"
    with app.app_context():
        User.update(user["_id"], set_={"is_deleted": True})
    refused(client.post(url), "not valid")
