"""Voice calls (rest-content §11.14): one document per call, participants embedded.

At most one call per room is `active`: a unique index restricted to active
calls makes "create unless one is running" atomic, even across processes.
"""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

ACTIVE, ENDED = "active", "ended"


class VoipCall(BaseModel):
    collection_name = "voip_calls"
    not_found_message = "Call not found or already ended"
    fields = {
        "room_id": Field(),        # chat-room hex id (group) or "<idA>_<idB>" sorted (dm)
        "room_type": Field("group"),
        "room_name": Field(None),
        "created_by": Field(),
        # {user_id, username, profile_picture, joined_at, last_heartbeat,
        #  is_muted, is_disconnected}
        "participants": Field(list),
        "status": Field(ACTIVE),
        "ended_at": Field(None),
        "end_reason": Field(None),
    }
    indexes = [
        IndexModel([("room_id", ASCENDING)], unique=True, name="one_active_per_room",
                   partialFilterExpression={"status": ACTIVE}),
        IndexModel([("participants.user_id", ASCENDING), ("status", ASCENDING)],
                   name="by_participant"),
        IndexModel([("status", ASCENDING), ("created_at", DESCENDING)], name="by_status"),
    ]

    @classmethod
    def active(cls, call_id):
        call = cls.get(call_id)
        return call if call is not None and call["status"] == ACTIVE else None

    @classmethod
    def active_in_room(cls, room_id):
        return cls.find_one({"room_id": room_id, "status": ACTIVE})

    @classmethod
    def active_for_user(cls, user_id):
        return cls.find_one({"participants.user_id": user_id, "status": ACTIVE},
                            sort=[("created_at", DESCENDING)])


def participant(call, user_id):
    """The participant entry of `user_id` (an ObjectId) in `call`, or None."""
    return next((p for p in call["participants"] if p["user_id"] == user_id), None)
