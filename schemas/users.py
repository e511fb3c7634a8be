"""Bodies of the accounts endpoints: users, friends, mutes, silences, deletion."""
from typing import Optional

from pydantic import Field

from utils.validation import Schema

# Base64 of the largest picture plus slack; the service gives the precise 413.
IMAGE_MAX_CHARS = 16 * 1024 * 1024


class ProfileUpdate(Schema):
    """Every field optional; `null` clears pictures and country (§13 item 19)."""

    username: Optional[str] = Field(default=None, max_length=200)
    profile_picture: Optional[str] = Field(default=None, max_length=IMAGE_MAX_CHARS)
    banner: Optional[str] = Field(default=None, max_length=IMAGE_MAX_CHARS)
    country_code: Optional[str] = Field(default=None, max_length=10)

    def changes(self):
        """What the client actually sent (absent keys are left alone)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class CheckUsername(Schema):
    username: str = Field(max_length=200)


class CheckEmail(Schema):
    email: str = Field(max_length=320)


class FriendRequest(Schema):
    to_user_id: Optional[str] = Field(default=None, max_length=100)


class Minutes(Schema):
    """Mute / silence length: -1 until undone, 0 undo, >0 minutes (at most a year)."""

    minutes: int = Field(default=-1, le=525600)


class DeletionCodes(Schema):
    verification_code: Optional[str] = Field(default=None, max_length=20)
    totp_code: Optional[str] = Field(default=None, max_length=20)


class DeleteAccount(DeletionCodes):
    """The SPA nests the codes under `data` (§13 item 3); both shapes are accepted."""

    data: Optional[DeletionCodes] = None

    def codes(self):
        nested = self.data or DeletionCodes()
        return (self.verification_code or nested.verification_code,
                self.totp_code or nested.totp_code)


class ReportProfileImage(Schema):
    reason: str = Field(min_length=1, max_length=200)
    description: Optional[str] = Field(default="", max_length=2000)
