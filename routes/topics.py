"""/api/topics (rest-content §3): parse, call one service, shape the response."""
from flask import Blueprint, request

from schemas import topics as schemas
from services import anonymous_identities, topic_invitations, topic_moderation, topics
from utils.auth import current_user, login_required, session_user
from utils.prefetch_plans import parsed_once, reads
from utils.responses import done, ok
from utils.validation import pagination, paging, parse_body, query_arg

bp = Blueprint("topics", __name__, url_prefix="/api/topics")


@parsed_once
def _list_args():
    limit, offset = paging(default_limit=20)
    return {"sort_by": query_arg("sort_by", "last_activity"),
            "tags": request.args.getlist("tags"), "search": query_arg("search"),
            "limit": limit, "offset": offset}


@bp.get("")
@bp.get("/")
@reads(lambda: topics.list_names(**_list_args()))
def list_topics():
    args = _list_args()
    items, total = topics.list_topics(session_user(), **args)
    page = pagination(args["limit"], args["offset"], total)
    page["total_count"] = total
    return ok(items, pagination=page)


@bp.post("")
@bp.post("/")
@login_required
def create_topic():
    body = parse_body(schemas.CreateTopic)
    # Flat flags per the contract; a `settings` object (as on update) wins when sent.
    flags = {"allow_anonymous": body.allow_anonymous, "require_approval": body.require_approval}
    if body.settings:
        flags.update(body.settings.model_dump(exclude_none=True))
    topic = topics.create_topic(current_user(), body.title, body.description, body.tags, **flags)
    return ok(topic, status=201, message="Topic created successfully")


@bp.get("/my")
@login_required
def my_topics():
    limit, offset = paging(default_limit=100)
    return ok(topics.my_topics(current_user(), limit=limit, offset=offset))


@bp.get("/<topic_id>")
@reads(topics.view_names)
def get_topic(topic_id):
    return ok(topics.get_topic(topic_id, session_user()))


@bp.put("/<topic_id>")
@login_required
def update_topic(topic_id):
    body = parse_body(schemas.UpdateTopic)
    settings = body.settings.model_dump(exclude_none=True) if body.settings else None
    topic = topics.update_topic(topic_id, current_user(), title=body.title,
                                description=body.description, tags=body.tags, settings=settings)
    return ok(topic, message="Topic updated successfully")


@bp.delete("/<topic_id>")
@login_required
def delete_topic(topic_id):
    topics.delete_topic(topic_id, current_user())
    return done("Topic deletion requested. It will be permanently deleted in 7 days "
                "pending admin approval.")


@bp.post("/<topic_id>/join")
@login_required
def join_topic(topic_id):
    joined = topics.join_topic(topic_id, current_user())
    return done("Successfully joined topic" if joined else "Already a member of this topic")


@bp.post("/<topic_id>/leave")
@login_required
def leave_topic(topic_id):
    topics.leave_topic(topic_id, current_user())
    return done("Successfully left topic")


# ----- moderators, bans, ownership -----

@bp.get("/<topic_id>/moderators")
def list_moderators(topic_id):
    return ok(topic_moderation.list_moderators(topic_id, session_user()))


@bp.post("/<topic_id>/moderators")
@login_required
def add_moderator(topic_id):
    body = parse_body(schemas.AddModerator)
    topic_moderation.add_moderator(topic_id, current_user(), body.user_id, body.permissions)
    return done("Moderator added successfully")


@bp.delete("/<topic_id>/moderators/<moderator_id>")
@login_required
def remove_moderator(topic_id, moderator_id):
    topic_moderation.remove_moderator(topic_id, current_user(), moderator_id)
    return done("Moderator removed successfully")


@bp.post("/<topic_id>/ban")
@login_required
def ban_user(topic_id):
    body = parse_body(schemas.BanUser)
    topic_moderation.ban_user(topic_id, current_user(), body.user_id, body.reason)
    return done("User banned successfully")


@bp.post("/<topic_id>/unban")
@login_required
def unban_user(topic_id):
    body = parse_body(schemas.TargetUser)
    topic_moderation.unban_user(topic_id, current_user(), body.user_id)
    return done("User unbanned successfully")


@bp.post("/<topic_id>/transfer-ownership")
@login_required
def transfer_ownership(topic_id):
    body = parse_body(schemas.TargetUser)
    topic_moderation.transfer_ownership(topic_id, current_user(), body.user_id)
    return done("Ownership transferred successfully")


# ----- anonymous identity -----

@bp.get("/<topic_id>/anonymous-identity")
@login_required
def get_anonymous_identity(topic_id):
    return ok(anonymous_identities.get_identity(current_user(), topic_id))


@bp.route("/<topic_id>/anonymous-identity", methods=["PUT", "POST"])
@login_required
def set_anonymous_identity(topic_id):
    body = parse_body(schemas.AnonymousName)
    identity = anonymous_identities.set_identity(current_user(), topic_id,
                                                 body.custom_anonymous_name or body.new_name)
    return ok(identity, message="Anonymous identity updated successfully")


# ----- mute -----

@bp.post("/<topic_id>/mute")
@login_required
def mute_topic(topic_id):
    body = parse_body(schemas.Mute)
    muted = topics.mute_topic(topic_id, current_user(), body.minutes)
    return done("Topic muted successfully" if muted else "Topic unmuted successfully")


@bp.post("/<topic_id>/unmute")
@login_required
def unmute_topic(topic_id):
    topics.mute_topic(topic_id, current_user(), 0)
    return done("Topic unmuted successfully")


# ----- invitations -----

@bp.post("/<topic_id>/invite")
@login_required
def invite(topic_id):
    body = parse_body(schemas.TargetUser)
    topic_invitations.invite(topic_id, current_user(), body.user_id)
    return done("User invited successfully")


@bp.get("/invitations")
@login_required
def list_invitations():
    limit, offset = paging(default_limit=50)
    return ok(topic_invitations.list_invitations(current_user(), limit=limit, offset=offset))


@bp.post("/invitations/<invitation_id>/accept")
@login_required
def accept_invitation(invitation_id):
    topic_invitations.accept(invitation_id, current_user())
    return done("Invitation accepted")


@bp.post("/invitations/<invitation_id>/decline")
@login_required
def decline_invitation(invitation_id):
    topic_invitations.decline(invitation_id, current_user())
    return done("Invitation declined")
