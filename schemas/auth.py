"""Bodies of the /api/auth endpoints."""
from typing import Any, Optional

from pydantic import Field, field_validator

from utils.validation import Schema


class RegisterPasswordless(Schema):
    username: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)
    language: Optional[str] = Field(default=None, max_length=20)


class RegisterWithPassword(RegisterPasswordless):
    password: str = Field(min_length=8, max_length=128)


class WizardTarget(Schema):
    """The anonymous wizard steps name the account by email or user id."""

    email: Optional[str] = Field(default=None, max_length=320)
    user_id: Optional[str] = Field(default=None, max_length=24)


class VerifyEmail(WizardTarget):
    code: Optional[str] = Field(default=None, max_length=20)


class ResendVerification(WizardTarget):
    language: Optional[str] = Field(default=None, max_length=20)


class CompleteTotp(WizardTarget):
    totp_code: Optional[str] = Field(default=None, max_length=20)


class SetRecoveryCode(WizardTarget):
    recovery_code: Optional[str] = Field(default=None, max_length=200)


class LoginPasswordless(Schema):
    identifier: Optional[str] = Field(default=None, max_length=320)
    totp_code: Optional[str] = Field(default=None, max_length=20)


class LoginBackup(Schema):
    identifier: Optional[str] = Field(default=None, max_length=320)
    backup_code: Optional[str] = Field(default=None, max_length=20)


class LoginWithPassword(Schema):
    username: str = Field(max_length=320)
    password: str = Field(max_length=128)
    totp_code: Optional[str] = Field(default=None, max_length=20)


class VerifyLoginEmail(Schema):
    user_id: Optional[str] = Field(default=None, max_length=24)
    code: Optional[str] = Field(default=None, max_length=20)


class ResendLoginEmail(Schema):
    user_id: Optional[str] = Field(default=None, max_length=24)


class BackupCodes(Schema):
    totp_code: Optional[str] = Field(default=None, max_length=20)


class Preferences(Schema):
    preferences: dict[str, Any]

    @field_validator("preferences")
    @classmethod
    def plain_values(cls, value):
        if len(value) > 50:
            raise ValueError("has too many keys")
        for name, item in value.items():
            # MongoDB stores each key as a field name: none empty, with "$", "." or NUL.
            if not name or name.startswith("$") or "." in name or "\x00" in name \
                    or len(name) > 50:
                raise ValueError(f"key {name!r} is not allowed")
            if not isinstance(item, (str, bool, int, float, type(None))):
                raise ValueError(f"{name} must be a plain value")
            if isinstance(item, str) and len(item) > 200:
                raise ValueError(f"{name} is too long")
        if value.get("theme") not in (None, "dark", "light"):
            raise ValueError("Invalid theme")
        if value.get("language") not in (None, "en", "pt"):
            raise ValueError("Invalid language")
        # email settings (issue 15)
        if not isinstance(value.get("email_missed_messages", False), bool):
            raise ValueError("Invalid email_missed_messages")
        if value.get("email_digest") not in (None, "off", "daily", "weekly"):
            raise ValueError("Invalid email_digest")
        return value


class RecoveryInitiate(Schema):
    email: Optional[str] = Field(default=None, max_length=320)
    language: Optional[str] = Field(default=None, max_length=20)


class RecoveryEmailCode(Schema):
    email: Optional[str] = Field(default=None, max_length=320)
    code: Optional[str] = Field(default=None, max_length=20)


class RecoveryUserCode(Schema):
    email: Optional[str] = Field(default=None, max_length=320)
    recovery_code: Optional[str] = Field(default=None, max_length=200)
    language: Optional[str] = Field(default=None, max_length=20)


class RecoveryCompleteTotp(Schema):
    email: Optional[str] = Field(default=None, max_length=320)
    totp_code: Optional[str] = Field(default=None, max_length=20)
