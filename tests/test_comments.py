"""Comments: tree, replies, depth, votes, delete, report, notifications, live events."""
import pytest

from models.comment import MAX_DEPTH, Comment
from services.content_cache import POST_ACTIVITY
from tests.content_helpers import errors, make_comment, make_post, make_topic, reply


@pytest.fixture
def thread(auth):
    owner, owner_client = auth.signed_in()
    member, member_client = auth.signed_in()
    topic = make_topic(owner_client)
    member_client.post(f"/api/topics/{topic['id']}/join")
    post = make_post(owner_client, topic["id"])
    return owner, owner_client, member, member_client, topic, post


def test_tree_three_levels_deep(thread, client, app):
    _o, owner_client, _m, member_client, _t, post = thread
    root = make_comment(member_client, post["id"], "root")
    assert root["depth"] == 0 and root["parent_comment_id"] is None and "replies" not in root
    one = reply(owner_client, root["id"], "one")
    two = reply(member_client, one["id"], "two")
    three = reply(owner_client, two["id"], "three")
    assert (one["depth"], two["depth"], three["depth"]) == (1, 2, 3)
    assert three["parent_comment_id"] == two["id"]
    tree = client.get(f"/api/comments/posts/{post['id']}/comments").get_json()["data"]
    assert len(tree) == 1 and tree[0]["reply_count"] == 1
    node = tree[0]
    for content in ("one", "two", "three"):
        node = node["replies"][0]
        assert node["content"] == content
    assert node["replies"] == []
    with app.app_context():  # a burst's count: the periodic flush (activity_counts)
        POST_ACTIVITY.flush_all()
    assert client.get(f"/api/posts/{post['id']}").get_json()["data"]["comment_count"] == 4


def test_tree_sorting(thread, client):
    _o, owner_client, _m, member_client, _t, post = thread
    first = make_comment(owner_client, post["id"], "first")
    second = make_comment(owner_client, post["id"], "second")
    member_client.post(f"/api/comments/{first['id']}/upvote")
    url = f"/api/comments/posts/{post['id']}/comments"
    assert [c["id"] for c in client.get(url).get_json()["data"]] == [first["id"], second["id"]]
    assert [c["id"] for c in client.get(url + "?sort_by=new").get_json()["data"]] == [second["id"], first["id"]]
    assert [c["id"] for c in client.get(url + "?sort_by=old").get_json()["data"]] == [first["id"], second["id"]]
    assert client.get(url + "?limit=501").status_code == 400
    assert client.get(url + "?limit=x").status_code == 400


def test_replies_oldest_first_and_vote_flags_per_reader(thread, client):
    """The page is sorted by score, the replies under a comment by age; the tree is
    built from the cached shared views, and each reader gets their own vote flags."""
    _o, owner_client, _m, member_client, _t, post = thread
    root = make_comment(owner_client, post["id"], "root")
    first, second, third = (reply(owner_client, root["id"], text) for text in ("a", "b", "c"))
    member_client.post(f"/api/comments/{third['id']}/upvote")
    url = f"/api/comments/posts/{post['id']}/comments"
    assert [c["id"] for c in member_client.get(url).get_json()["data"]] == [root["id"]]  # cached
    member_tree = member_client.get(url).get_json()["data"]
    owner_tree = owner_client.get(url).get_json()["data"]
    for tree in (member_tree, owner_tree, client.get(url).get_json()["data"]):
        assert [r["id"] for r in tree[0]["replies"]] == [first["id"], second["id"], third["id"]]
        assert all(r["replies"] == [] for r in tree[0]["replies"])
    assert [r["user_has_upvoted"] for r in member_tree[0]["replies"]] == [False, False, True]
    assert [r["user_has_upvoted"] for r in owner_tree[0]["replies"]] == [False, False, False]


def test_depth_limit(app, thread):
    _o, owner_client, _m, _mc, _t, post = thread
    parent = make_comment(owner_client, post["id"])
    with app.app_context():
        Comment.update(parent["id"], set_={"depth": MAX_DEPTH})
    response = owner_client.post(f"/api/comments/{parent['id']}/reply", json={"content": "deep"})
    assert response.status_code == 400


@pytest.mark.parametrize("body,message", [
    ({}, "Comment content or GIF URL is required"),
    ({"content": "x" * 2001}, "Message must be less than 2000 characters long"),
    ({"content": "a" + " " * 12 + "b"}, "Message contains excessive whitespace"),
])
def test_bad_comment_bodies(thread, body, message):
    _o, owner_client, _m, _mc, _t, post = thread
    response = owner_client.post(f"/api/comments/posts/{post['id']}/comments", json=body)
    assert response.status_code == 400 and errors(response) == [message]


def test_comment_refusals(thread, client):
    _o, owner_client, _m, _mc, _t, post = thread
    assert client.post(f"/api/comments/posts/{post['id']}/comments", json={"content": "x"}).status_code == 401
    assert owner_client.post("/api/comments/posts/zzz/comments", json={"content": "x"}).status_code == 404
    assert owner_client.post("/api/comments/0123456789abcdef01234567/reply", json={"content": "x"}).status_code == 404
    assert owner_client.post(f"/api/comments/posts/{post['id']}/comments",
                             json={"content": ["$where"]}).status_code == 400
    assert client.get("/api/comments/nope").status_code == 404


def test_script_is_stripped_and_get_one(thread, client):
    _o, owner_client, _m, _mc, _t, post = thread
    comment = make_comment(owner_client, post["id"], "<script>steal()</script>kind words")
    got = client.get(f"/api/comments/{comment['id']}").get_json()["data"]
    assert got["content"] == "kind words" and got["user_has_upvoted"] is False


def test_comment_votes_toggle(thread, client, emitted):
    _o, owner_client, _m, member_client, _t, post = thread
    comment = make_comment(owner_client, post["id"])
    up, down = f"/api/comments/{comment['id']}/upvote", f"/api/comments/{comment['id']}/downvote"
    data = member_client.post(up).get_json()["data"]
    assert (data["upvote_count"], data["score"], data["user_has_upvoted"]) == (1, 1, True)
    data = member_client.post(down).get_json()["data"]
    assert (data["upvote_count"], data["downvote_count"], data["score"], data["user_has_downvoted"]) == (0, 1, -1, True)
    data = member_client.post(down).get_json()["data"]
    assert (data["downvote_count"], data["score"]) == (0, 0)
    assert client.post(up).status_code == 401
    events = [e for e in emitted if e["event"].startswith("comment_")]
    assert [e["event"] for e in events] == ["comment_upvoted", "comment_downvoted", "comment_downvoted"]
    assert events[0]["room"] == f"post_{post['id']}" and events[0]["data"]["upvote_count"] == 1


def test_soft_delete_keeps_tree_shape(thread, auth, client):
    _o, owner_client, _m, member_client, _t, post = thread
    _stranger, stranger_client = auth.signed_in()
    root = make_comment(member_client, post["id"], "root")
    child = reply(owner_client, root["id"], "child")
    assert stranger_client.delete(f"/api/comments/{root['id']}").status_code == 403
    assert member_client.delete(f"/api/comments/{child['id']}").status_code == 403
    assert client.delete(f"/api/comments/{root['id']}").status_code == 401
    assert member_client.delete(f"/api/comments/{root['id']}").status_code == 200
    tree = client.get(f"/api/comments/posts/{post['id']}/comments").get_json()["data"]
    assert tree[0]["is_deleted"] is True and tree[0]["content"] == "[deleted]"
    assert tree[0]["user_id"] is None and tree[0]["replies"][0]["content"] == "child"
    # The topic owner (level 3) may delete anyone's comment.
    assert owner_client.delete(f"/api/comments/{child['id']}").status_code == 200
    assert client.get(f"/api/posts/{post['id']}").get_json()["data"]["comment_count"] == 0


def test_comment_notifies_post_author_and_mentions(thread, emitted):
    owner, _oc, member, member_client, _t, post = thread
    make_comment(member_client, post["id"], f"nice @{owner['username']}")
    kinds = [(e["data"]["type"], e["room"]) for e in emitted if e["event"] == "new_notification"]
    assert sorted(kinds) == [("comment", f"user_{owner['_id']}"), ("mention", f"user_{owner['_id']}")]


def test_anonymous_comment_hides_author(thread, client):
    _o, _oc, member, member_client, _t, post = thread
    comment = make_comment(member_client, post["id"], "secret", use_anonymous=True)
    assert comment["is_anonymous"] is True and comment["user_id"] == str(member["_id"])
    tree = client.get(f"/api/comments/posts/{post['id']}/comments").get_json()["data"]
    assert tree[0]["user_id"] is None and tree[0]["display_name"] == comment["display_name"]
    assert member["username"] not in str(tree)


def test_report_comment(thread, client):
    _o, owner_client, _m, member_client, _t, post = thread
    comment = make_comment(owner_client, post["id"])
    url = f"/api/comments/{comment['id']}/report"
    assert client.post(url, json={"reason": "rude"}).status_code == 401
    assert member_client.post(url, json={"reason": "rude words"}).status_code == 200
    assert member_client.post(url, json={"reason": "rude words"}).status_code == 409


def test_write_visible_on_next_read(thread, client):
    _o, owner_client, _m, _mc, _t, post = thread
    url = f"/api/comments/posts/{post['id']}/comments"
    assert client.get(url).get_json()["data"] == []
    make_comment(owner_client, post["id"], "fresh")
    assert [c["content"] for c in client.get(url).get_json()["data"]] == ["fresh"]


def test_post_author_who_blocks_a_commenter_is_not_notified_at_once(thread):
    """The block comes from the commenter's cached facts: a block and an unblock
    through the API are seen by the very next comment."""
    _owner, owner_client, member, member_client, _t, post = thread

    def comment_notes():
        notes = owner_client.get("/api/notifications").get_json()["data"]
        return len([n for n in notes if n["type"] == "comment"])

    make_comment(member_client, post["id"], "before")  # the member's facts are cached now
    assert comment_notes() == 1
    assert owner_client.post(f"/api/users/{member['_id']}/block").status_code == 200
    make_comment(member_client, post["id"], "while blocked")
    assert comment_notes() == 1
    assert owner_client.delete(f"/api/users/{member['_id']}/unblock").status_code == 200
    make_comment(member_client, post["id"], "after")
    assert comment_notes() == 2


def test_a_deleted_post_takes_no_comment_until_it_is_restored(thread, auth):
    """A comment reads its post from the cache (policies/documents.post_head): the
    author's deletion, a moderator's, and an admin's restoring reach it at once."""
    _o, owner_client, _m, member_client, topic, _post = thread
    _admin, admin_client = auth.signed_in(is_admin=True)
    post = make_post(member_client, topic["id"])
    url = f"/api/comments/posts/{post['id']}/comments"
    assert owner_client.post(url, json={"content": "first"}).status_code == 201  # cached
    assert member_client.delete(f"/api/posts/{post['id']}").status_code == 200  # pending
    late = owner_client.post(url, json={"content": "late"})
    assert late.status_code == 404 and errors(late) == ["Post not found"]
    rejected = admin_client.post(f"/api/admin/posts/{post['id']}/reject-deletion", json={})
    assert rejected.status_code == 200, rejected.get_json()
    first = make_comment(owner_client, post["id"], "back")
    assert owner_client.delete(f"/api/posts/{post['id']}").status_code == 200  # a moderator's
    assert member_client.post(url, json={"content": "again"}).status_code == 404
    assert member_client.post(f"/api/comments/{first['id']}/reply",
                              json={"content": "a reply"}).status_code == 404


def test_a_post_restored_with_its_topic_takes_comments_again(thread, auth):
    """The topic a comment checks comes with the post's head in the route's plan:
    the topic's deletion and its restoring reach it at once."""
    owner, owner_client, _m, member_client, topic, post = thread
    _admin, admin_client = auth.signed_in(is_admin=True)
    url = f"/api/comments/posts/{post['id']}/comments"
    assert member_client.post(url, json={"content": "first"}).status_code == 201  # cached
    assert owner_client.delete(f"/api/topics/{topic['id']}").status_code == 200
    assert member_client.post(url, json={"content": "gone"}).status_code in (403, 404)
    restored = admin_client.post(f"/api/admin/topics/{topic['id']}/reject-deletion", json={})
    assert restored.status_code == 200, restored.get_json()
    assert member_client.post(url, json={"content": "back"}).status_code == 201
