"""Posts: create, list, recent, get, votes, delete, status, report, mentions, anonymity."""
import threading

import pytest

from models.content_setting import ContentSetting
from models.notification import Notification
from models.post import Post
from models.base import parse_id
from tests.content_helpers import errors, make_post, make_topic


@pytest.fixture
def topic_setup(auth):
    owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    member_client.post(f"/api/topics/{topic['id']}/join")
    return owner, owner_client, member, member_client, topic


def test_create_post_shape_and_counters(topic_setup, client):
    owner, owner_client, _m, _mc, topic = topic_setup
    response = owner_client.post(f"/api/posts/topics/{topic['id']}/posts",
                                 json={"title": "Hello", "content": "<script>x()</script>Body <b>text</b>",
                                       "tags": "news, a, news"})
    assert response.status_code == 201
    post = response.get_json()["data"]
    assert post["content"] == "Body text" and post["tags"] == ["news"]
    assert post["user_id"] == str(owner["_id"]) and post["display_name"] == owner["username"]
    assert post["is_owner"] is True and post["score"] == 0 and post["created_at"].endswith("Z")
    assert "upvotes" not in post and "restricted" not in post
    assert client.get(f"/api/topics/{topic['id']}").get_json()["data"]["post_count"] == 1
    got = client.get(f"/api/posts/{post['id']}").get_json()["data"]
    assert got["title"] == "Hello" and got["user_has_upvoted"] is False


@pytest.mark.parametrize("body,message", [
    ({"title": "", "content": "x"}, "Post title is required"),
    ({"title": "t" * 301, "content": "x"}, "Title must be 300 characters or less"),
    ({"title": "t"}, "Post content or GIF URL is required"),
    ({"title": "t", "content": "   "}, "Post content or GIF URL is required"),
    ({"title": "t", "content": "x" * 2001}, "Message must be less than 2000 characters long"),
    ({"title": "t", "gif_url": "javascript:alert(1)"}, "GIF URL must be an https URL"),
])
def test_bad_post_bodies_are_400(topic_setup, body, message):
    _o, owner_client, _m, _mc, topic = topic_setup
    response = owner_client.post(f"/api/posts/topics/{topic['id']}/posts", json=body)
    assert response.status_code == 400 and errors(response) == [message]


def test_operator_injection_and_anonymous_write_refused(topic_setup, client):
    _o, owner_client, _m, _mc, topic = topic_setup
    url = f"/api/posts/topics/{topic['id']}/posts"
    assert owner_client.post(url, json={"title": "t", "content": {"$gt": ""}}).status_code == 400
    assert client.post(url, json={"title": "t", "content": "x"}).status_code == 401
    assert owner_client.post("/api/posts/topics/nope/posts", json={"title": "t", "content": "x"}).status_code == 404


def test_default_filter_removes_links_and_masks_words(topic_setup):
    _o, owner_client, _m, _mc, topic = topic_setup
    post = make_post(owner_client, topic["id"], content="go to http://evil.example now, shit!")
    assert post["content"] == "go to [Link removed] now, ****!"


def test_gif_only_post(topic_setup):
    _o, owner_client, _m, _mc, topic = topic_setup
    post = make_post(owner_client, topic["id"], content=None, gif_url="https://media.example/x.gif")
    assert post["content"] == "[GIF]" and post["gif_url"] == "https://media.example/x.gif"


def test_list_sorts_and_paging(topic_setup, client):
    _o, owner_client, _m, member_client, topic = topic_setup
    first = make_post(owner_client, topic["id"], title="first")
    second = make_post(owner_client, topic["id"], title="second")
    member_client.post(f"/api/posts/{first['id']}/upvote")
    url = f"/api/posts/topics/{topic['id']}/posts"
    assert [p["title"] for p in client.get(url).get_json()["data"]] == ["second", "first"]
    assert [p["title"] for p in client.get(url + "?sort_by=top").get_json()["data"]] == ["first", "second"]
    assert [p["title"] for p in client.get(url + "?sort_by=old").get_json()["data"]] == ["first", "second"]
    assert [p["title"] for p in client.get(url + "?limit=1&offset=1").get_json()["data"]] == ["first"]
    assert client.get(url + "?limit=101").status_code == 400
    assert client.get(url + "?offset=10001").status_code == 400
    recent = client.get("/api/posts/recent").get_json()["data"]
    assert [p["id"] for p in recent] == [second["id"], first["id"]]
    assert recent[0]["topic_title"] == topic["title"]


def test_hidden_posts_are_left_out_for_that_user(app, topic_setup):
    _o, owner_client, member, member_client, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    with app.app_context():
        ContentSetting.insert(user_id=member["_id"], item_type="post", item_id=parse_id(post["id"]),
                              setting="hidden")
    assert member_client.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"] == []
    assert member_client.get("/api/posts/recent").get_json()["data"] == []
    assert len(owner_client.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"]) == 1


def test_vote_toggles_as_the_contract_says(topic_setup, client, emitted):
    _o, owner_client, _m, member_client, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    up, down = f"/api/posts/{post['id']}/upvote", f"/api/posts/{post['id']}/downvote"

    def state(response):
        data = response.get_json()["data"]
        return data["upvote_count"], data["downvote_count"], data["score"], \
            data["user_has_upvoted"], data["user_has_downvoted"]

    assert state(member_client.post(up)) == (1, 0, 1, True, False)
    assert state(member_client.post(down)) == (0, 1, -1, False, True)
    assert state(member_client.post(down)) == (0, 0, 0, False, False)
    assert state(member_client.post(up)) == (1, 0, 1, True, False)
    assert state(owner_client.post(up)) == (2, 0, 2, True, False)
    assert state(member_client.post(up)) == (1, 0, 1, False, False)
    assert client.post(up).status_code == 401
    assert member_client.post("/api/posts/0123456789abcdef01234567/upvote").status_code == 404
    assert member_client.post("/api/posts/zzz/upvote").status_code == 404
    events = [e for e in emitted if e["event"] in ("post_upvoted", "post_downvoted")]
    assert len(events) == 6 and events[0]["room"] == f"topic_{topic['id']}"
    assert events[0]["data"]["score"] == 1
    # The list (cached) shows the latest counts.
    listed = member_client.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"][0]
    assert (listed["upvote_count"], listed["user_has_upvoted"]) == (1, False)
    assert owner_client.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"][0]["user_has_upvoted"]


def test_concurrent_votes_never_count_twice(app, auth, topic_setup, make_client):
    _o, owner_client, member, _mc, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    clients = [auth.login(member, make_client()) for _ in range(2)]
    other, other_client = auth.signed_in()
    barrier = threading.Barrier(3)
    results = []

    def vote(c):
        barrier.wait()
        results.append(c.post(f"/api/posts/{post['id']}/upvote").status_code)

    threads = [threading.Thread(target=vote, args=(c,)) for c in clients + [other_client]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200, 200]
    with app.app_context():
        stored = Post.get(post["id"])
    # The same user's two toggles cancel out; the other user's vote stays.
    assert stored["upvotes"] == [other["_id"]]
    assert stored["upvote_count"] == 1 and stored["score"] == 1


def test_delete_permissions(topic_setup, auth, client, emitted):
    owner, owner_client, member, member_client, topic = topic_setup
    _stranger, stranger_client = auth.signed_in()
    by_member = make_post(member_client, topic["id"])
    by_owner = make_post(owner_client, topic["id"])
    assert client.delete(f"/api/posts/{by_member['id']}").status_code == 401
    assert stranger_client.delete(f"/api/posts/{by_member['id']}").status_code == 403
    assert member_client.delete(f"/api/posts/{by_owner['id']}").status_code == 403
    assert member_client.delete(f"/api/posts/{by_member['id']}").status_code == 200
    assert owner_client.delete(f"/api/posts/{by_owner['id']}").status_code == 200
    assert owner_client.delete(f"/api/posts/{by_owner['id']}").status_code == 404
    got = client.get(f"/api/posts/{by_member['id']}").get_json()["data"]
    assert got["is_deleted"] is True and got["deletion_status"] == "pending"
    assert client.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"] == []
    assert client.get(f"/api/topics/{topic['id']}").get_json()["data"]["post_count"] == 0
    assert [e["data"]["post_id"] for e in emitted if e["event"] == "post_deleted"] == [
        by_member["id"], by_owner["id"]]


def test_moderator_and_admin_may_delete(topic_setup, auth):
    owner, owner_client, member, member_client, topic = topic_setup
    owner_client.post(f"/api/topics/{topic['id']}/moderators", json={"user_id": str(member["_id"])})
    post = make_post(owner_client, topic["id"])
    assert member_client.delete(f"/api/posts/{post['id']}").status_code == 200
    _admin, admin_client = auth.signed_in(is_admin=True)
    post = make_post(owner_client, topic["id"])
    assert admin_client.delete(f"/api/posts/{post['id']}").status_code == 200


def test_status_is_admin_only(topic_setup, auth, emitted):
    _o, owner_client, _m, _mc, topic = topic_setup
    _admin, admin_client = auth.signed_in(is_admin=True)
    post = make_post(owner_client, topic["id"])
    url = f"/api/posts/{post['id']}/status"
    assert owner_client.put(url, json={"status": "closed", "reason": "x"}).status_code == 403
    assert admin_client.put(url, json={"status": "closed"}).status_code == 400
    assert admin_client.put(url, json={"status": "weird"}).status_code == 400
    response = admin_client.put(url, json={"status": "closed", "reason": "Off topic"})
    assert response.status_code == 200 and response.get_json()["message"] == "Post closed successfully"
    got = owner_client.get(f"/api/posts/{post['id']}").get_json()["data"]
    assert (got["status"], got["closure_reason"]) == ("closed", "Off topic")
    assert emitted[-1]["event"] == "post_status_updated"


def test_report_post(topic_setup, client):
    _o, owner_client, _m, member_client, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    url = f"/api/posts/{post['id']}/report"
    assert client.post(url, json={"reason": "spam"}).status_code == 401
    assert member_client.post(url, json={"reason": "x"}).status_code == 400
    assert member_client.post(url, json={"reason": "spam spam"}).status_code == 200
    assert member_client.post(url, json={"reason": "spam spam"}).status_code == 409


def test_anonymous_post_never_reveals_the_author(app, topic_setup, auth, client, emitted):
    owner, owner_client, member, member_client, topic = topic_setup
    mentioned, _ = auth.signed_in()
    post = make_post(member_client, topic["id"], use_anonymous=True,
                     content=f"hi @{mentioned['username']}")
    alias = post["display_name"]
    assert post["is_anonymous"] is True and alias != member["username"]
    # The author gets their own id back; nobody else does.
    assert post["user_id"] == str(member["_id"])
    for c in (client, owner_client):
        seen = c.get(f"/api/posts/{post['id']}").get_json()["data"]
        assert seen["user_id"] is None and seen["display_name"] == alias
        listed = c.get(f"/api/posts/topics/{topic['id']}/posts").get_json()["data"][0]
        assert member["username"] not in str(listed) and str(member["_id"]) not in str(listed)
    to_others = [e["data"] for e in emitted if e["room"] != f"user_{member['_id']}"]
    assert to_others and str(member["_id"]) not in str(to_others)
    assert member["username"] not in str(to_others)
    with app.app_context():
        note = Notification.find_one({"user_id": mentioned["_id"]})
    assert note["type"] == "mention" and note["sender_id"] is None
    assert note["data"]["sender_username"] == alias


def test_mentions_notify_and_skip_blockers(app, topic_setup, auth, emitted):
    _o, owner_client, _m, _mc, topic = topic_setup
    fan, _ = auth.signed_in()
    blocker, _ = auth.signed_in()
    owner = _o
    from models.block import Block
    with app.app_context():
        Block.insert(blocker_id=blocker["_id"], blocked_id=owner["_id"])
    make_post(owner_client, topic["id"], content=f"hey @{fan['username']} and @{blocker['username']} @nobody")
    rooms = [e["room"] for e in emitted if e["event"] in ("new_notification", "user_mentioned")]
    assert rooms == [f"user_{fan['_id']}", f"user_{fan['_id']}"]
    mention = [e for e in emitted if e["event"] == "user_mentioned"][0]["data"]
    assert mention["sender_username"] == owner["username"] and mention["content_type"] == "post"


def test_posting_in_invite_only_topic_needs_membership(auth):
    _owner, owner_client = auth.signed_in()
    guest, guest_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    owner_client.post(f"/api/topics/{topic['id']}/invite", json={"user_id": str(guest["_id"])})
    # Invited (can see it) but not yet a member: may not post.
    response = guest_client.post(f"/api/posts/topics/{topic['id']}/posts", json={"title": "t", "content": "c"})
    assert response.status_code == 403


def test_mentions_in_invite_only_topic_skip_outsiders(auth, emitted):
    _owner, owner_client = auth.signed_in()
    outsider, _ = auth.signed_in()
    insider, insider_client = auth.signed_in()
    topic = make_topic(owner_client, require_approval=True)
    owner_client.post(f"/api/topics/{topic['id']}/invite", json={"user_id": str(insider["_id"])})
    insider_client.post(f"/api/topics/{topic['id']}/join")
    make_post(owner_client, topic["id"], content=f"@{outsider['username']} @{insider['username']}")
    rooms = {e["room"] for e in emitted if e["event"] == "new_notification"}
    assert rooms == {f"user_{insider['_id']}"}
