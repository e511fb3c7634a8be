"""Legacy topic chat over the socket (realtime.md §3.2, §4.2): the same message
service as REST, with membership/visibility and bans checked on every join."""
from flask_socketio import emit, join_room  # noqa: A004

from schemas.chat import TopicMessageIn
from services import messages
from services.posts import writable_topic
from sockets.common import on_event


def _join_topic_room(user, topic_id):
    # join_topic / leave_topic themselves live in sockets/topics.py.
    topic = writable_topic(topic_id, user)
    join_room(f"topic_{topic['_id']}")
    return topic


@on_event("send_message", TopicMessageIn)
def send_message(user, payload):
    _join_topic_room(user, payload.topic_id)
    message, _created = messages.send_topic_message(payload.topic_id, user, payload)
    emit("message_sent", {"message_id": message["id"],
                          "client_message_id": payload.client_message_id})
