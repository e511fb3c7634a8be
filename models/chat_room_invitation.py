"""Invitations to private chat rooms and group chats."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field


class ChatRoomInvitation(BaseModel):
    collection_name = "chat_room_invitations"
    not_found_message = "Invitation not found"
    fields = {
        "room_id": Field(),
        "invited_user_id": Field(),
        "invited_by": Field(),
        "status": Field("pending"),       # pending | accepted | declined
    }
    indexes = [
        IndexModel([("invited_user_id", ASCENDING), ("status", ASCENDING),
                    ("created_at", DESCENDING)], name="by_invitee"),
        IndexModel([("room_id", ASCENDING), ("invited_user_id", ASCENDING)], name="by_room"),
    ]
