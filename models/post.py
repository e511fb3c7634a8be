"""Posts in topics. Votes live on the post as voter-id sets plus counters kept
in step by conditional atomic updates (see services/votes.py)."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class Post(BaseModel):
    collection_name = "posts"
    not_found_message = "Post not found"
    soft_delete = True
    fields = {
        "topic_id": Field(),
        "user_id": Field(private=True),          # real author; shown only when not anonymous
        "title": Field(""),
        "content": Field(""),
        "gif_url": Field(None),
        "tags": Field(list),
        "anonymous_identity": Field(None),
        "upvotes": Field(list, private=True),
        "downvotes": Field(list, private=True),
        "upvote_count": Field(0),
        "downvote_count": Field(0),
        "score": Field(0),
        "comment_count": Field(0),
        "status": Field("open"),
        "closure_reason": Field(None),
        # True while the topic is invite-only or deleted: cross-topic lists skip it.
        "restricted": Field(False, private=True),
        "deleted_by": Field(None, private=True),
        "deletion_status": Field(None),
        "deletion_reason": Field(None, private=True),
        "permanent_delete_at": Field(None),
    }
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("is_deleted", ASCENDING), ("created_at", DESCENDING)],
                   name="topic_new"),
        IndexModel([("topic_id", ASCENDING), ("is_deleted", ASCENDING), ("score", DESCENDING),
                    ("created_at", DESCENDING)], name="topic_top"),
        IndexModel([("is_deleted", ASCENDING), ("restricted", ASCENDING), ("created_at", DESCENDING)],
                   name="recent"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_author"),
    ]
