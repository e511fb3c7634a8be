"""Private-message socket events (realtime.md §3.4, §4.5). Same service as REST."""
from flask_socketio import emit  # noqa: A004

from schemas.chat import MarkReadIn, PrivateMessageIn
from services import private_messages
from sockets.common import on_event


@on_event("send_private_message", PrivateMessageIn)
def send_private_message(user, payload):
    message, _created = private_messages.send(user, payload)
    emit("private_message_confirmed", {"message_id": message["id"],
                                       "client_message_id": payload.client_message_id})


@on_event("mark_messages_read", MarkReadIn)
def mark_messages_read(user, payload):
    private_messages.mark_read(user, payload.from_user_id)
