"""Profiles, lookup, search, online users, warnings, availability (rest-accounts §3.1)."""
import base64
import io

import pytest
from PIL import Image

from models.user import User
from services import presence
from utils.time import utcnow

FORBIDDEN = {"email", "password_hash", "totp_secret_enc", "totp_enabled", "backup_code_hashes",
             "recovery_code_hash", "email_codes", "last_ip", "totp_last_step", "username_lower"}


def png_b64(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def assert_no_secrets(value):
    """No forbidden key anywhere, and no email address anywhere in the body."""
    if isinstance(value, dict):
        assert not FORBIDDEN & set(value), FORBIDDEN & set(value)
        for item in value.values():
            assert_no_secrets(item)
    elif isinstance(value, list):
        for item in value:
            assert_no_secrets(item)
    elif isinstance(value, str):
        assert "@example.com" not in value


def test_anonymous_calls_are_401(client):
    for method, path in [("get", "/api/users/profile"), ("put", "/api/users/profile"),
                         ("get", "/api/users/" + "a" * 24), ("get", "/api/users/username/x"),
                         ("get", "/api/users/search?q=ab"), ("get", "/api/users/online"),
                         ("post", "/api/users/dismiss-warning"),
                         ("get", "/api/users/search-for-mention?q=ab")]:
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401, path
        assert response.get_json()["errors"] == ["Authentication required"]


def test_get_user_by_id_and_username_is_public_shape(auth):
    other = auth.user(username="Target1", country_code="PT")
    _, client = auth.signed_in()
    body = client.get(f"/api/users/{other['_id']}").get_json()
    assert body["success"] is True
    assert body["data"]["username"] == "Target1"
    assert body["data"]["country_code"] == "PT"
    assert body["data"]["is_online"] is False
    assert_no_secrets(body)
    by_name = client.get("/api/users/username/Target1").get_json()
    assert by_name["data"]["id"] == str(other["_id"])
    assert_no_secrets(by_name)
    # exact, case-sensitive match
    assert client.get("/api/users/username/target1").status_code == 404


def test_unknown_and_malformed_ids_are_404(auth):
    _, client = auth.signed_in()
    assert client.get("/api/users/" + "0" * 24).status_code == 404
    response = client.get("/api/users/not-an-id")
    assert response.status_code == 404
    assert response.get_json()["errors"] == ["User not found"]


def test_static_paths_are_not_read_as_ids(auth):
    _, client = auth.signed_in()
    assert client.get("/api/users/blocked").status_code == 200
    assert client.get("/api/users/online").status_code == 200
    assert client.get("/api/users/profile").get_json()["data"]["email"].endswith("@example.com")


def test_update_profile_username_picture_country(auth):
    user, client = auth.signed_in()
    picture = png_b64()
    response = client.put("/api/users/profile", json={
        "username": "NewName", "profile_picture": picture, "country_code": "br"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["message"] == "Profile updated successfully"
    assert body["data"]["username"] == "NewName"
    assert body["data"]["profile_picture"] == "data:image/png;base64," + picture
    assert body["data"]["country_code"] == "BR"
    assert "password_hash" not in body["data"] and "totp_secret_enc" not in body["data"]
    # null clears a field; absent keys stay
    client.put("/api/users/profile", json={"profile_picture": None, "banner": None})
    me = client.get("/api/users/profile").get_json()["data"]
    assert me["profile_picture"] is None and me["country_code"] == "BR"


def test_update_profile_data_uri_banner(auth):
    _, client = auth.signed_in()
    uri = "data:image/png;base64," + png_b64()
    response = client.put("/api/users/profile", json={"banner": uri})
    assert response.status_code == 200
    assert response.get_json()["data"]["banner"] == uri


def test_update_profile_refusals(auth, app):
    auth.user(username="taken1")
    _, client = auth.signed_in()
    assert client.put("/api/users/profile", json={"username": "Taken1"}).status_code == 409
    assert client.put("/api/users/profile", json={"username": "a b"}).status_code == 400
    assert client.put("/api/users/profile", json={"username": "ab"}).status_code == 400
    assert client.put("/api/users/profile", json={}).status_code == 400
    assert client.put("/api/users/profile", json={"country_code": "BRA"}).status_code == 400
    not_image = base64.b64encode(b"hello, not an image at all").decode()
    response = client.put("/api/users/profile", json={"profile_picture": not_image})
    assert response.status_code == 400
    assert client.put("/api/users/profile",
                      json={"profile_picture": "!!!not base64"}).status_code == 400
    assert client.put("/api/users/profile",
                      json={"username": {"$ne": None}}).status_code == 400


def test_oversize_picture_is_413(auth, app):
    app.config["MAX_PROFILE_IMAGE_BYTES"] = 1000
    _, client = auth.signed_in()
    big = png_b64(size=(300, 300)) + "A" * 4000
    assert client.put("/api/users/profile", json={"profile_picture": big}).status_code == 413


def test_search_prefix_escaped_paginated_and_blocks(auth, app):
    for name in ["alpha1", "alpha2", "alphabet", "beta1"]:
        auth.user(username=name)
    blocker = auth.user(username="alphablocker")
    me, client = auth.signed_in(username="searcher")
    with app.app_context():
        from services import blocks
        blocks.block(blocker, me["_id"])
    body = client.get("/api/users/search?q=ALPHA&limit=2").get_json()
    assert [u["username"] for u in body["data"]] == ["alpha1", "alpha2"]
    assert body["pagination"]["total"] == 3  # alphablocker is hidden from the blocked user
    assert_no_secrets(body)
    assert client.get("/api/users/search?q=a.*").get_json()["data"] == []
    assert client.get("/api/users/search?q=a").status_code == 400
    assert client.get("/api/users/search").status_code == 400
    assert client.get("/api/users/search?q=alpha&limit=101").status_code == 400
    mention = client.get("/api/users/search-for-mention?q=beta").get_json()
    assert mention["data"][0]["display_name"] == "beta1"
    assert_no_secrets(mention)


def test_online_users(auth, app):
    other = auth.user(username="onlineguy")
    _, client = auth.signed_in()
    with app.app_context():
        presence.socket_connected(str(other["_id"]), "sid-1", "sess-1")
    body = client.get("/api/users/online").get_json()
    assert {"id": str(other["_id"]), "user_id": str(other["_id"]), "username": "onlineguy",
            "connected_at": ""} in body["data"]
    assert_no_secrets(body)
    profile = client.get(f"/api/users/{other['_id']}").get_json()["data"]
    assert profile["is_online"] is True and profile["last_seen"] is None


def test_dismiss_warning(auth, app):
    user, client = auth.signed_in()
    assert client.post("/api/users/dismiss-warning").status_code == 400
    with app.app_context():
        User.update(user["_id"], set_={"active_warning": {"message": "be nice",
                                                          "warned_at": utcnow()}})
    response = client.post("/api/users/dismiss-warning")
    assert response.get_json() == {"success": True, "message": "Warning dismissed successfully"}
    assert client.get("/api/auth/me").get_json()["user"]["active_warning"] is None
    with app.app_context():
        history = User.get(user["_id"])["warning_history"]
    assert history[0]["message"] == "be nice" and history[0]["dismissed_at"] is not None


def test_availability_checks_answer_only_availability(auth, client):
    auth.user(username="existing", email="existing@example.com")
    body = client.post("/api/users/check-username", json={"username": "EXISTING"}).get_json()
    assert body == {"success": True, "data": {"username": "EXISTING", "available": False}}
    assert client.post("/api/users/check-username",
                       json={"username": "freename"}).get_json()["data"]["available"] is True
    assert client.post("/api/users/check-email",
                       json={"email": "Existing@example.com"}).get_json()["data"] == {
        "email": "Existing@example.com", "available": False}
    assert client.post("/api/users/check-email", json={"email": "nope"}).status_code == 400
    assert client.post("/api/users/check-username",
                       json={"username": {"$gt": ""}}).status_code == 400


@pytest.mark.parametrize("path,body", [("/api/users/check-username", {"username": "somebody"}),
                                       ("/api/users/check-email", {"email": "a@b.co"})])
def test_availability_checks_are_rate_limited(client, path, body):
    statuses = [client.post(path, json=body).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_report_profile_image(auth):
    other = auth.user()
    _, client = auth.signed_in()
    response = client.post(f"/api/users/{other['_id']}/report-profile-image",
                           json={"reason": "offensive <b>pic</b>"})
    assert response.status_code == 201
    assert len(response.get_json()["data"]["report_id"]) == 24
    assert client.post(f"/api/users/{'0' * 24}/report-profile-image",
                       json={"reason": "x"}).status_code == 404


def test_my_topics(auth, app, client):
    assert client.get("/api/users/topics").status_code == 401
    user, me = auth.signed_in()
    with app.app_context():
        from bson import ObjectId

        from models.topic import Topic, TopicMember
        mine = Topic.insert(title="Mine", title_lower="mine", owner_id=user["_id"])
        Topic.insert(title="Other", title_lower="other", owner_id=ObjectId())
        TopicMember.insert(topic_id=mine["_id"], user_id=user["_id"], role="owner")
    body = me.get("/api/users/topics").get_json()
    assert [(t["title"], t["user_role"]) for t in body["data"]] == [("Mine", "owner")]
    assert body["pagination"]["total"] == 1


def test_preferences_are_merged_not_replaced(auth):
    _, client = auth.signed_in(preferences={"language": "en", "email_2fa_enabled": False,
                                            "anonymous_mode": True})
    assert client.put("/api/auth/preferences",
                      json={"preferences": {"theme": "dark"}}).status_code == 200
    assert client.put("/api/auth/preferences",
                      json={"preferences": {"language": "pt"}}).status_code == 200
    prefs = client.get("/api/auth/me").get_json()["user"]["preferences"]
    assert prefs == {"language": "pt", "email_2fa_enabled": False, "anonymous_mode": True,
                     "theme": "dark"}
