"""Command counts of the hot reads and writes: a regression in round trips fails here.

Counted with a pymongo command listener and a counting Redis connection class
(tests/command_counting.py); no timings. A cached read is the second identical
request: the first fills the caches."""
import pytest

from tests import command_counting
from tests.chat_helpers import create_group, send
from tests.command_counting import Recording
from tests.content_helpers import make_comment, make_post, make_topic, reply
from tests.factories import make_friends


@pytest.fixture
def world(app, auth):
    owner, client = auth.signed_in()
    friend, friend_client = auth.signed_in()
    with app.app_context():
        make_friends(owner, friend)
    topic = make_topic(client)
    post = make_post(client, topic["id"])
    comment = make_comment(client, post["id"])
    reply(client, comment["id"])
    room = create_group(client, invited=[friend["_id"]])
    send(client, room["id"])
    client.post("/api/messages/private", json={"to_user_id": str(friend["_id"]), "content": "hi"})
    command_counting.install(app)
    return {"owner": owner, "client": client, "friend": friend, "friend_client": friend_client,
            "topic": topic, "post": post, "room": room}


READS = {
    "me": "/api/auth/me",
    "topic": "/api/topics/{topic}",
    "topic_list": "/api/topics?limit=20",
    "posts": "/api/posts/topics/{topic}/posts?limit=20",
    "comments": "/api/comments/posts/{post}/comments",
    "room_history": "/api/chat-rooms/{room}/messages",
    "conversations": "/api/users/private-messages/conversations",
    "notifications": "/api/notifications",
}


def _url(world, name):
    return READS[name].format(topic=world["topic"]["id"], post=world["post"]["id"],
                              room=world["room"]["id"])


def cached_read(world, name):
    client = world["client"]
    url = _url(world, name)
    assert client.get(url).status_code == 200
    with Recording() as rec:
        response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return rec


@pytest.mark.parametrize("name", list(READS))
def test_print_counts(world, name):
    rec = cached_read(world, name)
    print(name, rec.mongo, rec.redis_trips)
