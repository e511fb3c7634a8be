"""Request bodies and socket payloads of chat rooms, messages and DMs."""
from typing import Optional

from pydantic import Field, field_validator

from schemas import is_https_url
from utils.validation import Schema

ID = Field(pattern=r"^[0-9a-fA-F]{24}$")


class AttachmentIn(Schema):
    type: Optional[str] = None
    filename: str = Field("file", max_length=255)
    mime_type: str = Field("", max_length=100)
    size: Optional[int] = None
    data: str


def _gif_url(value):
    if value in (None, ""):
        return None
    if len(value) > 1000 or not is_https_url(value):
        raise ValueError("must be an https URL")
    return value


class MessageBody(Schema):
    """The fields every message send shares (room, topic chat, DM; REST and socket)."""
    content: str = ""
    message_type: str = Field("text", max_length=20)
    gif_url: Optional[str] = None
    attachments: list[AttachmentIn] = []
    use_anonymous: bool = False
    client_message_id: Optional[str] = Field(None, min_length=1, max_length=64)

    _check_gif = field_validator("gif_url")(lambda cls, v: _gif_url(v))


class TopicMessageIn(MessageBody):
    topic_id: str = Field(min_length=1, max_length=64)


class PrivateMessageIn(MessageBody):
    to_user_id: str = Field(min_length=1)


class CreateRoom(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    is_public: bool = True
    tags: list[str] = Field([], max_length=20)
    voip_enabled: bool = True
    picture: Optional[str] = None
    background_picture: Optional[str] = None


class CreateGroup(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    invited_users: list[str] = Field([], max_length=100)
    voip_enabled: bool = True
    picture: Optional[str] = None
    background_picture: Optional[str] = None


class UpdateRoom(Schema):
    name: Optional[str] = Field(None, min_length=1, max_length=100)
    description: Optional[str] = Field(None, max_length=500)


class PictureIn(Schema):
    picture: Optional[str] = Field(None, max_length=3_000_000)


class BackgroundIn(Schema):
    background_picture: Optional[str] = Field(None, max_length=3_000_000)


class SettingsIn(Schema):
    voip_enabled: Optional[bool] = None
    slow_mode_seconds: Optional[int] = Field(None, ge=0, le=3600)


class ReasonData(Schema):
    reason: Optional[str] = Field(None, max_length=500)


class DeleteMessageIn(Schema):
    """The reason in any of the shapes the contract shows (§13.1)."""
    deletion_reason: Optional[str] = Field(None, max_length=500)
    reason: Optional[str] = Field(None, max_length=500)
    data: Optional[ReasonData] = None

    def the_reason(self):
        nested = self.data.reason if self.data else None
        return (self.deletion_reason or self.reason or nested or "").strip() or None


class UserRef(Schema):
    user_id: Optional[str] = None
    username: Optional[str] = Field(None, max_length=50)


class MuteIn(Schema):
    minutes: int = Field(-1, ge=-1, le=60 * 24 * 365)


class ReportIn(Schema):
    reason: str = Field(min_length=3, max_length=500)
    description: str = Field("", max_length=2000)


class RoomRef(Schema):
    room_id: str = Field(min_length=1, max_length=64)



class TypingIn(Schema):
    topic_id: Optional[str] = None
    room_id: Optional[str] = None
    chat_room_id: Optional[str] = None
    to_user_id: Optional[str] = None


class MarkReadIn(Schema):
    from_user_id: str = Field(min_length=1, max_length=64)


class DmMuteIn(Schema):
    minutes: int = Field(0, ge=-1, le=60 * 24 * 365)
