"""Two real server processes sharing one MongoDB-wire server, one Valkey server
and one database: a message sent through process A reaches a socket on
process B, presence counts both, and a client that dropped its connection
catches up with `after_message_id` and gets exactly what it missed."""
import pytest

from models.chat_room import ChatRoom, ChatRoomMember
from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_db):
    alice, bob = live_db.users(2)

    def room_of_two():
        room = ChatRoom.insert(name="two-process", name_lower="two-process",
                               owner_id=alice["_id"], is_public=False, is_group_chat=True,
                               member_count=2)
        ChatRoomMember.insert(room_id=room["_id"], user_id=alice["_id"], role="owner")
        ChatRoomMember.insert(room_id=room["_id"], user_id=bob["_id"], role="member")
        return room

    return live_db.name, alice, bob, str(live_db.seed(room_of_two)["_id"])


def joined(server, http, room_id):
    sio = socket_for(server.url, http)
    sio.log.wait_for("connected")
    sio.emit("join_chat_room", {"room_id": room_id})
    sio.log.wait_for("chat_room_joined")
    return sio


def test_two_processes_deliver_and_catch_up(service_urls, seeded):
    db_name, alice, bob, room_id = seeded
    server_a = start_server(service_urls, db_name)
    server_b = start_server(service_urls, db_name)
    sockets = []
    try:
        alice_http = signed_in_session(server_a.url, alice)
        bob_http = signed_in_session(server_b.url, bob)
        alice_sio = joined(server_a, alice_http, room_id)
        bob_sio = joined(server_b, bob_http, room_id)
        sockets += [alice_sio, bob_sio]
        messages_url = "/api/chat-rooms/{}/messages".format(room_id)

        first = alice_http.post(server_a.url + messages_url, json={"content": "from A"},
                                timeout=10).json()["data"]
        got = bob_sio.log.wait_for("new_chat_room_message", lambda d: d["id"] == first["id"])
        assert got["content"] == "from A"
        reply = bob_http.post(server_b.url + messages_url, json={"content": "from B"},
                              timeout=10).json()["data"]
        alice_sio.log.wait_for("new_chat_room_message", lambda d: d["id"] == reply["id"])

        bob_sio.emit("get_online_users")
        online = bob_sio.log.wait_for("online_users_list")
        assert {u["user_id"] for u in online["users"]} == {str(alice["_id"]), str(bob["_id"])}

        # Bob drops his connection; Alice keeps talking through A.
        bob_sio.disconnect()
        missed = [alice_http.post(server_a.url + messages_url, json={"content": f"missed {n}"},
                                  timeout=10).json()["data"]["id"] for n in range(3)]
        caught_up = bob_http.get(server_b.url + messages_url,
                                 params={"after_message_id": reply["id"]}, timeout=10).json()
        assert [m["id"] for m in caught_up["data"]] == missed

        # Reconnected (now on A), Bob receives live again, and a DM sent through B.
        bob_again = joined(server_a, bob_http, room_id)
        sockets.append(bob_again)
        dm = alice_http.post(server_b.url + "/api/messages/private",
                             json={"to_user_id": str(bob["_id"]), "content": "psst"},
                             timeout=10).json()["data"]
        assert bob_again.log.wait_for("new_private_message")["id"] == dm["id"]
        assert alice_sio.log.wait_for("private_message_sent")["id"] == dm["id"]
        assert [d["id"] for d in bob_sio.log.named("new_chat_room_message")] == [
            first["id"], reply["id"]]
    finally:
        for sio in sockets:
            if sio.connected:
                sio.disconnect()
        server_a.stop()
        server_b.stop()
