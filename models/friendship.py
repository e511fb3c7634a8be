"""Friendships: one record per pair of users, `pending` then `accepted`.

`pair_key` (the two ids sorted) is unique, so two users can never hold two
records (a request each way, or a duplicate request) whatever the timing.
Rejecting or cancelling deletes the record.
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field, parse_id

PENDING, ACCEPTED = "pending", "accepted"


def pair_key(user_a, user_b):
    return ":".join(sorted([str(user_a), str(user_b)]))


class Friendship(BaseModel):
    collection_name = "friendships"
    not_found_message = "Friend request not found"
    fields = {
        "from_user_id": Field(),
        "to_user_id": Field(),
        "pair_key": Field(private=True),
        "status": Field(PENDING),
        "accepted_at": Field(None),
    }
    indexes = [
        IndexModel([("pair_key", ASCENDING)], unique=True, name="pair_unique"),
        IndexModel([("from_user_id", ASCENDING), ("status", ASCENDING),
                    ("created_at", DESCENDING)], name="by_from"),
        IndexModel([("to_user_id", ASCENDING), ("status", ASCENDING),
                    ("created_at", DESCENDING)], name="by_to"),
    ]


def friend_ids(user_id, limit=5000):
    """Ids of `user_id`'s friends (two index scans; capped so one user stays cheap)."""
    oid = parse_id(user_id)
    ids = []
    for mine, other in (("from_user_id", "to_user_id"), ("to_user_id", "from_user_id")):
        docs = Friendship.find({mine: oid, "status": ACCEPTED}, projection={other: 1}, limit=limit)
        ids += [doc[other] for doc in docs]
    return ids[:limit]
