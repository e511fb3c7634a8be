"""Per-topic pseudonyms (rest-content §3.10).

An alias is shown on posts and comments instead of the author; no normal read
ever pairs it with the real account: only its owner sees their own aliases.
"""
import random
import re

from pymongo.errors import DuplicateKeyError

from models.anonymous_identity import AnonymousIdentity
from models.base import parse_id, to_json_safe
from models.topic import Topic
from services import realtime
from services.topic_access import require_not_banned, visible_topic_or_404
from utils.errors import NotFound, ValidationFailed
from utils.time import utcnow

RESERVED = {"fuck", "shit", "cunt", "bitch", "asshole", "admin", "moderator"}
ADJECTIVES = ("Silent", "Brave", "Clever", "Gentle", "Swift", "Quiet", "Bright", "Calm",
              "Curious", "Lucky", "Mellow", "Witty", "Bold", "Hidden", "Nimble")
NOUNS = ("Owl", "Fox", "Otter", "Falcon", "Panda", "Raven", "Tiger", "Heron", "Badger",
         "Lynx", "Koala", "Wolf", "Sparrow", "Dolphin", "Moose")


def clean_name(raw):
    """Letters, digits and spaces only, 3-20 characters, each word capitalised; None if invalid."""
    if not isinstance(raw, str):
        return None
    words = re.sub(r"[^A-Za-z0-9 ]", "", raw).split()
    name = " ".join(word[:1].upper() + word[1:] for word in words)
    if not 3 <= len(name) <= 20:
        return None
    if any(word.lower() in RESERVED for word in words) or name.lower() in RESERVED:
        return None
    return name


def _random_name():
    return f"{random.choice(ADJECTIVES)}{random.choice(NOUNS)}{random.randint(1, 999)}"


def _store(user_id, topic_id, base):
    """Upsert the caller's alias, suffixing 1, 2, ... until it is unique in the topic."""
    user_id, topic_id = parse_id(user_id), parse_id(topic_id)
    for attempt in range(50):
        name = base if attempt == 0 else f"{base}{attempt}"
        try:
            AnonymousIdentity.collection().update_one(
                {"topic_id": topic_id, "user_id": user_id},
                {"$set": {"anonymous_name": name, "name_lower": name.lower(), "updated_at": utcnow()},
                 "$setOnInsert": {"created_at": utcnow()}},
                upsert=True)
            return name
        except DuplicateKeyError:
            continue
    raise ValidationFailed("Failed to update anonymous identity. Name may be invalid.")


def find_identity(user_id, topic_id):
    return AnonymousIdentity.find_one({"topic_id": parse_id(topic_id), "user_id": parse_id(user_id)})


def ensure_identity(user, topic):
    """The caller's alias in `topic`, created on the fly (post creation)."""
    existing = find_identity(user["_id"], topic["_id"])
    if existing:
        return existing["anonymous_name"]
    name = _store(user["_id"], topic["_id"], _random_name())
    _announce(user, topic["_id"], name)
    return name


def _announce(user, topic_id, name):
    realtime.emit_to_user(user["_id"], "anonymous_identity_updated",
                          {"user_id": user["_id"], "topic_id": topic_id, "anonymous_name": name})


def get_identity(user, topic_id):
    topic = visible_topic_or_404(topic_id, user)
    existing = find_identity(user["_id"], topic["_id"])
    return {"anonymous_name": existing["anonymous_name"] if existing else None,
            "topic_id": str(topic["_id"])}


def set_identity(user, topic_id, raw_name):
    topic = visible_topic_or_404(topic_id, user)
    require_not_banned(topic["_id"], user)
    if not raw_name or not str(raw_name).strip():
        raise ValidationFailed("Anonymous name is required")
    name = clean_name(raw_name)
    if name is None:
        raise ValidationFailed("Failed to update anonymous identity. Name may be invalid.")
    current = find_identity(user["_id"], topic["_id"])
    if not (current and current["anonymous_name"] == name):
        name = _store(user["_id"], topic["_id"], name)
    _announce(user, topic["_id"], name)
    return {"anonymous_name": name, "topic_id": str(topic["_id"])}


def list_identities(user):
    docs = AnonymousIdentity.find({"user_id": parse_id(user["_id"])},
                                  sort=[("created_at", -1)], limit=500)
    topics = {t["_id"]: t for t in Topic.by_ids([d["topic_id"] for d in docs],
                                                include_deleted=True, projection={"title": 1})}
    out = []
    for doc in docs:
        topic = topics.get(doc["topic_id"])
        out.append(to_json_safe({
            "id": doc["_id"], "_id": doc["_id"], "topic_id": doc["topic_id"],
            "topic_title": topic["title"] if topic else "Deleted Topic",
            "anonymous_name": doc["anonymous_name"], "identity_name": doc["anonymous_name"],
            "created_at": doc["created_at"], "last_used": doc.get("updated_at")}))
    return out


def delete_identity(user, topic_id):
    oid = parse_id(topic_id)
    result = AnonymousIdentity.collection().delete_one({"topic_id": oid, "user_id": parse_id(user["_id"])}) \
        if oid else None
    if result is None or result.deleted_count == 0:
        raise NotFound("Anonymous identity not found")
    realtime.emit_to_user(user["_id"], "anonymous_identity_deleted",
                          {"user_id": user["_id"], "topic_id": oid})
    return True
