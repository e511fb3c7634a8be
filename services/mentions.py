"""@username mentions: one notification per mentioned user, for any kind of text.

`context` = {type: post|comment|message, the ids to carry (post_id, topic_id,
comment_id, chat_room_id, ...), display_name, anonymous?}. Under an alias the
notification names only the alias: no sender id, no real username.
"""
import re

from models.user import User
from policies import facts
from services import realtime
from services.notifications import NotificationService

MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9_-]{0,29})")
MAX_MENTIONS = 20


def mentioned_usernames(text):
    names = []
    for name in MENTION_RE.findall(text or ""):
        lowered = name.lower()
        if lowered not in names:
            names.append(lowered)
    return names[:MAX_MENTIONS]


def notify_mentions(author, text, context, can_see=None):
    """Notify every user `text` mentions (except the author and those who blocked them).

    `can_see(user)`, when given, drops mentioned users who may not read the
    content (an invite-only topic's post must not reach outsiders). Returns
    the ids notified."""
    names = mentioned_usernames(text)
    if not names:
        return []
    kind = context.get("type", "post")
    display = context.get("display_name") or author["username"]
    anonymous = context.get("anonymous", display != author["username"])
    ids = {k: v for k, v in context.items() if k.endswith("_id") or k.endswith("_title")
           or k.endswith("_name") and k != "display_name"}
    content_id = context.get("content_id") or context.get(f"{kind}_id")
    data = {**ids, "content_type": kind, "content_id": content_id, "sender_username": display,
            "sender_id": None if anonymous else str(author["_id"])}
    notified = []
    # Who blocked the author: from the author's own facts (read with the session,
    # dropped by every block write), not a query per mentioned user.
    blocked_by = facts.of(author).is_blocked_by
    for user in User.find({"username_lower": {"$in": names}}, projection={"username": 1, "is_admin": 1}):
        if user["_id"] == author["_id"] or blocked_by(user["_id"]):
            continue
        if can_see is not None and not can_see(user):
            continue
        note = NotificationService.notify(
            user["_id"], "mention", f"{display} mentioned you", _preview(text), data,
            sender_id=None if anonymous else author["_id"], blocks_checked=True)  # above
        if note is None:
            continue
        realtime.emit_to_user(user["_id"], "user_mentioned", {
            "type": "mention", "content_type": kind, "content_id": content_id,
            "sender_id": data["sender_id"], "sender_username": display,
            "mentioned_user_id": user["_id"], "context": ids,
            "notification_id": note.get("id")})
        notified.append(user["_id"])
    return notified


def _preview(text, length=100):
    return text if len(text) <= length else text[:length - 1] + "…"
