"""Accounts and sign-in: the registration wizard, TOTP, backup codes, email codes,
password sign-in for API clients. Routes call these with typed values; the
acting user and the browser session are arguments, never read from `request`.
"""
import base64
import io
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from models.user import EMAIL_RE, USERNAME_RE, User, normalise_email
from services import email_service
from utils import crypto
from utils.auth import ban_is_active
from utils.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from utils.time import utcnow

CODE_TTL = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5
BAD_LOGIN = "Invalid credentials or authentication code"


# ----- validation shared with profile updates -----

def check_username(username):
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("Username and email are required")
    if len(username) < 3:
        raise ValidationFailed("Username must be at least 3 characters")
    if len(username) > 20:
        raise ValidationFailed("Username must be at most 20 characters")
    if not USERNAME_RE.match(username):
        raise ValidationFailed("Username contains invalid characters")
    return username


def check_email(email):
    email = normalise_email(email or "")
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationFailed("Valid email is required")
    return email


def normalise_language(language):
    base = (language or "en").split("-")[0].split("_")[0].lower()
    return base if base in {"en", "pt"} else "en"


# ----- email codes (verification, login second factor, deletion, recovery) -----

def issue_email_code(user, purpose, purpose_text):
    """Store a fresh 6-digit code for `purpose` (replacing any older one) and email it."""
    code = crypto.random_digits(6)
    User.update(user["_id"], set_={f"email_codes.{purpose}": {
        "hash": crypto.hash_code(code), "expires_at": utcnow() + CODE_TTL,
        "attempts": 0, "sent_at": utcnow(),
    }})
    email_service.send_code(user["email"], purpose_text, code)


def check_email_code(user, purpose, code, consume=True):
    """True when `code` is the live code for `purpose`; wrong guesses are counted
    and a code dies after MAX_CODE_ATTEMPTS of them."""
    entry = (user.get("email_codes") or {}).get(purpose)
    if not entry or not isinstance(code, str) or entry["expires_at"] <= utcnow():
        return False
    if entry.get("attempts", 0) >= MAX_CODE_ATTEMPTS:
        return False
    if not crypto.code_matches(entry["hash"], code):
        User.update(user["_id"], extra={"$inc": {f"email_codes.{purpose}.attempts": 1}})
        return False
    if consume:
        # Consume atomically: of two requests racing with the same code, one wins.
        consumed = User.update(user["_id"], unset=[f"email_codes.{purpose}"],
                               query={f"email_codes.{purpose}.hash": entry["hash"]})
        return consumed is not None
    return True


# ----- registration wizard -----

def register_passwordless(username, email, language, client_ip):
    username, email = check_username(username), check_email(email)
    existing = User.by_email(email)
    if existing is not None:
        if existing.get("totp_enabled") or existing.get("password_hash"):
            raise Conflict("Email already registered. Please login or use account recovery.")
        User.delete(existing["_id"])  # an abandoned, unfinished registration
    taken = User.by_username(username)
    if taken is not None:
        raise Conflict("Username already taken")
    user = _insert_user(username, email, language, client_ip)
    issue_email_code(user, "verify_email", "email verification")
    return user


def _insert_user(username, email, language, client_ip, password_hash=None):
    try:
        return User.insert(
            username=username, username_lower=username.lower(), email=email,
            totp_secret_enc=crypto.encrypt_secret(crypto.new_totp_secret()),
            preferences={"language": normalise_language(language)},
            last_ip=client_ip, password_hash=password_hash,
        )
    except DuplicateKeyError:
        raise Conflict("Username or email already taken") from None


def register_with_password(username, email, password, language, client_ip):
    """Password registration for API clients: same rules, then email verification."""
    username, email = check_username(username), check_email(email)
    if User.by_email(email) is not None:
        raise Conflict("Email already exists")
    if User.by_username(username) is not None:
        raise Conflict("Username already taken")
    check_password_strength(password)
    user = _insert_user(username, email, language, client_ip, crypto.hash_password(password))
    issue_email_code(user, "verify_email", "email verification")
    return user


def check_password_strength(password):
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
               any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    if len(password) < 8 or not all(classes):
        raise ValidationFailed(
            "Password must be 8-128 characters with lower and upper case letters, a digit "
            "and a special character")


def verify_email(user, code):
    if not code:
        raise ValidationFailed("Verification code is required")
    if not check_email_code(user, "verify_email", code):
        raise ValidationFailed("Invalid or expired verification code")
    User.update(user["_id"], set_={"email_verified": True})
    return totp_setup_data(user)


def resend_verification(user):
    if user.get("email_verified"):
        raise ValidationFailed("Email already verified")
    issue_email_code(user, "verify_email", "email verification")


def totp_setup_data(user):
    """`(secret, otpauth_uri)` of the account's not-yet-enabled authenticator."""
    secret = crypto.decrypt_secret(user.get("totp_secret_enc"))
    if secret is None:
        secret = crypto.new_totp_secret()
        User.update(user["_id"], set_={"totp_secret_enc": crypto.encrypt_secret(secret)})
    return secret, crypto.totp_uri(secret, user["username"])


def totp_qrcode(user):
    if user.get("totp_enabled"):
        raise ValidationFailed("Authenticator is already set up")
    # qrcode, and the PIL it draws with, are imported at the first QR code drawn, not
    # at start: 0.02 s of every start-up, 0.06 s without compiled bytecode (issue 12),
    # for one step of the registration wizard. A third-party import: no cycle at stake.
    import qrcode

    secret, uri = totp_setup_data(user)
    image = qrcode.make(uri)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data_uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return data_uri, secret, uri


def complete_totp_setup(user, totp_code):
    if not totp_code or len(totp_code) != 6:
        raise ValidationFailed("TOTP code is required")
    if not user.get("email_verified"):
        raise ValidationFailed("Email must be verified first")
    if user.get("totp_enabled"):
        raise ValidationFailed("Failed to enable 2FA")
    secret = crypto.decrypt_secret(user.get("totp_secret_enc"))
    step = crypto.totp_matching_step(secret, totp_code)
    if step is None:
        raise ValidationFailed("Invalid verification code")
    codes, hashes = crypto.new_backup_codes()
    User.update(user["_id"], set_={"totp_enabled": True, "backup_code_hashes": hashes,
                                   "totp_last_step": step})
    return codes


def set_recovery_code(user, recovery_code):
    if not recovery_code:
        raise ValidationFailed("Recovery code is required")
    if len(recovery_code) < 8:
        raise ValidationFailed("Recovery code must be at least 8 characters")
    User.update(user["_id"], set_={"recovery_code_hash": crypto.hash_password(recovery_code)})


# ----- sign-in -----

def _check_can_sign_in(user):
    if ban_is_active(user):
        raise Unauthorized("Account is banned")
    if not user.get("email_verified"):
        raise Unauthorized("Email not verified. Please complete registration.")


def _accept_totp(user, totp_code):
    """True and the step recorded when the code is valid and not replayed."""
    secret = crypto.decrypt_secret(user.get("totp_secret_enc"))
    step = crypto.totp_matching_step(secret, totp_code, user.get("totp_last_step"))
    if step is None:
        return False
    # Compare-and-set on the last step: two racing sign-ins with one code, one wins.
    # (`None` matches a missing field too.)
    guard = {"totp_last_step": user.get("totp_last_step")}
    return User.update(user["_id"], set_={"totp_last_step": step}, query=guard) is not None


def login_passwordless(identifier, totp_code):
    """The user signing in, or `("email_2fa", user)` when a second factor is needed."""
    if not identifier or not totp_code:
        raise ValidationFailed("Username/email and authentication code are required")
    if len(totp_code) != 6:
        raise Unauthorized("Authentication code is required")
    user = User.by_identifier(identifier.strip())
    if user is None or not user.get("totp_enabled") or not _accept_totp(user, totp_code):
        raise Unauthorized(BAD_LOGIN)
    _check_can_sign_in(user)
    return _second_factor_or_user(user)


def _second_factor_or_user(user):
    if (user.get("preferences") or {}).get("email_2fa_enabled"):
        issue_email_code(user, "login", "sign-in")
        return "email_2fa", user
    return "ok", user


def login_backup(identifier, backup_code):
    if not identifier or not backup_code:
        raise ValidationFailed("Username/email and backup code are required")
    if len(backup_code) != 8:
        raise Unauthorized("Valid backup code is required")
    user = User.by_identifier(identifier.strip())
    hashed = crypto.hash_code(backup_code)
    if user is None or hashed not in (user.get("backup_code_hashes") or []):
        raise Unauthorized("Invalid credentials or backup code")
    # Single use: pulled atomically, so the same code cannot sign in twice.
    if User.update(user["_id"], extra={"$pull": {"backup_code_hashes": hashed}},
                   query={"backup_code_hashes": hashed}) is None:
        raise Unauthorized("Invalid credentials or backup code")
    _check_can_sign_in(user)
    return user


def login_with_password(username, password, totp_code):
    user = User.by_identifier(username.strip())
    valid = crypto.verify_password(user.get("password_hash") if user else None, password)
    if not valid:
        raise Unauthorized("Invalid credentials")
    if user.get("totp_enabled") and not _accept_totp(user, totp_code or ""):
        raise Unauthorized(BAD_LOGIN)
    _check_can_sign_in(user)
    return _second_factor_or_user(user)


def verify_login_email_2fa(user_id, code):
    if not user_id or not code:
        raise ValidationFailed("User ID and verification code are required")
    user = User.get(user_id)
    if user is None or not check_email_code(user, "login", code):
        raise Unauthorized("Invalid or expired verification code")
    _check_can_sign_in(user)
    return user


def resend_login_email_2fa(user_id):
    """Seconds to wait (0 when a new code was sent)."""
    if not user_id:
        raise ValidationFailed("User ID is required")
    user = User.get(user_id)
    entry = (user or {}).get("email_codes", {}).get("login")
    if user is None or entry is None:
        raise ValidationFailed("Failed to resend verification code")
    waited = (utcnow() - entry["sent_at"]).total_seconds()
    if waited < 60:
        return int(60 - waited) + 1
    issue_email_code(user, "login", "sign-in")
    return 0


def record_login(user, client_ip):
    User.update(user["_id"], set_={"last_login": utcnow(), "last_ip": client_ip})


# ----- signed-in account settings -----

def update_preferences(user, preferences):
    """Merge (not replace) so a screen that sends a few keys keeps the others."""
    updates = {f"preferences.{name}": value for name, value in preferences.items()}
    if updates:
        User.update(user["_id"], set_=updates)


def regenerate_backup_codes(user, totp_code):
    if not user.get("totp_enabled"):
        raise ValidationFailed("2FA not enabled")
    # Always a second factor: backup codes sign in on their own, so minting them
    # with a stolen session alone would turn it into a permanent takeover.
    if not totp_code:
        raise ValidationFailed("Authentication code is required")
    if not _accept_totp(user, totp_code):
        raise ValidationFailed("Invalid authentication code")
    codes, hashes = crypto.new_backup_codes()
    User.update(user["_id"], set_={"backup_code_hashes": hashes})
    return codes


def user_for_wizard(email, user_id):
    """The account a wizard step names, or NotFound."""
    if email:
        user = User.by_email(email)
    elif user_id:
        user = User.get(user_id)
    else:
        raise ValidationFailed("User ID or email is required")
    if user is None:
        raise NotFound("User not found")
    return user


# ----- sign-in by other means (passkeys), TOTP check, password change -----

def finish_sign_in(user):
    """The checks every sign-in ends with: ban, verified email, the email second factor.
    The user, or `("email_2fa", user)` as for login_passwordless."""
    _check_can_sign_in(user)
    return _second_factor_or_user(user)


def verify_totp(user, totp_code, is_setup):
    """`POST /verify-totp`: check a code (replay-guarded), or with `is_setup` enable TOTP.
    Returns the new backup codes when TOTP was just enabled, else None."""
    if not totp_code or len(totp_code) != 6:
        raise ValidationFailed("Invalid user ID or TOTP code")
    if is_setup:
        return complete_totp_setup(user, totp_code)
    if not user.get("totp_enabled"):
        raise ValidationFailed("2FA is not enabled. Please enable 2FA first.")
    if not _accept_totp(user, totp_code):
        raise ValidationFailed("Invalid verification code")
    return None


def change_password(user, current_password, new_password):
    if not user.get("password_hash"):
        raise ValidationFailed("Password change is not available for passwordless accounts")
    if not crypto.verify_password(user["password_hash"], current_password):
        raise ValidationFailed("Current password is incorrect")
    check_password_strength(new_password)
    if current_password == new_password:
        raise ValidationFailed("New password must be different from the current one")
    User.update(user["_id"], set_={"password_hash": crypto.hash_password(new_password)})
