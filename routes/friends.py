"""/api/friends: the older friends paths (rest-accounts §4), answered from the
same store and service as /api/users/friends/... (§13 item 5)."""
from flask import Blueprint, request

from extensions import limiter
from models.base import to_json_safe
from schemas.users import FriendRequest
from services import friends
from utils.auth import current_user, login_required, session_user
from utils.responses import done, ok
from utils.validation import paging, parse_body, pagination

bp = Blueprint("friends", __name__, url_prefix="/api/friends")


def account_key():
    """Rate-limit key of the signed-in account (falls back to the address)."""
    user = session_user()
    return f"account:{user['_id']}" if user else f"addr:{request.remote_addr}"


def friend_limit(rate, scope):
    """The contract's per-address limit plus the same per account, shared by
    the /api/users/friends and /api/friends paths that do the same thing."""
    def decorate(view):
        view = limiter.shared_limit(rate, scope=f"{scope}-account", key_func=account_key)(view)
        return limiter.shared_limit(rate, scope=scope)(view)
    return decorate


def request_row(doc, other, direction):
    """A pending request with the other party (`from_user` or `to_user`)."""
    row = {"_id": str(doc["_id"]), "id": str(doc["_id"]),
           "from_user_id": str(doc["from_user_id"]), "to_user_id": str(doc["to_user_id"]),
           "status": doc["status"], "created_at": to_json_safe(doc["created_at"]),
           "updated_at": to_json_safe(doc["updated_at"])}
    row["from_user" if direction == "received" else "to_user"] = {
        "id": str(other["_id"]), "username": other["username"],
        "profile_picture": other.get("profile_picture")}
    return row


@bp.get("/", strict_slashes=False)
@login_required
@friend_limit("100/minute", "friends-read")
def list_friends():
    limit, offset = paging(default_limit=100)
    rows, total = friends.list_friends(current_user(), limit, offset)
    data = [{"id": str(u["_id"]), "username": u["username"],
             "profile_picture": u.get("profile_picture"),
             "friends_since": to_json_safe(d.get("accepted_at") or d["created_at"])}
            for d, u in rows]
    return ok(data, count=total, pagination=pagination(limit, offset, total))


@bp.get("/check/<user_id>")
@login_required
def check(user_id):
    return ok(None, are_friends=friends.are_friends(current_user()["_id"], user_id))


@bp.get("/count")
@login_required
def count():
    return ok(friends.counts(current_user()))


@bp.post("/requests/send")
@login_required
@friend_limit("20/hour", "friend-request")
def send_request():
    body = parse_body(FriendRequest)
    doc, _ = friends.send_request(current_user(), body.to_user_id)
    return ok(None, status=201, request_id=str(doc["_id"]), message="Friend request sent")


@bp.get("/requests/pending")
@login_required
@friend_limit("100/minute", "friends-read")
def pending():
    return _requests("received")


@bp.get("/requests/sent")
@login_required
@friend_limit("100/minute", "friends-read")
def sent():
    return _requests("sent")


def _requests(direction):
    limit, offset = paging(default_limit=100)
    rows, total = friends.list_requests(current_user(), direction, limit, offset)
    return ok([request_row(d, u, direction) for d, u in rows], count=total,
              pagination=pagination(limit, offset, total))


@bp.post("/requests/<request_id>/accept")
@login_required
@friend_limit("50/hour", "friend-accept")
def accept(request_id):
    friends.accept(current_user(), request_id)
    return done("Friend request accepted")


@bp.post("/requests/<request_id>/reject")
@login_required
@friend_limit("50/hour", "friend-reject")
def reject(request_id):
    friends.reject(current_user(), request_id)
    return done("Friend request rejected")


@bp.delete("/requests/<request_id>/cancel")
@login_required
@friend_limit("50/hour", "friend-cancel")
def cancel(request_id):
    friends.cancel(current_user(), request_id)
    return done("Friend request cancelled")


@bp.delete("/<friend_id>")
@login_required
@friend_limit("20/hour", "friend-remove")
def remove(friend_id):
    friends.remove_friend(current_user(), friend_id)
    return done("Friend removed")
