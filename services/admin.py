"""Global bans (with an optional end), unbans, the banned list and warnings.

Every function takes the acting admin and records itself in the audit log.
A ban ends every session and socket of the user at once.
"""
from datetime import timedelta

from models.base import parse_id
from models.user import User
from services import audit, realtime, sessions
from utils.errors import ValidationFailed
from utils.text import sanitize_text
from utils.time import utcnow

DEFAULT_BAN_REASON = "Violation of community guidelines"


def check_can_ban(actor, target):
    if str(target["_id"]) == str(actor["_id"]):
        raise ValidationFailed("Cannot ban yourself")
    if target.get("is_admin"):
        raise ValidationFailed("Cannot ban admin users")


def ban_user(actor, user_id, reason=None, duration_days=None, report_id=None):
    """Ban `user_id` globally; `duration_days` None means permanent. Returns ban_info."""
    target = User.get_or_404(user_id)
    check_can_ban(actor, target)
    reason = sanitize_text(reason if reason is not None else DEFAULT_BAN_REASON).strip()
    if not reason:
        raise ValidationFailed("Reason is required")
    now = utcnow()
    expires = now + timedelta(days=duration_days) if duration_days else None
    User.update(target["_id"], set_={
        "is_banned": True, "ban_reason": reason, "banned_at": now,
        "ban_expires_at": expires, "banned_by": parse_id(actor["_id"])})
    sessions.end_all(str(target["_id"]))
    audit.record(actor, "user.ban", "user", target["_id"], username=target["username"],
                 reason=reason, duration_days=duration_days, report_id=report_id)
    return {"user_id": str(target["_id"]), "reason": reason, "duration_days": duration_days,
            "permanent": expires is None}


def unban_user(actor, user_id):
    target = User.get_or_404(user_id)
    if not target.get("is_banned"):
        raise ValidationFailed("Failed to unban user")
    User.update(target["_id"], set_={"is_banned": False, "ban_reason": None, "banned_at": None,
                                     "ban_expires_at": None, "banned_by": None})
    audit.record(actor, "user.unban", "user", target["_id"], username=target["username"])


def _active_ban_query():
    # A ban whose end has passed is lifted, so it is not listed either.
    return {"is_banned": True,
            "$or": [{"ban_expires_at": None}, {"ban_expires_at": {"$gt": utcnow()}}]}


def banned_users(limit, offset):
    """The banned-user rows of rest-accounts §10.3, most recent ban first, and the total."""
    query = _active_ban_query()
    users = User.find(query, sort=[("is_banned", 1), ("banned_at", -1)], skip=offset, limit=limit)
    admin_ids = {u["banned_by"] for u in users if u.get("banned_by")}
    names = {a["_id"]: a["username"] for a in User.find({"_id": {"$in": list(admin_ids)}},
                                                          projection={"username": 1})}
    return [_banned_row(u, names) for u in users], User.count(query)


def _banned_row(user, names):
    by = user.get("banned_by")
    row = {"id": str(user["_id"]), "username": user["username"], "email": user.get("email"),
           "profile_picture": user.get("profile_picture"), "ban_reason": user.get("ban_reason"),
           "banned_at": user.get("banned_at"), "ban_expiry": user.get("ban_expires_at"),
           "banned_by": {"id": str(by), "username": names.get(by)} if by else None,
           "is_permanent": user.get("ban_expires_at") is None}
    return row


def count_banned():
    return User.count(_active_ban_query())


def warn_user(actor, user_id, message, report_id=None):
    """Set the user's active warning and show it to them live (`user_warning`)."""
    target = User.get_or_404(user_id)
    message = sanitize_text(message or "").strip()
    if not message:
        raise ValidationFailed("Warning message is required")
    now = utcnow()
    warning = {"message": message, "warned_at": now, "warned_by": parse_id(actor["_id"]),
               "dismissed_at": None}
    if report_id:
        warning["report_id"] = parse_id(report_id)
    User.update(target["_id"], set_={"active_warning": warning})
    audit.record(actor, "user.warn", "user", target["_id"], username=target["username"],
                 message=message, report_id=report_id)
    realtime.emit_to_user(str(target["_id"]), "user_warning",
                          {"message": message, "warned_at": now, "user_id": str(target["_id"])})
    return warning
