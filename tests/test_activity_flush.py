"""The periodic pass started with the app writes every kind of deferred counter
(services/activity_counts.py): a burst's count lands without a later write."""
import time

import pytest

from models.chat_room import ChatRoom
from models.post import Post
from models.topic import Topic
from services.activity_counts import ActivityCounts
from services.periodic import stop_periodic
from tests.chat_helpers import create_group, send
from tests.content_helpers import make_comment, make_post, make_topic
from tests.waiting import wait_until
from utils.redis_client import get_redis


@pytest.fixture
def config_overrides():
    return {"CHAT_COUNTER_FLUSH_SECONDS": 0.2}


@pytest.fixture
def flushing(app):
    yield
    stop_periodic(app, "chat_counter_flush")
    time.sleep(0.4)  # let the task see the flag before the database goes


def test_the_periodic_pass_writes_rooms_topics_and_posts(app, auth, flushing):
    _, client = auth.signed_in()
    topic = make_topic(client)
    post = make_post(client, topic["id"])
    room = create_group(client)
    with app.app_context():  # each counter was written this second: the next wait
        redis = get_redis()
        for doc_id in (room["id"], topic["id"], post["id"]):
            for kind in ActivityCounts.kinds:
                redis.set(kind.touched_key(doc_id), "1", ex=60)
    for n in range(3):
        make_post(client, topic["id"], title=f"More {n}")
        make_comment(client, post["id"], f"comment {n}")
        assert send(client, room["id"], f"message {n}").status_code == 201

    def counts():
        return (Topic.get(topic["id"])["post_count"], Post.get(post["id"])["comment_count"],
                ChatRoom.get(room["id"])["message_count"])

    with app.app_context():
        wait_until(lambda: counts() == (4, 3, 3), what="the periodic pass")
        assert counts() == (4, 3, 3)
        assert not any(redis.smembers(kind.dirty) for kind in ActivityCounts.kinds)
