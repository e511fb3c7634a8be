"""Missed-message emails, the queueing side: called by NotificationService.notify
once a notification was stored (it already passed blocks, mutes, silences and
`notifications_enabled`). Queues it for an email if the recipient has no socket
online and wants these emails; the worker (services/email_worker.py) sends the
batch `EMAIL_NOTIFY_DELAY` seconds after the first one, if still unread.
"""
from flask import current_app

from models.user import User
from services import email_prefs, email_queue, presence
from utils.time import utcnow

# The notification types that reach someone who is away; the rest wait for their return.
EMAILED_KINDS = frozenset({"message", "mention", "comment", "reply", "friend_request"})


def queue_if_away(user_id, kind, notification_id, user=None):
    """True when the notification joined the recipient's next email. `user`: the
    recipient's document when the caller has it (its email and preferences)."""
    if kind not in EMAILED_KINDS or not current_app.config["EMAIL_NOTIFY_ENABLED"]:
        return False
    if presence.is_online(user_id):
        return False
    if user is None:
        user = User.get(user_id, projection={"preferences": 1, "email": 1})
    if not user or not user.get("email") or not email_prefs.wants_missed(user):
        return False
    due = utcnow().timestamp() + current_app.config["EMAIL_NOTIFY_DELAY"]
    email_queue.enqueue(user_id, notification_id, due)
    return True

