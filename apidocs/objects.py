"""Response models of the main objects, as the server sends them.

Each lists the fields a client may rely on, typed; `extra="allow"` because the
contract's objects carry more (compatibility aliases, per-viewer flags) that
the single-page app reads here and there. Tests validate real responses
against these models and schemathesis checks every response against the
JSON schemas made from them, so a field renamed or retyped in a service
fails the suite.
"""
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

HexId = str  # 24 hex characters; kept a plain string so aliases such as "" stay valid
Timestamp = str  # ISO 8601, UTC


class Out(BaseModel):
    # Built when /api/docs first asks for its JSON Schema, not at start-up (issue 12).
    model_config = ConfigDict(extra="allow", defer_build=True)


class Document(Out):
    """Fields every stored object shares (models/base.py `to_public`)."""

    id: HexId
    created_at: Optional[Timestamp] = None
    updated_at: Optional[Timestamp] = None


class UserBrief(Out):
    id: HexId
    username: str
    profile_picture: Optional[str] = None


class User(Out):
    """The signed-in account (`/api/auth/me`, sign-in responses)."""

    id: HexId
    username: str
    email: Optional[str] = None
    is_admin: bool = False
    totp_enabled: Optional[bool] = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    profile_picture: Optional[str] = None
    created_at: Optional[Timestamp] = None


class TopicFlags(Out):
    allow_anonymous: Optional[bool] = None
    require_approval: Optional[bool] = None


class Topic(Document):
    title: str
    description: Optional[str] = None
    tags: list[str] = Field(default_factory=list)
    owner_id: Optional[HexId] = None
    settings: TopicFlags = Field(default_factory=TopicFlags)
    member_count: int = 0
    post_count: int = 0
    is_public: Optional[bool] = None
    user_permission_level: Optional[int] = None


class Authored(Document):
    """Author fields of posts, comments and messages (aliases hide the user)."""

    user_id: Optional[str] = None
    display_name: Optional[str] = None
    is_anonymous: bool = False
    gif_url: Optional[str] = None


class Post(Authored):
    topic_id: HexId
    title: str
    content: str
    tags: list[str] = Field(default_factory=list)
    upvote_count: int = 0
    downvote_count: int = 0
    score: int = 0
    comment_count: int = 0
    status: Optional[str] = None


class Comment(Authored):
    post_id: HexId
    parent_comment_id: Optional[HexId] = None
    content: str
    upvote_count: int = 0
    downvote_count: int = 0
    score: int = 0
    reply_count: int = 0
    depth: int = 0


class CommentNode(Comment):
    """A comment in the tree of `GET /api/comments/posts/{post_id}/comments`."""

    replies: list["CommentNode"] = Field(default_factory=list)


class ChatRoom(Document):
    name: str
    description: Optional[str] = None
    topic_id: Optional[HexId] = None
    owner_id: Optional[HexId] = None
    is_public: bool = True
    is_group_chat: bool = False
    member_count: int = 0
    message_count: int = 0


class Attachment(Out):
    type: Optional[str] = None
    file_id: Optional[str] = None
    url: Optional[str] = None
    filename: Optional[str] = None
    size: Optional[int] = None
    mime_type: Optional[str] = None


class Message(Authored):
    """A chat-room or topic message."""

    content: str
    message_type: str = "text"
    chat_room_id: Optional[HexId] = None
    topic_id: Optional[HexId] = None
    attachments: list[Attachment] = Field(default_factory=list)


class PrivateMessage(Document):
    from_user_id: HexId
    to_user_id: HexId
    content: str
    message_type: str = "text"
    gif_url: Optional[str] = None
    attachments: list[Attachment] = Field(default_factory=list)
    is_read: bool = False
    is_from_me: Optional[bool] = None


class Conversation(Out):
    """One private conversation, keyed by the other user."""

    other_user_id: HexId
    username: Optional[str] = None
    other_user: UserBrief | dict[str, Any]
    last_message: Optional[PrivateMessage] = None
    unread_count: int = 0
    is_muted: bool = False


class Notification(Document):
    type: str
    title: Optional[str] = None
    message: Optional[str] = None
    data: dict[str, Any] = Field(default_factory=dict)
    is_read: bool = False


class ModerationReport(Document):
    """A report of content or of a user (`Report` is the request body)."""

    content_type: Optional[str] = None
    content_id: Optional[str] = None
    reason: str
    description: Optional[str] = None
    status: str
    report_type: Optional[str] = None


class Ticket(Document):
    subject: str
    description: Optional[str] = None
    category: Optional[str] = None
    status: str
    priority: Optional[str] = None


class CallParticipant(Out):
    user_id: str
    username: Optional[str] = None
    is_muted: bool = False


class Call(Document):
    """A voice call (Socket.IO payloads `voip_call_created`, `voip_active_call`, ...)."""

    room_id: str
    room_type: str
    status: str
    participants: list[CallParticipant] = Field(default_factory=list)


class Gif(Out):
    """A GIF as posts, comments and messages carry it: the provider's media URL."""

    url: str
    preview_url: Optional[str] = None
    title: Optional[str] = None


class IceServer(Out):
    urls: str | list[str]
    username: Optional[str] = None
    credential: Optional[str] = None


class IceServers(Out):
    ice_servers: list[IceServer]
    ttl: Optional[int] = None


class Pagination(Out):
    limit: int
    offset: int
    total: int
    has_more: bool


class ErrorEnvelope(BaseModel):
    """Every refusal (utils/errors.py): `errors` for most screens, `error` for the rest."""

    model_config = ConfigDict(extra="allow", defer_build=True)
    success: bool = False
    errors: list[str]
    error: str


MAIN_OBJECTS = [User, Topic, Post, Comment, CommentNode, ChatRoom, Message, PrivateMessage,
                Conversation, Notification, ModerationReport, Ticket, Call, Gif, IceServers,
                Pagination, ErrorEnvelope]
