"""Blocking and unblocking (the reads, who blocked whom, are policies/blocks.py,
re-exported here for the services that always imported them from here)."""
from models.base import parse_id
from models.block import Block
from models.user import User
from policies.blocks import blocked_by_ids, blocked_ids, is_blocked, is_blocked_either  # noqa: F401
from policies import facts
from services import friends
from utils.errors import NotFound, ValidationFailed


# ----- the caller's own blocks (accounts issue) -----

def block(user, target_id):
    """Block `target_id` (idempotent); ends any friendship or pending request between them."""
    target = User.get(target_id)
    if target is None or target.get("is_deleted"):
        raise NotFound("User not found")
    if target["_id"] == user["_id"]:
        raise ValidationFailed("Cannot block yourself")
    Block.collection().update_one(
        {"blocker_id": user["_id"], "blocked_id": target["_id"]},
        {"$setOnInsert": Block.new(blocker_id=user["_id"], blocked_id=target["_id"])},
        upsert=True)
    facts.invalidate(user["_id"], target["_id"])  # both hold the block (DMs read the facts)
    friends.forget_pair(user["_id"], target["_id"])


def unblock(user, target_id):
    oid = parse_id(target_id)
    result = Block.collection().delete_one({"blocker_id": user["_id"], "blocked_id": oid})
    if oid is None or result.deleted_count == 0:
        raise ValidationFailed("User was not blocked")
    facts.invalidate(user["_id"], oid)


def list_blocked(user, limit, offset):
    """`(users, total)`: the users the caller blocked, newest block first."""
    query = {"blocker_id": user["_id"]}
    docs = Block.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    users = {u["_id"]: u for u in User.find({"_id": {"$in": [d["blocked_id"] for d in docs]}})}
    rows = [users[d["blocked_id"]] for d in docs if d["blocked_id"] in users]
    return rows, Block.count(query)
