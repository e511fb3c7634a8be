"""Blocks between users: `blocker_id` blocked `blocked_id`."""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field


class Block(BaseModel):
    collection_name = "blocks"
    fields = {"blocker_id": Field(), "blocked_id": Field()}
    indexes = [
        IndexModel([("blocker_id", ASCENDING), ("blocked_id", ASCENDING)], unique=True,
                   name="pair_unique"),
        IndexModel([("blocked_id", ASCENDING)], name="by_blocked"),
    ]
