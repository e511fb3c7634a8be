"""Account deletion with an emailed 6-digit code (rest-accounts §3.2).

The user document stays (other users' conversations and threads still point
at it) but everything personal goes: email, pictures, secrets, preferences,
settings, friendships, blocks, notifications. The stored name becomes
"Deleted User" (so every reader that shows a sender's username shows that)
while the unique lookup key becomes `deleted_<id>`, freeing the old name.
Every session and socket ends.
"""
from models.block import Block
from models.user import User
from services import (auth_service, content_settings, friends, notification_settings,
                      notifications, passkeys, sessions)
from services.users import DELETED_NAME
from utils.errors import ValidationFailed
from utils.time import utcnow

PURPOSE = "delete_account"


def request_code(user):
    auth_service.issue_email_code(user, PURPOSE, "account deletion")


def delete_account(user, verification_code, totp_code):
    if not verification_code:
        raise ValidationFailed("Verification code is required")
    if user.get("totp_enabled") and not totp_code:
        raise ValidationFailed("TOTP code is required")
    if not auth_service.check_email_code(user, PURPOSE, verification_code, consume=False):
        raise ValidationFailed("Invalid or expired verification code")
    if user.get("totp_enabled") and not auth_service._accept_totp(user, totp_code):
        raise ValidationFailed("Invalid TOTP code")
    if not auth_service.check_email_code(User.get(user["_id"]), PURPOSE, verification_code):
        raise ValidationFailed("Invalid or expired verification code")  # lost a race
    _anonymise(user)
    _forget_relations(user["_id"])
    sessions.end_all(str(user["_id"]))


def _anonymise(user):
    name = f"deleted_{user['_id']}"
    User.update(user["_id"], set_={
        "username": DELETED_NAME, "username_lower": name, "email": f"{name}@deleted.invalid",
        "email_verified": False, "password_hash": None, "totp_secret_enc": None,
        "totp_enabled": False, "totp_last_step": None, "backup_code_hashes": [],
        "recovery_code_hash": None, "email_codes": {}, "preferences": {},
        "profile_picture": None, "banner": None, "country_code": None, "phone": None,
        "active_warning": None, "warning_history": [], "last_ip": None,
        "is_deleted": True, "deleted_at": utcnow(),
    })


def _forget_relations(user_id):
    friends.forget_user(user_id)
    Block.collection().delete_many({"$or": [{"blocker_id": user_id}, {"blocked_id": user_id}]})
    notification_settings.forget_user(user_id)
    content_settings.forget_user(user_id)
    notifications.forget_user(user_id)
    passkeys.forget_user(user_id)
