"""Reports and support tickets: who may see and act on them.

Reports are read and acted on by admins only; anyone signed in may report what
they can see (each kind's `can_view`). A ticket is its owner's and the admins'.
"""
from models.base import parse_id
from models.topic import MODERATOR
from policies import topic as topic_policy


def can_list_reports(user):
    return user is not None and bool(user.get("is_admin"))


def can_moderate_report(report, user):
    """Admins, and the moderators and owner of the topic the report names."""
    if user is None:
        return False
    topic_id = report.get("topic_id")
    return can_list_reports(user) or (
        topic_id is not None and topic_policy.level({"_id": topic_id}, user) >= MODERATOR)


def can_delete_ticket(ticket, user):
    """Admins at any time; the owner while it is still pending."""
    if can_list_reports(user):
        return True
    return can_view_ticket(ticket, user) and ticket["status"] == "pending"


def can_view_ticket(ticket, user):
    if user is None:
        return False
    return ticket["user_id"] == parse_id(user["_id"]) or bool(user.get("is_admin"))


def ticket_list_filter(user):
    """The tickets `user` lists as their own (admins list every ticket from the admin routes)."""
    return {"user_id": parse_id(user["_id"])}
