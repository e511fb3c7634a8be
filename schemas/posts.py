"""Bodies of the /api/posts endpoints (text rules are applied in the services)."""
from typing import List, Optional, Union

from pydantic import Field

from utils.validation import Schema


class CreatePost(Schema):
    title: Optional[str] = Field(default=None, max_length=5000)
    content: Optional[str] = Field(default=None, max_length=20000)
    gif_url: Optional[str] = Field(default=None, max_length=2000)
    use_anonymous: bool = False
    tags: Optional[Union[List[str], str]] = Field(default=None)


class Report(Schema):
    reason: str = Field(max_length=5000)
    description: Optional[str] = Field(default=None, max_length=5000)


class PostStatus(Schema):
    status: str = Field(max_length=20)
    reason: Optional[str] = Field(default=None, max_length=5000)


class DeleteReason(Schema):
    reason: Optional[str] = Field(default=None, max_length=1000)
