"""Bodies of the /api/comments endpoints."""
from typing import Optional

from pydantic import Field

from utils.validation import Schema


class CreateComment(Schema):
    content: Optional[str] = Field(default=None, max_length=20000)
    gif_url: Optional[str] = Field(default=None, max_length=2000)
    use_anonymous: bool = False


class DeleteReason(Schema):
    reason: Optional[str] = Field(default=None, max_length=1000)
