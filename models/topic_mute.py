"""A user's mute of one topic's notifications (rest-content §3.11); `until` None = indefinitely."""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class TopicMute(BaseModel):
    collection_name = "topic_mutes"
    fields = {"user_id": Field(), "topic_id": Field(), "until": Field(None)}
    indexes = [
        IndexModel([("user_id", ASCENDING), ("topic_id", ASCENDING)], unique=True, name="user_topic"),
    ]
