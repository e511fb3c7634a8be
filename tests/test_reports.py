"""Reports: creation by users, the admin listing and every admin action."""
import pytest
from bson import ObjectId

from models.report import Report
from models.user import User


def report_user(client, target, **extra):
    body = {"reason": "harassment", "description": "Keeps insulting people in the lobby",
            "content_type": "user", "reported_user_id": str(target["_id"]), **extra}
    return client.post("/api/reports", json=body)


@pytest.fixture
def reported(app, auth):
    """(admin, admin_client, reporter, target, report_id): one pending user report."""
    admin, admin_client = auth.signed_in(is_admin=True)
    reporter, reporter_client = auth.signed_in()
    target, _ = auth.signed_in()
    response = report_user(reporter_client, target)
    assert response.status_code == 201
    return admin, admin_client, reporter, target, response.get_json()["data"]["report_id"]


def test_report_is_created_and_admins_are_told(app, auth, emitted):
    admin = auth.user(is_admin=True)
    reporter, client = auth.signed_in()
    target = auth.user()
    response = report_user(client, target)
    assert response.status_code == 201
    body = response.get_json()
    assert body["message"] == "Report submitted successfully"
    with app.app_context():
        stored = Report.get(body["data"]["report_id"])
    assert stored["status"] == "pending" and stored["report_type"] == "user"
    assert stored["reported_user_id"] == target["_id"] and stored["reporter_id"] == reporter["_id"]
    notices = [e for e in emitted if e["event"] == "admin_notification"]
    assert [n["room"] for n in notices] == [f"user_{admin['_id']}"]
    assert notices[0]["data"]["type"] == "new_report"
    assert notices[0]["data"]["data"]["report_id"] == body["data"]["report_id"]


def test_report_refusals(auth, client):
    assert report_user(client, {"_id": ObjectId()}).status_code == 401
    reporter, member = auth.signed_in()
    target = auth.user()
    assert report_user(member, target).status_code == 201
    again = report_user(member, target)
    assert again.status_code == 409
    assert report_user(member, reporter).get_json()["errors"] == ["Cannot report yourself"]
    short = report_user(member, auth.user(), description="short")
    assert short.status_code == 400
    assert short.get_json()["errors"] == ["Description must be at least 10 characters"]
    assert report_user(member, auth.user(), reason="").status_code == 400
    neither = member.post("/api/reports", json={"reason": "spam", "description": "x" * 20})
    assert neither.get_json()["errors"] == ["Either content_id or reported_user_id is required"]
    assert report_user(member, auth.user(), content_type="bogus").status_code == 400
    assert report_user(member, auth.user(), content_id={"$ne": None}).status_code == 400
    assert report_user(member, auth.user(), content_id="not-an-id").status_code == 400


def test_a_second_user_may_report_the_same_item(auth):
    target = auth.user()
    _, first = auth.signed_in()
    _, second = auth.signed_in()
    assert report_user(first, target).status_code == 201
    assert report_user(second, target).status_code == 201


def test_admin_list_is_enriched_and_filtered(reported):
    admin, admin_client, reporter, target, report_id = reported
    page = admin_client.get("/api/admin/reports").get_json()
    assert page["pagination"]["total"] == 1
    item = page["data"][0]
    assert item["id"] == item["_id"] == report_id
    assert item["reporter"] == {"id": str(reporter["_id"]), "username": reporter["username"]}
    assert item["reporter_username"] == reporter["username"]
    assert item["reported_username"] == target["username"]
    assert item["reported_user"]["is_banned"] is False
    assert item["status"] == "pending" and item["created_at"].endswith("Z")
    assert admin_client.get("/api/admin/reports?status=resolved").get_json()["data"] == []
    assert len(admin_client.get("/api/admin/reports?report_type=user").get_json()["data"]) == 1
    assert admin_client.get("/api/admin/reports?content_type=post").get_json()["data"] == []
    assert admin_client.get("/api/admin/reports?status=nope").status_code == 400


def test_profile_image_report_shows_the_image_even_after_removal(app, auth):
    _, admin_client = auth.signed_in(is_admin=True)
    _, reporter_client = auth.signed_in()
    target = auth.user(profile_picture="data:image/png;base64,AAAA")
    created = report_user(reporter_client, target, content_type="profile_image")
    report_id = created.get_json()["data"]["report_id"]
    done = admin_client.post(f"/api/admin/reports/{report_id}/action",
                             json={"action": "delete_content"})
    assert done.status_code == 200 and done.get_json()["action"] == "deleted"
    with app.app_context():
        assert User.get(target["_id"])["profile_picture"] is None
    item = admin_client.get("/api/admin/reports").get_json()["data"][0]
    assert item["report_type"] == "profile_image" and item["status"] == "reviewed"
    assert item["content_data"]["profile_picture"] == "data:image/png;base64,AAAA"


@pytest.mark.parametrize("action,status,taken", [
    ("dismiss", "dismissed", "dismissed"), ("dismissed", "dismissed", "dismissed"),
    ("resolve", "resolved", "resolved"), ("resolved", "resolved", "resolved"),
    ("escalate", "reviewed", "escalated")])
def test_simple_actions_set_status_and_are_audited(app, reported, action, status, taken):
    admin, admin_client, _, _, report_id = reported
    response = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                 json={"action": action, "notes": "looked at it"})
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "message": f"Action taken: {taken}",
                                   "action": taken}
    with app.app_context():
        stored = Report.get(report_id)
    assert stored["status"] == status and stored["action_taken"] == taken
    assert stored["reviewed_by"] == admin["_id"] and stored["moderator_notes"] == "looked at it"
    log = admin_client.get("/api/admin/audit-log").get_json()["data"]
    assert log[0]["target_id"] == report_id and log[0]["action"].startswith("report.")


def test_reopen_resets_review(app, reported):
    _, admin_client, _, _, report_id = reported
    pending = admin_client.post(f"/api/admin/reports/{report_id}/reopen", json={})
    assert pending.status_code == 400  # still pending: nothing to reopen
    admin_client.post(f"/api/admin/reports/{report_id}/action", json={"action": "dismiss"})
    response = admin_client.post(f"/api/admin/reports/{report_id}/reopen",
                                 json={"reason": "new evidence"})
    assert response.get_json()["message"] == "Report reopened successfully"
    with app.app_context():
        stored = Report.get(report_id)
    assert stored["status"] == "pending" and stored["reviewed_by"] is None
    assert stored["action_taken"] is None and stored["moderator_notes"] == "new evidence"


def test_warn_user_sets_active_warning_and_emits(app, reported, auth, socket_client, emitted):
    admin, admin_client, _, target, report_id = reported
    target_client = auth.login(target)
    sio = socket_client(target_client)
    sio.get_received()
    missing = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                json={"action": "warn_user"})
    assert missing.status_code == 400
    assert missing.get_json()["errors"] == ["Warning message is required"]
    response = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                 json={"action": "warn_user", "warning_message": "Be civil."})
    assert response.get_json()["action"] == "user_warned"
    warning = target_client.get("/api/auth/me").get_json()["user"]["active_warning"]
    assert warning["message"] == "Be civil." and warning["dismissed_at"] is None
    assert warning["warned_by"] == str(admin["_id"]) and warning["report_id"] == report_id
    received = [p for p in sio.get_received() if p["name"] == "user_warning"]
    assert len(received) == 1
    assert received[0]["args"][0] == {"message": "Be civil.", "warned_at": warning["warned_at"],
                                      "user_id": str(target["_id"])}


def test_ban_user_action_bans_the_reported_user(app, reported, auth, socket_client):
    _, admin_client, _, target, report_id = reported
    sio = socket_client(auth.login(target))
    response = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                 json={"action": "ban_user", "ban_duration_days": 2})
    assert response.get_json()["action"] == "user_banned"
    assert not sio.is_connected()
    with app.app_context():
        stored = User.get(target["_id"])
    assert stored["is_banned"] and stored["ban_reason"].startswith(f"Report #{report_id}")
    item = admin_client.get("/api/admin/reports").get_json()["data"][0]
    assert item["reported_user"]["is_banned"] is True
    actions = [e["action"] for e in admin_client.get("/api/admin/audit-log").get_json()["data"]]
    assert actions == ["report.ban_user", "user.ban"]


def test_action_refusals(reported, auth):
    _, admin_client, _, _, report_id = reported
    assert admin_client.post(f"/api/admin/reports/{ObjectId()}/action",
                             json={"action": "dismiss"}).status_code == 404
    assert admin_client.post("/api/admin/reports/zzz/action",
                             json={"action": "dismiss"}).status_code == 404
    unknown = admin_client.post(f"/api/admin/reports/{report_id}/action", json={"action": "nuke"})
    assert unknown.status_code == 400 and unknown.get_json()["errors"] == ["Invalid action"]
    assert admin_client.post(f"/api/admin/reports/{report_id}/action",
                             json={"action": {"$ne": 1}}).status_code == 400
    no_content = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                   json={"action": "delete_content"})
    assert no_content.status_code == 400  # a user report has no content to delete
    _, member = auth.signed_in()
    assert member.post(f"/api/admin/reports/{report_id}/action",
                       json={"action": "dismiss"}).status_code == 403
