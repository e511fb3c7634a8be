"""Reports of content and users (rest-accounts §9, §12.4). One per reporter and item."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class Report(BaseModel):
    collection_name = "reports"
    not_found_message = "Report not found"
    fields = {
        "reporter_id": Field(),
        "reported_user_id": Field(None),
        "content_type": Field(),       # post, comment, message, private_message, chatroom, user, ...
        "content_id": Field(None),
        "topic_id": Field(None),
        "reason": Field(""),
        "description": Field(""),
        "status": Field("pending"),
        "content_snapshot": Field(None),
        "action_taken": Field(None),
        "reviewed_by": Field(None),
        "reviewed_at": Field(None),
        "report_type": Field("content"),   # user, content, profile_image
        "moderator_notes": Field(""),
        "attached_messages": Field(list),
        "owner_id": Field(None),
        "owner_username": Field(None),
        "moderators": Field(list),
    }
    indexes = [
        IndexModel([("reporter_id", ASCENDING), ("content_type", ASCENDING),
                    ("content_id", ASCENDING)], unique=True, name="one_per_reporter_item"),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)], name="by_status"),
        IndexModel([("content_type", ASCENDING), ("created_at", DESCENDING)], name="by_type"),
        IndexModel([("created_at", DESCENDING)], name="created"),
        IndexModel([("report_type", ASCENDING), ("created_at", DESCENDING)], name="by_report_type"),
        # /api/reports views: the caller's own, about the caller, a topic's; statistics.
        IndexModel([("reporter_id", ASCENDING), ("created_at", DESCENDING)], name="by_reporter"),
        IndexModel([("reporter_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                   name="by_reporter_status"),
        IndexModel([("reported_user_id", ASCENDING), ("created_at", DESCENDING)],
                   name="by_reported_user"),
        IndexModel([("reported_user_id", ASCENDING), ("status", ASCENDING),
                    ("created_at", DESCENDING)], name="by_reported_user_status"),
        IndexModel([("topic_id", ASCENDING), ("created_at", DESCENDING)], name="by_topic"),
        IndexModel([("topic_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                   name="by_topic_status"),
        IndexModel([("action_taken", ASCENDING), ("topic_id", ASCENDING)], name="by_action"),
    ]
