"""/api/chat-rooms (rest-content §6): rooms, membership, moderation, invitations, messages."""
from flask import Blueprint, request

from routes.messages import history_args
from schemas import chat as schemas
from services import chat_room_invitations, chat_room_moderation, chat_rooms, messages
from utils.auth import current_user, login_required
from utils.prefetch_plans import reads
from utils.responses import done, ok
from utils.validation import paging, parse_body

bp = Blueprint("chat_rooms", __name__, url_prefix="/api/chat-rooms")


def _tags():
    tags = []
    for value in request.args.getlist("tags"):
        tags.extend(tag.strip() for tag in value.split(",") if tag.strip())
    return tags[:20]


@bp.get("/topics/<topic_id>/conversations")
@login_required
def topic_rooms(topic_id):
    limit, offset = paging(default_limit=50)
    rooms = chat_rooms.list_topic_rooms(topic_id, current_user(), request.args.get("search"),
                                        _tags(), limit, offset)
    return ok(rooms)


@bp.post("/topics/<topic_id>/conversations")
@login_required
def create_topic_room(topic_id):
    room = chat_rooms.create_topic_room(topic_id, current_user(), parse_body(schemas.CreateRoom))
    return ok(room, status=201, message="Chat room created successfully")


@bp.post("/group")
@login_required
def create_group():
    room = chat_rooms.create_group(current_user(), parse_body(schemas.CreateGroup))
    return ok(room, status=201, message="Group chat created successfully")


@bp.get("/group/list")
@login_required
def my_groups():
    limit, offset = paging(default_limit=50)
    return ok(chat_rooms.my_groups(current_user(), limit, offset))


@bp.get("/invitations")
@login_required
def invitations():
    limit, offset = paging(default_limit=50)
    return ok(chat_room_invitations.invitations(current_user(), limit, offset))


@bp.post("/invitations/<invitation_id>/accept")
@login_required
def accept_invitation(invitation_id):
    chat_room_invitations.accept_invitation(invitation_id, current_user())
    return done("Invitation accepted successfully")


@bp.post("/invitations/<invitation_id>/decline")
@login_required
def decline_invitation(invitation_id):
    chat_room_invitations.decline_invitation(invitation_id, current_user())
    return done("Invitation declined successfully")


@bp.get("/<room_id>")
@login_required
def get_room(room_id):
    return ok(chat_rooms.get_room(room_id, current_user()))


@bp.put("/<room_id>")
@login_required
def update_room(room_id):
    room = chat_rooms.update_room(room_id, current_user(), parse_body(schemas.UpdateRoom))
    return ok(room, message="Chat room updated successfully")


@bp.delete("/<room_id>")
@login_required
def delete_room(room_id):
    chat_rooms.delete_room(room_id, current_user())
    return done("Chatroom deletion requested. It will be permanently deleted in 7 days "
                "pending admin approval.")


@bp.post("/<room_id>/join")
@login_required
def join(room_id):
    chat_rooms.join(room_id, current_user())
    return done("Joined chat room successfully")


@bp.post("/<room_id>/leave")
@login_required
def leave(room_id):
    chat_rooms.leave(room_id, current_user())
    return done("Left chat room successfully")


@bp.get("/<room_id>/members")
@login_required
def members(room_id):
    limit, offset = paging(default_limit=100)
    rows, count = chat_rooms.members(room_id, current_user(), limit, offset)
    return ok(rows, count=count)


@bp.get("/<room_id>/messages")
@reads(lambda room_id: messages.history_names(room_id, **history_args()))
@login_required
def history(room_id):
    return ok(messages.room_history(room_id, current_user(), **history_args()))


@bp.post("/<room_id>/messages")
@reads(messages.room_names)
@login_required
def send(room_id):
    body = parse_body(schemas.MessageBody)
    message, created = messages.send_room_message(room_id, current_user(), body)
    return ok(message, status=201 if created else 200, message="Message created successfully")


@bp.delete("/<room_id>/messages/<message_id>")
@login_required
def delete_message(room_id, message_id):
    body = parse_body(schemas.DeleteMessageIn, required=False)
    messages.delete_room_message(room_id, message_id, current_user(), body.the_reason())
    return done("Message deleted successfully")


@bp.put("/<room_id>/picture")
@login_required
def picture(room_id):
    body = parse_body(schemas.PictureIn)
    room = chat_rooms.set_picture(room_id, current_user(), "picture", body.picture)
    return ok(room, message="Picture updated successfully")


@bp.put("/<room_id>/background")
@login_required
def background(room_id):
    body = parse_body(schemas.BackgroundIn)
    room = chat_rooms.set_picture(room_id, current_user(), "background_picture",
                                  body.background_picture)
    return ok(room, message="Background updated successfully")


@bp.put("/<room_id>/settings")
@login_required
def settings(room_id):
    room = chat_rooms.update_settings(room_id, current_user(), parse_body(schemas.SettingsIn))
    return ok(room, message="Settings updated successfully")


@bp.post("/<room_id>/moderators")
@login_required
def add_moderator(room_id):
    body = parse_body(schemas.UserRef)
    chat_room_moderation.add_moderator(room_id, current_user(), body.user_id)
    return done("Moderator added successfully")


@bp.delete("/<room_id>/moderators/<user_id>")
@login_required
def remove_moderator(room_id, user_id):
    chat_room_moderation.remove_moderator(room_id, current_user(), user_id)
    return done("Moderator removed successfully")


@bp.post("/<room_id>/kick/<user_id>")
@login_required
def kick(room_id, user_id):
    chat_room_moderation.kick(room_id, current_user(), user_id)
    return done("User kicked successfully")


@bp.post("/<room_id>/ban/<user_id>")
@login_required
def ban(room_id, user_id):
    chat_room_moderation.ban(room_id, current_user(), user_id)
    return done("User banned successfully")


@bp.post("/<room_id>/unban/<user_id>")
@login_required
def unban(room_id, user_id):
    chat_room_moderation.unban(room_id, current_user(), user_id)
    return done("User unbanned successfully")


@bp.post("/<room_id>/mute")
@login_required
def mute(room_id):
    chat_rooms.mute(room_id, current_user(), parse_body(schemas.MuteIn, required=False).minutes)
    return done("Chat room muted successfully")


@bp.post("/<room_id>/unmute")
@login_required
def unmute(room_id):
    chat_rooms.mute(room_id, current_user(), 0)
    return done("Chat room unmuted successfully")


@bp.post("/<room_id>/invite")
@login_required
def invite(room_id):
    chat_room_invitations.invite(room_id, current_user(), parse_body(schemas.UserRef))
    return done("User invited successfully")
