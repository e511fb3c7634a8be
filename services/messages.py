"""Messages in chat rooms and in topics' legacy chat: one send path, one history
path, one delete path, used by REST routes and socket handlers alike.

Sending is `check_*` (who may send where), then `_store` (rate limit,
idempotency, attachments, seq, one insert), then `notify_*` (emit after the
write). Fan-out is one emit to the Socket.IO room, never a write per member.
"""
from bson import ObjectId
from flask import current_app
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.chat_room import MODERATOR, ROLE_LEVEL, ChatRoom, ChatRoomMember
from models.message import Counter, Message
from models.private_message import PrivateMessage
from models.topic import Topic, TopicMember
from models.user import User
from policies import documents
from policies import room as room_policy
from policies import topic as topic_policy
from services import chat_cache, realtime, reports
from services.file_storage import store_attachments
from services.history_cursor import cursor_seq
from services.mentions import notify_mentions
from utils import cache
from utils.errors import Forbidden, NotFound, ValidationFailed
from utils.rate_limit import cooldown, enforce
from utils.text import clean_message

DEFAULT_PAGE = 50
MAX_PAGE = 100


# ----- content rules shared by every kind of message (rest-content §1.7, §6.8, §7.1) -----

def message_content(body, media_placeholder):
    """The stored text of a send: validated and filtered, or a placeholder for media only."""
    has_text = bool(body.content.strip())
    if not has_text and not body.gif_url and not body.attachments:
        raise ValidationFailed("Message content, GIF URL, or attachment is required")
    if has_text:
        return clean_message(body.content)
    if body.gif_url and (body.message_type == "gif" or media_placeholder):
        return "[GIF]"
    return "[Attachment]" if media_placeholder and body.attachments else ""


def check_send_rate(user):
    config = current_app.config
    enforce(f"send:{user['_id']}", config["CHAT_SEND_LIMIT"], config["CHAT_SEND_WINDOW"],
            "You are sending messages too fast")


def next_seq(stream):
    """The stream's next seq ("room:<id>", "topic:<id>", "dm:<pair>"): a Redis INCR (no
    MongoDB round trip), seeded from the highest seq handed out when the counter key
    is missing, so a seq is never reused."""
    return chat_cache.next_seq(stream, lambda: _highest_seq(stream))


def current_seq(stream):
    """The highest seq handed out so far (a DM clear-history hides up to it)."""
    return chat_cache.current_seq(stream, lambda: _highest_seq(stream))


def _highest_seq(stream):
    """The highest seq handed out in `stream`: the stored messages' (deleted ones too)
    and the old MongoDB counter's, whichever is higher."""
    kind, _, place = stream.partition(":")
    if kind == "dm":
        model, query = PrivateMessage, {"conversation_key": place}
    else:
        model, query = Message, ({"chat_room_id": parse_id(place)} if kind == "room"
                                 else {"topic_id": parse_id(place), "chat_room_id": None})
    last = model.find_one(query, include_deleted=True, sort=[("seq", DESCENDING)],
                          projection={"seq": 1})
    counter = Counter.get(stream)
    return max(last["seq"] if last else 0, counter["value"] if counter else 0)


# ----- sending -----

def check_send_room(room_id, user):
    """The room `user` may post in and their role there (404 unknown; 403 with the
    reason otherwise). The room comes from the Redis cache (services/chat_cache.py);
    the decision is the room policy's (policies/room.py `check_write`), from the
    caller's cached facts."""
    room = chat_cache.room(room_id)
    if room is None:
        raise NotFound("Chat room not found")
    return room, room_policy.check_write(room, user)


def send_room_message(room_id, user, body):
    """Store one message in a chat room and deliver it; returns (public message, created)."""
    room, role = check_send_room(room_id, user)
    # _store saves the room's topic_id too: look the retry up under the same keys.
    existing = _existing(room["_id"], room.get("topic_id"), user, body.client_message_id)
    if existing is not None:
        return message_view(existing, room=room, can_delete=True), False
    check_send_rate(user)
    _check_slow_mode(room, user, role)
    content = message_content(body, media_placeholder=False)
    doc, created = _store(user, body, content, chat_room_id=room["_id"],
                          topic_id=room.get("topic_id"), stream=f"room:{room['_id']}")
    roles = {user["_id"]: role} if role in ("owner", "moderator") else {}
    message = message_view(doc, room=room, can_delete=True, authors={user["_id"]: user},
                           roles=roles)
    if created:
        notify_room_message(room, message)
        notify_room_mentions(room, user, doc)
    return message, created


def send_topic_message(topic_id, user, body):
    """Legacy topic chat (§7.1): same rules, stream and event of the topic."""
    # Writing needs membership of an invite-only topic (a pending invitee may only read).
    topic = topic_policy.writable_topic_or_403(topic_id, user)
    existing = _existing(None, topic["_id"], user, body.client_message_id)
    if existing is not None:
        return message_view(existing, topic=topic, can_delete=True), False
    check_send_rate(user)
    content = message_content(body, media_placeholder=True)
    doc, created = _store(user, body, content, chat_room_id=None, topic_id=topic["_id"],
                          stream=f"topic:{topic['_id']}")
    message = message_view(doc, topic=topic, can_delete=True)
    if created:
        realtime.emit("new_message", message, room=f"topic_{topic['_id']}")
        notify_topic_mentions(topic, user, doc)
    return message, created


def _check_slow_mode(room, user, role):
    seconds = int((room.get("settings") or {}).get("slow_mode_seconds") or 0)
    if seconds and ROLE_LEVEL.get(role, 0) < MODERATOR:
        if not cooldown(f"slow:{room['_id']}:{user['_id']}", seconds):
            raise ValidationFailed(f"Slow mode is on: one message every {seconds} seconds")


def _existing(room_id, topic_id, user, client_message_id):
    """The message a retried send already stored, if any."""
    if not client_message_id:
        return None
    return Message.find_one({"chat_room_id": room_id, "topic_id": topic_id,
                             "user_id": user["_id"], "client_message_id": client_message_id},
                            include_deleted=True)


def _store(user, body, content, chat_room_id, topic_id, stream):
    """Attachments, seq, one insert. A lost race on the client id returns the winner."""
    message_id = ObjectId()
    scope = {"chat_room_id": chat_room_id} if chat_room_id else {"topic_id": topic_id}
    attachments = store_attachments(body.attachments, user, {**scope, "message_id": message_id})
    values = dict(_id=message_id, chat_room_id=chat_room_id, topic_id=topic_id,
                  user_id=user["_id"], content=content, message_type=body.message_type,
                  gif_url=body.gif_url, attachments=attachments, seq=next_seq(stream),
                  client_message_id=body.client_message_id)
    try:
        return Message.insert(**values), True
    except DuplicateKeyError:
        return _existing(chat_room_id, topic_id, user, body.client_message_id), False


def notify_room_message(room, message):
    chat_cache.touch_room(room["_id"])  # message_count / last_activity, at most 1 write/s
    realtime.emit("new_chat_room_message", message, room=f"chat_room_{room['_id']}")


def notify_room_mentions(room, author, doc):
    """@mentions of a new room message, once per send (a retried send returns early),
    to mentioned users who may read the room."""
    notify_mentions(author, doc["content"], {
        "type": "chat_room_message", "content_id": str(doc["_id"]),
        "message_id": str(doc["_id"]), "chat_room_id": str(room["_id"]),
        "chat_room_name": room.get("name"),
        "topic_id": str(room["topic_id"]) if room.get("topic_id") else None,
    }, can_see=lambda mentioned: room_policy.can_read(room, mentioned))


def notify_topic_mentions(topic, author, doc):
    """@mentions of a legacy topic message, to mentioned users who may see the topic."""
    notify_mentions(author, doc["content"], {
        "type": "message", "content_id": str(doc["_id"]), "message_id": str(doc["_id"]),
        "topic_id": str(topic["_id"]), "topic_title": topic.get("title"),
    }, can_see=lambda mentioned: topic_policy.can_view(topic, mentioned)
        and not topic_policy.is_banned(topic["_id"], mentioned["_id"]))


# ----- history -----

def room_names(room_id):
    """The cached documents a read of or a send to a room checks: its topic's id, that
    topic (visibility) and the room (the session script's plan of a send)."""
    oid = parse_id(room_id)
    if oid is None:
        return ()
    return chat_cache.room_topic_key(oid), documents.TOPIC_OF_REF, chat_cache.room_key(oid)


def history_names(room_id, limit=DEFAULT_PAGE, before_id=None, after_id=None):
    """What `room_history` reads for the latest page, cached per room (services/chat_cache.py
    says what drops it): the room, its topic and the page, in one command (also the
    session script's plan, utils/prefetch_plans.py)."""
    oid = parse_id(room_id)
    if oid is None or before_id or after_id:
        return ()
    return (*room_names(oid), cache.versioned_key(chat_cache.history_ns(oid), limit))


def room_history(room_id, user, limit=DEFAULT_PAGE, before_id=None, after_id=None):
    if before_id or after_id:
        room = room_policy.readable_room_or_404(room_id, user)
        return views(_page({"chat_room_id": room["_id"]}, limit, before_id, after_id), room=room)
    oid = parse_id(room_id)
    if oid is None:
        raise NotFound("Chat room not found")
    names = history_names(oid, limit)
    cache.prefetch(*names)
    name = names[-1]
    room = chat_cache.room(oid)
    if room is None:
        raise NotFound("Chat room not found")
    room_policy.check_read(room, user)
    return cache.cached(name, chat_cache.HISTORY_TTL, lambda: views(
        _page({"chat_room_id": oid}, limit, None, None), room=room))


def topic_history(topic_id, user, limit=DEFAULT_PAGE, before_id=None, after_id=None):
    topic = topic_policy.visible_topic_or_404(topic_id, user)
    if user is not None:
        topic_policy.require_not_banned(topic["_id"], user)
    docs = _page({"topic_id": topic["_id"], "chat_room_id": None}, limit, before_id, after_id)
    return views(docs, topic=topic)


def _page(stream, limit, before_id, after_id):
    """One page, oldest first: before a cursor (older page), after it (catch-up), or the latest."""
    query = Message.live_filter(stream)
    if after_id:
        query["seq"] = {"$gt": _cursor_seq(stream, after_id)}
        return Message.find(query, sort=[("seq", ASCENDING)], limit=limit)
    if before_id:
        query["seq"] = {"$lt": _cursor_seq(stream, before_id)}
    docs = Message.find(query, sort=[("seq", DESCENDING)], limit=limit)
    return docs[::-1]


def _cursor_seq(stream, message_id):
    return cursor_seq(Message, stream, message_id)


def get_message(message_id, user):
    """One message, to someone allowed to read where it was posted."""
    doc = Message.get_or_404(message_id)
    room, topic = _readable_place(doc, user)
    return message_view(doc, room=room, topic=topic)


def report_message(message_id, user, reason, description=""):
    """Report a message the caller can read (the report names its topic)."""
    doc = Message.get_or_404(message_id)
    _readable_place(doc, user)
    return reports.report_content(user, "message", doc["_id"], reason, description)


def _readable_place(doc, user):
    if doc.get("chat_room_id"):
        return room_policy.readable_room_or_404(doc["chat_room_id"], user), None
    return None, topic_policy.visible_topic_or_404(doc["topic_id"], user)


# ----- delete -----

def delete_room_message(room_id, message_id, actor, reason=None):
    room = ChatRoom.get_or_404(room_id)
    doc = Message.get_or_404(message_id)
    if doc.get("chat_room_id") != room["_id"]:
        raise ValidationFailed("Message does not belong to this chat room")
    return delete_message(message_id, actor, reason)


def delete_message(message_id, actor, reason=None):
    """Soft delete by the author, a moderator/owner of its room (or topic), or an admin.

    A room owner removing someone else's message must give a reason (the
    contract's rule); it is stored and the deletion emits `message_deleted`.
    """
    doc = Message.get_or_404(message_id)
    level = _moderation_level(doc, actor)
    if not room_policy.can_delete_message(doc, actor, level):
        raise Forbidden("Permission denied or message not found")
    if room_policy.deletion_needs_reason(doc, actor, level) and not reason:
        raise ValidationFailed("Deletion reason is required for owner deletions")
    Message.mark_deleted(doc["_id"], deleted_by=actor["_id"], deletion_reason=reason)
    if doc.get("chat_room_id"):
        chat_cache.invalidate_history(doc["chat_room_id"])
    notify_message_deleted(doc)
    return True


def _moderation_level(doc, actor):
    if doc.get("chat_room_id"):
        room = ChatRoom.get(doc["chat_room_id"], include_deleted=True)
        return room_policy.level(room, actor) if room else 0
    topic_id = doc.get("topic_id")
    topic = Topic.get(topic_id, include_deleted=True) if topic_id else None
    return topic_policy.level(topic, actor) if topic else 0


def notify_message_deleted(doc):
    message_id = str(doc["_id"])
    if doc.get("chat_room_id"):
        realtime.emit("message_deleted", {"message_id": message_id,
                                          "chat_room_id": str(doc["chat_room_id"])},
                      room=f"chat_room_{doc['chat_room_id']}")
    else:
        realtime.emit("message_deleted", {"message_id": message_id,
                                          "topic_id": str(doc["topic_id"])},
                      room=f"topic_{doc['topic_id']}")


# ----- output (§11.5) -----

def views(docs, room=None, topic=None):
    authors = _authors({doc["user_id"] for doc in docs})
    roles = _roles(room, topic, list(authors))
    return [message_view(doc, room=room, topic=topic, authors=authors, roles=roles)
            for doc in docs]


def message_view(doc, room=None, topic=None, can_delete=False, authors=None, roles=None):
    authors = authors if authors is not None else _authors({doc["user_id"]})
    roles = roles if roles is not None else _roles(room, topic, [doc["user_id"]])
    author = authors.get(doc["user_id"])
    username = author["username"] if author else "Deleted User"
    role = roles.get(doc["user_id"])
    out = Message.to_public(doc)
    out.update({
        "display_name": username, "sender_username": username,
        "profile_picture": author.get("profile_picture") if author else None,
        "is_anonymous": False, "is_admin": bool(author and author.get("is_admin")),
        "is_owner": role == "owner", "is_moderator": role == "moderator",
        "can_delete": can_delete,
    })
    return out


def _authors(user_ids):
    ids = [uid for uid in user_ids if uid is not None]
    if not ids:
        return {}
    users = User.find({"_id": {"$in": ids}}, include_deleted=True,
                      projection={"username": 1, "profile_picture": 1, "is_admin": 1})
    return {user["_id"]: user for user in users}


def _roles(room, topic, user_ids):
    if not user_ids or (room is None and topic is None):
        return {}
    if room is not None:
        rows = ChatRoomMember.find({"room_id": room["_id"], "user_id": {"$in": user_ids},
                                    "role": {"$in": ["owner", "moderator"]}})
    else:
        rows = TopicMember.find({"topic_id": topic["_id"], "user_id": {"$in": user_ids},
                                 "role": {"$in": ["owner", "moderator"]}})
    return {row["user_id"]: row["role"] for row in rows}
