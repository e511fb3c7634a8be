"""Passwordless account recovery (rest-accounts §2.3, §11.5).

The older server let each step stand alone (the recovery code alone reset the
authenticator). Here the steps are chained through the browser session: the
emailed code must be verified before the recovery code is accepted, and the
new authenticator can be confirmed only by the session that reset it.
"""
from models.user import User
from services import auth_service
from utils import crypto
from utils.errors import NotFound, Unauthorized, ValidationFailed

GENERIC_INITIATED = "If this email exists, a recovery code has been sent"


def initiate(email):
    """Email a recovery code if the account exists; the answer is the same either way."""
    if not email:
        raise ValidationFailed("Email is required")
    auth_service.check_email(email)
    user = User.by_email(email)
    if user is not None and user.get("totp_enabled"):
        auth_service.issue_email_code(user, "recovery", "account recovery")


def verify_email_code(email, code):
    if not email or not code:
        raise ValidationFailed("Email and code are required")
    user = User.by_email(email)
    if user is None or not auth_service.check_email_code(user, "recovery", code, consume=False):
        raise ValidationFailed("Invalid or expired recovery code")
    return user


def reset_authenticator(user, recovery_code):
    """Check the user's own recovery code; give the account a new, not yet enabled, secret."""
    if not recovery_code or not crypto.verify_password(user.get("recovery_code_hash"), recovery_code):
        raise ValidationFailed("Invalid recovery credentials")
    secret = crypto.new_totp_secret()
    User.update(user["_id"], set_={"totp_secret_enc": crypto.encrypt_secret(secret),
                                   "totp_enabled": False, "backup_code_hashes": []},
                unset=["email_codes.recovery", "totp_last_step"])
    user = User.get(user["_id"])
    image, secret, uri = auth_service.totp_qrcode(user)
    return image, secret, uri


def complete(user, totp_code):
    if not totp_code:
        raise ValidationFailed("Email and TOTP code are required")
    return auth_service.complete_totp_setup(user, totp_code)


def bound_user(user_id, email):
    """The account this browser session is recovering, if `email` names it."""
    if not user_id:
        raise Unauthorized("Start the recovery from the first step in this browser")
    user = User.get(user_id)
    if user is None:
        raise NotFound("User not found")
    if email and email.strip().lower() != user["email"]:
        raise Unauthorized("Start the recovery from the first step in this browser")
    return user
