"""Blocking between users, read by every service that lets one user reach another."""
from models.base import parse_id
from models.block import Block
from models.user import User
from utils.errors import NotFound, ValidationFailed


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


# ----- the caller's own blocks (accounts issue) -----

def block(user, target_id):
    """Block `target_id` (idempotent); ends any friendship or pending request between them."""
    from services import friends  # imported here: friends reads blocks

    target = User.get(target_id)
    if target is None or target.get("is_deleted"):
        raise NotFound("User not found")
    if target["_id"] == user["_id"]:
        raise ValidationFailed("Cannot block yourself")
    Block.collection().update_one(
        {"blocker_id": user["_id"], "blocked_id": target["_id"]},
        {"$setOnInsert": Block.new(blocker_id=user["_id"], blocked_id=target["_id"])},
        upsert=True)
    friends.forget_pair(user["_id"], target["_id"])


def unblock(user, target_id):
    oid = parse_id(target_id)
    result = Block.collection().delete_one({"blocker_id": user["_id"], "blocked_id": oid})
    if oid is None or result.deleted_count == 0:
        raise ValidationFailed("User was not blocked")


def list_blocked(user, limit, offset):
    """`(users, total)`: the users the caller blocked, newest block first."""
    query = {"blocker_id": user["_id"]}
    docs = Block.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    users = {u["_id"]: u for u in User.find({"_id": {"$in": [d["blocked_id"] for d in docs]}})}
    rows = [users[d["blocked_id"]] for d in docs if d["blocked_id"] in users]
    return rows, Block.count(query)
