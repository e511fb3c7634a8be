"""Direct messages: who may send to whom, who may read a DM, what a user may list.

A DM is read by its two parties only (an admin reads a reported one through the
report view, policies/report.py). Sending needs a live, unbanned recipient and
no block either way.
"""
from models.private_message import conversation_key
from policies import facts
from utils.errors import Forbidden, NotFound


def send_refusal(sender, recipient):
    """(error class, message) when `sender` may not message `recipient`; None when they may."""
    if recipient is None or recipient.get("is_deleted"):
        return NotFound, "Recipient user not found"
    if recipient.get("is_banned"):
        return Forbidden, "Recipient user is banned"
    mine = facts.of(sender)  # both ways, from the sender's facts (they came with the session)
    if mine.is_blocked_by(recipient["_id"]):
        return Forbidden, "This user has blocked you"
    if mine.has_blocked(recipient["_id"]):
        return Forbidden, "You have blocked this user"
    return None


def can_send(sender, recipient):
    return sender is not None and send_refusal(sender, recipient) is None


def check_send(sender, recipient):
    refusal = send_refusal(sender, recipient)
    if refusal is not None:
        error, message = refusal
        raise error(message)
    return recipient


def is_party(doc, user):
    return user is not None and user["_id"] in (doc["from_user_id"], doc["to_user_id"])


def can_view(doc, user):
    """May `user` read this DM? (Its parties, unless they deleted it for themselves.)"""
    return is_party(doc, user) and user["_id"] not in doc.get("deleted_for_user_ids", [])


def list_filter(user, other_id=None):
    """The DMs `user` may list (with `other_id`: of that one conversation)."""
    if user is None:
        return {"_id": {"$in": []}}
    mine = {"deleted_for_user_ids": {"$ne": user["_id"]}}
    if other_id is not None:
        return {"conversation_key": conversation_key(user["_id"], other_id), **mine}
    return {"$or": [{"from_user_id": user["_id"]}, {"to_user_id": user["_id"]}], **mine}
