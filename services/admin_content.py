"""Admin views of stored content: a user's messages, soft-deleted messages,
and items whose owners asked for deletion (rest-accounts §10.3, §10.5).

The collections belong to the messages, posts, topics and chat-room
domains; these are read-mostly admin views over their documents.
"""
from models import get_db
from models.base import parse_id, to_json_safe
from models.user import User
from services import audit, chat_rooms, posts, topics
from utils.errors import NotFound
from utils.time import utcnow

PENDING_KINDS = {"topics": ("topics", "owner_id", "Topic"), "posts": ("posts", "user_id", "Post"),
                 "chatrooms": ("chat_rooms", "owner_id", "Chatroom")}


def _messages():
    return get_db()["messages"]


def user_messages(user_id, limit, offset):
    user = User.get_or_404(user_id)
    query = {"user_id": user["_id"], "is_deleted": {"$ne": True}}
    docs = _messages().find(query).sort("created_at", -1).skip(offset).limit(limit)
    rows = [{"id": str(d["_id"]), "content": d.get("content"), "created_at": d.get("created_at"),
             "topic_id": d.get("topic_id"), "chat_room_id": d.get("chat_room_id"),
             "is_anonymous": bool(d.get("is_anonymous")), "gif_url": d.get("gif_url"),
             "attachments": d.get("attachments") or []} for d in docs]
    return to_json_safe(rows), _messages().count_documents(query)


def _usernames(ids):
    ids = [i for i in ids if i]
    return {u["_id"]: u["username"] for u in User.find({"_id": {"$in": ids}},
                                                       projection={"username": 1})}


def deleted_messages(limit, offset):
    query = {"is_deleted": True}
    docs = list(_messages().find(query).sort("deleted_at", -1).skip(offset).limit(limit))
    names = _usernames({d.get("user_id") for d in docs} | {d.get("deleted_by") for d in docs})
    for doc in docs:
        doc["username"] = names.get(doc.get("user_id"))
        doc["deleted_by_username"] = names.get(doc.get("deleted_by"))
        doc.setdefault("attachments", [])
    return to_json_safe(docs), _messages().count_documents(query)


def permanent_delete(admin, message_id):
    oid = parse_id(message_id)
    result = _messages().delete_one({"_id": oid, "is_deleted": True}) if oid else None
    if result is None or result.deleted_count == 0:
        raise NotFound("Message not found or already deleted")
    audit.record(admin, "message.permanent_delete", "message", oid)


def cleanup_expired(admin):
    result = _messages().delete_many({"is_deleted": True,
                                      "permanent_delete_at": {"$lte": utcnow()}})
    audit.record(admin, "message.cleanup_expired", "message", None, count=result.deleted_count)
    return result.deleted_count


def pending_deletions(limit=100):
    out = {}
    for name, (collection, owner_field, _) in PENDING_KINDS.items():
        docs = list(get_db()[collection].find({"deletion_status": "pending"})
                    .sort("deleted_at", -1).limit(limit))
        names = _usernames({d.get(owner_field) for d in docs})
        for doc in docs:
            owner = doc.get(owner_field)
            doc["id"] = str(doc["_id"])
            doc["owner"] = {"id": str(owner), "username": names.get(owner)} if owner else None
        out[name] = to_json_safe(docs)
    return out


def decide_deletion(admin, kind, item_id, approve, lock_deletion=False):
    """Approve (the item stays deleted for good) or reject (it is restored), through the
    owning service so its caches and live events follow."""
    _, _, label = PENDING_KINDS[kind]
    service = {"topics": topics, "posts": posts, "chatrooms": chat_rooms}[kind]
    oid = parse_id(item_id)
    if oid is None:
        doc = None
    elif approve:
        doc = service.approve_deletion(oid)
    else:
        doc = service.restore_deletion(oid, **({"deletion_locked": True} if lock_deletion else {}))
    if doc is None:
        raise NotFound(f"{label} not found or not pending deletion")
    audit.record(admin, f"{kind[:-1]}.{'approve' if approve else 'reject'}_deletion", kind[:-1], oid)
    if approve:
        return f"{label} deletion approved"
    return f"{label} deletion rejected and {label.lower()} restored"
