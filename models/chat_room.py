"""Chat rooms (inside topics, or group chats with topic_id None), their members and bans."""
from pymongo import ASCENDING, DESCENDING, IndexModel

from models.base import BaseModel, Field

OWNER, MODERATOR, MEMBER, NONE = 3, 2, 1, 0
ROLE_LEVEL = {"owner": OWNER, "moderator": MODERATOR, "member": MEMBER}


class ChatRoom(BaseModel):
    collection_name = "chat_rooms"
    not_found_message = "Chat room not found"
    soft_delete = True
    fields = {
        "topic_id": Field(None),
        "name": Field(),
        "name_lower": Field(private=True),
        "description": Field(""),
        "owner_id": Field(),
        "tags": Field(list),
        "is_public": Field(True),
        "is_group_chat": Field(False),
        "picture": Field(None),
        "background_picture": Field(None),
        "voip_enabled": Field(True),
        "settings": Field(dict),
        "member_count": Field(0),
        "message_count": Field(0),
        "last_activity": Field(None),
    }
    indexes = [
        IndexModel([("topic_id", ASCENDING), ("last_activity", DESCENDING)], name="by_topic"),
        IndexModel([("is_group_chat", ASCENDING), ("name_lower", ASCENDING)], name="group_name"),
        IndexModel([("owner_id", ASCENDING)], name="by_owner"),
    ]


class ChatRoomMember(BaseModel):
    collection_name = "chat_room_members"
    fields = {
        "room_id": Field(),
        "user_id": Field(),
        "role": Field("member"),
        "added_by": Field(None),
        "muted_until": Field(None),  # notifications of this room muted until then
    }
    indexes = [
        IndexModel([("room_id", ASCENDING), ("user_id", ASCENDING)], unique=True,
                   name="room_user_unique"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user"),
        IndexModel([("room_id", ASCENDING), ("role", ASCENDING)], name="by_room_role"),
    ]


class ChatRoomBan(BaseModel):
    collection_name = "chat_room_bans"
    fields = {"room_id": Field(), "user_id": Field(), "banned_by": Field(), "reason": Field("")}
    indexes = [
        IndexModel([("room_id", ASCENDING), ("user_id", ASCENDING)], unique=True,
                   name="room_user_unique"),
        # a user's bans, read by the policy facts loader (policies/facts.py)
        IndexModel([("user_id", ASCENDING)], name="by_user"),
    ]
