"""/api/auth/recovery/*: passwordless account recovery, bound to one browser session."""
from flask import Blueprint, session

from routes.auth import limit
from schemas import auth as schemas
from services import recovery_service
from utils.responses import done, ok
from utils.validation import parse_body

bp = Blueprint("recovery", __name__, url_prefix="/api/auth/recovery")


@bp.post("/initiate-passwordless")
@limit("3/minute")
def initiate_passwordless():
    body = parse_body(schemas.RecoveryInitiate)
    recovery_service.initiate(body.email)
    session.pop("recovery", None)
    return done(recovery_service.GENERIC_INITIATED)


@bp.post("/verify-email-code")
@limit("5/minute")
def verify_email_code():
    body = parse_body(schemas.RecoveryEmailCode)
    user = recovery_service.verify_email_code(body.email, body.code)
    session["recovery"] = {"user_id": str(user["_id"]), "stage": "email_verified"}
    return done("Recovery code verified", user_id=str(user["_id"]))


@bp.post("/verify-user-code")
@limit("5/minute")
def verify_user_code():
    body = parse_body(schemas.RecoveryUserCode)
    state = session.get("recovery") or {}
    user = recovery_service.bound_user(state.get("user_id"), body.email)
    image, secret, uri = recovery_service.reset_authenticator(user, body.recovery_code)
    session["recovery"] = {"user_id": str(user["_id"]), "stage": "totp_reset"}
    return ok(None, message="2FA reset successfully", totp_qr_data=uri, totp_secret=secret,
              qr_code_image=image, user_id=str(user["_id"]))


@bp.post("/complete-totp-setup")
@limit("10/minute")
def complete_totp_setup():
    body = parse_body(schemas.RecoveryCompleteTotp)
    state = session.get("recovery") or {}
    if state.get("stage") != "totp_reset":
        state = {}
    user = recovery_service.bound_user(state.get("user_id"), body.email)
    codes = recovery_service.complete(user, body.totp_code)
    session.pop("recovery", None)
    return ok(None, message="2FA recovery completed successfully", backup_codes=codes)
