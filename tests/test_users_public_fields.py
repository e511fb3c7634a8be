"""Every endpoint that returns other users answers without emails, hashes,
TOTP fields or codes (rest-accounts §12.2, §14)."""
from services import presence
from tests.test_users import assert_no_secrets


def test_no_user_returning_endpoint_leaks_private_fields(auth, app):
    me, client = auth.signed_in(username="viewer")
    friend, f_client = auth.signed_in(username="viewfriend")
    pending = auth.user(username="viewpending")
    blocked = auth.user(username="viewblocked")
    p_client = auth.login(pending)
    rid = client.post("/api/users/friends/request",
                      json={"to_user_id": str(friend["_id"])}).get_json()["data"]["id"]
    f_client.post(f"/api/users/friends/request/{rid}/accept")
    p_client.post("/api/users/friends/request", json={"to_user_id": str(me["_id"])})
    sent_to = auth.user(username="viewsent")
    client.post("/api/users/friends/request", json={"to_user_id": str(sent_to["_id"])})
    client.post(f"/api/users/{blocked['_id']}/block")
    with app.app_context():
        presence.socket_connected(str(friend["_id"]), "sid-x", "sess-x")
    paths = [f"/api/users/{friend['_id']}", "/api/users/username/viewfriend",
             "/api/users/search?q=view", "/api/users/search-for-mention?q=view",
             "/api/users/online", "/api/users/blocked", "/api/users/friends",
             "/api/users/friends/requests", "/api/friends/", "/api/friends/requests/pending",
             "/api/friends/requests/sent"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_json()
        assert body["data"], path  # something was returned and checked
        assert_no_secrets(body)
