"""Bodies of the /api/topics endpoints. Lengths and characters are checked in
services/topics.py with the contract's messages; here only types and sane caps."""
from typing import List, Optional

from pydantic import Field

from utils.validation import Schema


class TopicSettings(Schema):
    allow_anonymous: Optional[bool] = None
    require_approval: Optional[bool] = None


class CreateTopic(Schema):
    title: Optional[str] = Field(default=None, max_length=1000)
    description: Optional[str] = Field(default=None, max_length=5000)
    tags: Optional[List[str]] = Field(default=None, max_length=100)
    allow_anonymous: bool = True
    require_approval: bool = False
    settings: Optional[TopicSettings] = None


class UpdateTopic(Schema):
    title: Optional[str] = Field(default=None, max_length=1000)
    description: Optional[str] = Field(default=None, max_length=5000)
    tags: Optional[List[str]] = Field(default=None, max_length=100)
    settings: Optional[TopicSettings] = None


class TargetUser(Schema):
    user_id: str = Field(max_length=24)


class AddModerator(TargetUser):
    permissions: Optional[List[str]] = Field(default=None, max_length=10)


class BanUser(TargetUser):
    reason: Optional[str] = Field(default=None, max_length=1000)
    duration_days: Optional[int] = None


class AnonymousName(Schema):
    custom_anonymous_name: Optional[str] = Field(default=None, max_length=200)
    new_name: Optional[str] = Field(default=None, max_length=200)


class Mute(Schema):
    """-1 until undone, 0 undo, >0 minutes (at most a year), as the other mute bodies."""
    minutes: int = Field(-1, ge=-1, le=525600)
