"""A route's cache names come with its session (utils/prefetch_plans.py): one Redis
command per cached read, and never another caller's page."""
import pytest
from bson import ObjectId

from models.topic import TopicMember
from policies import facts
from tests import command_counting
from tests.command_counting import Recording
from tests.content_helpers import make_post, make_topic
from tests.factories import make_friends
from utils.redis_client import get_redis
from utils.session_store import HeldFacts


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


def test_invite_only_topic_is_listed_to_its_members_only(auth, app, make_client):
    owner, owner_client = auth.signed_in()
    _, stranger = auth.signed_in()
    _, admin = auth.signed_in(is_admin=True)
    anonymous = make_client()
    public = make_topic(owner_client)
    private = make_topic(owner_client, require_approval=True)
    command_counting.install(app)
    url = "/api/topics?limit=50"
    for _ in range(2):  # the second round is served from the shared pages
        with Recording() as rec:
            theirs = _ids(stranger.get(url))
        mine, admins, nobodys = (_ids(c.get(url)) for c in (owner_client, admin, anonymous))
        assert {public["id"], private["id"]} <= set(mine) and {public["id"], private["id"]} <= set(admins)
        assert public["id"] in theirs and private["id"] not in theirs
        assert public["id"] in nobodys and private["id"] not in nobodys
    assert rec.redis_commands == ["EVALSHA"], rec.redis_trips


def test_a_hidden_post_leaves_the_hiders_page_only(auth):
    _, client = auth.signed_in()
    _, other = auth.signed_in()
    topic = make_topic(client)
    hidden, kept = make_post(client, topic["id"]), make_post(client, topic["id"], title="Kept")
    url = f"/api/posts/topics/{topic['id']}/posts"
    assert {hidden["id"], kept["id"]} <= set(_ids(client.get(url))) & set(_ids(other.get(url)))
    assert client.post(f"/api/content-settings/posts/{hidden['id']}/hide").status_code == 200
    for _ in range(2):
        assert hidden["id"] not in _ids(client.get(url)) and kept["id"] in _ids(client.get(url))
        assert hidden["id"] in _ids(other.get(url))


def test_per_user_pages_are_the_callers_own(auth, app):
    """Notifications and conversations are named by the session's user in the script:
    alternating callers each get their own, read in one command."""
    (alice, alice_client), (bob, bob_client), (carol, carol_client) = (
        auth.signed_in() for _ in range(3))
    with app.app_context():
        make_friends(alice, bob)
        make_friends(alice, carol)
    for sender, to in ((alice_client, bob), (carol_client, alice)):
        response = sender.post("/api/messages/private",
                               json={"to_user_id": str(to["_id"]), "content": "hello"})
        assert response.status_code == 201, response.get_json()
    command_counting.install(app)
    partners = "/api/users/private-messages/conversations"
    seen = {}
    for _ in range(2):
        for name, client in (("alice", alice_client), ("bob", bob_client)):
            with Recording() as rec:
                notes = _ids(client.get("/api/notifications"))
            talks = {c["user_id"] for c in client.get(partners).get_json()["data"]}
            assert seen.setdefault(name, (notes, talks)) == (notes, talks)
    assert rec.redis_commands == ["EVALSHA"], rec.redis_trips
    assert seen["alice"][1] == {str(bob["_id"]), str(carol["_id"])}
    assert seen["bob"][1] == {str(alice["_id"])}
    assert seen["alice"][0] and seen["bob"][0] and not set(seen["alice"][0]) & set(seen["bob"][0])


@pytest.mark.parametrize("url", [
    "/api/topics?limit=0", "/api/topics?offset=-1", "/api/posts/topics/{topic}/posts?limit=x",
    "/api/comments/posts/{post}/comments?limit=0", "/api/notifications?unread_only=maybe",
    "/api/users/private-messages/conversations?limit=99",
])
def test_bad_query_parameters_are_still_a_400(auth, url):
    """A plan that cannot parse the query names nothing; the view answers the 400."""
    _, client = auth.signed_in()
    topic = make_topic(client)
    post = make_post(client, topic["id"])
    response = client.get(url.format(topic=topic["id"], post=post["id"]))
    assert response.status_code == 400 and response.get_json()["success"] is False


@pytest.mark.parametrize("url", ["/api/topics/nope", "/api/posts/topics/nope/posts",
                                 "/api/comments/posts/nope/comments",
                                 "/api/chat-rooms/nope/messages"])
def test_malformed_ids_are_still_a_404(auth, url):
    _, client = auth.signed_in()
    assert client.get(url).status_code == 404


def test_the_cached_list_follows_invitations_and_leaving(auth):
    """A change of the caller's facts (an accepted invitation, leaving) is a new list
    fingerprint: the very next read shows it, though the old page is still cached."""
    _, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    club = make_topic(owner_client, require_approval=True)
    url = "/api/topics?limit=50"
    assert club["id"] not in _ids(guest_client.get(url)) + _ids(guest_client.get(url))
    invite = owner_client.post(f"/api/topics/{club['id']}/invite", json={"user_id": str(guest["_id"])})
    assert invite.status_code == 200
    assert club["id"] in _ids(guest_client.get(url))  # invited: may see it
    invitation = guest_client.get("/api/topics/invitations").get_json()["data"][0]
    assert guest_client.post(f"/api/topics/invitations/{invitation['id']}/accept").status_code == 200
    assert club["id"] in _ids(guest_client.get(url))
    assert guest_client.post(f"/api/topics/{club['id']}/leave").status_code == 200
    assert club["id"] not in _ids(guest_client.get(url))


def test_a_shared_page_gives_each_caller_their_own_flags(auth):
    """A cached page is decoded once per process and shared (utils/decoded_memo.py):
    each reader's flags are computed on a copy, never left on the shared one."""
    _, voter = auth.signed_in()
    _, reader = auth.signed_in()
    topic = make_topic(voter)
    post = make_post(voter, topic["id"])
    make_post(voter, topic["id"], title="Other")
    assert voter.post(f"/api/posts/{post['id']}/upvote").status_code == 200
    url = f"/api/posts/topics/{topic['id']}/posts"

    def flags(client):
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        mine = next(p for p in response.get_json()["data"] if p["id"] == post["id"])
        return mine["user_has_upvoted"], mine["score"]

    for _ in range(3):
        assert flags(voter) == (True, 1) and flags(reader) == (False, 1)


def _in_many_topics(app, user, count=80):
    """Give `user` facts too large to send on every request: memberships of `count`
    topics (ids only: the facts hold ids)."""
    with app.app_context():
        for _ in range(count):
            TopicMember.insert(topic_id=ObjectId(), user_id=user["_id"], role="member")
        facts.invalidate(user["_id"])


def test_unchanged_large_facts_come_once_then_changes_at_once(auth, app):
    """A reader in many topics: the session script sends their facts once, then only
    "unchanged" (utils/session_store.HeldFacts), and a change is seen on the next read."""
    user, client = auth.signed_in()
    topic = make_topic(client, title="Shown until hidden")
    _in_many_topics(app, user)
    command_counting.install(app)
    assert topic["id"] in _ids(client.get("/api/topics?limit=50"))  # facts loaded and stored
    with app.app_context():
        stored = len(get_redis().get(facts.facts_key(user["_id"])))
    assert stored > 2048
    reads = []
    for _ in range(2):  # the facts come with the session and are held, then not again
        with Recording() as rec:
            assert topic["id"] in _ids(client.get("/api/topics?limit=50"))
        assert rec.redis_commands == ["EVALSHA"], rec.redis_trips
        reads.append(rec.reply_bytes)
    assert reads[0] - reads[1] == stored, reads  # the text, then "unchanged" (an integer)
    assert client.post(f"/api/content-settings/topics/{topic['id']}/hide").status_code == 200
    for _ in range(2):  # the new facts, then their held copy
        assert topic["id"] not in _ids(client.get("/api/topics?limit=50"))


def test_held_facts_are_bounded_and_small_ones_not_held():
    held = HeldFacts(max_bytes=10_000, min_bytes=100)
    held.keep("small", "v1", b"x" * 99)
    assert held.version("small") == "" and held.raw("small", "v1") is None
    for n in range(4):
        held.keep(f"s{n}", f"v{n}", b"y" * 3000)
    assert held.version("s0") == ""  # least recently used out: 4 x 3,000 > 10,000
    assert held.raw("s3", "v3") == b"y" * 3000 and held.raw("s3", "v2") is None
    held.keep("s3", "v9", b"z" * 50)  # shrunk below the minimum: let go
    assert held.version("s3") == "" and held.size == 6000



def test_held_facts_are_each_callers_own(auth, app):
    """Two readers with large facts, alternating: each list follows its own facts (one
    belongs to an invite-only topic, the other does not), from the held copies too."""
    member, member_client = auth.signed_in()
    outsider, outsider_client = auth.signed_in()
    private = make_topic(member_client, require_approval=True)
    for user in (member, outsider):
        _in_many_topics(app, user)
    url = "/api/topics?limit=50"
    for _ in range(3):  # loaded, then sent and held, then "unchanged"
        assert private["id"] in _ids(member_client.get(url))
        assert private["id"] not in _ids(outsider_client.get(url))
    sessions = app.session_interface.held_facts.entries
    assert len(sessions) == 2 and len({raw for _, raw in sessions.values()}) == 2
