"""A user's pseudonym inside one topic. Never serialised together with the user id
except to that user."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class AnonymousIdentity(BaseModel):
    collection_name = "anonymous_identities"
    fields = {
        "user_id": Field(),
        "topic_id": Field(),
        "anonymous_name": Field(),
        "name_lower": Field(private=True),
    }
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("user_id", ASCENDING)], unique=True, name="topic_user"),
        IndexModel([("topic_id", ASCENDING), ("name_lower", ASCENDING)], unique=True, name="topic_name"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user"),
    ]
