"""Toggle votes on posts and comments (rest-content §12), atomically.

Each vote is one conditional update (`BaseModel.update_where`): the filter states what the
update assumes (already up-voted, down-voted, or neither), so two concurrent
requests by the same user can never both apply the same transition; the loser
re-reads and applies the next transition instead. Counters and voter sets
therefore always agree.
"""
from models.base import parse_id
from utils.errors import Conflict, NotFound
from utils.rate_limit import enforce_setting

ATTEMPTS = 8


def _transition(doc, user_id, up):
    own, other = ("upvotes", "downvotes") if up else ("downvotes", "upvotes")
    own_count, other_count = f"{own[:-1]}_count", f"{other[:-1]}_count"
    sign = 1 if up else -1
    if user_id in doc.get(own, []):
        return ({own: user_id},
                {"$pull": {own: user_id}, "$inc": {own_count: -1, "score": -sign}})
    if user_id in doc.get(other, []):
        return ({own: {"$ne": user_id}, other: user_id},
                {"$push": {own: user_id}, "$pull": {other: user_id},
                 "$inc": {own_count: 1, other_count: -1, "score": 2 * sign}})
    return ({own: {"$ne": user_id}, other: {"$ne": user_id}},
            {"$push": {own: user_id}, "$inc": {own_count: 1, "score": sign}})


def toggle(model, item_id, user, up):
    """Apply one up/down toggle by `user`; returns the updated document."""
    user_id = parse_id(user["_id"])
    enforce_setting("VOTE", user_id, "You are voting too fast")
    for _ in range(ATTEMPTS):
        doc = model.get(item_id)
        if doc is None:
            raise NotFound(model.not_found_message)
        condition, update = _transition(doc, user_id, up)
        result = model.update_where(doc["_id"], {"is_deleted": False, **condition}, update)
        if result is not None:
            return result
    raise Conflict("The vote changed concurrently, please retry")


def flags(doc, user):
    """`user_has_upvoted` / `user_has_downvoted` for the caller."""
    if user is None:
        return {"user_has_upvoted": False, "user_has_downvoted": False}
    uid = str(user["_id"])
    return {"user_has_upvoted": uid in [str(v) for v in doc.get("upvotes", [])],
            "user_has_downvoted": uid in [str(v) for v in doc.get("downvotes", [])]}
