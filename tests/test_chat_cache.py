"""The chat send path's Redis cache (services/chat_cache.py, and the user's facts of
policies/facts.py): every write that changes the room or a (room, user) fact is seen
by the very next send, seq never repeats
after the Redis counter is lost, and the room counters catch up."""
import pytest

from models.chat_room import ChatRoom
from models.notification import Notification
from services import chat_cache
from models.user import User
from policies import facts
from tests.chat_helpers import create_group, create_room, make_topic, send
from utils.auth import CachedUser, _load_user, session_user_key
from utils.redis_client import get_redis
from utils.session_store import decode_user, fetch_user


@pytest.fixture
def room_setup(app, auth):
    """A public topic room of alice's, bob a member who has sent once (facts cached)."""
    owner, alice = auth.signed_in()
    topic = make_topic(app, owner)
    room = create_room(alice, topic["_id"])
    bob_user, bob = auth.signed_in()
    assert bob.post(f"/api/chat-rooms/{room['id']}/join").status_code == 200
    assert send(bob, room["id"], "first").status_code == 201
    with app.app_context():
        assert get_redis().exists(facts.facts_key(bob_user["_id"]))
        assert get_redis().exists(chat_cache.room_key(room["id"]))
    return alice, topic, room, bob_user, bob


def test_kicked_group_member_is_refused_at_once(app, auth):
    alice_user, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    group = create_group(alice, "crew", invited=[bob_user["_id"]])
    invitation = bob.get("/api/chat-rooms/invitations").get_json()["data"][0]
    assert bob.post(f"/api/chat-rooms/invitations/{invitation['id']}/accept").status_code == 200
    assert send(bob, group["id"], "hello crew").status_code == 201  # facts cached: member
    assert alice.post(f"/api/chat-rooms/{group['id']}/kick/{bob_user['_id']}").status_code == 200
    refused = send(bob, group["id"], "am I out?")
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "You are not a member of this chat room"


def test_leaving_a_group_refuses_the_next_send(app, auth):
    _, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    group = create_group(alice, "crew", invited=[bob_user["_id"]])
    invitation = bob.get("/api/chat-rooms/invitations").get_json()["data"][0]
    bob.post(f"/api/chat-rooms/invitations/{invitation['id']}/accept")
    assert send(bob, group["id"], "hi").status_code == 201
    assert bob.post(f"/api/chat-rooms/{group['id']}/leave").status_code == 200
    assert send(bob, group["id"], "bye").status_code == 403


def test_ban_and_unban_take_effect_on_the_next_send(room_setup):
    alice, _, room, bob_user, bob = room_setup
    assert alice.post(f"/api/chat-rooms/{room['id']}/ban/{bob_user['_id']}").status_code == 200
    refused = send(bob, room["id"], "banned?")
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "You are banned from this chat room"
    assert alice.post(f"/api/chat-rooms/{room['id']}/unban/{bob_user['_id']}").status_code == 200
    assert send(bob, room["id"], "back").status_code == 201


def test_topic_ban_and_unban_take_effect_on_the_next_send(room_setup):
    _, topic, room, bob_user, bob = room_setup
    owner_client = room_setup[0]
    ban = owner_client.post(f"/api/topics/{topic['_id']}/ban",
                            json={"user_id": str(bob_user["_id"]), "reason": "spam"})
    assert ban.status_code == 200, ban.get_json()
    assert send(bob, room["id"], "banned from the topic?").status_code == 403
    unban = owner_client.post(f"/api/topics/{topic['_id']}/unban",
                              json={"user_id": str(bob_user["_id"])})
    assert unban.status_code == 200, unban.get_json()
    assert send(bob, room["id"], "back").status_code == 201


def test_role_change_shows_in_the_next_message(room_setup):
    alice, _, room, bob_user, bob = room_setup
    moderators = f"/api/chat-rooms/{room['id']}/moderators"
    assert alice.post(moderators, json={"user_id": str(bob_user["_id"])}).status_code == 200
    assert send(bob, room["id"], "as moderator").get_json()["data"]["is_moderator"] is True
    assert alice.delete(f"{moderators}/{bob_user['_id']}").status_code == 200
    assert send(bob, room["id"], "plain again").get_json()["data"]["is_moderator"] is False


def test_settings_and_rename_show_in_the_next_send(app, auth, room_setup):
    alice, _, room, _, bob = room_setup
    carol_user, _ = auth.signed_in()
    assert alice.put(f"/api/chat-rooms/{room['id']}", json={"name": "renamed"}).status_code == 200
    assert send(bob, room["id"], f"hi @{carol_user['username']}").status_code == 201
    with app.app_context():
        note = Notification.find_one({"user_id": carol_user["_id"]})
    assert note["data"]["chat_room_name"] == "renamed"
    settings = f"/api/chat-rooms/{room['id']}/settings"
    assert alice.put(settings, json={"slow_mode_seconds": 30}).status_code == 200
    assert send(bob, room["id"], "one").status_code == 201
    assert send(bob, room["id"], "two").status_code == 400


def test_deleted_room_refuses_the_next_send(room_setup):
    alice, _, room, _, bob = room_setup
    assert alice.delete(f"/api/chat-rooms/{room['id']}").status_code == 200
    assert send(bob, room["id"], "anyone?").status_code == 404


def test_seq_continues_after_the_redis_counter_is_lost(app, room_setup):
    alice, _, room, _, bob = room_setup
    assert send(alice, room["id"], "two").get_json()["data"]["seq"] == 2
    with app.app_context():
        get_redis().delete(chat_cache.seq_key(f"room:{room['id']}"))
    assert send(bob, room["id"], "three").get_json()["data"]["seq"] == 3
    with app.app_context():  # every cache key too (a flush would also end the sessions)
        redis = get_redis()
        redis.delete(*redis.keys("parley:chatcache:*"), *redis.keys("parley:seq:*"))
    assert send(bob, room["id"], "four").get_json()["data"]["seq"] == 4
    history = alice.get(f"/api/chat-rooms/{room['id']}/messages").get_json()["data"]
    assert [m["seq"] for m in history] == [1, 2, 3, 4]


def test_room_counters_catch_up_after_the_flush(app, room_setup):
    alice, _, room, _, bob = room_setup
    for n in range(4):
        assert send(alice, room["id"], f"burst {n}").status_code == 201
    with app.app_context():
        chat_cache.ROOM_ACTIVITY.flush_all()
        stored = ChatRoom.get(room["id"])
        assert stored["message_count"] == 5  # bob's first message and the burst
        assert stored["last_activity"] is not None
        assert not get_redis().smembers(chat_cache.ROOM_ACTIVITY.dirty)


def _mongo_commands():
    from services.metrics import MONGO_LATENCY

    return {sample.labels["command"]: sample.value for metric in MONGO_LATENCY.collect()
            for sample in metric.samples if sample.name.endswith("_count")}


def test_a_steady_send_is_one_insert(app, auth):
    """The hot path's MongoDB work in a group chat is the insert alone. (A public
    topic room also reads its topic, for visibility.)"""
    _, alice = auth.signed_in()
    group = create_group(alice, "crew")
    assert send(alice, group["id"], "warm").status_code == 201
    with app.app_context():  # the room's counters were written this second: not again
        get_redis().set(chat_cache.ROOM_ACTIVITY.touched_key(group["id"]), "1", ex=60)
    before = _mongo_commands()
    assert send(alice, group["id"], "steady").status_code == 201
    after = _mongo_commands()
    delta = {name: after[name] - before.get(name, 0) for name in after
             if after[name] != before.get(name, 0)}
    assert delta == {"insert": 1}, delta


# ----- the signed-in user's cache (utils/auth.session_user) -----

def test_a_ban_written_to_the_user_refuses_the_next_request(app, auth):
    """Even with the sessions left alone, the cached user is dropped by the write."""
    user, client = auth.signed_in()
    assert client.get("/api/auth/me").status_code == 200  # cached now
    with app.app_context():
        assert get_redis().exists(session_user_key(user["_id"]))
        User.update(user["_id"], set_={"is_banned": True})
    assert client.get("/api/chat-rooms/group/list").status_code == 401


def test_a_profile_change_shows_in_the_next_request(app, auth):
    user, client = auth.signed_in()
    assert client.get("/api/auth/me").status_code == 200
    with app.app_context():
        User.update(user["_id"], set_={"country_code": "NZ"})
    assert client.get("/api/auth/me").get_json()["user"]["country_code"] == "NZ"


def test_the_cached_user_holds_no_secret_and_still_reads_one(app, auth):
    user, client = auth.signed_in()
    assert client.get("/api/auth/me").status_code == 200
    with app.app_context():
        raw = decode_user(fetch_user(user["_id"]))
        assert "password_hash" not in raw and raw["_id"] == user["_id"]
        cached = _load_user(str(user["_id"]))
        assert isinstance(cached, CachedUser)
        assert cached["password_hash"] == user["password_hash"]
