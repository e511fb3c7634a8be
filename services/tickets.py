"""Support tickets: the user side (create, mine, read, reply, delete) and the
admin side (list with filters, reply, change status, reopen)."""
from bson import ObjectId
from flask import current_app

from models.base import parse_id
from models.ticket import CATEGORIES, PRIORITIES, Ticket
from models.user import User
from policies import report as report_policy
from services import audit, realtime
from services.notifications import notify
from utils.errors import Forbidden, ValidationFailed
from utils.rate_limit import enforce
from utils.text import sanitize_text
from utils.time import utcnow

CATEGORY_LABELS = [{"value": "bug", "label": "Bug Report"},
                   {"value": "feature", "label": "Feature Request"},
                   {"value": "account", "label": "Account Issue"},
                   {"value": "other", "label": "Other"}]
# The admin "open" and "pending" filters both mean "not yet handled".
STATUS_FILTERS = {"open": ["pending", "open"], "pending": ["pending", "open"],
                  "in_progress": ["in_progress"], "resolved": ["resolved"], "closed": ["closed"]}
_FULL_MESSAGE = "This ticket has reached its message limit; please open a new ticket"


def _message(user, text, is_admin=False):
    return {"id": str(ObjectId()), "user_id": parse_id(user["_id"]), "username": user["username"],
            "is_admin": is_admin, "message": text, "created_at": utcnow()}


def to_public(ticket):
    return Ticket.to_public(ticket)


def create_ticket(user, subject, description, category="other", priority="medium"):
    subject, description = sanitize_text(subject).strip(), sanitize_text(description).strip()
    if len(subject) < 5:
        raise ValidationFailed("Subject must be at least 5 characters")
    if len(description) < 20:
        raise ValidationFailed("Description must be at least 20 characters")
    ticket = Ticket.insert(
        user_id=parse_id(user["_id"]), username=user["username"], subject=subject,
        description=description, category=category if category in CATEGORIES else "other",
        priority=priority if priority in PRIORITIES else "medium",
        messages=[_message(user, description)])
    notify_admins("new_ticket", {"ticket_id": ticket["_id"], "category": ticket["category"],
                                 "priority": ticket["priority"], "subject": subject[:100]})
    return ticket


def notify_admins(kind, data):
    """`admin_notification` to every admin's room (one emit per admin, no writes)."""
    payload = {"type": kind, "data": data, "timestamp": utcnow()}
    for admin in User.find({"is_admin": True}, projection={"_id": 1}, limit=500):
        realtime.emit_to_user(str(admin["_id"]), "admin_notification", payload)


def my_tickets(user, limit, offset):
    query = {"user_id": parse_id(user["_id"])}
    return Ticket.find(query, sort=[("user_id", 1), ("created_at", -1)], skip=offset, limit=limit)


def get_ticket(user, ticket_id):
    ticket = Ticket.get_or_404(ticket_id)
    if not report_policy.can_view_ticket(ticket, user):
        raise Forbidden("Permission denied")
    return ticket


def add_user_message(user, ticket_id, text):
    """A reply by the ticket's owner: refused on a closed ticket or a full thread (a
    ticket must stay far below MongoDB's 16 MB document limit), and rate-limited."""
    ticket = Ticket.get_or_404(ticket_id)
    if ticket["user_id"] != parse_id(user["_id"]):
        raise Forbidden("Permission denied")
    if ticket["status"] == "closed":
        raise ValidationFailed("Cannot reply to a closed ticket")
    text = sanitize_text(text or "").strip()
    if not text:
        raise ValidationFailed("Message is required")
    config = current_app.config
    cap = config["TICKET_MAX_MESSAGES"]
    if len(ticket.get("messages") or []) >= cap:
        raise ValidationFailed(_FULL_MESSAGE)
    enforce(f"ticket_reply:{user['_id']}", config["TICKET_REPLY_LIMIT"],
            config["TICKET_REPLY_WINDOW"], "Too many ticket replies, please wait")
    # the cap is checked again in the write, so concurrent replies cannot pass it
    updated = Ticket.update(ticket["_id"], extra={"$push": {"messages": _message(user, text)}},
                            query={f"messages.{cap - 1}": {"$exists": False}})
    if updated is None:
        raise ValidationFailed(_FULL_MESSAGE)
    return updated


def delete_ticket(user, ticket_id):
    ticket = Ticket.get_or_404(ticket_id)
    if not report_policy.can_view_ticket(ticket, user):
        raise Forbidden("Permission denied")
    if not report_policy.can_delete_ticket(ticket, user):
        raise Forbidden("Cannot delete tickets that are being processed")
    Ticket.delete(ticket["_id"])
    if user.get("is_admin"):
        audit.record(user, "ticket.delete", "ticket", ticket["_id"], subject=ticket["subject"])


# ----- admin side -----

def admin_list(limit, offset, status=None, category=None, priority=None):
    query = {}
    if status:
        query["status"] = {"$in": STATUS_FILTERS[status]}
    if category:
        query["category"] = category
    if priority:
        query["priority"] = priority
    docs = Ticket.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    return docs, Ticket.count(query)


def admin_update(admin, ticket_id, status=None, admin_response=None, reopen=False, reason=None):
    """Returns (ticket, message). `reopen` wins, then `status`, then a reply alone."""
    ticket = Ticket.get_or_404(ticket_id)
    response = sanitize_text(admin_response).strip() if admin_response else None
    reviewed = {"reviewed_by": parse_id(admin["_id"]), "reviewed_at": utcnow()}
    if reopen:
        if ticket["status"] not in ("closed", "resolved"):
            raise ValidationFailed("Failed to update ticket")
        note = _message(admin, f"[REOPENED] {sanitize_text(reason or '').strip()}".strip(), True)
        updated = Ticket.update(ticket["_id"], set_={"status": "open", **reviewed},
                                extra={"$push": {"messages": note}})
        audit.record(admin, "ticket.reopen", "ticket", ticket["_id"], reason=reason)
        return updated, "Ticket reopened successfully"
    if status:
        fields = {"status": status, **reviewed}
        if response:
            fields["admin_response"] = response
        updated = Ticket.update(ticket["_id"], set_=fields)
        audit.record(admin, "ticket.status", "ticket", ticket["_id"], old=ticket["status"],
                     new=status, response=response)
        return updated, "Ticket updated successfully"
    if response:
        updated = Ticket.update(ticket["_id"], set_={"admin_response": response, **reviewed},
                                extra={"$push": {"messages": _message(admin, response, True)}})
        audit.record(admin, "ticket.reply", "ticket", ticket["_id"], response=response)
        _notify_owner(ticket, response)
        return updated, "Response added successfully"
    raise ValidationFailed("Status, admin_response, or reopen required")


def _notify_owner(ticket, response):
    notify(ticket["user_id"], "ticket_response", "Support replied to your ticket",
           response[:200], data={"ticket_id": str(ticket["_id"]), "subject": ticket["subject"]})
