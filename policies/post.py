"""Posts and comments (anonymous ones included): who may view, write, delete, list.

A post or comment is seen by whoever may see its topic (policies/topic.py); an
anonymous post follows the same rule, only its author is hidden. Writing (a
post, a comment, a vote) needs the topic's write permission; deleting needs
authorship or the topic's moderation.
"""
from policies import topic as topic_policy
from policies.lists import exclude_hidden


def can_view(post, topic, user):
    return topic is not None and topic_policy.can_view(topic, user)


def can_write(topic, user):
    """May `user` post or comment in `topic`?"""
    return topic_policy.can_write(topic, user)


def can_moderate(topic, user):
    return user is not None and topic_policy.can_moderate(topic, user)


def can_delete(doc, topic, user):
    """The author, a moderator or owner of the topic, or an admin."""
    if user is None:
        return False
    return doc.get("user_id") == user["_id"] or can_moderate(topic, user)


def list_filter(topic, user):
    """The posts of `topic` (already known visible) that `user` may list."""
    return exclude_hidden({"topic_id": topic["_id"], "is_deleted": False}, user, "post")
