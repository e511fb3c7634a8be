"""Topics and their memberships and bans.

Membership lives in its own collection (one document per member), not in an
array on the topic, so a topic with many members stays a small document and
"is X a member" is one indexed lookup.
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

OWNER, MODERATOR, MEMBER, NONE = 3, 2, 1, 0
ROLE_LEVEL = {"owner": OWNER, "moderator": MODERATOR, "member": MEMBER}


class Topic(BaseModel):
    collection_name = "topics"
    not_found_message = "Topic not found"
    soft_delete = True
    fields = {
        "title": Field(),
        "title_lower": Field(private=True),
        "description": Field(""),
        "tags": Field(list),
        "owner_id": Field(),
        "settings": Field(lambda: {"allow_anonymous": True, "require_approval": False}),
        "member_count": Field(0),
        "post_count": Field(0),
        "conversation_count": Field(0),
        "last_activity": Field(None),
        "is_public": Field(True),
        # deletion bookkeeping (rest-content §3.5)
        "deleted_by": Field(None),
        "deletion_status": Field(None),
        "permanent_delete_at": Field(None),
    }
    indexes = [
        IndexModel([("title_lower", ASCENDING)], unique=True, name="title_unique"),
        IndexModel([("is_deleted", ASCENDING), ("last_activity", DESCENDING)], name="by_activity"),
        IndexModel([("is_deleted", ASCENDING), ("member_count", DESCENDING)], name="by_members"),
        IndexModel([("is_deleted", ASCENDING), ("created_at", DESCENDING)], name="by_created"),
        IndexModel([("tags", ASCENDING)], name="by_tag"),
        IndexModel([("owner_id", ASCENDING)], name="by_owner"),
    ]


class TopicMember(BaseModel):
    """One member of one topic; `role` is owner, moderator or member."""

    collection_name = "topic_members"
    fields = {
        "topic_id": Field(),
        "user_id": Field(),
        "role": Field("member"),
        "added_by": Field(None),
        "permissions": Field(list),
    }
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("user_id", ASCENDING)], unique=True,
                   name="topic_user_unique"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user"),
        IndexModel([("topic_id", ASCENDING), ("role", ASCENDING)], name="by_topic_role"),
    ]


class TopicBan(BaseModel):
    collection_name = "topic_bans"
    fields = {"topic_id": Field(), "user_id": Field(), "banned_by": Field(), "reason": Field("")}
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("user_id", ASCENDING)], unique=True,
                   name="topic_user_unique"),
        # a user's bans, read by the policy facts loader (policies/facts.py)
        IndexModel([("user_id", ASCENDING)], name="by_user"),
    ]
