"""A topic's post_count and last_activity, a post's comment_count: written through
for a lone post or comment, at most once a second under a burst
(services/activity_counts.py), never lost."""
import pytest

from models.topic import Topic
from services.content_cache import POST_ACTIVITY, TOPIC_ACTIVITY
from tests.content_helpers import make_comment, make_post, make_topic
from utils.redis_client import get_redis


@pytest.fixture
def topic_setup(auth):
    _, owner_client = auth.signed_in()
    _, reader = auth.signed_in()
    return owner_client, reader, make_topic(owner_client)


def shown_count(reader, topic_id):
    """post_count as the topic page and the topic list show it (both cached)."""
    page = reader.get(f"/api/topics/{topic_id}").get_json()["data"]["post_count"]
    listed = [t["post_count"] for t in reader.get("/api/topics?limit=50").get_json()["data"]
              if t["id"] == topic_id]
    return page, listed[0]


def posts_shown(reader, topic_id):
    return len(reader.get(f"/api/posts/topics/{topic_id}/posts").get_json()["data"])


def test_a_burst_shows_its_posts_at_once_and_its_count_after_the_flush(app, topic_setup):
    owner_client, reader, topic = topic_setup
    make_post(owner_client, topic["id"])
    assert shown_count(reader, topic["id"]) == (1, 1)  # a lone post: written through

    with app.app_context():  # the counters were written this second: the next wait
        get_redis().set(TOPIC_ACTIVITY.touched_key(topic["id"]), "1", ex=60)
        before = Topic.get(topic["id"])["last_activity"]
    make_post(owner_client, topic["id"], title="Second")
    make_post(owner_client, topic["id"], title="Third")
    assert posts_shown(reader, topic["id"]) == 3  # the posts page is not deferred
    assert shown_count(reader, topic["id"]) == (1, 1)

    with app.app_context():
        TOPIC_ACTIVITY.flush_all()  # the periodic pass
        stored = Topic.get(topic["id"])
        assert not get_redis().sismember(TOPIC_ACTIVITY.dirty, topic["id"])
    assert stored["post_count"] == 3 and stored["last_activity"] > before
    assert shown_count(reader, topic["id"]) == (3, 3)  # the caches were dropped


def test_a_post_whose_count_is_refused_succeeds_and_is_counted_later(app, topic_setup):
    owner_client, reader, topic = topic_setup
    with app.app_context():  # $inc on text: MongoDB refuses the counter update
        Topic.collection().update_one({"_id": Topic.get(topic["id"])["_id"]},
                                      {"$set": {"post_count": "broken"}})

    post = make_post(owner_client, topic["id"])  # 201, not a 500 the client would retry
    assert posts_shown(reader, topic["id"]) == 1
    with app.app_context():
        redis = get_redis()
        assert redis.get(TOPIC_ACTIVITY.pending_key(topic["id"])) == "1"
        assert redis.sismember(TOPIC_ACTIVITY.dirty, topic["id"])
        TOPIC_ACTIVITY.flush_all()  # still refused: logged, kept
        assert redis.get(TOPIC_ACTIVITY.pending_key(topic["id"])) == "1"

        Topic.collection().update_one({"_id": Topic.get(topic["id"])["_id"]},
                                      {"$set": {"post_count": 0}})
        TOPIC_ACTIVITY.flush_all()
        assert Topic.get(topic["id"])["post_count"] == 1
    assert reader.get(f"/api/posts/{post['id']}").status_code == 200


def test_a_deletion_after_a_burst_shows_the_exact_count_at_once(app, topic_setup):
    owner_client, reader, topic = topic_setup
    make_post(owner_client, topic["id"])
    with app.app_context():
        get_redis().set(TOPIC_ACTIVITY.touched_key(topic["id"]), "1", ex=60)
    second = make_post(owner_client, topic["id"], title="Second")
    make_post(owner_client, topic["id"], title="Third")

    assert owner_client.delete(f"/api/posts/{second['id']}").status_code == 200
    assert shown_count(reader, topic["id"]) == (2, 2)  # not 0: the burst was written first
    assert posts_shown(reader, topic["id"]) == 2


def test_a_deletion_whose_count_is_refused_succeeds_and_is_counted_later(app, topic_setup):
    owner_client, reader, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    url = f"/api/comments/posts/{post['id']}/comments"
    assert reader.post(url, json={"content": "cached"}).status_code == 201  # the post's head
    with app.app_context():  # $inc on text: MongoDB refuses the counter update
        Topic.collection().update_one({"_id": Topic.get(topic["id"])["_id"]},
                                      {"$set": {"post_count": "broken"}})

    assert owner_client.delete(f"/api/posts/{post['id']}").status_code == 200
    assert posts_shown(reader, topic["id"]) == 0  # the caches were dropped all the same
    assert reader.post(url, json={"content": "late"}).status_code == 404
    with app.app_context():
        assert get_redis().get(TOPIC_ACTIVITY.pending_key(topic["id"])) == "-1"
        Topic.collection().update_one({"_id": Topic.get(topic["id"])["_id"]},
                                      {"$set": {"post_count": 1}})
        TOPIC_ACTIVITY.flush_all()
        assert Topic.get(topic["id"])["post_count"] == 0


def comment_count_shown(reader, topic_id, post_id):
    """comment_count as the post and its topic's post list show it (both cached)."""
    alone = reader.get(f"/api/posts/{post_id}").get_json()["data"]["comment_count"]
    listed = [p["comment_count"] for p in
              reader.get(f"/api/posts/topics/{topic_id}/posts").get_json()["data"]
              if p["id"] == post_id]
    return alone, listed[0]


def test_a_burst_of_comments_shows_at_once_and_its_count_after_the_flush(app, topic_setup):
    owner_client, reader, topic = topic_setup
    post = make_post(owner_client, topic["id"])
    make_comment(owner_client, post["id"], "first")
    assert comment_count_shown(reader, topic["id"], post["id"]) == (1, 1)

    with app.app_context():
        get_redis().set(POST_ACTIVITY.touched_key(post["id"]), "1", ex=60)
    second = make_comment(owner_client, post["id"], "second")
    make_comment(owner_client, post["id"], "third")
    tree = reader.get(f"/api/comments/posts/{post['id']}/comments").get_json()["data"]
    assert len(tree) == 3  # the comments themselves are not deferred
    assert comment_count_shown(reader, topic["id"], post["id"]) == (1, 1)

    with app.app_context():
        POST_ACTIVITY.flush_all()
    assert comment_count_shown(reader, topic["id"], post["id"]) == (3, 3)

    with app.app_context():  # and a deletion behind another burst is exact at once
        get_redis().set(POST_ACTIVITY.touched_key(post["id"]), "1", ex=60)
    make_comment(owner_client, post["id"], "fourth")
    assert owner_client.delete(f"/api/comments/{second['id']}").status_code == 200
    assert comment_count_shown(reader, topic["id"], post["id"]) == (3, 3)
