"""The topic/post/comment flow against a real server process, with a second
user's real Socket.IO client over WebSocket receiving the live events."""
import pytest

from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_db):
    return live_db.name, live_db.users(2)


def test_live_flow_over_websocket(service_urls, seeded):
    db_name, (owner, member) = seeded
    server = start_server(service_urls, db_name)
    try:
        api = server.url + "/api"
        alice, bob = signed_in_session(server.url, owner), signed_in_session(server.url, member)
        watcher = socket_for(server.url, bob)
        try:
            watcher.log.wait_for("connected")
            topic = alice.post(f"{api}/topics", json={"title": "Live wire"}, timeout=5).json()["data"]
            # topic_created is JSON-safe, so it really arrives (the contract's server never sent it).
            assert watcher.log.wait_for("topic_created")["topic_id"] == topic["id"]
            assert bob.post(f"{api}/topics/{topic['id']}/join", timeout=5).status_code == 200
            watcher.emit("join_topic", {"topic_id": topic["id"]})
            watcher.log.wait_for("topic_joined")
            post = alice.post(f"{api}/posts/topics/{topic['id']}/posts",
                              json={"title": "Hi", "content": "there"}, timeout=5).json()["data"]
            assert watcher.log.wait_for("new_post")["id"] == post["id"]
            watcher.emit("join_post", {"post_id": post["id"]})
            watcher.log.wait_for("post_joined")
            alice.post(f"{api}/comments/posts/{post['id']}/comments", json={"content": "first"}, timeout=5)
            assert watcher.log.wait_for("new_comment")["content"] == "first"
            alice.post(f"{api}/posts/{post['id']}/upvote", timeout=5)
            assert watcher.log.wait_for("post_upvoted")["score"] == 1
        finally:
            watcher.disconnect()
    finally:
        server.stop()
