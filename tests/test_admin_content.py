"""Admin views of stored content: a user's messages, deleted messages, pending deletions."""
from datetime import timedelta

from bson import ObjectId

from models import get_db
from models.chat_room import ChatRoom
from utils.time import utcnow


def _messages(app, author, deleter):
    now = utcnow()
    room_id = ObjectId()
    docs = [
        {"chat_room_id": room_id, "user_id": author["_id"], "content": "hello", "created_at": now,
         "message_type": "text", "is_deleted": False},
        {"chat_room_id": room_id, "user_id": author["_id"], "content": "rude", "created_at": now,
         "message_type": "text", "is_deleted": True, "deleted_by": deleter["_id"],
         "deleted_at": now, "deletion_reason": "rude",
         "permanent_delete_at": now + timedelta(days=30)},
        {"chat_room_id": room_id, "user_id": author["_id"], "content": "old", "created_at": now,
         "message_type": "text", "is_deleted": True, "deleted_by": deleter["_id"],
         "deleted_at": now - timedelta(days=40), "permanent_delete_at": now - timedelta(days=10)},
    ]
    with app.app_context():
        ids = get_db()["messages"].insert_many(docs).inserted_ids
    return ids


def test_user_messages_and_deleted_messages(app, auth):
    admin, admin_client = auth.signed_in(is_admin=True)
    author = auth.user()
    live_id, deleted_id, old_id = _messages(app, author, admin)
    history = admin_client.get(f"/api/admin/users/{author['_id']}/messages").get_json()
    assert [m["id"] for m in history["data"]] == [str(live_id)]
    assert history["pagination"]["total"] == 1
    assert admin_client.get(f"/api/admin/users/{ObjectId()}/messages").status_code == 404

    deleted = admin_client.get("/api/admin/deleted-messages").get_json()
    assert [m["_id"] for m in deleted["data"]] == [str(deleted_id), str(old_id)]
    first = deleted["data"][0]
    assert first["username"] == author["username"]
    assert first["deleted_by_username"] == admin["username"]
    assert first["deletion_reason"] == "rude" and first["attachments"] == []

    live = admin_client.post(f"/api/admin/deleted-messages/{live_id}/permanent-delete")
    assert live.status_code == 404  # only soft-deleted messages qualify
    gone = admin_client.post(f"/api/admin/deleted-messages/{deleted_id}/permanent-delete")
    assert gone.get_json()["message"] == "Message permanently deleted"
    cleaned = admin_client.post("/api/admin/deleted-messages/cleanup-expired").get_json()
    assert cleaned["deleted_count"] == 1
    with app.app_context():
        assert get_db()["messages"].count_documents({}) == 1
    actions = [e["action"] for e in admin_client.get("/api/admin/audit-log").get_json()["data"]]
    assert actions == ["message.cleanup_expired", "message.permanent_delete"]


def test_pending_deletions_approve_and_reject(app, auth):
    _, admin_client = auth.signed_in(is_admin=True)
    owner = auth.user()
    now = utcnow()
    pending = {"is_deleted": True, "deletion_status": "pending", "deleted_at": now,
               "deleted_by": owner["_id"], "permanent_delete_at": now + timedelta(days=7)}
    with app.app_context():
        room = ChatRoom.insert(name="old room", name_lower="old room", owner_id=owner["_id"],
                               is_public=False)
        get_db()["chat_rooms"].update_one({"_id": room["_id"]}, {"$set": pending})
        post_id = get_db()["posts"].insert_one({"title": "bye", "content": "x",
                                                "user_id": owner["_id"], **pending}).inserted_id
    data = admin_client.get("/api/admin/pending-deletions").get_json()["data"]
    assert data["topics"] == []
    assert data["posts"][0]["id"] == str(post_id)
    assert data["posts"][0]["owner"] == {"id": str(owner["_id"]), "username": owner["username"]}
    assert data["chatrooms"][0]["name"] == "old room"

    approved = admin_client.post(f"/api/admin/posts/{post_id}/approve-deletion")
    assert approved.get_json()["message"] == "Post deletion approved"
    again = admin_client.post(f"/api/admin/posts/{post_id}/approve-deletion")
    assert again.status_code == 404
    assert again.get_json()["errors"] == ["Post not found or not pending deletion"]
    rejected = admin_client.post(f"/api/admin/chatrooms/{room['_id']}/reject-deletion", json={})
    assert rejected.get_json()["message"] == "Chatroom deletion rejected and chatroom restored"
    with app.app_context():
        restored = ChatRoom.get(room["_id"])
    assert restored is not None and restored["is_public"] is True
    assert admin_client.post(f"/api/admin/topics/{ObjectId()}/reject-deletion",
                             json={"lock_deletion": "yes"}).status_code == 400
    assert admin_client.post("/api/admin/widgets/x/approve-deletion").status_code == 404
