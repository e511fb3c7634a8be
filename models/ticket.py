"""Support tickets (rest-accounts §8, §12.5): a subject, a thread of messages, a status."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

CATEGORIES = ("bug", "feature", "account", "other")
PRIORITIES = ("low", "medium", "high")
STATUSES = ("pending", "open", "in_progress", "resolved", "closed")


class Ticket(BaseModel):
    collection_name = "tickets"
    not_found_message = "Ticket not found"
    fields = {
        "user_id": Field(),
        "username": Field(""),
        "category": Field("other"),
        "subject": Field(""),
        "description": Field(""),
        "status": Field("pending"),
        "priority": Field("medium"),
        "admin_response": Field(None),
        "reviewed_by": Field(None),
        "reviewed_at": Field(None),
        "messages": Field(list),
    }
    indexes = [
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user"),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)], name="by_status"),
        IndexModel([("created_at", DESCENDING)], name="created"),
    ]
