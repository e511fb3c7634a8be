"""Topic membership writes and the moderator list, below both topics.py and
topic_moderation.py (which each use them), so neither imports the other's callers."""
from models.base import parse_id, to_json_safe
from models.topic import Topic, TopicMember
from models.user import User
from policies import facts
from utils.time import utcnow


def moderators_of(topic_id):
    members = TopicMember.find({"topic_id": parse_id(topic_id), "role": "moderator"},
                               sort=[("created_at", 1)], limit=100)
    users = {u["_id"]: u for u in User.find({"_id": {"$in": [m["user_id"] for m in members]}},
                                            projection={"username": 1})}
    return [to_json_safe({"id": m["user_id"], "user_id": m["user_id"],
                          "username": users[m["user_id"]]["username"] if m["user_id"] in users else None,
                          "added_at": m.get("updated_at") or m["created_at"],
                          "added_by": m.get("added_by"), "permissions": m.get("permissions") or []})
            for m in members]


def add_member(topic, user_id, role="member", added_by=None, permissions=None):
    """Make `user_id` a member with `role` (upsert); True when they were not a member before."""
    result = TopicMember.collection().update_one(
        {"topic_id": topic["_id"], "user_id": parse_id(user_id)},
        {"$set": {"role": role, "added_by": parse_id(added_by) if added_by else None,
                  "permissions": permissions or [], "updated_at": utcnow()},
         "$setOnInsert": {"created_at": utcnow()}},
        upsert=True)
    facts.invalidate(user_id)
    if result.upserted_id is not None:
        Topic.update(topic["_id"], extra={"$inc": {"member_count": 1}})
        return True
    return False
