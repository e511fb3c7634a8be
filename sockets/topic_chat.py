"""Legacy topic chat over the socket (realtime.md §3.2, §4.2): the same message
service as REST, with membership/visibility and bans checked on every join."""
from flask_socketio import emit, join_room, leave_room  # noqa: A004

from schemas.chat import TopicMessageIn, TopicRef
from services import messages, topic_access
from sockets.common import on_event


def _join_topic_room(user, topic_id):
    topic = topic_access.visible_topic_or_404(topic_id, user)
    topic_access.require_not_banned(topic["_id"], user)
    join_room(f"topic_{topic['_id']}")
    return topic


@on_event("join_topic", TopicRef)
def join_topic(user, payload):
    topic = _join_topic_room(user, payload.topic_id)
    emit("topic_joined", {"topic_id": str(topic["_id"]), "topic_title": topic["title"]})


@on_event("leave_topic", TopicRef)
def leave_topic(user, payload):
    leave_room(f"topic_{payload.topic_id}")
    emit("topic_left", {"topic_id": payload.topic_id})


@on_event("send_message", TopicMessageIn)
def send_message(user, payload):
    _join_topic_room(user, payload.topic_id)
    message, _created = messages.send_topic_message(payload.topic_id, user, payload)
    emit("message_sent", {"message_id": message["id"],
                          "client_message_id": payload.client_message_id})
