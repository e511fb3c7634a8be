"""Users: accounts, credentials (all hashed or encrypted), preferences, bans, warnings."""
import re

from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field, to_json_safe

USERNAME_RE = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$")
EMAIL_RE = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$")

# Never leaves the server, whatever serialiser is used.
SECRET_FIELDS = {
    "password_hash", "totp_secret_enc", "backup_code_hashes", "recovery_code_hash",
    "email_codes", "last_ip", "username_lower", "totp_last_step",
}


class User(BaseModel):
    collection_name = "users"
    not_found_message = "User not found"
    fields = {
        "username": Field(),
        "username_lower": Field(private=True),
        "email": Field(),
        "email_verified": Field(False),
        "password_hash": Field(private=True),
        "totp_secret_enc": Field(private=True),
        "totp_enabled": Field(False),
        "totp_last_step": Field(None, private=True),
        "backup_code_hashes": Field(list, private=True),
        "recovery_code_hash": Field(private=True),
        "email_codes": Field(dict, private=True),
        "preferences": Field(dict),
        "profile_picture": Field(None),
        "banner": Field(None),
        "country_code": Field(None),
        "phone": Field(None),
        "is_admin": Field(False),
        "is_banned": Field(False),
        "ban_reason": Field(None),
        "banned_at": Field(None),
        "ban_expires_at": Field(None),
        "banned_by": Field(None),
        "active_warning": Field(None),
        "last_login": Field(None),
        "last_seen": Field(None),
        "last_ip": Field(None, private=True),
        "is_deleted": Field(False),
        # accounts issue: dismissed/cleared warnings, account deletion
        "warning_history": Field(list),
        "deleted_at": Field(None),
    }
    indexes = [
        IndexModel([("username_lower", ASCENDING)], unique=True, name="username_unique"),
        IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),
        IndexModel([("is_banned", ASCENDING), ("banned_at", DESCENDING)], name="banned"),
        IndexModel([("created_at", DESCENDING)], name="created"),
    ]

    @classmethod
    def by_username(cls, username):
        if not isinstance(username, str):
            return None
        return cls.find_one({"username_lower": username.lower()})

    @classmethod
    def by_email(cls, email):
        if not isinstance(email, str):
            return None
        return cls.find_one({"email": normalise_email(email)})

    @classmethod
    def by_identifier(cls, identifier):
        """Login accepts a username or an email."""
        if "@" in identifier:
            return cls.by_email(identifier)
        return cls.by_username(identifier)


def normalise_email(email):
    return email.strip().lower()


def login_user_view(user):
    """LoginUser (rest-accounts §2): what every login endpoint returns."""
    return {
        "id": str(user["_id"]),
        "username": user["username"],
        "email": user["email"],
        "preferences": user.get("preferences") or {},
        "totp_enabled": bool(user.get("totp_enabled")),
        "is_admin": bool(user.get("is_admin")),
    }


def me_user_view(user):
    """MeUser (rest-accounts §12.1)."""
    view = login_user_view(user)
    view.update({
        "phone": user.get("phone"),
        "profile_picture": user.get("profile_picture"),
        "banner": user.get("banner"),
        "country_code": user.get("country_code"),
        "created_at": to_json_safe(user.get("created_at")),
        "last_login": to_json_safe(user.get("last_login")),
        "active_warning": to_json_safe(user.get("active_warning")),
    })
    return view


def public_user_view(user, is_online=False):
    """PublicUser (rest-accounts §12.2): never an email, hash, code or TOTP field."""
    last_seen = None if is_online else (user.get("last_seen") or user.get("last_login"))
    return {
        "id": str(user["_id"]),
        "_id": str(user["_id"]),
        "username": user["username"],
        "profile_picture": user.get("profile_picture"),
        "banner": user.get("banner"),
        "country_code": user.get("country_code"),
        "created_at": to_json_safe(user.get("created_at")),
        "last_login": to_json_safe(user.get("last_login")),
        "last_seen": to_json_safe(last_seen),
        "is_online": bool(is_online),
    }
