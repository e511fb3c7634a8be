"""Support tickets: the user side and the admin side."""
from bson import ObjectId

from models.ticket import Ticket

GOOD = {"subject": "Cannot upload", "description": "Uploading a picture fails every time I try.",
        "category": "bug", "priority": "high"}


def create(client, **fields):
    return client.post("/api/tickets", json={**GOOD, **fields})


def test_create_ticket_and_admins_are_told(app, auth, emitted):
    admin = auth.user(is_admin=True)
    user, client = auth.signed_in()
    response = create(client)
    assert response.status_code == 201
    ticket = response.get_json()["data"]
    assert ticket["status"] == "pending" and ticket["username"] == user["username"]
    assert ticket["user_id"] == str(user["_id"]) and ticket["category"] == "bug"
    assert [m["message"] for m in ticket["messages"]] == [GOOD["description"]]
    assert ticket["messages"][0]["is_admin"] is False
    notices = [e for e in emitted if e["event"] == "admin_notification"]
    assert [n["room"] for n in notices] == [f"user_{admin['_id']}"]
    assert notices[0]["data"]["data"] == {"ticket_id": ticket["id"], "category": "bug",
                                          "priority": "high", "subject": GOOD["subject"]}


def test_create_ticket_refusals_and_defaults(auth, client):
    assert create(client).status_code == 401
    _, member = auth.signed_in()
    short = create(member, subject="hey")
    assert short.get_json()["errors"] == ["Subject must be at least 5 characters"]
    assert create(member, description="too short").status_code == 400
    assert create(member, subject={"$gt": ""}).status_code == 400
    odd = create(member, category="abuse", priority="urgent").get_json()["data"]
    assert odd["category"] == "other" and odd["priority"] == "medium"


def test_my_tickets_get_reply_delete(auth):
    user, client = auth.signed_in()
    _, other = auth.signed_in()
    ticket_id = create(client).get_json()["data"]["id"]
    create(other)
    mine = client.get("/api/tickets/my-tickets").get_json()
    assert [t["id"] for t in mine["data"]] == [ticket_id]
    assert client.get("/api/tickets/my").get_json()["data"] == mine["data"]
    assert client.get(f"/api/tickets/{ticket_id}").status_code == 200
    assert other.get(f"/api/tickets/{ticket_id}").status_code == 403
    assert other.put(f"/api/tickets/{ticket_id}", json={"message": "hi"}).status_code == 403
    assert client.get(f"/api/tickets/{ObjectId()}").status_code == 404
    assert client.put(f"/api/tickets/{ticket_id}", json={"message": "  "}).status_code == 400
    reply = client.put(f"/api/tickets/{ticket_id}", json={"message": "Any news?"})
    assert [m["message"] for m in reply.get_json()["data"]["messages"]][-1] == "Any news?"
    assert other.delete(f"/api/tickets/{ticket_id}").status_code == 403
    assert client.delete(f"/api/tickets/{ticket_id}").status_code == 200
    assert client.get(f"/api/tickets/{ticket_id}").status_code == 404


def test_owner_cannot_delete_a_ticket_being_processed(auth):
    _, admin_client = auth.signed_in(is_admin=True)
    _, client = auth.signed_in()
    ticket_id = create(client).get_json()["data"]["id"]
    admin_client.put(f"/api/admin/tickets/{ticket_id}", json={"status": "in_progress"})
    refused = client.delete(f"/api/tickets/{ticket_id}")
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == ["Cannot delete tickets that are being processed"]
    assert admin_client.delete(f"/api/tickets/{ticket_id}").status_code == 200


def test_admin_lists_answers_and_changes_status(app, auth, emitted):
    admin, admin_client = auth.signed_in(is_admin=True)
    user, client = auth.signed_in()
    ticket_id = create(client).get_json()["data"]["id"]
    create(client, category="account", priority="low")
    listed = admin_client.get("/api/admin/tickets?status=open").get_json()
    assert listed["pagination"]["total"] == 2
    assert len(admin_client.get("/api/admin/tickets?category=bug").get_json()["data"]) == 1
    assert admin_client.get("/api/admin/tickets?status=closed").get_json()["data"] == []
    assert admin_client.get("/api/admin/tickets?priority=$ne").status_code == 400

    answer = admin_client.put(f"/api/admin/tickets/{ticket_id}",
                              json={"admin_response": "We are on it."})
    assert answer.get_json()["message"] == "Response added successfully"
    last = answer.get_json()["data"]["messages"][-1]
    assert last["is_admin"] is True and last["username"] == admin["username"]
    assert [e["room"] for e in emitted if e["event"] == "new_notification"] == [
        f"user_{user['_id']}"]
    # the user sees the answer
    seen = client.get(f"/api/tickets/{ticket_id}").get_json()["data"]
    assert seen["messages"][-1]["message"] == "We are on it."

    closed = admin_client.put(f"/api/admin/tickets/{ticket_id}", json={"status": "closed"})
    assert closed.get_json()["data"]["status"] == "closed"
    reopened = admin_client.put(f"/api/admin/tickets/{ticket_id}",
                                json={"reopen": True, "reason": "Came back"})
    assert reopened.get_json()["data"]["status"] == "open"
    assert reopened.get_json()["data"]["messages"][-1]["message"] == "[REOPENED] Came back"
    again = admin_client.put(f"/api/admin/tickets/{ticket_id}", json={"reopen": True})
    assert again.status_code == 400
    assert admin_client.put(f"/api/admin/tickets/{ticket_id}", json={}).status_code == 400
    assert admin_client.put(f"/api/admin/tickets/{ticket_id}",
                            json={"status": "weird"}).status_code == 400
    assert admin_client.put(f"/api/admin/tickets/{ObjectId()}",
                            json={"status": "closed"}).status_code == 404
    actions = [e["action"] for e in admin_client.get("/api/admin/audit-log").get_json()["data"]]
    assert actions == ["ticket.reopen", "ticket.status", "ticket.reply"]
    with app.app_context():
        assert Ticket.get(ticket_id)["reviewed_by"] == admin["_id"]


def test_ticket_categories(auth, client):
    assert client.get("/api/tickets/categories").status_code == 401
    _, member = auth.signed_in()
    values = [c["value"] for c in member.get("/api/tickets/categories").get_json()["data"]]
    assert values == ["bug", "feature", "account", "other"]
