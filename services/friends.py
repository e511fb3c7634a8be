"""Friends: requests, acceptance, the friend list. One store (models.friendship)
answers both /api/users/friends/... and /api/friends/...."""
from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.friendship import ACCEPTED, PENDING, Friendship, friend_ids, pair_key
from models.user import User
from policies import blocks
from services import realtime
from services.notifications import NotificationService
from utils.errors import Conflict, Forbidden, NotFound, ValidationFailed
from utils.time import utcnow


# ----- checks -----

def _check_request(user, to_user_id):
    if not to_user_id:
        raise ValidationFailed("to_user_id is required")
    target_id = parse_id(to_user_id)
    if target_id is None:
        raise ValidationFailed("Invalid user ID format")
    if target_id == user["_id"]:
        raise ValidationFailed("Cannot send friend request to yourself")
    target = User.get(target_id)
    if target is None or target.get("is_deleted"):
        raise NotFound("User not found")
    if blocks.is_blocked_either(user["_id"], target_id):
        raise Forbidden("You cannot send a friend request to this user")
    return target


def _pending_for(user, request_id, field):
    """The pending request whose `field` is the caller: 404 if unknown, 403 if not theirs."""
    doc = Friendship.get(request_id)
    if doc is None or doc["status"] != PENDING:
        raise NotFound("Friend request not found")
    if doc[field] != user["_id"]:
        raise Forbidden("This friend request is not yours")
    return doc


# ----- actions -----

def send_request(user, to_user_id):
    """`(record, auto_accepted)`. A request the other side already sent is accepted instead."""
    target = _check_request(user, to_user_id)
    existing = Friendship.find_one({"pair_key": pair_key(user["_id"], target["_id"])})
    if existing is not None:
        if existing["status"] == ACCEPTED:
            raise Conflict("Users are already friends")
        if existing["from_user_id"] == user["_id"]:
            raise Conflict("Friend request already sent")
        return accept(user, existing["_id"]), True
    try:
        doc = Friendship.insert(from_user_id=user["_id"], to_user_id=target["_id"],
                                pair_key=pair_key(user["_id"], target["_id"]))
    except DuplicateKeyError:
        raise Conflict("Friend request already sent") from None
    _notify_request(user, target, doc)
    return doc, False


def _notify_request(user, target, doc):
    payload = {"request_id": str(doc["_id"]), "from_user_id": str(user["_id"]),
               "from_username": user["username"], "to_user_id": str(target["_id"]),
               "created_at": doc["created_at"]}
    realtime.emit_to_user(target["_id"], "friend_request_received", payload)
    realtime.emit_to_user(target["_id"], "friend_request", payload)
    NotificationService.notify(
        target["_id"], "friend_request", "New Friend Request",
        f"{user['username']} sent you a friend request",
        data={"request_id": str(doc["_id"]), "from_user_id": str(user["_id"]),
              "from_username": user["username"]},
        sender_id=user["_id"])


def accept(user, request_id):
    doc = _pending_for(user, request_id, "to_user_id")
    accepted = Friendship.update(doc["_id"], set_={"status": ACCEPTED, "accepted_at": utcnow()},
                                 query={"status": PENDING})
    if accepted is None:
        raise NotFound("Friend request not found")
    payload = {"request_id": str(doc["_id"]), "friend_id": str(user["_id"]),
               "friend_username": user["username"]}
    realtime.emit_to_user(doc["from_user_id"], "friend_request_accepted", payload)
    NotificationService.notify(
        doc["from_user_id"], "friend_request_accepted", "Friend Request Accepted",
        f"{user['username']} accepted your friend request",
        data={**payload, "from_user_id": str(user["_id"]), "from_username": user["username"]},
        sender_id=user["_id"])
    return accepted


def reject(user, request_id):
    doc = _pending_for(user, request_id, "to_user_id")
    Friendship.delete(doc["_id"])


def cancel(user, request_id):
    doc = _pending_for(user, request_id, "from_user_id")
    Friendship.delete(doc["_id"])


def remove_friend(user, friend_id):
    oid = parse_id(friend_id)
    result = Friendship.collection().delete_one(
        {"pair_key": pair_key(user["_id"], oid), "status": ACCEPTED}) if oid else None
    if result is None or result.deleted_count == 0:
        raise NotFound("Friend not found")


def forget_pair(user_a, user_b):
    """Drop any friendship or request between two users (after a block)."""
    Friendship.collection().delete_one({"pair_key": pair_key(user_a, user_b)})


def forget_user(user_id):
    Friendship.collection().delete_many({"$or": [{"from_user_id": user_id},
                                                 {"to_user_id": user_id}]})


# ----- reading -----

def are_friends(user_a, user_b):
    oid = parse_id(user_b)
    return oid is not None and Friendship.find_one(
        {"pair_key": pair_key(user_a, oid), "status": ACCEPTED}) is not None


def _mine(user, status):
    return {"$or": [{"from_user_id": user["_id"], "status": status},
                    {"to_user_id": user["_id"], "status": status}]}


def _other_id(doc, user):
    return doc["to_user_id"] if doc["from_user_id"] == user["_id"] else doc["from_user_id"]


def _users_by_id(ids):
    return {u["_id"]: u for u in User.find({"_id": {"$in": list(ids)}})}


def list_friends(user, limit, offset):
    """`(rows, total)`: rows of `(friendship, friend_user)`, newest friendship first."""
    query = _mine(user, ACCEPTED)
    docs = Friendship.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    users = _users_by_id(_other_id(d, user) for d in docs)
    rows = [(d, users[_other_id(d, user)]) for d in docs if _other_id(d, user) in users]
    return rows, Friendship.count(query)


def list_requests(user, direction, limit, offset):
    """`(rows, total)` of pending requests received (`to`) or sent (`from`), with the other user."""
    field = "to_user_id" if direction == "received" else "from_user_id"
    query = {field: user["_id"], "status": PENDING}
    docs = Friendship.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    users = _users_by_id(_other_id(d, user) for d in docs)
    rows = [(d, users[_other_id(d, user)]) for d in docs if _other_id(d, user) in users]
    return rows, Friendship.count(query)


def counts(user):
    return {"friends": Friendship.count(_mine(user, ACCEPTED)),
            "pending_requests": Friendship.count({"to_user_id": user["_id"], "status": PENDING})}
