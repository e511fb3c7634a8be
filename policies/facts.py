"""The one loader of the per-user facts every policy decides from.

A user's facts are small: their topic roles, pending topic invitations, topic
bans, chat-room roles, chat-room bans, hidden items, topic mutes, blocks (by
them and of them) and notification silences (mutes, unfollowed rooms, silenced
items: what `services/notifications.should_notify` asks). They are
read as ONE Redis key per user (`facts:user:<id>`; the caller's own comes with
the session, utils/session_store.py), memoised for the rest of the request (`flask.g`), and loaded from MongoDB (one indexed find per
collection) only when the key is missing. So a cached read costs one Redis
GET and no MongoDB command, whatever the page shows, and the hot path (send a
message, list topics) and the slow path (a moderator action) ask the same
question of the same data.

Every write that changes one of these facts calls `invalidate(user_id)` right
after it commits (topics, topic_moderation, topic_invitations, chat_rooms via
chat_cache.invalidate_facts, content_settings, notification_settings, blocks:
both users). USER_TTL only bounds how long
a missed invalidation could last. The admin flag is not cached here: it comes
with the session's user document.
"""
from flask import has_request_context

from models.base import parse_id
from models.block import Block
from models.chat_room import ChatRoomBan, ChatRoomMember
from models.content_setting import ContentSetting
from models.notification_setting import FOLLOW, MUTE, NotificationSetting
from models.topic import Topic, TopicBan, TopicMember
from models.topic_invitation import TopicInvitation
from models.topic_mute import TopicMute
from utils.cache import digest, dump_ext_json, load_ext_json
from utils.decoded_memo import DecodedMemo
from utils.redis_client import get_redis
from utils.request_memo import request_memo
from utils.session_store import FACTS_PREFIX, take_prefetched_facts
from utils.time import utcnow

# Writes invalidate; this only bounds a missed invalidation. A reload is one find per
# collection: for a reader in 1,000 topics with 1,000 mutes, 18 commands and about a
# second of the embedded database's CPU, which 120 s made every active heavy user pay
# every two minutes, in the middle of one of their requests (issue 12, ninth pass).
USER_TTL = 600
# A user belonging to more than this many topics or rooms is cut off (the
# previous per-request reads had the same bound).
MAX_ROWS = 5000
# Decoded facts are kept per process (utils/decoded_memo.py): a doc is decoded once per
# change, not once per request (a user in thousands of topics: far more than a page).
DECODED_MAX_BYTES = 8 * 1024 * 1024


def list_fingerprint(data):
    """A digest of the facts that shape a shared list page: the invite-only topics the
    user belongs to or is invited to, and what they hid. Users with the same one are
    shown the same topic list and the same pages of posts, so pages are cached under
    it, and the session script can name the page before the facts are decoded."""
    return digest([sorted({*data["private_topics"], *data["invited"]}),
                   {kind: sorted(ids) for kind, ids in data["hidden"].items()}])


def facts_key(user_id):
    return FACTS_PREFIX + str(user_id)


class Facts:
    """What one user is where. Ids are strings; roles are "owner"/"moderator"/"member"."""

    def __init__(self, data):
        self.topic_roles = data["topics"]
        self.private_topics = set(data["private_topics"])
        self.invited = set(data["invited"])
        self.topic_bans = set(data["topic_bans"])
        self.room_roles = data["rooms"]
        self.room_bans = set(data["room_bans"])
        self.hidden = data["hidden"]
        self.topic_mutes = data["topic_mutes"]
        self.blocked = set(data["blocked"])
        self.blocked_by = set(data["blocked_by"])
        self.silences = data["silences"]
        self._hidden_ids = {}
        self.list_fp = data.get("fp") or list_fingerprint(data)

    def topic_role(self, topic_id):
        return self.topic_roles.get(str(topic_id))

    def is_invited(self, topic_id):
        return str(topic_id) in self.invited

    def topic_banned(self, topic_id):
        return topic_id is not None and str(topic_id) in self.topic_bans

    def room_role(self, room_id):
        return self.room_roles.get(str(room_id))

    def room_banned(self, room_id):
        return str(room_id) in self.room_bans

    def invite_only_topics(self):
        """Ids (ObjectIds) of the invite-only topics this user belongs to or is invited to:
        all a list filter needs (public topics are listed for everyone), so a user in
        thousands of public topics has the same topic-list query as anyone else."""
        return sorted(parse_id(t) for t in {*self.private_topics, *self.invited})

    def rooms_in(self):
        return sorted(parse_id(r) for r in self.room_roles)

    def banned_rooms(self):
        return sorted(parse_id(r) for r in self.room_bans)

    def banned_topics(self):
        return sorted(parse_id(t) for t in self.topic_bans)

    def hidden_ids(self, item_type):
        """ObjectIds (built once per decoded doc: a large one is shared across requests;
        callers must not change the list)."""
        if item_type not in self._hidden_ids:
            self._hidden_ids[item_type] = [parse_id(i) for i in self.hidden.get(item_type, ())]
        return self._hidden_ids[item_type]

    def topic_muted(self, topic_id):
        """Are this topic's notifications muted (still in force)?"""
        tid = str(topic_id)
        if tid not in self.topic_mutes:
            return False
        until = self.topic_mutes[tid]
        return until is None or until > utcnow()

    def has_blocked(self, user_id):
        return str(user_id) in self.blocked

    def is_blocked_by(self, user_id):
        return str(user_id) in self.blocked_by

    def silenced(self, kind, items):
        """Does one of this user's settings silence a `kind` notification about `items`
        ((item_type, id) pairs)? A mute, an unfollowed room (for room messages) or a
        content silence; a mention, addressed to one person, passes all but a silence."""
        wanted = {(item_type, str(item_id)) for item_type, item_id in items}
        now = utcnow()
        for item_type, item_id, how, until in self.silences:
            if (item_type, item_id) not in wanted or (until is not None and until <= now):
                continue
            if how == "silenced" or (kind != "mention" and how == MUTE):
                return True
            if how == FOLLOW and kind == "chatroom_message" and item_type == "chat_room":
                return True
        return False

    def muted_topics(self):
        """Ids (strings) of the topics whose notifications this user muted, still in force."""
        now = utcnow()
        return {tid for tid, until in self.topic_mutes.items() if until is None or until > now}


NOBODY = Facts({"topics": {}, "private_topics": [], "invited": [], "topic_bans": [],
                "rooms": {}, "room_bans": [], "hidden": {}, "topic_mutes": {},
                "blocked": [], "blocked_by": [], "silences": []})


def of(user):
    """The facts of `user` (a user document or None for an anonymous caller)."""
    return NOBODY if user is None else for_id(user["_id"])


def for_id(user_id):
    if user_id is None:
        return NOBODY
    memo = _memo()
    name = str(user_id)
    if memo is not None and name in memo:
        return memo[name]
    # The session script brought the caller's facts with the session (no GET of our own).
    raw = take_prefetched_facts(name)
    if raw is None:
        raw = get_redis().get(facts_key(name))
    if raw is None:
        data = _load(parse_id(user_id))
        get_redis().set(facts_key(name), dump_ext_json(data), ex=USER_TTL)
        facts = Facts(data)
    else:
        facts = _decode(raw)
    if memo is not None:
        memo[name] = facts
    return facts


def invalidate(*user_ids):
    """Forget the facts of these users (call after every write that changes them)."""
    ids = [str(u) for u in user_ids if u is not None]
    if not ids:
        return
    memo = _memo()
    for name in ids:
        take_prefetched_facts(name)  # the copy read with the session is stale now
        if memo is not None:
            memo.pop(name, None)
    get_redis().delete(*[facts_key(name) for name in ids])


def invalidate_topic_members(topic_id):
    """A topic turned invite-only (or public): its members' `private_topics` changed."""
    rows = TopicMember.collection().find({"topic_id": parse_id(topic_id)}, {"user_id": 1})
    batch = []
    for row in rows:
        batch.append(row["user_id"])
        if len(batch) == 1000:
            invalidate(*batch)
            batch = []
    invalidate(*batch)


# A block inserted anywhere (services/blocks.py upserts and invalidates itself) changes
# both users' facts.
Block.on_insert(lambda doc: invalidate(doc["blocker_id"], doc["blocked_id"]))


# Facts of a stored doc, from the per-process copy when unchanged.
_decode = DecodedMemo(lambda raw: Facts(load_ext_json(raw)), DECODED_MAX_BYTES)


def _memo():
    """The per-request memo (none outside a request: a long task must not keep stale facts)."""
    if not has_request_context():
        return None
    return request_memo("policy_facts")  # at every use of the facts: one proxy lookup


def _load(oid):
    """One indexed find per collection, each by the user's id."""
    by_user = {"user_id": oid}
    members = TopicMember.find(by_user, limit=MAX_ROWS, projection={"topic_id": 1, "role": 1})
    rooms = ChatRoomMember.find(by_user, limit=MAX_ROWS, projection={"room_id": 1, "role": 1})
    invites = TopicInvitation.find({"invited_user_id": oid, "status": "pending"}, limit=MAX_ROWS,
                                   projection={"topic_id": 1})
    hidden = {}
    for row in ContentSetting.find({"user_id": oid, "setting": "hidden"}, limit=MAX_ROWS,
                                   projection={"item_type": 1, "item_id": 1}):
        hidden.setdefault(row["item_type"], []).append(str(row["item_id"]))
    data = {
        "topics": {str(m["topic_id"]): m["role"] for m in members},
        "private_topics": _invite_only([m["topic_id"] for m in members]),
        "invited": [str(i["topic_id"]) for i in invites],
        "topic_bans": [str(b["topic_id"]) for b in TopicBan.find(by_user, limit=MAX_ROWS)],
        "rooms": {str(m["room_id"]): m["role"] for m in rooms},
        "room_bans": [str(b["room_id"]) for b in ChatRoomBan.find(by_user, limit=MAX_ROWS)],
        "hidden": hidden,
        "topic_mutes": {str(m["topic_id"]): m.get("until")
                        for m in TopicMute.find(by_user, limit=MAX_ROWS)},
        "blocked": [str(b["blocked_id"]) for b in Block.find(
            {"blocker_id": oid}, limit=MAX_ROWS, projection={"blocked_id": 1})],
        "blocked_by": [str(b["blocker_id"]) for b in Block.find(
            {"blocked_id": oid}, limit=MAX_ROWS, projection={"blocker_id": 1})],
        "silences": _silences(oid),
    }
    # First in the stored doc, the session script reads them with a pattern anchored
    # there: the list fingerprint, and the version of the whole (utils/session_store.py).
    return {"fp": list_fingerprint(data), "v": digest(data), **data}


def _silences(oid):
    """[item_type, item_id, how, until] of every notification silence of the user:
    mutes ("mute"), unfollowed items ("follow": following is False), content silences."""
    rows = [[m["item_type"], str(m["item_id"]), MUTE, m.get("until")] for m in
            NotificationSetting.find({"user_id": oid, "kind": MUTE}, limit=MAX_ROWS)]
    rows += [[f["item_type"], str(f["item_id"]), FOLLOW, None] for f in NotificationSetting.find(
        {"user_id": oid, "kind": FOLLOW, "following": False}, limit=MAX_ROWS)]
    rows += [[s["item_type"], str(s["item_id"]), "silenced", s.get("until")] for s in
             ContentSetting.find({"user_id": oid, "setting": "silenced"}, limit=MAX_ROWS)]
    return rows


def _invite_only(topic_ids):
    """The invite-only ones among `topic_ids` (looked up by `_id` alone, which every
    MongoDB-wire server serves from the `_id` index; deleted ones count, so a restored
    topic is right at once)."""
    topics = Topic.find({"_id": {"$in": topic_ids}}, include_deleted=True,
                        projection={"settings": 1}) if topic_ids else []
    return [str(t["_id"]) for t in topics if (t.get("settings") or {}).get("require_approval")]
