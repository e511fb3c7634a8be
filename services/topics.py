"""Topics: create, list/search, read, update, delete, join, leave (rest-content §3).

Reads are cached (services/content_cache.py) as the view every caller shares;
the caller's `user_permission_level` is added per request from the indexed
`topic_members` lookup, so no user's level is ever served to another.
"""
import re
from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.post import Post
from models.topic import NONE, OWNER, ROLE_LEVEL, Topic, TopicMember
from models.topic_invitation import TopicInvitation
from models.topic_mute import TopicMute
from models.user import User
from policies import facts
from policies import topic as topic_policy
from policies.lists import exclude_hidden
from policies.topic import can_view, is_invite_only, require_not_banned, visible_topic_or_404
from services import anonymous_identities, realtime
from services.content_cache import TOPIC_LIST, TTL, invalidate_topic, topic_ns
from services.topic_members import moderators_of
from services.topic_moderation import evict_from_topic_rooms, evict_non_members
from utils import cache
from utils.errors import Conflict, Forbidden, NotFound, ValidationFailed
from utils.queries import hinted_count, hinted_find
from utils.text import escape_search, sanitize_text
from utils.time import utcnow

TITLE_RE = re.compile(r"^[A-Za-z0-9 \-_.,!?()\[\]{}]+$")
TAG_RE = re.compile(r"^[a-z0-9_]{2,20}$")
# sort key -> the index that serves it (models/topic.py)
SORTS = {"last_activity": "by_activity", "member_count": "by_members", "created_at": "by_created"}


# ----- validation -----

def title_errors(title):
    if title is None or not title.strip():
        return ["Title is required"]
    title = title.strip()
    if len(title) < 3:
        return ["Title must be at least 3 characters long"]
    if len(title) > 100:
        return ["Title must be less than 100 characters long"]
    if not TITLE_RE.match(title):
        return ["Title contains invalid characters"]
    return []


def clean_tags(tags):
    """(tags, errors): trimmed, lowercased, deduplicated, each checked."""
    tags = tags or []
    if len(tags) > 10:
        return [], ["Maximum 10 tags allowed"]
    cleaned, errors = [], []
    for raw in tags:
        tag = raw.strip().lower()
        if not TAG_RE.match(tag):
            errors.append(f'Tag "{tag[:20]}" must be 2-20 characters of letters, digits or _')
        elif tag not in cleaned:
            cleaned.append(tag)
    return cleaned, errors


def clean_description(description):
    description = sanitize_text(description or "").strip()
    if len(description) > 500:
        raise ValidationFailed("Description must be less than 500 characters long")
    return description


def _check_unique_title(title, topic_id=None):
    existing = Topic.find_one({"title_lower": title.lower()}, include_deleted=True)
    if existing and existing["_id"] != topic_id:
        raise Conflict(f'Topic with title "{title}" already exists')


# ----- views -----

def _owners(topics):
    ids = list({t["owner_id"] for t in topics if t.get("owner_id")})
    return {u["_id"]: u for u in User.find({"_id": {"$in": ids}}, projection={"username": 1})}


def shared_view(topic, owners):
    """What every caller sees of a topic (no member list, no caller level)."""
    view = Topic.to_public(topic)
    owner = owners.get(topic.get("owner_id"))
    if owner:
        view["owner"] = {"id": str(owner["_id"]), "username": owner["username"]}
    return view


def personal(view, level, muted=False):
    return {**view, "user_permission_level": level, "is_muted": muted}


# ----- reads -----

def list_query(user, tags=None, search=None):
    """The topic-list filter for this caller: the topic policy's list filter (from the
    caller's cached facts), narrowed by tags and search, without what they hid."""
    # Equality on `is_deleted` at the top level lets the planner use the sort indexes.
    query, clauses = {"is_deleted": False}, []
    visible = topic_policy.list_filter(user)
    if visible:
        clauses.append(visible)
    if tags:
        query["tags"] = {"$in": tags}
    if search:
        pattern = {"$regex": escape_search(search), "$options": "i"}
        clauses.append({"$or": [{"title": pattern}, {"description": pattern}, {"tags": pattern}]})
    if clauses:
        query["$and"] = clauses
    return exclude_hidden(query, user, "topic")


def list_params(sort_by="last_activity", tags=None, search=None):
    """(sort_by, tags, search) as the list reads them: unknown sorts fall back, tags trimmed."""
    tags = [t.strip().lower() for t in (tags or []) if t.strip()][:10]
    return (sort_by if sort_by in SORTS else "last_activity"), tags, search


def list_page_key(fingerprint, sort_by, tags, search, limit, offset):
    """A shared page of the list: the caller's part is their facts' list fingerprint."""
    return cache.versioned_key(TOPIC_LIST, fingerprint,
                               cache.digest([sort_by, tags, search, limit, offset]))


def list_names(sort_by="last_activity", tags=None, search=None, limit=20, offset=0):
    """What `list_topics` reads for a signed-in caller (utils/prefetch_plans.py)."""
    return (list_page_key(cache.LIST_FP, *list_params(sort_by, tags, search), limit, offset),)


def list_topics(user, sort_by="last_activity", tags=None, search=None, limit=20, offset=0):
    """(topics, total) for the caller: invite-only topics only where they belong.

    The caller's part (filter, levels, mutes) comes from their facts: one Redis read
    when cached, whatever the number of topics they belong to."""
    mine = facts.of(user)
    sort_by, tags, search = list_params(sort_by, tags, search)
    sort, index = [(sort_by, -1), ("_id", -1)], SORTS[sort_by]
    # An admin's list has no visibility filter: never shared with a member's.
    fingerprint = ("admin-" if topic_policy.is_admin(user) else "") + mine.list_fp
    name = list_page_key(fingerprint, sort_by, tags, search, limit, offset)

    def load():  # the query only on a miss: the key says everything it depends on
        query = list_query(user, tags, search)
        topics = hinted_find(Topic, query, sort, index, skip=offset, limit=limit)
        owners = _owners(topics)
        return {"items": [shared_view(t, owners) for t in topics],
                "total": hinted_count(Topic, query, index)}

    page = cache.cached(name, TTL, load, loads=cache.load_shared)  # `personal` copies
    # Per topic on the page: never "all of the user's mutes" per request.
    items = [personal(view, ROLE_LEVEL.get(mine.topic_role(view["id"]), NONE),
                      mine.topic_muted(view["id"]))
             for view in page["items"]]
    return items, page["total"]


def view_names(topic_id):
    """What `get_topic` reads (utils/prefetch_plans.py)."""
    oid = parse_id(topic_id)
    return () if oid is None else (_view_key(oid),)


def _view_key(oid):
    return cache.versioned_key(topic_ns(oid), "view")


def _load_topic_view(topic_id):
    def load():
        topic = Topic.get(topic_id, include_deleted=True)
        if topic is None:
            return {}
        view = shared_view(topic, _owners([topic]))
        view["moderators"] = moderators_of(topic["_id"])
        return view
    oid = parse_id(topic_id)
    if oid is None:
        return None
    view = cache.cached(_view_key(oid), TTL, load)
    return view or None


def get_topic(topic_id, user):
    """One topic (deleted ones too, per the contract) with the caller's level."""
    view = _load_topic_view(topic_id)
    if view is None:
        raise NotFound("Topic not found")
    level = topic_policy.level({"_id": view["id"]}, user)
    if not can_view({"_id": view["id"], "settings": view.get("settings")}, user, level):
        raise NotFound("Topic not found")
    return personal(view, level)


def my_topics(user, limit=100, offset=0):
    docs = TopicMember.find({"user_id": parse_id(user["_id"])}, sort=[("created_at", -1)],
                            skip=offset, limit=limit)
    levels = {d["topic_id"]: ROLE_LEVEL.get(d["role"], NONE) for d in docs}
    topics = Topic.by_ids(levels, include_deleted=True)
    owners = _owners(topics)
    order = {tid: n for n, tid in enumerate(levels)}
    topics.sort(key=lambda t: order[t["_id"]])
    return [personal(shared_view(t, owners), levels[t["_id"]]) for t in topics]


# ----- writes -----

def create_topic(user, title, description=None, tags=None, allow_anonymous=True,
                 require_approval=False):
    tags, tag_errors = clean_tags(tags)
    errors = title_errors(title) + tag_errors
    if errors:
        raise ValidationFailed(errors=errors)
    title = title.strip()
    _check_unique_title(title)
    now = utcnow()
    try:
        topic = Topic.insert(title=title, title_lower=title.lower(),
                             description=clean_description(description), tags=tags,
                             owner_id=parse_id(user["_id"]), member_count=1, last_activity=now,
                             settings={"allow_anonymous": bool(allow_anonymous),
                                       "require_approval": bool(require_approval)})
    except DuplicateKeyError:
        raise Conflict(f'Topic with title "{title}" already exists') from None
    TopicMember.insert(topic_id=topic["_id"], user_id=parse_id(user["_id"]), role="owner",
                       added_by=parse_id(user["_id"]))
    facts.invalidate(user["_id"])
    invalidate_topic(topic["_id"])
    view = shared_view(topic, _owners([topic]))
    _announce("topic_created", topic, view)
    return view


def _announce(event, topic, view):
    """Public topics are broadcast; an invite-only one is told to its own room only."""
    room = f"topic_{topic['_id']}" if is_invite_only(topic) else None
    if event == "topic_created" and is_invite_only(topic):
        room = realtime.user_room(topic["owner_id"])
    realtime.emit(event, {"topic_id": topic["_id"], "topic": view}, room=room)


def update_topic(topic_id, user, title=None, description=None, tags=None, settings=None):
    topic = visible_topic_or_404(topic_id, user)
    if topic_policy.level(topic, user) < OWNER:
        raise Forbidden("Permission denied or topic not found")
    changes = {}
    if title is not None:
        errors = title_errors(title)
        if errors:
            raise ValidationFailed(errors=errors)
        _check_unique_title(title.strip(), topic["_id"])
        changes.update(title=title.strip(), title_lower=title.strip().lower())
    if description is not None:
        changes["description"] = clean_description(description)
    if tags:
        tags, errors = clean_tags(tags)
        if errors:
            raise ValidationFailed(errors=errors)
        changes["tags"] = tags
    if settings:
        # Partial settings keep the other flag (the contract's server dropped it).
        changes["settings"] = {**topic.get("settings", {}), **settings}
    if not changes:
        raise ValidationFailed("No valid updates provided")
    try:
        updated = Topic.update(topic["_id"], set_=changes)
    except DuplicateKeyError:
        raise Conflict(f'Topic with title "{title}" already exists') from None
    if is_invite_only(updated) != is_invite_only(topic):
        facts.invalidate_topic_members(topic["_id"])  # their invite-only topic list changed
    if "settings" in changes:
        Post.collection().update_many({"topic_id": topic["_id"]},
                                      {"$set": {"restricted": is_invite_only(updated)}})
    invalidate_topic(topic["_id"])
    if is_invite_only(updated) and not is_invite_only(topic):
        evict_non_members(updated)
    view = shared_view(updated, _owners([updated]))
    _announce("topic_updated", updated, view)
    return view


def delete_topic(topic_id, actor):
    """Owner (or admin) soft delete, pending admin approval for 7 days."""
    topic = visible_topic_or_404(topic_id, actor)
    if not topic_policy.can_delete(topic, actor):
        raise Forbidden("Permission denied or topic not found")
    now = utcnow()
    # The title is freed for new topics; the deleted one keeps a unique placeholder.
    Topic.mark_deleted(topic["_id"], deleted_by=parse_id(actor["_id"]), is_public=False,
                       deletion_status="pending", permanent_delete_at=now + timedelta(days=7),
                       title_lower=f"{topic['title_lower']}#deleted#{topic['_id']}")
    Post.collection().update_many({"topic_id": topic["_id"]}, {"$set": {"restricted": True}})
    invalidate_topic(topic["_id"])
    return True


def approve_deletion(topic_id):
    """Admin approval of a pending deletion; the topic stays gone. None if not pending."""
    topic = Topic.approve_pending_deletion(topic_id)
    if topic is not None:
        invalidate_topic(topic["_id"])
    return topic


def restore_deletion(topic_id, **extra_fields):
    """Admin rejection of a pending deletion: the topic is back, under its own title
    (409 if another topic took the title meanwhile). None if not pending."""
    topic = Topic.get(topic_id, include_deleted=True)
    if topic is None:
        return None
    try:
        restored = Topic.restore_pending_deletion(
            topic["_id"], is_public=True, title_lower=topic["title"].lower(), **extra_fields)
    except DuplicateKeyError:
        raise Conflict(f'Topic with title "{topic["title"]}" already exists') from None
    if restored is None:
        return None
    Post.collection().update_many({"topic_id": restored["_id"]},
                                  {"$set": {"restricted": is_invite_only(restored)}})
    invalidate_topic(restored["_id"])
    _announce("topic_updated", restored, shared_view(restored, _owners([restored])))
    return restored


def join_topic(topic_id, user):
    topic = visible_topic_or_404(topic_id, user)
    require_not_banned(topic["_id"], user)
    try:
        TopicMember.insert(topic_id=topic["_id"], user_id=parse_id(user["_id"]), role="member")
    except DuplicateKeyError:
        return False  # already a member: nothing changes, counters stay right
    Topic.update(topic["_id"], set_={"last_activity": utcnow()}, extra={"$inc": {"member_count": 1}})
    TopicInvitation.collection().update_many(
        {"topic_id": topic["_id"], "invited_user_id": parse_id(user["_id"]), "status": "pending"},
        {"$set": {"status": "accepted", "updated_at": utcnow()}})
    facts.invalidate(user["_id"])
    invalidate_topic(topic["_id"])
    return True


def leave_topic(topic_id, user):
    topic = visible_topic_or_404(topic_id, user)
    level = topic_policy.level(topic, user)
    if level == NONE:
        raise ValidationFailed("Failed to leave topic or not a member")
    if level == OWNER:
        raise ValidationFailed("The owner cannot leave the topic; transfer ownership first")
    removed = TopicMember.collection().delete_one(
        {"topic_id": topic["_id"], "user_id": parse_id(user["_id"])}).deleted_count
    if removed:
        Topic.update(topic["_id"], extra={"$inc": {"member_count": -1}})
    facts.invalidate(user["_id"])
    invalidate_topic(topic["_id"])
    if is_invite_only(topic):
        # A former member must stop hearing an invite-only topic at once.
        evict_from_topic_rooms(user["_id"], topic["_id"])
    return True


# ----- mute (rest-content §3.11) -----

def muted_topic_ids(user):
    """Ids (strings) of the topics whose notifications the caller muted, still in force."""
    return facts.of(user).muted_topics()


def mute_topic(topic_id, user, minutes):
    """-1 mutes indefinitely, N > 0 for N minutes, 0 unmutes."""
    if minutes < -1:
        raise ValidationFailed("Invalid mute duration")
    topic = visible_topic_or_404(topic_id, user)
    key = {"user_id": parse_id(user["_id"]), "topic_id": topic["_id"]}
    if minutes == 0:
        TopicMute.collection().delete_one(key)
        facts.invalidate(user["_id"])
        return False
    until = None if minutes == -1 else utcnow() + timedelta(minutes=minutes)
    TopicMute.collection().update_one(key, {"$set": {"until": until, "updated_at": utcnow()},
                                            "$setOnInsert": {"created_at": utcnow()}}, upsert=True)
    facts.invalidate(user["_id"])
    return True


# ----- anonymous identities (served by the accounts issue at /api/users/anonymous-identities) -----

def list_anonymous_identities(user):
    return anonymous_identities.list_identities(user)


def delete_anonymous_identity(user, topic_id):
    return anonymous_identities.delete_identity(user, topic_id)

