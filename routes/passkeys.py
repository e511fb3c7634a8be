"""/api/auth/passkey: WebAuthn registration and sign-in, and the user's passkeys."""
from flask import Blueprint, session

from models.user import User
from routes.auth import limit, login_outcome
from schemas import passkeys as schemas
from services import passkeys
from utils.auth import current_user, login_required, session_user
from utils.errors import NotFound, Unauthorized, ValidationFailed
from utils.responses import done, ok
from utils.validation import paging, pagination, parse_body

bp = Blueprint("passkeys", __name__, url_prefix="/api/auth/passkey")


def registration_owner(body):
    """The signed-in user, or the account this browser session is registering.

    Never an account named by email or id alone (rest-accounts §14): the name
    in the body must match the session's own account.
    """
    signed = session_user()
    bound_id = str(signed["_id"]) if signed else passkeys.wizard_user_id(session)
    if not bound_id:
        raise Unauthorized()
    user = signed or User.get(bound_id)
    if user is None:
        raise NotFound("User not found")
    if signed is None:
        named_email = (body.email or "").strip().lower()
        if (named_email and named_email != user["email"]) or (body.user_id and body.user_id != bound_id):
            raise Unauthorized("This registration belongs to another browser session")
    return user


def credential_json(body):
    return body.credential.model_dump(exclude_none=True) if body.credential else None


def checked_credential_id(credential_id):
    if not credential_id or len(credential_id) > 1400 or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in credential_id):
        raise ValidationFailed("Invalid credential id")
    return credential_id


@bp.post("/register-options")
def register_options():
    user = registration_owner(parse_body(schemas.RegisterOptions))
    options, challenge = passkeys.registration_options(user, session)
    return ok(None, options=options, challenge=challenge)


@bp.post("/register-verify")
def register_verify():
    body = parse_body(schemas.RegisterVerify)
    user = registration_owner(body)
    credential_id = passkeys.register(user, session, credential_json(body), body.device_name)
    if session_user() is None:
        passkeys.release_wizard(session)
    return done("Passkey registered successfully", credential_id=credential_id)


@bp.post("/auth-options")
@limit("10/minute")
def auth_options():
    body = parse_body(schemas.AuthOptions)
    options, challenge = passkeys.authentication_options(session, body.identifier)
    return ok(None, options=options, challenge=challenge)


@bp.post("/auth-verify")
@limit("5/minute")
def auth_verify():
    body = parse_body(schemas.AuthVerify)
    outcome = passkeys.authenticate(session, credential_json(body), body.identifier)
    return login_outcome(outcome, "passkey")


@bp.get("/list")
@login_required
def list_passkeys():
    limit_, offset = paging(default_limit=100)
    items, total = passkeys.list_passkeys(current_user(), limit_, offset)
    return ok(None, passkeys=items, pagination=pagination(limit_, offset, total))


@bp.patch("/<credential_id>")
@login_required
def rename_passkey(credential_id):
    body = parse_body(schemas.Rename)
    passkeys.rename(current_user(), checked_credential_id(credential_id), body.device_name)
    return done("Passkey updated")


@bp.delete("/<credential_id>")
@login_required
def delete_passkey(credential_id):
    passkeys.remove(current_user(), checked_credential_id(credential_id))
    return done("Passkey removed successfully")
