"""/api/users: profile, lookup, search, online users, warnings, availability,
account deletion, anonymous identities, blocking (rest-accounts §3).

Friends and mutes under /api/users live in routes/user_social.py; the
private-message paths belong to the chat blueprint. Static segments win
over `<user_id>` in Werkzeug's routing, so `/profile`, `/search`, ... are
never read as ids.
"""
from flask import Blueprint, request

from extensions import limiter
from models.user import me_user_view
from schemas import users as schemas
from services import account_deletion, blocks, sessions, topics, users
from utils.auth import current_user, login_required
from utils.responses import done, ok
from utils.validation import pagination, paging, parse_body

bp = Blueprint("users", __name__, url_prefix="/api/users")


def search_rows(found):
    return [{"id": str(u["_id"]), "username": u["username"],
             "profile_picture": u.get("profile_picture")} for u in found]


# ----- profile -----

@bp.get("/profile")
@login_required
def get_profile():
    return ok(me_user_view(current_user()))


@bp.put("/profile")
@login_required
def update_profile():
    body = parse_body(schemas.ProfileUpdate)
    user = users.update_profile(current_user(), body.changes())
    return ok(me_user_view(user), message="Profile updated successfully")


@bp.post("/dismiss-warning")
@login_required
def dismiss_warning():
    users.dismiss_warning(current_user())
    return done("Warning dismissed successfully")


@bp.post("/clear-warning")
@login_required
def clear_warning():
    users.dismiss_warning(current_user(), dismissed=False)
    return done("Warning cleared successfully")


@bp.get("/topics")
@login_required
def my_topics():
    limit, offset = paging(default_limit=50)
    rows, total = users.my_topics(current_user(), limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


# ----- lookup -----

@bp.get("/stats")
@login_required
def my_stats():
    return ok(users.stats(current_user()))


@bp.get("/<user_id>")
@login_required
def get_user(user_id):
    return ok(users.public_view(users.get_live_user(user_id)))


@bp.get("/username/<username>")
@login_required
def get_by_username(username):
    return ok(users.public_view(users.get_by_username(username)))


@bp.get("/search")
@login_required
def search():
    limit, offset = paging(default_limit=10)
    found, total = users.search(current_user(), request.args.get("q", ""), limit, offset)
    return ok(search_rows(found), pagination=pagination(limit, offset, total))


@bp.get("/search-for-mention")
@login_required
def search_for_mention():
    limit, offset = paging(default_limit=10)
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return ok([])
    found, total = users.search(current_user(), term, limit, offset)
    rows = [{**row, "display_name": row["username"]} for row in search_rows(found)]
    return ok(rows, pagination=pagination(limit, offset, total))


@bp.get("/online")
@login_required
def online():
    limit, offset = paging(default_limit=100)
    rows, total = users.online_users(limit, offset)
    return ok(rows, pagination=pagination(limit, offset, total))


# ----- availability (anonymous; answers only available true/false) -----

@bp.post("/check-username")
@limiter.limit("10/minute")
def check_username():
    body = parse_body(schemas.CheckUsername)
    return ok({"username": body.username, "available": users.username_available(body.username)})


@bp.post("/check-email")
@limiter.limit("10/minute")
def check_email():
    body = parse_body(schemas.CheckEmail)
    return ok({"email": body.email, "available": users.email_available(body.email)})


# ----- account deletion -----

@bp.post("/request-deletion-code")
@login_required
@limiter.limit("3/minute")
def request_deletion_code():
    account_deletion.request_code(current_user())
    return done("Verification code sent to your email")


@bp.delete("/delete-account")
@login_required
@limiter.limit("5/minute")
def delete_account():
    verification_code, totp_code = parse_body(schemas.DeleteAccount).codes()
    account_deletion.delete_account(current_user(), verification_code, totp_code)
    sessions.end_current()
    return done("Account deleted successfully")


# ----- anonymous identities (stored by the topics service) -----

@bp.get("/anonymous-identities")
@login_required
def anonymous_identities():
    return ok(topics.list_anonymous_identities(current_user()))


@bp.delete("/anonymous-identities/<topic_id>")
@login_required
def delete_anonymous_identity(topic_id):
    topics.delete_anonymous_identity(current_user(), topic_id)
    return done("Anonymous identity deleted successfully")


# ----- blocking -----

@bp.post("/<user_id>/block")
@login_required
def block(user_id):
    blocks.block(current_user(), user_id)
    return done("User blocked successfully")


@bp.route("/<user_id>/unblock", methods=["DELETE", "POST"])
@login_required
def unblock(user_id):
    blocks.unblock(current_user(), user_id)
    return done("User unblocked successfully")


@bp.get("/blocked")
@login_required
def blocked():
    limit, offset = paging(default_limit=100)
    found, total = blocks.list_blocked(current_user(), limit, offset)
    return ok(search_rows(found), pagination=pagination(limit, offset, total))


@bp.post("/<user_id>/report-profile-image")
@login_required
def report_profile_image(user_id):
    body = parse_body(schemas.ReportProfileImage)
    report = users.report_profile_image(current_user(), user_id, body.reason, body.description)
    return ok({"report_id": str(report["_id"])}, status=201, message="Report submitted")
