"""Report actions applied through the owning services (posts, comments, chat
messages), so their caches and live events follow."""
import pytest
from bson import ObjectId

from models import get_db
from tests.content_helpers import make_comment, make_post, make_topic


def _seed(app, author_client):
    """A topic with a post and a comment, and a chat room with a message, all made
    over HTTP by the author, then read back as stored."""
    topic = make_topic(author_client, title="Moderated")
    post = make_post(author_client, topic["id"], title="Buy pills", content="cheap pills here")
    comment = make_comment(author_client, post["id"], content="more pills")
    room = author_client.post(f"/api/chat-rooms/topics/{topic['id']}/conversations",
                              json={"name": "lobby"}).get_json()["data"]
    message = author_client.post(f"/api/chat-rooms/{room['id']}/messages",
                                 json={"content": "pills pills"}).get_json()["data"]
    with app.app_context():
        db = get_db()
        return {kind: db[collection].find_one({"_id": ObjectId(item["id"])})
                for kind, collection, item in [("post", "posts", post),
                                               ("comment", "comments", comment),
                                               ("message", "messages", message)]}


@pytest.mark.parametrize("kind,collection", [("post", "posts"), ("comment", "comments"),
                                             ("message", "messages")])
def test_delete_content_goes_through_the_owning_service(app, auth, kind, collection):
    admin, admin_client = auth.signed_in(is_admin=True)
    author, author_client = auth.signed_in()
    _, reporter = auth.signed_in()
    item = _seed(app, author_client)[kind]
    created = reporter.post("/api/reports", json={
        "reason": "spam", "description": "Selling pills to everyone",
        "content_type": kind, "content_id": str(item["_id"])})
    assert created.status_code == 201, created.get_json()
    report_id = created.get_json()["data"]["report_id"]

    listed = admin_client.get("/api/admin/reports").get_json()["data"][0]
    assert listed["reported_user_id"] == str(author["_id"])  # the author, found by the server
    assert listed["content_data"]["content"] == item["content"]

    response = admin_client.post(f"/api/admin/reports/{report_id}/action",
                                 json={"action": "delete_content"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["action"] == "deleted"
    with app.app_context():
        stored = get_db()[collection].find_one({"_id": item["_id"]})
    assert stored is None or stored["is_deleted"] is True
    # the admin still sees what was reported
    after = admin_client.get("/api/admin/reports?status=reviewed").get_json()["data"][0]
    assert after["content_data"]["content"] == item["content"]
    actions = [e["action"] for e in admin_client.get("/api/admin/audit-log").get_json()["data"]]
    assert "report.delete_content" in actions


def test_warn_the_author_of_reported_content(app, auth):
    _, admin_client = auth.signed_in(is_admin=True)
    author, author_client = auth.signed_in()
    _, reporter = auth.signed_in()
    post = _seed(app, author_client)["post"]
    report_id = reporter.post("/api/reports", json={
        "reason": "spam", "description": "Selling pills to everyone", "content_type": "post",
        "content_id": str(post["_id"])}).get_json()["data"]["report_id"]
    admin_client.post(f"/api/admin/reports/{report_id}/action",
                      json={"action": "warn_user", "warning_message": "No selling here."})
    me = author_client.get("/api/auth/me").get_json()["user"]
    assert me["active_warning"]["message"] == "No selling here."


def test_author_cannot_report_own_post(app, auth):
    author, author_client = auth.signed_in()
    post = _seed(app, author_client)["post"]
    response = author_client.post("/api/reports", json={
        "reason": "spam", "description": "Reporting my own thing", "content_type": "post",
        "content_id": str(post["_id"])})
    assert response.status_code == 400
