"""/api/auth: the registration wizard, sign-in, session, preferences."""
from flask import Blueprint, current_app, request, session

from extensions import limiter
from models.user import User, login_user_view, me_user_view
from schemas import auth as schemas
from schemas import passkeys as extended_schemas
from services import auth_service, device_cookies, passkeys, sessions
from utils.auth import current_user, login_required, session_user
from utils.errors import NotFound, Unauthorized
from utils.responses import done, ok
from utils.validation import parse_body

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


def named_account():
    """The account a request names (identifier, username, email or user id), or None."""
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    for name in ("identifier", "username", "email", "user_id"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return value.strip().lower()[:320]
    return None


def account_address_key():
    return f"account:{named_account()}|addr:{request.remote_addr}"


def account_key():
    return f"account:{named_account() or 'addr:' + request.remote_addr}"


def failed(response):
    return response.status_code in (400, 401)


def account_failure_limit():
    return f"{current_app.config['LOGIN_ACCOUNT_FAILURE_LIMIT']}/hour"


def device_failure_limit():
    return f"{current_app.config['LOGIN_DEVICE_FAILURE_LIMIT']}/hour"


def trusted_device():
    return device_cookies.trusted_for(named_account())


def limit(rate):
    """Budgets for endpoints that take a secret:
    - the contract's `rate` per client address;
    - the same `rate` per (named account, address);
    - LOGIN_ACCOUNT_FAILURE_LIMIT per hour counting only *failed* attempts at one
      account from anywhere, so a distributed guesser is stopped; a browser
      holding a device cookie for that account (services/device_cookies.py) is
      exempt, so a stranger's failures cannot lock the owner out (issue 16),
    - and has LOGIN_DEVICE_FAILURE_LIMIT failures per hour of its own instead.
    """
    def decorate(view):
        view = limiter.limit(account_failure_limit, key_func=account_key,
                             deduct_when=failed, exempt_when=trusted_device)(view)
        view = limiter.limit(device_failure_limit, key_func=device_cookies.device_key,
                             deduct_when=failed,
                             exempt_when=lambda: not trusted_device())(view)
        view = limiter.limit(rate, key_func=account_address_key)(view)
        return limiter.limit(rate)(view)
    return decorate


def signed_in(user, auth_method="totp", status=200, **extra):
    sessions.start(user, auth_method)
    auth_service.record_login(user, request.remote_addr)
    response = ok(None, status=status, user=login_user_view(User.get(user["_id"])), **extra)
    return device_cookies.issue(response, user)


def login_outcome(outcome, auth_method="totp"):
    kind, user = outcome
    if kind == "email_2fa":
        return ok(None, success=False, require_email_2fa=True, user_id=str(user["_id"]),
                  message="Please enter the verification code sent to your email.")
    return signed_in(user, auth_method)


# ----- the registration wizard -----
#
# The anonymous steps name the account by email or user id. The contract's
# server trusted that alone (anyone could read another account's TOTP
# secret); here a step is accepted only from the browser session that
# started the registration, or from the signed-in account itself.

def wizard_user(body):
    signed = session_user()
    bound_id = str(signed["_id"]) if signed else session.get("registration_user_id")
    if not bound_id:
        raise Unauthorized("Authentication required or user identifier needed")
    user = User.get(bound_id)
    if user is None:
        raise NotFound("User not found")
    named_email = (body.email or "").strip().lower()
    if (named_email and named_email != user["email"]) or (body.user_id and body.user_id != bound_id):
        raise Unauthorized("This registration belongs to another browser session")
    return user


@bp.post("/register-passwordless")
@limit("5/minute")
def register_passwordless():
    body = parse_body(schemas.RegisterPasswordless)
    user = auth_service.register_passwordless(body.username, body.email, body.language,
                                              request.remote_addr)
    session["registration_user_id"] = str(user["_id"])
    return ok(None, status=201, user_id=str(user["_id"]),
              message="Verification code sent to your email")


@bp.post("/register")
@limit("5/minute")
def register_with_password():
    body = parse_body(schemas.RegisterWithPassword)
    user = auth_service.register_with_password(body.username, body.email, body.password,
                                               body.language, request.remote_addr)
    session["registration_user_id"] = str(user["_id"])
    _, uri = auth_service.totp_setup_data(user)
    return ok(None, status=201, user_id=str(user["_id"]), totp_qr_data=uri, backup_codes=[],
              message="Registration successful. Verify your email to sign in.")


@bp.post("/verify-email")
@limit("10/minute")
def verify_email():
    body = parse_body(schemas.VerifyEmail)
    user = wizard_user(body)
    secret, uri = auth_service.verify_email(user, body.code)
    return ok(None, message="Email verified successfully", totp_qr_data=uri,
              totp_secret=secret, user_id=str(user["_id"]))


@bp.post("/resend-verification")
@limit("3/minute")
def resend_verification():
    user = wizard_user(parse_body(schemas.ResendVerification))
    auth_service.resend_verification(user)
    return done("Verification code resent successfully")


@bp.post("/totp/qrcode")
@limit("10/minute")
def totp_qrcode():
    user = wizard_user(parse_body(schemas.WizardTarget))
    image, secret, uri = auth_service.totp_qrcode(user)
    return ok(None, qr_code_image=image, totp_secret=secret, qr_data=uri)


@bp.post("/complete-totp-setup")
@limit("10/minute")
def complete_totp_setup():
    body = parse_body(schemas.CompleteTotp)
    user = wizard_user(body)
    codes = auth_service.complete_totp_setup(user, body.totp_code)
    return ok(None, message="2FA enabled successfully", backup_codes=codes)


@bp.post("/recovery-code/set")
@limit("3/minute")
def set_recovery_code():
    body = parse_body(schemas.SetRecoveryCode)
    user = wizard_user(body)
    auth_service.set_recovery_code(user, body.recovery_code)
    if user.get("totp_enabled"):
        session.pop("registration_user_id", None)  # the wizard is finished ...
        passkeys.bind_wizard(session, user["_id"])  # ... but for its optional passkey step
    return done("Recovery code set successfully")


# ----- sign-in and session -----

@bp.post("/login-passwordless")
@limit("5/minute")
def login_passwordless():
    body = parse_body(schemas.LoginPasswordless)
    return login_outcome(auth_service.login_passwordless(body.identifier, body.totp_code))


@bp.post("/login-passwordless-backup")
@limit("5/minute")
def login_passwordless_backup():
    body = parse_body(schemas.LoginBackup)
    user = auth_service.login_backup(body.identifier, body.backup_code)
    return signed_in(user, "backup_code", message=(
        "Login successful with backup code. Please set up a new authenticator app."))


@bp.post("/login")
@limit("5/minute")
def login_with_password():
    body = parse_body(schemas.LoginWithPassword)
    outcome = auth_service.login_with_password(body.username, body.password, body.totp_code)
    return login_outcome(outcome, "password")


@bp.post("/verify-login-email-2fa")
@limit("5/minute")
def verify_login_email_2fa():
    body = parse_body(schemas.VerifyLoginEmail)
    return signed_in(auth_service.verify_login_email_2fa(body.user_id, body.code), "email_2fa")


@bp.post("/resend-login-email-2fa")
@limit("3/minute")
def resend_login_email_2fa():
    body = parse_body(schemas.ResendLoginEmail)
    wait = auth_service.resend_login_email_2fa(body.user_id)
    if wait:
        return ok(None, status=400, success=False, retry_after=wait)
    return done("Verification code sent.", cooldown=60)


@bp.post("/logout")
def logout():
    sessions.end_current()
    return done("Logged out successfully")


@bp.get("/me")
def me():
    user = session_user()
    if user is None:
        return ok(None, success=False, error="Not authenticated")
    return ok(None, user=me_user_view(user))


@bp.get("/session")
def session_info():
    user = session_user()
    return ok(None, authenticated=user is not None,
              user_id=str(user["_id"]) if user else None,
              username=user["username"] if user else None,
              login_time=session.get("login_time") if user else None)


@bp.put("/preferences")
@login_required
def update_preferences():
    body = parse_body(schemas.Preferences)
    auth_service.update_preferences(current_user(), body.preferences)
    return done("Preferences updated")


@bp.post("/backup-codes")
@login_required
def backup_codes():
    body = parse_body(schemas.BackupCodes)
    return ok(None, backup_codes=auth_service.regenerate_backup_codes(current_user(), body.totp_code))


@bp.post("/verify-totp")
@limit("10/minute")
def verify_totp():
    body = parse_body(extended_schemas.VerifyTotp)
    codes = auth_service.verify_totp(totp_user(body), body.totp_code, body.is_setup)
    if body.is_setup:
        return done("2FA enabled successfully", backup_codes=codes)
    return done("TOTP code verified successfully")


def totp_user(body):
    """The signed-in user; else only the account this browser session is registering
    (the contract accepted any user_id here: a TOTP oracle, §14)."""
    signed = session_user()
    if signed is not None:
        return signed
    bound_id = passkeys.wizard_user_id(session)
    if not bound_id:
        raise Unauthorized()
    if body.user_id and body.user_id != bound_id:
        raise Unauthorized("This registration belongs to another browser session")
    return User.get_or_404(bound_id)


@bp.post("/change-password")
@login_required
@limit("5/minute")
def change_password():
    body = parse_body(extended_schemas.ChangePassword)
    user = current_user()
    auth_service.change_password(user, body.current_password, body.new_password)
    # Every other session of the account ends; this browser stays signed in.
    sessions.end_all(user["_id"])
    sessions.start(user, session.get("auth_method") or "password")
    return done("Password changed successfully")
