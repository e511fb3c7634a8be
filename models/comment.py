"""Comments on posts: a tree by `parent_comment_id`, soft-deleted so it keeps its shape."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

MAX_DEPTH = 10


class Comment(BaseModel):
    collection_name = "comments"
    not_found_message = "Comment not found"
    soft_delete = True
    fields = {
        "post_id": Field(),
        "topic_id": Field(),
        "user_id": Field(private=True),
        "parent_comment_id": Field(None),
        "content": Field(""),
        "gif_url": Field(None),
        "anonymous_identity": Field(None),
        "upvotes": Field(list, private=True),
        "downvotes": Field(list, private=True),
        "upvote_count": Field(0),
        "downvote_count": Field(0),
        "score": Field(0),
        "reply_count": Field(0),
        "depth": Field(0),
        "deleted_by": Field(None, private=True),
        "deletion_reason": Field(None, private=True),
    }
    indexes = [
        IndexModel([("post_id", ASCENDING), ("created_at", ASCENDING)], name="post_old"),
        IndexModel([("post_id", ASCENDING), ("upvote_count", DESCENDING),
                    ("created_at", DESCENDING)], name="post_top"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_author"),
    ]
