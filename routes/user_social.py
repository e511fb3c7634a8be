"""/api/users friends and mutes (rest-accounts §3.4, §3.5): the friends store
the SPA uses, and the mute switches of posts, chats, topics and chat rooms."""
from flask import Blueprint

from models.base import to_json_safe
from routes.friends import friend_limit
from schemas.users import FriendRequest, Minutes
from services import friends, notification_settings
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import paging, pagination, parse_body

bp = Blueprint("user_social", __name__, url_prefix="/api/users")


def friendship_data(doc):
    return {"id": str(doc["_id"]), "from_user_id": str(doc["from_user_id"]),
            "to_user_id": str(doc["to_user_id"]), "status": doc["status"],
            "created_at": to_json_safe(doc["created_at"]),
            "updated_at": to_json_safe(doc["updated_at"])}


def request_row(doc, other, other_field):
    return {"id": str(doc["_id"]), other_field: str(other["_id"]), "username": other["username"],
            "profile_picture": other.get("profile_picture"),
            "created_at": to_json_safe(doc["created_at"])}


# ----- friends -----

@bp.get("/friends")
@login_required
def list_friends():
    limit, offset = paging(default_limit=100)
    rows, total = friends.list_friends(current_user(), limit, offset)
    data = [{"id": str(u["_id"]), "username": u["username"],
             "profile_picture": u.get("profile_picture"), "friendship_id": str(d["_id"]),
             "created_at": to_json_safe(d.get("accepted_at") or d["created_at"])}
            for d, u in rows]
    return ok(data, pagination=pagination(limit, offset, total))


@bp.get("/friends/requests")
@login_required
def list_requests():
    limit, offset = paging(default_limit=100)
    received, _ = friends.list_requests(current_user(), "received", limit, offset)
    sent, _ = friends.list_requests(current_user(), "sent", limit, offset)
    return ok({"received": [request_row(d, u, "from_user_id") for d, u in received],
               "sent": [request_row(d, u, "to_user_id") for d, u in sent]})


@bp.post("/friends/request")
@login_required
@friend_limit("20/hour", "friend-request")
def send_request():
    body = parse_body(FriendRequest)
    doc, accepted = friends.send_request(current_user(), body.to_user_id)
    message = "Friend request accepted" if accepted else "Friend request sent successfully"
    return ok(friendship_data(doc), message=message)


@bp.post("/friends/request/<request_id>/accept")
@login_required
@friend_limit("50/hour", "friend-accept")
def accept(request_id):
    return ok(friendship_data(friends.accept(current_user(), request_id)),
              message="Friend request accepted")


@bp.post("/friends/request/<request_id>/reject")
@login_required
@friend_limit("50/hour", "friend-reject")
def reject(request_id):
    friends.reject(current_user(), request_id)
    return done("Friend request rejected")


@bp.post("/friends/request/<request_id>/cancel")
@login_required
@friend_limit("50/hour", "friend-cancel")
def cancel(request_id):
    friends.cancel(current_user(), request_id)
    return done("Friend request cancelled")


@bp.delete("/friends/<friend_id>")
@login_required
@friend_limit("20/hour", "friend-remove")
def remove(friend_id):
    friends.remove_friend(current_user(), friend_id)
    return done("Friend removed")


# ----- mutes: /posts/<id>/mute, /chats/<id>/mute, /topics/<id>/mute, /chat-rooms/<id>/mute -----

MUTABLE = {"posts": ("post", "Post"), "chats": ("chat_room", "Chat"),
           "topics": ("topic", "Topic"), "chat-rooms": ("chat_room", "Chat room")}


@bp.post("/<any(posts, chats, topics, 'chat-rooms'):kind>/<item_id>/mute")
@login_required
def mute(kind, item_id):
    item_type, label = MUTABLE[kind]
    minutes = parse_body(Minutes, required=False).minutes
    notification_settings.mute(current_user(), item_type, item_id, minutes)
    return done(f"{label} {'unmuted' if minutes == 0 else 'muted'} successfully")


@bp.post("/<any(posts, chats, topics, 'chat-rooms'):kind>/<item_id>/unmute")
@login_required
def unmute(kind, item_id):
    item_type, label = MUTABLE[kind]
    notification_settings.unmute(current_user(), item_type, item_id)
    return done(f"{label} unmuted successfully")
