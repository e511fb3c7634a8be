"""/api/reports beyond creation (rest-accounts §9): the reporter's, the topic
moderator's and the admin's views, the review/dismiss/escalate/delete actions,
and every refusal (401, 404 for reports one may not see, 403 for actions)."""
from types import SimpleNamespace

import pytest

from models.audit_log import AuditLog
from models.report import Report
from tests.content_helpers import make_post, make_topic


def report(client, **body):
    body = {"reason": "spam", "description": "This is plainly spam, please remove it", **body}
    response = client.post("/api/reports", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["report_id"]


@pytest.fixture
def world(app, auth):
    """A post in topic A (owner + moderator) reported by `reporter`; topic B's owner
    moderates elsewhere; `author` wrote the post and is a plain member."""
    w = SimpleNamespace(app=app)
    w.admin, w.admin_c = auth.signed_in(is_admin=True)
    w.owner, w.owner_c = auth.signed_in()
    w.mod, w.mod_c = auth.signed_in()
    w.author, w.author_c = auth.signed_in()
    w.reporter, w.reporter_c = auth.signed_in()
    w.other_mod, w.other_c = auth.signed_in()
    w.topic = make_topic(w.owner_c)
    make_topic(w.other_c)
    assert w.owner_c.post(f"/api/topics/{w.topic['id']}/moderators",
                          json={"user_id": str(w.mod["_id"])}).status_code == 200
    assert w.author_c.post(f"/api/topics/{w.topic['id']}/join").status_code == 200
    w.post = make_post(w.author_c, w.topic["id"])
    w.report_id = report(w.reporter_c, content_type="post", content_id=w.post["id"])
    w.url = f"/api/reports/{w.report_id}"
    return w


def audited(app, action):
    with app.app_context():
        return [entry for entry in AuditLog.find({"action": action})]


def test_report_takes_the_topic_of_its_content_not_the_claimed_one(world, auth):
    other = make_topic(world.other_c)
    rid = report(world.mod_c, content_type="post", content_id=world.post["id"], topic_id=other["id"])
    with world.app.app_context():
        assert str(Report.get(rid)["topic_id"]) == world.topic["id"]


def test_list_is_filtered_by_who_asks(world):
    own = world.reporter_c.get("/api/reports").get_json()
    assert [r["id"] for r in own["data"]] == [world.report_id]
    assert own["pagination"] == {"limit": 20, "offset": 0, "total": 1, "total_count": 1,
                                 "has_more": False}
    assert own["data"][0]["content_data"]["title"] == "A post"
    assert world.author_c.get("/api/reports").get_json()["data"] == []
    topic_q = f"/api/reports?topic_id={world.topic['id']}"
    assert [r["id"] for r in world.mod_c.get(topic_q).get_json()["data"]] == [world.report_id]
    assert [r["id"] for r in world.admin_c.get("/api/reports").get_json()["data"]] == [world.report_id]
    assert world.other_c.get(topic_q).status_code == 403
    assert world.admin_c.get("/api/reports?status=dismissed").get_json()["data"] == []
    assert world.admin_c.get("/api/reports?status=all&limit=1").get_json()["pagination"]["limit"] == 1


def test_my_reports_and_reports_about_me_hide_the_reporter(world):
    mine = world.reporter_c.get("/api/reports/my-reports").get_json()
    assert [r["id"] for r in mine["data"]] == [world.report_id]
    assert mine["pagination"]["total"] == 1
    as_reporter = world.reporter_c.get("/api/reports/my").get_json()
    assert as_reporter["as_reporter"] is True and len(as_reporter["data"]) == 1
    about_me = world.author_c.get("/api/reports/my?as_reporter=false").get_json()
    assert about_me["as_reporter"] is False
    [view] = about_me["data"]
    assert view["id"] == world.report_id and view["reason"] == "spam"
    text = str(view)
    assert str(world.reporter["_id"]) not in text and world.reporter["username"] not in text
    assert "reporter" not in view and "description" not in view
    assert world.author_c.get("/api/reports/my?as_reporter=false&status=dismissed").get_json()["data"] == []


def test_statistics_for_admins_and_topic_moderators(world):
    world.mod_c.post(f"{world.url}/dismiss", json={"reason": "not spam"})
    stats = world.admin_c.get("/api/reports/statistics").get_json()["data"]
    assert stats["total"] == 1 and stats["dismissed"] == 1 and stats["pending"] == 0
    assert stats["actions"]["dismissed"] == 1 and stats["actions"]["user_banned"] == 0
    topic_stats = world.mod_c.get(f"/api/reports/statistics?topic_id={world.topic['id']}")
    assert topic_stats.get_json()["data"]["total"] == 1
    assert world.reporter_c.get("/api/reports/statistics").status_code == 403
    assert world.other_c.get(f"/api/reports/statistics?topic_id={world.topic['id']}").status_code == 403


def test_recent(world):
    assert [r["id"] for r in world.reporter_c.get("/api/reports/recent").get_json()["data"]] == [world.report_id]
    topic_recent = world.mod_c.get(f"/api/reports/recent?topic_id={world.topic['id']}&limit=5")
    assert len(topic_recent.get_json()["data"]) == 1
    assert world.mod_c.get("/api/reports/recent?limit=51").status_code == 400


def test_get_one_for_reporter_admin_and_topic_moderator_only(world):
    for client in (world.reporter_c, world.admin_c, world.mod_c, world.owner_c):
        body = client.get(world.url).get_json()
        assert body["data"]["id"] == world.report_id
    assert world.author_c.get(world.url).status_code == 404
    assert world.other_c.get(world.url).status_code == 404
    assert world.admin_c.get("/api/reports/" + "0" * 24).status_code == 404
    assert world.admin_c.get("/api/reports/not-an-id").status_code == 404


def test_review_records_the_outcome_and_audits_it(world):
    response = world.mod_c.post(f"{world.url}/review",
                                json={"action_taken": "user_warned", "moderator_notes": "<b>first</b> time"})
    assert response.status_code == 200 and response.get_json()["success"] is True
    with world.app.app_context():
        stored = Report.get(world.report_id)
    assert stored["status"] == "reviewed" and stored["action_taken"] == "user_warned"
    assert stored["moderator_notes"] == "first time" and stored["reviewed_by"] == world.mod["_id"]
    [entry] = audited(world.app, "report.review")
    assert entry["actor_id"] == world.mod["_id"] and str(entry["target_id"]) == world.report_id
    # Records only: the post is still there.
    assert world.reporter_c.get(f"/api/posts/{world.post['id']}").status_code == 200


def test_dismiss_and_escalate_go_through_moderation(world):
    assert world.mod_c.post(f"{world.url}/escalate", json={"reason": "needs an admin"}).status_code == 200
    with world.app.app_context():
        stored = Report.get(world.report_id)
    assert (stored["status"], stored["action_taken"]) == ("reviewed", "escalated")
    assert world.admin_c.post(f"{world.url}/dismiss").status_code == 200
    with world.app.app_context():
        assert Report.get(world.report_id)["status"] == "dismissed"
    assert len(audited(world.app, "report.escalate")) == 1
    assert [e["actor_id"] for e in audited(world.app, "report.dismiss")] == [world.admin["_id"]]


def test_delete_is_admin_only_and_audited(world):
    assert world.mod_c.delete(world.url).status_code == 403
    assert world.reporter_c.delete(world.url).status_code == 403
    assert world.admin_c.delete(world.url).status_code == 200
    assert world.admin_c.get(world.url).status_code == 404
    assert world.admin_c.delete(world.url).status_code == 404
    assert len(audited(world.app, "report.delete")) == 1


def test_action_refusals(world, client):
    review = {"action_taken": "dismissed"}
    for path in ("/review", "/dismiss", "/escalate"):
        assert client.post(world.url + path, json=review).status_code == 401
        assert world.author_c.post(world.url + path, json=review).status_code == 403
        assert world.reporter_c.post(world.url + path, json=review).status_code == 403
        assert world.other_c.post(world.url + path, json=review).status_code == 403
        assert world.admin_c.post("/api/reports/" + "0" * 24 + path, json=review).status_code == 404
        assert world.admin_c.post("/api/reports/bogus" + path, json=review).status_code == 404
    assert client.delete(world.url).status_code == 401
    # A report outside any topic is the admins' alone.
    user_report = report(world.reporter_c, content_type="user", reported_user_id=str(world.author["_id"]))
    assert world.mod_c.post(f"/api/reports/{user_report}/dismiss").status_code == 403
    bad = world.mod_c.post(f"{world.url}/review", json={"action_taken": {"$ne": None}})
    assert bad.status_code == 400
    assert world.mod_c.post(f"{world.url}/review", json={"action_taken": "banned_forever"}).status_code == 400
    assert world.mod_c.post(f"{world.url}/dismiss", json={"reason": {"$gt": ""}}).status_code == 400
    with world.app.app_context():
        assert Report.get(world.report_id)["status"] == "pending"


def test_read_refusals(world, client):
    for path in ("", "/my-reports", "/my", "/statistics", "/recent", "/" + world.report_id):
        assert client.get("/api/reports" + path).status_code == 401
    for path in ("", "/my-reports", "/my"):
        assert world.admin_c.get(f"/api/reports{path}?limit=101").status_code == 400
    assert world.admin_c.get("/api/reports?status[$ne]=x&status=$ne").status_code == 400
    assert world.admin_c.get("/api/reports?topic_id[$ne]=1&topic_id=%7B%22$ne%22:1%7D").status_code == 400
    assert world.admin_c.get("/api/reports?topic_id=" + "0" * 24).status_code == 404
    assert world.author_c.get("/api/reports/my?as_reporter=maybe").status_code == 400
