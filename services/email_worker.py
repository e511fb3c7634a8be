"""The worker that drains the email queue (services/email_queue.py).

`drain()` is one pass: seal the missed-message windows that are due, file the
digests that are due (services/email_digest.py), then send every batch that
is ready. Every process starts the periodic task, but a pass runs only
in the holder of the Redis lease `email_queue` (services/periodic.py), so a
deployment has one worker; tests call `drain()` directly.

At send time the batch is checked again through the same rules that let each
notification through (NotificationService.should_notify: blocks, mutes,
silences, notifications_enabled) and the recipient's email preference; what
was read since (the notification, or the private message itself) is left
out, and a batch with nothing left is dropped without an email.
"""
import logging
import uuid

from flask import current_app

from models.base import parse_id
from models.notification import Notification
from models.private_message import PrivateMessage
from models.user import User
from services import (email_digest, email_prefs, email_queue, email_render, email_service,
                      metrics)
from services.notifications import NotificationService
from services.periodic import start_periodic
from utils.time import utcnow

log = logging.getLogger(__name__)

CLAIM_TTL_MS = 120_000  # a sender that dies mid-send frees the batch after this
MAX_ITEMS = 20  # notifications listed in one email (the newest are kept)
_USER_FIELDS = {"username": 1, "email": 1, "preferences": 1, "is_deleted": 1}


def start(app):
    start_periodic(app, "email_queue", app.config["EMAIL_QUEUE_INTERVAL"], drain)


def drain(now=None):
    """One pass; returns the ids of the batches sent."""
    now = utcnow().timestamp() if now is None else now
    email_queue.seal_due(now)
    email_digest.schedule_due(now)
    return [batch_id for batch_id in email_queue.ready_batches(now) if send_batch(batch_id, now)]


def send_batch(batch_id, now):
    token = uuid.uuid4().hex
    if not email_queue.claim(batch_id, token, CLAIM_TTL_MS):
        return False  # someone else is sending it, or it was sent
    batch = email_queue.load(batch_id)
    if batch is None:  # finished by another worker between our listing and our claim
        email_queue.forget(batch_id)
        return False
    email = _build(batch, batch_id)
    if email is None:  # all read, unsubscribed, or nothing new
        metrics.EMAILS_SKIPPED.labels(batch["kind"]).inc()
        email_queue.forget(batch_id)
        return False
    try:
        email_service.deliver(email.to, email.subject, email.text, email.html, email.headers)
    except Exception:  # noqa: BLE001 - any transport failure is retried with backoff
        log.exception("sending email batch %s failed", batch_id)
        _retry_later(batch_id, batch, now)
        return False
    email_queue.mark_sent(batch_id)
    metrics.EMAILS_SENT.labels(batch["kind"]).inc()
    return True


def _retry_later(batch_id, batch, now):
    attempts = batch["attempts"] + 1
    config = current_app.config
    if attempts >= config["EMAIL_MAX_ATTEMPTS"]:
        metrics.EMAIL_FAILURES.labels(batch["kind"], "gave_up").inc()
        email_queue.forget(batch_id)
        return
    metrics.EMAIL_FAILURES.labels(batch["kind"], "retry").inc()
    email_queue.retry_at(batch_id, now + config["EMAIL_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1))


def _build(batch, batch_id):
    user = User.get(batch["user_id"], projection=_USER_FIELDS)
    if not user or user.get("is_deleted") or not user.get("email"):
        return None
    builder = BUILDERS.get(batch["kind"])
    return builder(user, batch, batch_id) if builder else None


# ----- missed messages -----

def _build_missed(user, batch, batch_id):
    if not email_prefs.wants_missed(user):
        return None
    items = [_item(doc, text) for doc, text in _still_worth_telling(user, batch["ids"])]
    if not items:
        return None
    return email_render.missed_messages(user, items[-MAX_ITEMS:], len(items), batch_id)


def _still_worth_telling(user, ids):
    """`(notification, full text)` pairs of the batch, oldest first, that are unread
    and still allowed."""
    oids = [oid for oid in (parse_id(i) for i in ids) if oid is not None]
    # Looked up by _id alone (the embedded server's planner), the rest checked here.
    docs = [doc for doc in Notification.find({"_id": {"$in": oids}})
            if doc["user_id"] == user["_id"] and not doc.get("is_read")]
    messages = _private_messages(docs)
    kept = []
    for doc in sorted(docs, key=lambda d: d["created_at"]):
        message = messages.get((doc.get("data") or {}).get("message_id"))
        if message is not None and message.get("is_read"):
            continue  # the conversation was read meanwhile
        if NotificationService.should_notify(user["_id"], doc["type"], doc.get("data"),
                                             doc.get("sender_id")):
            kept.append((doc, (message or {}).get("content") or doc.get("message")))
    return kept


def _private_messages(docs):
    """The private messages behind `docs`, by id string: read state and full text."""
    wanted = [parse_id((doc.get("data") or {}).get("message_id")) for doc in docs
              if doc["type"] == "message"]
    wanted = [oid for oid in wanted if oid is not None]
    if not wanted:
        return {}
    return {str(m["_id"]): m for m in PrivateMessage.find(
        {"_id": {"$in": wanted}}, projection={"is_read": 1, "content": 1})}


def _item(doc, text):
    data = doc.get("data") or {}
    sender = (data.get("sender_username") or data.get("from_username")
              or data.get("commenter_username"))
    return {"kind": doc["type"], "sender": sender, "title": doc.get("title") or "",
            "preview": email_render.first_lines(text)}


BUILDERS = {"missed": _build_missed, "digest": email_digest.build}
