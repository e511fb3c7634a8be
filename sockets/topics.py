"""join_topic / leave_topic / join_post / leave_post (realtime.md §3.2-3.3).

Every join re-checks visibility, bans and (for invite-only topics)
membership, so a socket never listens to a room its user cannot read.
"""
from flask_socketio import emit, join_room, leave_room  # noqa: A004
from pydantic import Field

from services import anonymous_identities
from services.posts import visible_post_or_404, writable_topic
from sockets.common import on_event
from utils.validation import Schema


class TopicPayload(Schema):
    topic_id: str = Field(max_length=64)


class PostPayload(Schema):
    post_id: str = Field(max_length=64)


@on_event("join_topic", TopicPayload)
def join_topic(user, payload):
    topic = writable_topic(payload.topic_id, user)
    join_room(f"topic_{topic['_id']}")
    emit("topic_joined", {"topic_id": str(topic["_id"]), "topic_title": topic["title"]})


@on_event("leave_topic", TopicPayload)
def leave_topic(user, payload):
    leave_room(f"topic_{payload.topic_id}")
    emit("topic_left", {"topic_id": payload.topic_id})


@on_event("join_post", PostPayload)
def join_post(user, payload):
    post, topic = visible_post_or_404(payload.post_id, user)
    writable_topic(topic["_id"], user)
    join_room(f"post_{post['_id']}")
    emit("post_joined", {"post_id": str(post["_id"]), "post_title": post["title"]})


@on_event("leave_post", PostPayload)
def leave_post(user, payload):
    leave_room(f"post_{payload.post_id}")
    emit("post_left", {"post_id": payload.post_id})


class AnonymousNamePayload(Schema):
    topic_id: str = Field(max_length=64)
    new_name: str = Field(max_length=100)


@on_event("update_anonymous_name", AnonymousNamePayload)
def update_anonymous_name(user, payload):
    """The same service as PUT /api/topics/<id>/anonymous-identity. The older
    server also told the topic room `user_anonymous_name_changed` with the
    real user id next to the alias; that would unmask the alias, so only the
    caller hears about it."""
    identity = anonymous_identities.set_identity(user, payload.topic_id, payload.new_name)
    emit("anonymous_name_updated", identity)
