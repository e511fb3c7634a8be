"""The audit log: one document per admin action (who, what, when, on what)."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class AuditLog(BaseModel):
    collection_name = "audit_log"
    fields = {
        "actor_id": Field(),
        "actor_username": Field(""),
        "action": Field(),            # e.g. user.ban, report.dismiss, ticket.reply
        "target_type": Field(),       # user, report, ticket, message, post, ...
        "target_id": Field(None),
        "details": Field(dict),
    }
    indexes = [
        IndexModel([("created_at", DESCENDING)], name="created"),
        IndexModel([("actor_id", ASCENDING), ("created_at", DESCENDING)], name="by_actor"),
        IndexModel([("target_type", ASCENDING), ("target_id", ASCENDING)], name="by_target"),
        IndexModel([("action", ASCENDING), ("created_at", DESCENDING)], name="by_action"),
    ]
