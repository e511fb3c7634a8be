"""Bodies of /api/reports, /api/tickets and /api/admin."""
from typing import Literal, Optional

from pydantic import Field, field_validator

from utils.validation import OBJECT_ID_RE, Schema

ContentType = Literal["message", "private_message", "post", "comment", "user", "chatroom",
                      "chatroom_background", "chatroom_picture", "profile_image"]


def _id_or_none(value):
    if value in (None, ""):
        return None
    if not OBJECT_ID_RE.match(value):
        raise ValueError("must be a valid id")
    return value.lower()


class CreateReport(Schema):
    reason: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    content_type: ContentType = "message"
    content_id: Optional[str] = None
    reported_user_id: Optional[str] = None
    topic_id: Optional[str] = None

    _ids = field_validator("content_id", "reported_user_id", "topic_id")(_id_or_none)


class ReportAction(Schema):
    action: str = Field(default="", max_length=40)
    notes: Optional[str] = Field(default=None, max_length=2000)
    ban_duration_days: Optional[int] = Field(default=None, ge=1, le=3650)
    warning_message: Optional[str] = Field(default=None, max_length=2000)


class ReviewReport(Schema):
    action_taken: Literal["deleted", "user_banned", "user_warned", "dismissed", "escalated"]
    moderator_notes: Optional[str] = Field(default=None, max_length=2000)


class Reopen(Schema):
    reason: Optional[str] = Field(default=None, max_length=2000)


class Ban(Schema):
    reason: Optional[str] = Field(default=None, max_length=1000)
    duration_days: Optional[int] = Field(default=None, ge=1, le=3650)


class CreateTicket(Schema):
    subject: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    category: str = Field(default="other", max_length=40)
    priority: str = Field(default="medium", max_length=40)


class TicketMessage(Schema):
    message: str = Field(default="", max_length=5000)


class AdminTicketUpdate(Schema):
    status: Optional[Literal["pending", "open", "in_progress", "resolved", "closed"]] = None
    admin_response: Optional[str] = Field(default=None, max_length=5000)
    reopen: bool = False
    reason: Optional[str] = Field(default=None, max_length=2000)


class RejectDeletion(Schema):
    lock_deletion: bool = False
