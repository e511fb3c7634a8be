"""Who blocked whom: the facts every policy that lets one user reach another reads
(DMs, calls, invitations, friend requests, notifications). A block is one indexed
lookup, so these are read where they are asked, not cached per user."""
from models.base import parse_id
from models.block import Block


def is_blocked(blocker_id, blocked_id):
    """Did `blocker_id` block `blocked_id`?"""
    return Block.find_one({"blocker_id": parse_id(blocker_id),
                           "blocked_id": parse_id(blocked_id)}) is not None


def is_blocked_either(user_a, user_b):
    a, b = parse_id(user_a), parse_id(user_b)
    return Block.find_one({"$or": [{"blocker_id": a, "blocked_id": b},
                                   {"blocker_id": b, "blocked_id": a}]}) is not None


def blockers_between(user_a, user_b):
    """Which of the two blocked the other: a set of 0, 1 or 2 blocker ids (one query)."""
    a, b = parse_id(user_a), parse_id(user_b)
    return {doc["blocker_id"] for doc in Block.find(
        {"$or": [{"blocker_id": a, "blocked_id": b}, {"blocker_id": b, "blocked_id": a}]},
        projection={"blocker_id": 1})}


def blocked_by_ids(user_id):
    """Ids of users who blocked `user_id` (they must not see or be reached by them)."""
    return [doc["blocker_id"] for doc in Block.find({"blocked_id": parse_id(user_id)},
                                                    projection={"blocker_id": 1})]


def blocked_ids(user_id):
    """Ids of users `user_id` blocked."""
    return [doc["blocked_id"] for doc in Block.find({"blocker_id": parse_id(user_id)},
                                                    projection={"blocked_id": 1})]
