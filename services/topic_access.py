"""Who may see and act in a topic: the names services have always imported,
answered by the topic policy (policies/topic.py), which decides from the
caller's facts (policies/facts.py). Nothing here decides on its own."""
from policies.topic import (can_moderate, can_view, can_write, has_pending_invitation,
                            is_banned, is_invite_only, require_level, require_not_banned,
                            visible_topic_or_404, writable_topic_or_403)
from policies.topic import level as permission_level

__all__ = ["can_moderate", "can_view", "can_write", "has_pending_invitation", "is_banned",
           "is_invite_only", "permission_level", "require_level", "require_not_banned",
           "visible_topic_or_404", "writable_topic_or_403"]
