"""The one loader of per-user facts (policies/facts.py): a cached read of the topic
list costs no MongoDB command, and every write that changes a fact is seen by the
very next read (the Redis copy is dropped, not left to expire)."""
from bson import ObjectId
from pymongo import monitoring

from models.chat_room import ChatRoomBan, ChatRoomMember
from models.content_setting import ContentSetting
from models.topic import TopicBan, TopicMember
from models.topic_invitation import TopicInvitation
from models.topic_mute import TopicMute
from policies import facts
from services import topics
from tests.content_helpers import make_topic
from utils.queries import plan_stages
from utils.redis_client import get_redis

COMMANDS = []


class CommandLog(monitoring.CommandListener):
    """Registered at import, before any test builds its MongoClient."""

    def started(self, event):
        COMMANDS.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


monitoring.register(CommandLog())


def mine(client, topic_id):
    listed = client.get("/api/topics?limit=50").get_json()["data"]
    return next((t for t in listed if t["id"] == topic_id), None)


def test_a_cached_topic_list_reads_no_mongodb(app, auth):
    user, client = auth.signed_in()
    for n in range(6):
        topic = make_topic(client, require_approval=bool(n % 2))
    client.get("/api/topics?limit=20")  # fills the page cache and the caller's facts
    COMMANDS.clear()
    response = client.get("/api/topics?limit=20")
    assert response.status_code == 200 and len(response.get_json()["data"]) >= 6
    assert [c for c in COMMANDS if c not in ("ping", "isMaster", "hello")] == []
    with app.app_context():
        assert get_redis().exists(facts.facts_key(user["_id"]))
    assert mine(client, topic["_id"])["user_permission_level"] == 3


def test_every_fact_changing_write_is_seen_by_the_next_read(auth):
    _, owner = auth.signed_in()
    user, client = auth.signed_in()
    public = make_topic(owner)
    closed = make_topic(owner, require_approval=True)
    assert mine(client, public["_id"])["user_permission_level"] == 0  # facts now cached
    assert mine(client, closed["_id"]) is None
    assert client.post(f"/api/topics/{public['_id']}/join").status_code == 200
    assert mine(client, public["_id"])["user_permission_level"] == 1
    assert client.post(f"/api/topics/{public['_id']}/mute", json={"minutes": -1}).status_code == 200
    assert mine(client, public["_id"])["is_muted"] is True
    invite = owner.post(f"/api/topics/{closed['_id']}/invite", json={"user_id": str(user["_id"])})
    assert invite.status_code == 200, invite.get_json()
    assert mine(client, closed["_id"])["user_permission_level"] == 0  # invited: listed
    assert client.post(f"/api/content-settings/topics/{public['_id']}/hide").status_code == 200
    assert mine(client, public["_id"]) is None
    ban = owner.post(f"/api/topics/{closed['_id']}/ban", json={"user_id": str(user["_id"])})
    assert ban.status_code == 200, ban.get_json()
    assert mine(client, closed["_id"]) is None  # the ban declined the invitation


def test_a_topic_turning_invite_only_is_listed_for_its_members_only(auth):
    _, owner = auth.signed_in()
    _, member = auth.signed_in()
    _, stranger = auth.signed_in()
    topic = make_topic(owner)
    assert member.post(f"/api/topics/{topic['_id']}/join").status_code == 200
    assert mine(member, topic["_id"]) and mine(stranger, topic["_id"])  # facts cached
    update = owner.put(f"/api/topics/{topic['_id']}", json={"settings": {"require_approval": True}})
    assert update.status_code == 200, update.get_json()
    assert mine(member, topic["_id"])["user_permission_level"] == 1
    assert mine(stranger, topic["_id"]) is None
    assert owner.put(f"/api/topics/{topic['_id']}",
                     json={"settings": {"require_approval": False}}).status_code == 200
    assert mine(stranger, topic["_id"]) is not None


def test_public_memberships_leave_the_list_query_as_everyone_elses(app, auth):
    """The list filter names only invite-only topics, so joining public topics neither
    grows the query nor splits the shared page cache."""
    owner, owner_client = auth.signed_in()
    member, client = auth.signed_in()
    stranger = auth.user()
    for _ in range(3):
        assert client.post(f"/api/topics/{make_topic(owner_client)['_id']}/join").status_code == 200
    with app.test_request_context():
        assert topics.list_query(member) == topics.list_query(stranger)
        assert topics.list_query(owner) == topics.list_query(stranger)


def test_the_loader_reads_by_index_only(app_ctx):
    """Each of the loader's finds (policies/facts.py `_load`) is served by an index."""
    user_id = ObjectId()
    by_user = {"user_id": user_id}
    for model, query in ((TopicMember, by_user), (ChatRoomMember, by_user), (TopicBan, by_user),
                         (ChatRoomBan, by_user), (TopicMute, by_user),
                         (TopicInvitation, {"invited_user_id": user_id, "status": "pending"}),
                         (ContentSetting, {"user_id": user_id, "setting": "hidden"})):
        stages = plan_stages(model, query)
        assert "COLLSCAN" not in stages, (model.collection_name, stages)
