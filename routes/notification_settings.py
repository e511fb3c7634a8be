"""/api/notification-settings: follow and mute (rest-accounts §6)."""
from flask import Blueprint

from schemas.users import Minutes
from services import notification_settings as settings
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import paging, pagination, parse_body

bp = Blueprint("notification_settings", __name__, url_prefix="/api/notification-settings")

FOLLOWABLE = {"posts": ("post", "Post"), "chatrooms": ("chat_room", "Chat room")}


@bp.post("/<any(posts, chatrooms):kind>/<item_id>/follow")
@login_required
def follow(kind, item_id):
    item_type, label = FOLLOWABLE[kind]
    settings.set_following(current_user(), item_type, item_id, True)
    return done(f"{label} followed successfully")


@bp.post("/<any(posts, chatrooms):kind>/<item_id>/unfollow")
@login_required
def unfollow(kind, item_id):
    item_type, label = FOLLOWABLE[kind]
    settings.set_following(current_user(), item_type, item_id, False)
    return done(f"{label} unfollowed successfully")


@bp.get("/<any(posts, chatrooms):kind>/<item_id>/status")
@login_required
def follow_status(kind, item_id):
    item_type, _ = FOLLOWABLE[kind]
    return ok({"following": settings.follow_status(current_user(), item_type, item_id)})


@bp.post("/topics/<topic_id>/mute")
@login_required
def mute_topic(topic_id):
    minutes = parse_body(Minutes, required=False).minutes
    settings.mute(current_user(), "topic", topic_id, minutes)
    if minutes == 0:
        return done("Topic unmuted successfully")
    length = "indefinitely" if minutes == -1 else f"for {minutes} minutes"
    return done(f"Topic muted {length} successfully")


@bp.post("/topics/<topic_id>/unmute")
@login_required
def unmute_topic(topic_id):
    settings.unmute(current_user(), "topic", topic_id)
    return done("Topic unmuted successfully")


@bp.get("/topics/<topic_id>/status")
@login_required
def topic_status(topic_id):
    return ok({"muted": settings.mute_status(current_user(), "topic", topic_id)})


@bp.get("/posts/followed")
@login_required
def followed_posts():
    limit, offset = paging(default_limit=50)
    rows, total = settings.followed_rows(current_user(), "post", limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/chat-rooms/followed")
@login_required
def followed_rooms():
    limit, offset = paging(default_limit=50)
    rows, total = settings.followed_rows(current_user(), "chat_room", limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/muted")
@login_required
def muted():
    limit, offset = paging(default_limit=50)
    rows, total = settings.muted_rows(current_user(), limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))
