"""Admin API: guards, bans (with an end), warnings, stats, audit log."""
from datetime import timedelta

import pyotp
import pytest
from bson import ObjectId

from models.audit_log import AuditLog
from models.user import User
from tests import factories
from utils.time import advance_clock, utcnow

ADMIN_GETS = ["/api/admin/stats", "/api/admin/reports", "/api/admin/users/banned",
              "/api/admin/tickets", "/api/admin/deleted-messages", "/api/admin/pending-deletions",
              "/api/admin/audit-log", f"/api/admin/users/{ObjectId()}/messages"]
ADMIN_POSTS = [f"/api/admin/reports/{ObjectId()}/action", f"/api/admin/reports/{ObjectId()}/reopen",
               f"/api/admin/reports/{ObjectId()}/dismiss", f"/api/admin/users/{ObjectId()}/ban",
               f"/api/admin/users/{ObjectId()}/unban",
               f"/api/admin/deleted-messages/{ObjectId()}/permanent-delete",
               "/api/admin/deleted-messages/cleanup-expired",
               f"/api/admin/posts/{ObjectId()}/approve-deletion",
               f"/api/admin/topics/{ObjectId()}/reject-deletion"]


@pytest.mark.parametrize("method,path", [("get", p) for p in ADMIN_GETS]
                         + [("post", p) for p in ADMIN_POSTS]
                         + [("put", f"/api/admin/tickets/{ObjectId()}")])
def test_every_admin_route_refuses_anonymous_and_members(auth, client, method, path):
    anonymous = getattr(client, method)(path, json={})
    assert anonymous.status_code == 401
    _, member = auth.signed_in()
    refused = getattr(member, method)(path, json={})
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == ["Admin privileges required"]


def test_ban_ends_sessions_and_sockets_then_unban(app, auth, socket_client, emitted):
    admin, admin_client = auth.signed_in(is_admin=True)
    target, target_client = auth.signed_in()
    sio = socket_client(target_client)
    assert sio.is_connected()
    response = admin_client.post(f"/api/admin/users/{target['_id']}/ban",
                                 json={"reason": "Spamming the lobby", "duration_days": 3})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ban_info"] == {"user_id": str(target["_id"]), "reason": "Spamming the lobby",
                                "duration_days": 3, "permanent": False}
    assert not sio.is_connected()
    assert target_client.get("/api/auth/me").get_json()["success"] is False
    assert target_client.get("/api/tickets/my").status_code == 401

    banned = admin_client.get("/api/admin/users/banned").get_json()
    row = banned["data"][0]
    assert row["id"] == str(target["_id"]) and row["is_permanent"] is False
    assert row["banned_by"] == {"id": str(admin["_id"]), "username": admin["username"]}
    assert banned["pagination"]["total"] == 1

    assert admin_client.post(f"/api/admin/users/{target['_id']}/unban").status_code == 200
    auth.login(target)  # can sign in again
    actions = [e["action"] for e in admin_client.get("/api/admin/audit-log").get_json()["data"]]
    assert actions == ["user.unban", "user.ban"]


def test_temporary_ban_really_ends(app, auth, make_client):
    _, admin_client = auth.signed_in(is_admin=True)
    target = auth.user()
    admin_client.post(f"/api/admin/users/{target['_id']}/ban",
                      json={"reason": "Cool down", "duration_days": 1})
    with app.app_context():
        refused = factories.login(make_client(), target)
    assert refused.status_code == 401
    advance_clock(timedelta(days=1, minutes=1))
    client = make_client()
    code = pyotp.TOTP(target["totp_secret"]).at(utcnow())  # a code for the moved clock
    signed = client.post("/api/auth/login-passwordless",
                         json={"identifier": target["username"], "totp_code": code})
    assert signed.status_code == 200, signed.get_json()
    assert client.get("/api/auth/me").get_json()["success"] is True
    assert admin_client.get("/api/admin/users/banned").get_json()["data"] == []


def test_permanent_ban_is_listed_as_permanent(auth):
    _, admin_client = auth.signed_in(is_admin=True)
    target = auth.user()
    response = admin_client.post(f"/api/admin/users/{target['_id']}/ban", json={})
    assert response.get_json()["ban_info"]["permanent"] is True
    assert response.get_json()["ban_info"]["reason"] == "Violation of community guidelines"
    advance_clock(timedelta(days=4000))
    assert admin_client.get("/api/admin/users/banned").get_json()["data"][0]["is_permanent"]


def test_cannot_ban_yourself_or_an_admin(auth):
    admin, admin_client = auth.signed_in(is_admin=True)
    other_admin = auth.user(is_admin=True)
    mine = admin_client.post(f"/api/admin/users/{admin['_id']}/ban", json={"reason": "oops"})
    assert mine.status_code == 400 and mine.get_json()["errors"] == ["Cannot ban yourself"]
    theirs = admin_client.post(f"/api/admin/users/{other_admin['_id']}/ban", json={})
    assert theirs.status_code == 400 and theirs.get_json()["errors"] == ["Cannot ban admin users"]


def test_ban_bad_input(auth):
    _, admin_client = auth.signed_in(is_admin=True)
    target = auth.user()
    path = f"/api/admin/users/{target['_id']}/ban"
    assert admin_client.post(path, json={"reason": ""}).status_code == 400
    assert admin_client.post(path, json={"reason": {"$ne": None}}).status_code == 400
    assert admin_client.post(path, json={"duration_days": 0}).status_code == 400
    assert admin_client.post(f"/api/admin/users/{ObjectId()}/ban", json={}).status_code == 404
    assert admin_client.post("/api/admin/users/nothex/ban", json={}).status_code == 404
    unban = admin_client.post(f"/api/admin/users/{target['_id']}/unban")
    assert unban.status_code == 400  # not banned


def test_operators_in_filters_are_refused(auth):
    _, admin_client = auth.signed_in(is_admin=True)
    for path in ["/api/admin/reports?status[$ne]=x", "/api/admin/reports?status=%7B%22$ne%22:1%7D",
                 "/api/admin/tickets?status=$where", "/api/admin/reports?content_type=$gt",
                 "/api/admin/reports?limit=500", "/api/admin/audit-log?offset=-1"]:
        assert admin_client.get(path).status_code in (200, 400), path
    assert admin_client.get("/api/admin/reports?status=%7B%22$ne%22:1%7D").status_code == 400
    assert admin_client.get("/api/admin/tickets?status=$where").status_code == 400
    assert admin_client.get("/api/admin/reports?content_type=$gt").status_code == 400
    assert admin_client.get("/api/admin/reports?limit=500").status_code == 400


def test_stats_shape_and_series(app, auth):
    _, admin_client = auth.signed_in(is_admin=True)
    auth.user()
    data = admin_client.get("/api/admin/stats").get_json()["data"]
    assert set(data["reports"]) == {"total", "pending", "reviewed", "resolved", "dismissed",
                                    "actions"}
    assert data["users"]["total"] == 2 and data["users"]["admins"] == 1
    assert data["users"]["new_last_7_days"] == 2
    assert set(data["tickets"]) >= {"total", "pending", "in_progress", "resolved", "closed",
                                    "categories", "priorities"}
    assert set(data["recent_activity"]) == {"new_reports_24h", "new_tickets_24h"}
    for name in ("new_users", "messages", "posts"):
        assert len(data["series"][name]) == 30
    assert data["series"]["new_users"][-1]["count"] == 2
    assert sum(day["count"] for day in data["series"]["posts"]) == 0
    assert data["online_now"] == 0


def test_stats_are_cached_but_admin_actions_refresh_them(app, auth):
    _, admin_client = auth.signed_in(is_admin=True)
    target = auth.user()
    assert admin_client.get("/api/admin/stats").get_json()["data"]["users"]["total"] == 2
    auth.user()  # not an admin action: the cached numbers stay for a while
    assert admin_client.get("/api/admin/stats").get_json()["data"]["users"]["total"] == 2
    admin_client.post(f"/api/admin/users/{target['_id']}/ban", json={})
    data = admin_client.get("/api/admin/stats").get_json()["data"]
    assert data["users"]["total"] == 3 and data["users"]["banned"] == 1


def test_audit_log_is_paginated_newest_first(app, auth):
    admin, admin_client = auth.signed_in(is_admin=True)
    for _ in range(3):
        target = auth.user()
        admin_client.post(f"/api/admin/users/{target['_id']}/ban", json={})
    page = admin_client.get("/api/admin/audit-log?limit=2").get_json()
    assert page["pagination"] == {"limit": 2, "offset": 0, "total": 3, "has_more": True}
    entry = page["data"][0]
    assert entry["target_id"] == str(target["_id"]) and entry["actor_id"] == str(admin["_id"])
    assert entry["actor_username"] == admin["username"] and entry["created_at"].endswith("Z")
    with app.app_context():
        assert AuditLog.count() == 3


def test_create_and_revoke_admin_commands(app):
    with app.app_context():
        from tests.factories import create_user
        user = create_user(username="firstadmin")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "firstadmin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert User.get(user["_id"])["is_admin"] is True
    assert runner.invoke(args=["revoke-admin", "firstadmin"]).exit_code == 0
    with app.app_context():
        assert User.get(user["_id"])["is_admin"] is False
    missing = runner.invoke(args=["create-admin", "nobody"])
    assert missing.exit_code != 0 and "No user named" in missing.output
