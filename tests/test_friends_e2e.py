"""A friend request between two real browsers of the real server process (gevent):
the recipient's WebSocket receives the event and the notification live."""
import pytest

from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_users(live_db):
    return live_db.name, live_db.users(2)


def test_friend_request_reaches_the_recipient_live(service_urls, two_users):
    db_name, (alice, bob) = two_users
    server = start_server(service_urls, db_name)
    try:
        a_http, b_http = signed_in_session(server.url, alice), signed_in_session(server.url, bob)
        b_socket = socket_for(server.url, b_http)
        try:
            b_socket.log.wait_for("connected")
            sent = a_http.post(server.url + "/api/users/friends/request",
                               json={"to_user_id": str(bob["_id"])}, timeout=5).json()
            assert sent["success"], sent
            event = b_socket.log.wait_for("friend_request_received")
            assert event["from_username"] == alice["username"]
            note = b_socket.log.wait_for("new_notification")
            assert note["type"] == "friend_request" and note["data"]["request_id"] == event[
                "request_id"]
        finally:
            b_socket.disconnect()
    finally:
        server.stop()
