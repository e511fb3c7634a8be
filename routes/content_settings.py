"""/api/content-settings: hide and silence (rest-accounts §7). Hidden items
leave the caller's lists through services.content_settings.exclude_hidden."""
from flask import Blueprint

from schemas.users import Minutes
from services import content_settings as settings, private_messages
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import parse_body

bp = Blueprint("content_settings", __name__, url_prefix="/api/content-settings")

KINDS = {"topics": ("topic", "Topic"), "posts": ("post", "Post"), "chats": ("chat_room", "Chat"),
         "comments": ("comment", "Comment"), "chat-messages": ("chat_message", "Message")}
SILENCEABLE = "<any(topics, posts, chats):kind>"
HIDEABLE = "<any(topics, posts, chats, comments, 'chat-messages'):kind>"


@bp.post(f"/{HIDEABLE}/<item_id>/hide")
@login_required
def hide(kind, item_id):
    item_type, label = KINDS[kind]
    settings.set_setting(current_user(), settings.HIDDEN, item_type, item_id)
    return done(f"{label} hidden successfully")


@bp.post(f"/{HIDEABLE}/<item_id>/unhide")
@login_required
def unhide(kind, item_id):
    item_type, label = KINDS[kind]
    settings.clear_setting(current_user(), settings.HIDDEN, item_type, item_id)
    return done(f"{label} unhidden successfully")


@bp.post("/private-messages/<message_id>/unhide")
@login_required
def unhide_private_message(message_id):
    """A DM is hidden by "delete for me"; this restores it (same as restore-for-me)."""
    private_messages.restore_for_me(current_user(), message_id)
    return done("Message unhidden successfully")


@bp.post(f"/{SILENCEABLE}/<item_id>/silence")
@login_required
def silence(kind, item_id):
    item_type, label = KINDS[kind]
    minutes = parse_body(Minutes, required=False).minutes
    settings.silence(current_user(), item_type, item_id, minutes)
    return done(f"{label} silenced successfully")


@bp.post(f"/{SILENCEABLE}/<item_id>/unsilence")
@login_required
def unsilence(kind, item_id):
    item_type, label = KINDS[kind]
    settings.clear_setting(current_user(), settings.SILENCED, item_type, item_id)
    return done(f"{label} unsilenced successfully")


@bp.get("/hidden-items")
@login_required
def hidden_items():
    return ok(settings.hidden_items(current_user()))


@bp.get("/silenced-items")
@login_required
def silenced_items():
    return ok(settings.silenced_items(current_user()))
