"""Invitations to invite-only topics (read by services.topic_access too)."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class TopicInvitation(BaseModel):
    collection_name = "topic_invitations"
    not_found_message = "Invitation not found"
    fields = {
        "topic_id": Field(),
        "invited_user_id": Field(),
        "invited_by": Field(),
        "status": Field("pending"),   # pending, accepted, declined
    }
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("invited_user_id", ASCENDING), ("status", ASCENDING)],
                   name="topic_invitee"),
        IndexModel([("invited_user_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                   name="by_invitee"),
    ]
