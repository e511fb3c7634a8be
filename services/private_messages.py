"""Private messages (DMs): send, history, conversations, read, mute, delete for me.

A DM is one insert into `private_messages` plus one bulk upsert of the two
parties' `conversations` rows (last message, for the conversation list).
Delivery: `private_message_sent` to every socket of the sender,
`new_private_message` and a `message` notification to every socket of the
recipient, whichever process holds them.
"""
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import DuplicateKeyError

from models.base import to_json_safe
from models.conversation import Conversation
from models.private_message import PrivateMessage, conversation_key
from models.user import User
from policies import message as message_policy
from services import notification_settings, realtime
from services.content_cache import conversations_ns, invalidate_conversations
from services.file_storage import store_attachments
from services.history_cursor import cursor_seq
from services.messages import check_send_rate, current_seq, message_content, next_seq
from services.notifications import NotificationService
# get_private_message_for_admin: re-exported (the admin report view of a DM lives in reports).
from services.reports import get_private_message_for_admin, report_content  # noqa: F401
from utils import cache
from utils.auth import user_by_id
from utils.errors import Forbidden, NotFound
from utils.time import utcnow

# A user's conversation list is cached (per user: it is their view) for this long; every
# write below that changes it bumps it for the parties it concerns. The TTL bounds how
# long another user's new name, or a timed mute's end, takes to show.
CONVERSATIONS_TTL = 60

# ----- sending -----

def check_send(sender, to_user_id):
    """The recipient, if `sender` may message them (the DM policy decides). The recipient
    comes from the signed-in-user cache (dropped by every write of the user: a ban or a
    deletion is seen at once)."""
    return message_policy.check_send(sender, user_by_id(to_user_id))


def send(sender, body):
    """Store one DM and deliver it; returns (public message for the sender, created)."""
    recipient = check_send(sender, body.to_user_id)
    existing = _existing(sender, body.client_message_id)
    if existing is not None:
        return message_view(existing, sender), False
    check_send_rate(sender)
    content = message_content(body, media_placeholder=True)
    doc, created = _store(sender, recipient, body, content)
    if created:
        _touch_conversations(doc)
        notify_sent(doc, sender, recipient)
    return message_view(doc, sender, names={doc["from_user_id"]: sender["username"]}), created


def _existing(sender, client_message_id):
    if not client_message_id:
        return None
    return PrivateMessage.find_one({"from_user_id": sender["_id"],
                                    "client_message_id": client_message_id},
                                   include_deleted=True)


def _store(sender, recipient, body, content):
    message_id = ObjectId()
    pair = conversation_key(sender["_id"], recipient["_id"])
    attachments = store_attachments(body.attachments, sender,
                                    {"conversation_key": pair, "message_id": message_id})
    try:
        doc = PrivateMessage.insert(
            _id=message_id, conversation_key=pair, from_user_id=sender["_id"],
            to_user_id=recipient["_id"], content=content, message_type=body.message_type,
            gif_url=body.gif_url, attachments=attachments, seq=next_seq(f"dm:{pair}"),
            client_message_id=body.client_message_id)
    except DuplicateKeyError:
        return _existing(sender, body.client_message_id), False
    return doc, True


def _touch_conversations(doc):
    """Both parties' conversation rows point at this message (one round trip)."""
    ops = []
    for me, other in ((doc["from_user_id"], doc["to_user_id"]),
                      (doc["to_user_id"], doc["from_user_id"])):
        ops.append(UpdateOne(
            {"user_id": me, "other_user_id": other},
            {"$set": {"last_message_id": doc["_id"], "last_message_at": doc["created_at"],
                      "is_hidden": False, "updated_at": doc["created_at"]},
             "$setOnInsert": {"cleared_through_seq": 0,
                              "read_through_seq": 0, "created_at": doc["created_at"]}},
            upsert=True))
        if me == other:
            break
    Conversation.collection().bulk_write(ops, ordered=False)
    invalidate_conversations(doc["from_user_id"], doc["to_user_id"])


def _preview(doc):
    return doc["content"][:50]


def socket_payload(doc, sender, is_from_me):
    """The §3.4 DM payload (JSON-safe)."""
    return {"id": str(doc["_id"]), "_id": str(doc["_id"]), "from_user_id": str(doc["from_user_id"]),
            "to_user_id": str(doc["to_user_id"]), "content": doc["content"],
            "message_type": doc["message_type"], "gif_url": doc.get("gif_url"),
            "attachments": doc.get("attachments", []), "seq": doc["seq"],
            "client_message_id": doc.get("client_message_id"),
            "created_at": doc["created_at"], "is_from_me": is_from_me,
            "sender_username": sender["username"], "notification_type": "private_message",
            "preview": _preview(doc)}


def notify_sent(doc, sender, recipient):
    sender_id, recipient_id = doc["from_user_id"], doc["to_user_id"]
    if sender_id != recipient_id:
        realtime.emit_to_user(sender_id, "private_message_sent", socket_payload(doc, sender, True))
    realtime.emit_to_user(recipient_id, "new_private_message", socket_payload(doc, sender, False))
    # should_notify drops it when the recipient muted this conversation
    NotificationService.notify(
        recipient_id, "message", f"New message from {sender['username']}", _preview(doc),
        data={"from_user_id": str(sender_id), "from_username": sender["username"],
              "message_id": str(doc["_id"]), "preview": _preview(doc)},
        sender_id=sender_id, recipient=recipient, blocks_checked=True)  # check_send read both


# ----- reading -----

def _other_or_404(other_user_id):
    other = User.get(other_user_id)
    if other is None:
        raise NotFound("User not found")
    return other


def _state(user, other):
    return Conversation.find_one({"user_id": user["_id"], "other_user_id": other["_id"]}) or {}


def history(user, other_user_id, limit=50, before_id=None, after_id=None):
    """One page of the caller's conversation with another user, oldest first."""
    other = _other_or_404(other_user_id)
    pair = conversation_key(user["_id"], other["_id"])
    cleared = _state(user, other).get("cleared_through_seq", 0)
    query = PrivateMessage.live_filter({"conversation_key": pair,
                                        "deleted_for_user_ids": {"$ne": user["_id"]}})
    floor = {"$gt": cleared}
    if after_id:
        query["seq"] = {"$gt": max(cleared, _cursor_seq(pair, after_id))}
        docs = PrivateMessage.find(query, sort=[("seq", ASCENDING)], limit=limit)
    else:
        query["seq"] = {**floor, "$lt": _cursor_seq(pair, before_id)} if before_id else floor
        docs = PrivateMessage.find(query, sort=[("seq", DESCENDING)], limit=limit)[::-1]
    names = {user["_id"]: user["username"], other["_id"]: other["username"]}
    return [message_view(doc, user, names) for doc in docs]


def _cursor_seq(pair, message_id):
    return cursor_seq(PrivateMessage, {"conversation_key": pair}, message_id)


def message_view(doc, viewer, names=None):
    """§11.8, relative to `viewer`."""
    out = PrivateMessage.to_public(doc)
    out.pop("conversation_key", None)
    if names is None:
        sender = User.get(doc["from_user_id"], include_deleted=True, projection={"username": 1})
        names = {doc["from_user_id"]: sender["username"] if sender else "Deleted User"}
    out["sender_username"] = names.get(doc["from_user_id"], "Deleted User")
    out["is_from_me"] = doc["from_user_id"] == viewer["_id"]
    out["is_to_me"] = doc["to_user_id"] == viewer["_id"]
    # Whether the other person deleted it "for me" is theirs to know: show only the caller's.
    mine = viewer["_id"] in doc.get("deleted_for_user_ids", [])
    out["deleted_for_user_ids"] = [str(viewer["_id"])] if mine else []
    if doc.get("deleted_by") != viewer["_id"]:
        out.pop("deleted_by", None)
    return out


def conversations_names(limit=20, user_id=cache.USER):
    """What `conversations` reads (with the default, the session script's plan)."""
    return (cache.versioned_key(conversations_ns(user_id), limit),)


def conversations(user, limit=20):
    name, = conversations_names(limit, user["_id"])
    return cache.cached(name, CONVERSATIONS_TTL, lambda: _conversations(user, limit))


def _conversations(user, limit):
    rows = Conversation.find({"user_id": user["_id"], "is_hidden": False},
                             sort=[("last_message_at", DESCENDING)], limit=limit)
    others = {u["_id"]: u for u in User.find(
        {"_id": {"$in": [row["other_user_id"] for row in rows]}}, include_deleted=True,
        projection={"username": 1})}
    lasts = {m["_id"]: m for m in PrivateMessage.find(
        {"_id": {"$in": [row["last_message_id"] for row in rows]}}, include_deleted=True)}
    lasts = {row["last_message_id"]: _last_visible(user, row, lasts.get(row["last_message_id"]))
             for row in rows}
    muted = notification_settings.muted_among(
        user["_id"], "conversation", [row["other_user_id"] for row in rows])
    return [_conversation_view(user, row, others.get(row["other_user_id"]),
                               lasts.get(row["last_message_id"]),
                               row["other_user_id"] in muted) for row in rows]


def _last_visible(user, row, last):
    """The newest message of the conversation the viewer may still see: not unsent,
    not deleted for them, not cleared. Usually the stored last one (no query)."""
    cleared = row.get("cleared_through_seq", 0)
    if last is not None and not last.get("is_deleted") and last["seq"] > cleared \
            and user["_id"] not in last.get("deleted_for_user_ids", []):
        return last
    pair = conversation_key(user["_id"], row["other_user_id"])
    found = PrivateMessage.find(
        PrivateMessage.live_filter({"conversation_key": pair, "seq": {"$gt": cleared},
                                    "deleted_for_user_ids": {"$ne": user["_id"]}}),
        sort=[("seq", DESCENDING)], limit=1)
    return found[0] if found else None


def _conversation_view(user, row, other, last, is_muted):
    other_id = str(row["other_user_id"])
    username = other["username"] if other else "Unknown User"
    last_view = None
    if last is not None:
        last_view = message_view(last, user, {last["from_user_id"]: (
            user["username"] if last["from_user_id"] == user["_id"] else username)})
    return {"_id": other_id, "other_user_id": other_id, "user_id": other_id,
            "username": username, "other_user": {"id": other_id, "username": username},
            "last_message": last_view,
            "unread_count": PrivateMessage.count({
                "to_user_id": user["_id"], "from_user_id": row["other_user_id"],
                "is_read": False, "seq": {"$gt": row.get("cleared_through_seq", 0)}}),
            "is_muted": is_muted}


def unread_count(user):
    return PrivateMessage.count({"to_user_id": user["_id"], "is_read": False})


# ----- read markers, mute, delete for me -----

def mark_read(user, other_user_id):
    """Mark every unread DM from that user to the caller read; tells both sides."""
    other = _other_or_404(other_user_id)
    now = utcnow()
    marked = PrivateMessage.collection().update_many(
        {"to_user_id": user["_id"], "from_user_id": other["_id"], "is_read": False},
        {"$set": {"is_read": True, "read_at": now}}).modified_count
    if marked:
        invalidate_conversations(user["_id"], other["_id"])
    realtime.emit_to_user(user["_id"], "messages_marked_read", {"from_user_id": str(other["_id"])})
    if marked and other["_id"] != user["_id"]:
        # A read receipt to the sender (the contract had none; the SPA ignores unknown events).
        realtime.emit_to_user(other["_id"], "messages_read", {
            "reader_id": str(user["_id"]), "from_user_id": str(other["_id"]), "read_at": now})
    return marked


def _party_message(user, message_id):
    """A DM the caller sent or received; 404 unknown/malformed, 403 someone else's."""
    doc = PrivateMessage.get(message_id)
    if doc is None:
        raise NotFound("Message not found")
    if not message_policy.is_party(doc, user):
        raise Forbidden("Permission denied")
    return doc


def mark_one_read(user, message_id):
    doc = _party_message(user, message_id)
    if doc["to_user_id"] != user["_id"]:
        raise Forbidden("Only the recipient can mark a message read")
    PrivateMessage.update(doc["_id"], set_={"is_read": True, "read_at": utcnow()})
    invalidate_conversations(doc["from_user_id"], doc["to_user_id"])


def mute(user, other_user_id, minutes):
    """Mute (or with 0 unmute) the conversation with another user: the one store of
    notification mutes, which should_notify and the silenced-items list read."""
    other = _other_or_404(other_user_id)
    notification_settings.mute(user, "conversation", other["_id"], minutes)


def delete_for_me(user, message_id):
    doc = PrivateMessage.get(message_id)
    if doc is None or user["_id"] not in (doc["from_user_id"], doc["to_user_id"]) \
            or user["_id"] in doc.get("deleted_for_user_ids", []):
        raise NotFound("Message not found or permission denied")
    PrivateMessage.update(doc["_id"], extra={"$addToSet": {"deleted_for_user_ids": user["_id"]}})
    invalidate_conversations(user["_id"])


def restore_for_me(user, message_id):
    doc = PrivateMessage.get(message_id)
    if doc is None or user["_id"] not in doc.get("deleted_for_user_ids", []):
        raise NotFound("Message not found or already restored")
    PrivateMessage.update(doc["_id"], extra={"$pull": {"deleted_for_user_ids": user["_id"]}})
    invalidate_conversations(user["_id"])


def hidden_for_me(user, limit=500):
    """The caller's DMs deleted "for me", newest first, as hidden-items rows (§7)."""
    docs = PrivateMessage.find({"deleted_for_user_ids": user["_id"]},
                               sort=[("created_at", DESCENDING)], limit=limit)
    other_ids = {d["to_user_id"] if d["from_user_id"] == user["_id"] else d["from_user_id"]
                 for d in docs}
    names = {u["_id"]: u["username"] for u in User.find(
        {"_id": {"$in": list(other_ids)}}, include_deleted=True, projection={"username": 1})}
    rows = []
    for doc in docs:
        other = doc["to_user_id"] if doc["from_user_id"] == user["_id"] else doc["from_user_id"]
        rows.append({"id": str(doc["_id"]), "other_user_id": str(other),
                     "other_username": names.get(other, "Deleted User"),
                     "content": doc["content"][:50], "created_at": to_json_safe(doc["created_at"])})
    return rows


def delete_message(user, message_id, mode="soft"):
    """`soft`: hide for the caller. `hard`: the sender unsends it for both."""
    doc = _party_message(user, message_id)
    if mode == "hard":
        if doc["from_user_id"] != user["_id"]:
            raise Forbidden("Only sender can unsend message")
        PrivateMessage.mark_deleted(doc["_id"], deleted_by=user["_id"])
        invalidate_conversations(doc["from_user_id"], doc["to_user_id"])
        payload = {"message_id": str(doc["_id"]), "from_user_id": str(doc["from_user_id"]),
                   "to_user_id": str(doc["to_user_id"])}
        for party in {doc["from_user_id"], doc["to_user_id"]}:
            realtime.emit_to_user(party, "private_message_deleted", payload)
        return
    delete_for_me(user, message_id)


def delete_conversation_for_me(user, other_user_id):
    """Hide the whole conversation for the caller only; the other party keeps it."""
    other = _other_or_404(other_user_id)
    pair = conversation_key(user["_id"], other["_id"])
    counter = {"value": current_seq(f"dm:{pair}")}
    cleared = _state(user, other).get("cleared_through_seq", 0)
    hidden = PrivateMessage.count({"conversation_key": pair,
                                   "seq": {"$gt": cleared, "$lte": counter["value"]}})
    Conversation.collection().update_one(
        {"user_id": user["_id"], "other_user_id": other["_id"]},
        {"$set": {"cleared_through_seq": counter["value"], "is_hidden": True,
                  "updated_at": utcnow()}})
    invalidate_conversations(user["_id"])
    return hidden


def report(user, message_id, reason, description=""):
    doc = _party_message(user, message_id)  # only the two parties may report it
    return report_content(user, "private_message", doc["_id"], reason, description)
