"""Blocking (rest-accounts §3.5): block, unblock, list, and what a block stops."""
from services import blocks


def test_anonymous_calls_are_401(client):
    uid = "a" * 24
    assert client.post(f"/api/users/{uid}/block").status_code == 401
    assert client.delete(f"/api/users/{uid}/unblock").status_code == 401
    assert client.get("/api/users/blocked").status_code == 401


def test_block_list_unblock(auth, app):
    me, client = auth.signed_in()
    other = auth.user(username="pest")
    response = client.post(f"/api/users/{other['_id']}/block")
    assert response.get_json() == {"success": True, "message": "User blocked successfully"}
    assert client.post(f"/api/users/{other['_id']}/block").status_code == 200  # idempotent
    listed = client.get("/api/users/blocked").get_json()
    assert listed["data"] == [{"id": str(other["_id"]), "username": "pest",
                               "profile_picture": None}]
    with app.app_context():
        assert blocks.is_blocked(me["_id"], other["_id"])
    assert client.delete(f"/api/users/{other['_id']}/unblock").status_code == 200
    assert client.get("/api/users/blocked").get_json()["data"] == []
    again = client.post(f"/api/users/{other['_id']}/unblock")
    assert again.status_code == 400 and again.get_json()["errors"] == ["User was not blocked"]


def test_block_refusals(auth):
    me, client = auth.signed_in()
    assert client.post(f"/api/users/{me['_id']}/block").status_code == 400
    assert client.post(f"/api/users/{'0' * 24}/block").status_code == 404
    assert client.post("/api/users/xyz/block").status_code == 404


def test_block_stops_friend_requests_both_ways_and_ends_friendship(auth):
    alice, a_client = auth.signed_in()
    bob, b_client = auth.signed_in()
    rid = a_client.post("/api/users/friends/request",
                        json={"to_user_id": str(bob["_id"])}).get_json()["data"]["id"]
    b_client.post(f"/api/users/friends/request/{rid}/accept")
    assert a_client.post(f"/api/users/{bob['_id']}/block").status_code == 200
    assert b_client.get(f"/api/friends/check/{alice['_id']}").get_json()["are_friends"] is False
    for sender, target in [(a_client, bob), (b_client, alice)]:
        response = sender.post("/api/users/friends/request",
                               json={"to_user_id": str(target["_id"])})
        assert response.status_code == 403


def test_block_hides_blocker_from_search_and_stops_notifications(auth, app):
    alice, a_client = auth.signed_in(username="hideme")
    bob, b_client = auth.signed_in(username="hunter")
    assert b_client.get("/api/users/search?q=hide").get_json()["data"][0]["username"] == "hideme"
    a_client.post(f"/api/users/{bob['_id']}/block")
    assert b_client.get("/api/users/search?q=hide").get_json()["data"] == []
    with app.app_context():
        from services.notifications import notify
        assert notify(alice["_id"], "mention", "You were mentioned", "hi",
                      {"sender_username": "hunter"}, sender_id=bob["_id"]) is None
        assert notify(bob["_id"], "mention", "You were mentioned", "hi",
                      {}, sender_id=alice["_id"]) is not None
