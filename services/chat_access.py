"""Who may see and act in a chat room: the names services have always imported,
answered by the room policy (policies/room.py), which decides from the
caller's facts (policies/facts.py). Nothing here decides on its own."""
from policies.room import (can_moderate, can_read, can_write, check_write, is_banned, is_member,
                           is_topic_banned, membership, readable_room_or_404)
from policies.room import level as permission_level

__all__ = ["can_moderate", "can_read", "can_write", "check_write", "is_banned", "is_member",
           "is_topic_banned", "membership", "permission_level", "readable_room_or_404"]
