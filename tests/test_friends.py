"""Friends under /api/users/friends and /api/friends: one store, one service
(rest-accounts §3.4, §4)."""
from models.friendship import Friendship


def send(client, to_user):
    return client.post("/api/users/friends/request", json={"to_user_id": str(to_user["_id"])})


def events_named(emitted, name):
    return [e for e in emitted if e["event"] == name]


def test_anonymous_calls_are_401(client):
    rid = "a" * 24
    for method, path in [("get", "/api/users/friends"), ("get", "/api/users/friends/requests"),
                         ("post", "/api/users/friends/request"),
                         ("post", f"/api/users/friends/request/{rid}/accept"),
                         ("post", f"/api/users/friends/request/{rid}/reject"),
                         ("post", f"/api/users/friends/request/{rid}/cancel"),
                         ("delete", f"/api/users/friends/{rid}"), ("get", "/api/friends/"),
                         ("get", f"/api/friends/check/{rid}"), ("get", "/api/friends/count"),
                         ("post", "/api/friends/requests/send"),
                         ("get", "/api/friends/requests/pending"),
                         ("get", "/api/friends/requests/sent")]:
        assert getattr(client, method)(path, json={}).status_code == 401, path


def test_request_accept_flow_with_events_and_notifications(auth, emitted):
    alice, a_client = auth.signed_in(username="alice")
    bob, b_client = auth.signed_in(username="bob")
    response = send(a_client, bob)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["status"] == "pending" and data["to_user_id"] == str(bob["_id"])
    received = events_named(emitted, "friend_request_received")
    assert len(received) == 1 and received[0]["room"] == f"user_{bob['_id']}"
    assert received[0]["data"]["from_username"] == "alice"
    assert received[0]["data"]["request_id"] == data["id"]
    notes = b_client.get("/api/notifications").get_json()["data"]
    assert notes[0]["type"] == "friend_request"
    assert notes[0]["data"]["from_username"] == "alice"
    assert notes[0]["data"]["request_id"] == data["id"]

    requests = b_client.get("/api/users/friends/requests").get_json()["data"]
    assert requests["received"][0]["from_user_id"] == str(alice["_id"])
    assert requests["received"][0]["username"] == "alice"
    assert "email" not in requests["received"][0]
    sent = a_client.get("/api/users/friends/requests").get_json()["data"]["sent"]
    assert sent[0]["to_user_id"] == str(bob["_id"])

    accepted = b_client.post(f"/api/users/friends/request/{data['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["data"]["status"] == "accepted"
    event = events_named(emitted, "friend_request_accepted")
    assert len(event) == 1 and event[0]["room"] == f"user_{alice['_id']}"
    assert event[0]["data"] == {"request_id": data["id"], "friend_id": str(bob["_id"]),
                                "friend_username": "bob"}
    a_notes = a_client.get("/api/notifications").get_json()["data"]
    assert a_notes[0]["type"] == "friend_request_accepted"

    friends = a_client.get("/api/users/friends").get_json()["data"]
    assert [f["id"] for f in friends] == [str(bob["_id"])]
    assert "email" not in friends[0]
    # both paths read one store
    assert a_client.get(f"/api/friends/check/{bob['_id']}").get_json() == {
        "success": True, "are_friends": True}
    assert b_client.get("/api/friends/").get_json()["data"][0]["id"] == str(alice["_id"])
    assert b_client.get("/api/friends/count").get_json()["data"] == {
        "friends": 1, "pending_requests": 0}

    assert send(a_client, bob).status_code == 409  # already friends
    assert a_client.delete(f"/api/users/friends/{bob['_id']}").status_code == 200
    assert a_client.get(f"/api/friends/check/{bob['_id']}").get_json()["are_friends"] is False
    assert a_client.delete(f"/api/users/friends/{bob['_id']}").status_code == 404


def test_refusals(auth, app):
    me, client = auth.signed_in()
    other = auth.user()
    assert send(client, me).status_code == 400  # yourself
    assert client.post("/api/users/friends/request", json={}).status_code == 400
    assert client.post("/api/users/friends/request",
                       json={"to_user_id": "nope"}).status_code == 400
    assert client.post("/api/users/friends/request",
                       json={"to_user_id": {"$ne": None}}).status_code == 400
    assert client.post("/api/users/friends/request",
                       json={"to_user_id": "0" * 24}).status_code == 404
    assert send(client, other).status_code == 200
    assert send(client, other).status_code == 409  # duplicate
    with app.app_context():
        assert Friendship.count() == 1


def test_reverse_request_is_accepted(auth, app):
    alice, a_client = auth.signed_in()
    bob, b_client = auth.signed_in()
    send(a_client, bob)
    response = send(b_client, alice)
    assert response.status_code == 200
    assert response.get_json()["data"]["status"] == "accepted"
    with app.app_context():
        assert Friendship.count() == 1


def test_only_the_recipient_accepts_or_rejects_only_the_sender_cancels(auth):
    alice, a_client = auth.signed_in()
    bob, b_client = auth.signed_in()
    _, eve = auth.signed_in()
    rid = send(a_client, bob).get_json()["data"]["id"]
    assert eve.post(f"/api/users/friends/request/{rid}/accept").status_code == 403
    assert a_client.post(f"/api/users/friends/request/{rid}/accept").status_code == 403
    assert eve.post(f"/api/users/friends/request/{rid}/reject").status_code == 403
    assert b_client.post(f"/api/users/friends/request/{rid}/cancel").status_code == 403
    assert eve.post(f"/api/friends/requests/{rid}/accept").status_code == 403
    assert b_client.post(f"/api/users/friends/request/{'0' * 24}/accept").status_code == 404
    assert b_client.post("/api/users/friends/request/bad/accept").status_code == 404
    assert a_client.post(f"/api/users/friends/request/{rid}/cancel").status_code == 200
    assert b_client.post(f"/api/users/friends/request/{rid}/reject").status_code == 404


def test_reject_deletes_and_allows_a_new_request(auth):
    alice, a_client = auth.signed_in()
    bob, b_client = auth.signed_in()
    rid = send(a_client, bob).get_json()["data"]["id"]
    assert b_client.post(f"/api/users/friends/request/{rid}/reject").get_json() == {
        "success": True, "message": "Friend request rejected"}
    assert b_client.get("/api/users/friends/requests").get_json()["data"]["received"] == []
    assert send(a_client, bob).status_code == 200


def test_older_friends_paths(auth):
    alice, a_client = auth.signed_in(username="oldalice")
    bob, b_client = auth.signed_in()
    response = a_client.post("/api/friends/requests/send", json={"to_user_id": str(bob["_id"])})
    assert response.status_code == 201
    rid = response.get_json()["request_id"]
    pending = b_client.get("/api/friends/requests/pending").get_json()
    assert pending["count"] == 1 and pending["data"][0]["from_user"]["username"] == "oldalice"
    assert "email" not in pending["data"][0]["from_user"]
    assert a_client.get("/api/friends/requests/sent").get_json()["data"][0]["_id"] == rid
    dup = a_client.post("/api/friends/requests/send", json={"to_user_id": str(bob["_id"])})
    assert dup.status_code == 409 and dup.get_json()["error"] == "Friend request already sent"
    assert b_client.post(f"/api/friends/requests/{rid}/accept").status_code == 200
    assert a_client.get("/api/users/friends").get_json()["data"][0]["id"] == str(bob["_id"])
    assert a_client.delete(f"/api/friends/{bob['_id']}").status_code == 200


def test_friend_requests_are_rate_limited_per_account(auth, app):
    me = auth.user()
    targets = [auth.user() for _ in range(21)]
    clients = [auth.login(me), auth.login(me)]  # two addresses, one account
    statuses = [send(clients[i % 2], target).status_code for i, target in enumerate(targets)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_live_events_reach_the_recipients_socket(auth, socket_client):
    alice, a_client = auth.signed_in(username="livealice")
    bob, b_client = auth.signed_in(username="livebob")
    b_socket = socket_client(b_client)
    a_socket = socket_client(a_client)
    b_socket.get_received()
    a_socket.get_received()
    rid = send(a_client, bob).get_json()["data"]["id"]
    received = {e["name"]: e["args"][0] for e in b_socket.get_received()}
    assert received["friend_request_received"]["from_username"] == "livealice"
    assert received["new_notification"]["type"] == "friend_request"
    assert received["new_notification"]["data"]["request_id"] == rid
    assert "friend_request_received" not in [e["name"] for e in a_socket.get_received()]
    b_client.post(f"/api/users/friends/request/{rid}/accept")
    to_alice = {e["name"]: e["args"][0] for e in a_socket.get_received()}
    assert to_alice["friend_request_accepted"]["friend_username"] == "livebob"
    assert to_alice["new_notification"]["type"] == "friend_request_accepted"
