"""Notifications (rest-accounts §5, §12.3; realtime §4.6 new_notification)."""
from models.notification import TTL_DAYS, Notification
from services.notifications import notify


def make(app, user, n=1, **kwargs):
    with app.app_context():
        return [notify(user["_id"], kwargs.get("kind", "comment"), "New comment", f"text {i}",
                       kwargs.get("data", {"post_id": "b" * 24, "post_title": "A post",
                                           "commenter_username": "someone"}),
                       sender_id=kwargs.get("sender_id")) for i in range(n)]


def test_anonymous_calls_are_401(client):
    nid = "a" * 24
    for method, path in [("get", "/api/notifications"), ("get", "/api/notifications/unread-count"),
                         ("post", f"/api/notifications/{nid}/read"),
                         ("post", "/api/notifications/read-all"),
                         ("delete", f"/api/notifications/{nid}"),
                         ("get", "/api/notifications/aggregated")]:
        assert getattr(client, method)(path).status_code == 401, path


def test_notify_stores_and_emits_after_write(auth, app, emitted):
    user, client = auth.signed_in()
    sender = auth.user()
    stored = make(app, user, sender_id=sender["_id"])[0]
    events = [e for e in emitted if e["event"] == "new_notification"]
    assert len(events) == 1 and events[0]["room"] == f"user_{user['_id']}"
    payload = events[0]["data"]
    assert payload["id"] == stored["id"] and payload["type"] == "comment"
    assert payload["sender_username"] == "someone" and payload["timestamp"]
    assert payload["context_type"] == "post" and payload["context_name"] == "A post"
    listed = client.get("/api/notifications").get_json()["data"]
    assert listed[0]["id"] == stored["id"] and listed[0]["_id"] == stored["id"]
    assert listed[0]["read"] is False and listed[0]["user_id"] == str(user["_id"])
    assert listed[0]["created_at"].endswith("Z")
    with app.app_context():
        assert notify(user["_id"], "x", "t", "m", sender_id=user["_id"]) is None


def test_list_paging_unread_filter_and_count(auth, app):
    user, client = auth.signed_in()
    ids = [n["id"] for n in make(app, user, 3)]
    body = client.get("/api/notifications?limit=2&offset=0").get_json()
    assert [n["id"] for n in body["data"]] == ids[::-1][:2]
    assert body["pagination"]["total"] == 3 and body["pagination"]["has_more"] is True
    assert client.get("/api/notifications?limit=2&offset=2").get_json()["data"][0]["id"] == ids[0]
    assert client.get("/api/notifications?limit=101").status_code == 400
    assert client.post(f"/api/notifications/{ids[0]}/read").get_json() == {
        "success": True, "message": "Notification marked as read"}
    unread = client.get("/api/notifications?unread_only=true").get_json()["data"]
    assert ids[0] not in [n["id"] for n in unread] and len(unread) == 2
    assert client.get("/api/notifications/unread-count").get_json()["data"] == {"count": 2}
    assert client.post("/api/notifications/read-all").status_code == 200
    assert client.get("/api/notifications/unread-count").get_json()["data"] == {"count": 0}


def test_other_users_notifications_are_404(auth, app):
    owner = auth.user()
    _, intruder = auth.signed_in()
    nid = make(app, owner)[0]["id"]
    assert intruder.post(f"/api/notifications/{nid}/read").status_code == 404
    assert intruder.delete(f"/api/notifications/{nid}").status_code == 404
    assert intruder.delete("/api/notifications/garbage").status_code == 404
    with app.app_context():
        assert Notification.get(nid)["is_read"] is False


def test_delete(auth, app):
    user, client = auth.signed_in()
    nid = make(app, user)[0]["id"]
    deleted = client.delete(f"/api/notifications/{nid}").get_json()
    assert deleted["message"] == "Notification deleted"
    assert client.get("/api/notifications").get_json()["data"] == []
    assert client.delete(f"/api/notifications/{nid}").status_code == 404


def test_aggregated_groups_by_post(auth, app):
    user, client = auth.signed_in()
    make(app, user, 2)
    make(app, user, 1, data={"post_id": "c" * 24})
    groups = client.get("/api/notifications/aggregated?type=comment").get_json()["data"]
    assert sorted(g["count"] for g in groups) == [1, 2]
    assert client.get("/api/notifications/aggregated?group_by=$where").status_code == 400


def test_preference_off_suppresses(auth, app):
    user = auth.user(preferences={"notifications_enabled": False})
    assert make(app, user) == [None]


def test_ttl_index_expires_old_notifications(app_ctx):
    index = Notification.collection().index_information()["ttl"]
    assert index["expireAfterSeconds"] == TTL_DAYS * 86400
