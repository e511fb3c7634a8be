"""The policy layer's consistency check (issue 11), as Discourse checks its Guardian
against its visibility SQL: for every role x object, every object a list returns
passes the policy's `can_view`, and every object that passes `can_view` is found
by its list. Lists are asked twice: through the policy's own MongoDB filter (over
the whole collection) and through the service that serves the endpoint.

The world is built over HTTP, as the app builds it, so every fact the policies
read went through the writes (and the cache invalidations) of the real routes.
"""
import pytest

from models.chat_room import ChatRoom
from models.post import Post
from models.private_message import PrivateMessage
from models.topic import Topic
from policies import message as message_policy
from policies import post as post_policy
from policies import room as room_policy
from policies import topic as topic_policy
from services import chat_rooms, posts, private_messages, topics
from tests.chat_helpers import create_group, create_room
from tests.content_helpers import make_post, make_topic
from utils.errors import NotFound

ROLES = ("anonymous", "stranger", "invited", "member", "moderator", "owner", "banned",
         "blocked", "admin")
# How many of the five rooms each role reads: the open room of the public topic for
# anyone signed in, the invite-only topic's open room for its invitees too, every
# room for members, moderators, the owner and admins, none for the banned.
ROOMS_READ = {"anonymous": 0, "stranger": 1, "invited": 2, "member": 5, "moderator": 5,
              "owner": 5, "banned": 0, "blocked": 1, "admin": 5}


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def world(app, auth):
    """Two topics (public, invite-only), rooms (public and private in each, a group
    chat), anonymous posts and a DM; one user per role."""
    users, clients = {"anonymous": None}, {}
    for role in ROLES[1:]:
        users[role], clients[role] = auth.signed_in(is_admin=role == "admin")
    owner = clients["owner"]
    ids = {role: str(user["_id"]) for role, user in users.items() if user}
    public = make_topic(owner)
    closed = make_topic(owner, require_approval=True)
    rooms = {
        "public room": create_room(owner, public["_id"], name="open"),
        "private room": create_room(owner, public["_id"], name="closed", is_public=False),
        "room of invite-only topic": create_room(owner, closed["_id"], name="inner"),
        "private room of invite-only topic": create_room(owner, closed["_id"], name="inner2",
                                                         is_public=False),
        "group chat": create_group(owner, "crew", invited=[users["member"]["_id"],
                                                            users["moderator"]["_id"]]),
    }
    for topic in (public, closed):
        for role in ("member", "moderator"):
            if topic is closed:
                ok(owner.post(f"/api/topics/{topic['_id']}/invite", json={"user_id": ids[role]}))
            ok(clients[role].post(f"/api/topics/{topic['_id']}/join"))
        ok(owner.post(f"/api/topics/{topic['_id']}/moderators", json={"user_id": ids["moderator"]}))
        ok(owner.post(f"/api/topics/{topic['_id']}/ban",
                      json={"user_id": ids["banned"], "reason": "matrix"}))
    ok(owner.post(f"/api/topics/{closed['_id']}/invite", json={"user_id": ids["invited"]}))
    for name, room in rooms.items():
        if name == "group chat":
            for role in ("member", "moderator"):
                invitation = ok(clients[role].get("/api/chat-rooms/invitations"))["data"][0]
                ok(clients[role].post(f"/api/chat-rooms/invitations/{invitation['id']}/accept"))
        elif room["is_public"]:
            for role in ("member", "moderator"):
                ok(clients[role].post(f"/api/chat-rooms/{room['id']}/join"))
        else:
            for role in ("member", "moderator"):
                ok(owner.post(f"/api/chat-rooms/{room['id']}/invite", json={"user_id": ids[role]}))
                invitation = ok(clients[role].get("/api/chat-rooms/invitations"))["data"][0]
                ok(clients[role].post(f"/api/chat-rooms/invitations/{invitation['id']}/accept"))
        ok(owner.post(f"/api/chat-rooms/{room['id']}/moderators",
                      json={"user_id": ids["moderator"]}))
        ok(owner.post(f"/api/chat-rooms/{room['id']}/ban/{ids['banned']}"))
    make_post(owner, public["_id"], use_anonymous=True)
    make_post(clients["member"], closed["_id"], use_anonymous=True)
    make_post(clients["member"], public["_id"])
    for sender, recipient in (("owner", "member"), ("member", "owner"), ("blocked", "owner")):
        ok(clients[sender].post("/api/messages/private",
                                json={"to_user_id": ids[recipient], "content": "hi"}), 201)
    ok(owner.post(f"/api/users/{ids['blocked']}/block"))
    topic_ids = [public["_id"], closed["_id"]]
    return users, topic_ids, [r["id"] for r in rooms.values()]


def ids_of(docs, key="_id"):
    return {str(doc[key]) for doc in docs}


def by_role(app, users):
    """(role, user) pairs, each asked in its own request (its own facts memo)."""
    for role in ROLES:
        with app.test_request_context():
            yield role, users[role]


def allowed_and_filtered(model, ids, can_view, list_filter):
    """(ids `can_view` passes, ids the policy's filter finds) among the documents `ids`."""
    ours = model.by_ids(ids)
    allowed = {str(doc["_id"]) for doc in ours if can_view(doc)}
    scope = {"_id": {"$in": [doc["_id"] for doc in ours]}}
    return allowed, ids_of(model.find({"$and": [scope, list_filter]}))


def listed_or_nothing(list_function, *args):
    """The ids a service's list returns, or none when the place itself is invisible (404)."""
    try:
        return ids_of(list_function(*args), "id")
    except NotFound:
        return set()


def test_topics_listed_are_exactly_the_viewable_ones(app, world):
    users, topic_ids, _ = world
    for role, user in by_role(app, users):
        viewable, filtered = allowed_and_filtered(
            Topic, topic_ids, lambda t: topic_policy.can_view(t, user),
            topic_policy.list_filter(user))
        listed, _ = topics.list_topics(user, limit=100)
        listed = ids_of(listed, "id") & set(map(str, topic_ids))
        assert filtered == viewable == listed, role
        assert len(viewable) == (1 if role in ("anonymous", "stranger", "banned", "blocked")
                                 else 2), role


def test_rooms_listed_are_exactly_the_readable_ones(app, world):
    users, topic_ids, room_ids = world
    for role, user in by_role(app, users):
        readable, filtered = allowed_and_filtered(
            ChatRoom, room_ids, lambda r: room_policy.can_read(r, user),
            room_policy.list_filter(user))
        assert filtered == readable, role
        assert len(readable) == ROOMS_READ[role], role
        if user is None:
            assert readable == set()
            continue
        listed = ids_of(chat_rooms.my_groups(user), "id")
        for topic_id in topic_ids:
            listed |= listed_or_nothing(chat_rooms.list_topic_rooms, topic_id, user)
        # "my groups" lists the caller's own groups: an admin may read others' too.
        own = {str(r["_id"]) for r in ChatRoom.by_ids(room_ids) if not r.get("is_group_chat")
               or room_policy.role(r, user) is not None}
        assert listed == readable & own, role


def test_posts_listed_are_exactly_the_viewable_ones(app, world):
    users, topic_ids, _ = world
    for role, user in by_role(app, users):
        every = Post.find({"topic_id": {"$in": [Topic.get(t)["_id"] for t in topic_ids]}})
        topics_by_id = {t["_id"]: t for t in Topic.by_ids(topic_ids)}
        viewable = {str(p["_id"]) for p in every
                    if post_policy.can_view(p, topics_by_id[p["topic_id"]], user)}
        listed, filtered = set(), set()
        for topic in topics_by_id.values():
            if topic_policy.can_view(topic, user):
                filtered |= ids_of(Post.find(post_policy.list_filter(topic, user)))
            listed |= listed_or_nothing(posts.list_topic_posts, topic["_id"], user)
        assert filtered == viewable == listed, role
        assert sum(1 for p in every if p.get("anonymous_identity")) == 2


def test_direct_messages_listed_are_exactly_the_readable_ones(app, world):
    users, _, _ = world
    parties = {str(users[r]["_id"]) for r in ("owner", "member", "blocked")}
    for role, user in by_role(app, users):
        every = PrivateMessage.find({"$or": [{"from_user_id": users[r]["_id"]}
                                             for r in ("owner", "member", "blocked")]})
        readable = {str(m["_id"]) for m in every if message_policy.can_view(m, user)}
        filtered = ids_of(PrivateMessage.find(message_policy.list_filter(user)))
        assert filtered == readable, role
        listed = set()
        if user is not None:
            for other in parties - {str(user["_id"])}:
                listed |= ids_of(private_messages.history(user, other), "id")
        assert listed == readable, role
        assert bool(readable) == (role in ("owner", "member", "blocked")), role
