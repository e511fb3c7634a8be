"""Voice calls: who may call where, call state, and the WebRTC signalling relay.

The contract's server checked nothing (realtime.md §8.3); here a user may
create, join or look at a call only in a room they belong to (a chat room
they are a member of and not banned from, with calls enabled; or a direct
conversation they are one of the two sides of, with no block either way),
and a relay is forwarded only between two participants of the same call.

Call state lives in MongoDB (`VoipCall`); the hot parts live in Redis:
heartbeats (a hash per call, written every 30 s by every client) and the
participant set the relay checks on every offer/answer/ICE candidate (a
short-lived read-through cache, dropped on every participant change).

Functions take the acting user (from the session) and, where a socket
should not hear its own event, its `sid`. They raise AppErrors, which the
socket layer turns into `voip_error`.
"""
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from flask import current_app

from models.base import parse_id
from models.user import User
from models.voip_call import ACTIVE, ENDED, VoipCall, participant
from policies import call as call_policy
from services.realtime import emit, emit_to_user, user_room
from utils.errors import Forbidden, NotFound, RateLimited, ValidationFailed
from utils.redis_client import get_redis, key
from utils.text import sanitize_text
from utils.time import utcnow

PARTICIPANTS_CACHE_SECONDS = 60
# Ringing someone is cheap for the caller and loud for the callee (realtime.md §8.8).
CALLS_PER_MINUTE = 10
_CACHED = "*"  # sentinel member: the cached set exists even when read back


def call_room(call_id):
    return f"voip_{call_id}"


def user_brief(user):
    return {"id": str(user["_id"]), "username": user["username"],
            "profile_picture": user.get("profile_picture")}


def public(call):
    return VoipCall.to_public(call)


# ----- who may call where -----
def resolve_room(user, room_id, room_type="group"):
    """`(room_type, canonical room_id, other user id or None)` if `user` may call there.

    A direct-call room id is the two user ids sorted and joined with "_"; a
    bare user id with room_type "dm" means the conversation with that user.
    """
    me = str(user["_id"])
    if "_" in room_id or room_type == "dm":
        ids = room_id.split("_") if "_" in room_id else [me, room_id]
        return ("dm",) + call_policy.check_direct(me, ids)
    call_policy.check_group(user, room_id)
    return "group", room_id, None


def _check_call_access(user, call):
    resolve_room(user, call["room_id"], call["room_type"])


def _active_call_or_404(call_id):
    call = VoipCall.active(call_id)
    if call is None:
        raise NotFound("Call not found or already ended")
    return call


# ----- hot state in Redis -----
def _heartbeat_key(call_id):
    return key("voip", "hb", call_id)


def _participants_key(call_id):
    return key("voip", "participants", call_id)


def _socket_key(sid):
    return key("voip", "sid", sid)


def touch_heartbeat(call_id, user_id):
    get_redis().hset(_heartbeat_key(call_id), str(user_id), utcnow().timestamp())
    get_redis().expire(_heartbeat_key(call_id), current_app.config["VOIP_MAX_CALL_SECONDS"] + 3600)


def heartbeats(call_id):
    """`{user id: epoch seconds}` of the last heartbeat each participant sent."""
    return {uid: float(ts) for uid, ts in get_redis().hgetall(_heartbeat_key(call_id)).items()}


def forget_heartbeats(call_id, user_ids=None):
    if user_ids is None:
        get_redis().delete(_heartbeat_key(call_id))
    elif user_ids:
        get_redis().hdel(_heartbeat_key(call_id), *[str(uid) for uid in user_ids])


def participants_changed(call_id):
    get_redis().delete(_participants_key(call_id))


def participant_ids(call_id):
    """Ids (strings) of the participants of an active call; None if it is not active."""
    redis, cache_key = get_redis(), _participants_key(call_id)
    members = redis.smembers(cache_key)
    if members:
        return members - {_CACHED}
    call = VoipCall.active(call_id)
    if call is None:
        return None
    ids = {str(p["user_id"]) for p in call["participants"]}
    pipe = redis.pipeline()
    pipe.sadd(cache_key, _CACHED, *ids)
    pipe.expire(cache_key, PARTICIPANTS_CACHE_SECONDS)
    pipe.execute()
    return ids


def remember_socket(sid, call_id):
    """The socket `sid` is in this call's room: its disconnect marks its user disconnected."""
    get_redis().set(_socket_key(sid), str(call_id),
                    ex=current_app.config["VOIP_MAX_CALL_SECONDS"] + 3600)


def forget_socket(sid):
    return get_redis().getdel(_socket_key(sid))


def _require_participant(user, call_id):
    ids = participant_ids(call_id)
    if ids is None:
        raise NotFound("Call not found or already ended")
    if str(user["_id"]) not in ids:
        raise Forbidden("You are not in this call")
    return ids


# ----- create, join, leave, decline, end -----
def _new_participant(user, now):
    return {"user_id": user["_id"], "username": user["username"],
            "profile_picture": user.get("profile_picture"), "joined_at": now,
            "last_heartbeat": now, "is_muted": False, "is_disconnected": False}


def create_call(user, room_id, room_type="group", room_name=None):
    """`(call, created)`: a new call with the caller alone in it, or the running one.
    The caller's socket joins the call room before `notify_call_created` rings."""
    room_type, room_id, _ = resolve_room(user, room_id, room_type)
    _limit_call_starts(user["_id"])
    existing = VoipCall.active_in_room(room_id)
    if existing is not None:
        return existing, False
    name = sanitize_text(room_name)[:200] if room_name else None
    try:
        call = VoipCall.insert(room_id=room_id, room_type=room_type, room_name=name or None,
                               created_by=user["_id"],
                               participants=[_new_participant(user, utcnow())])
    except DuplicateKeyError:  # another process created it a moment ago
        return VoipCall.active_in_room(room_id), False
    touch_heartbeat(call["_id"], user["_id"])
    return call, True


def _limit_call_starts(user_id):
    minute = int(utcnow().timestamp() // 60)
    counter = key("voip", "starts", user_id, minute)
    pipe = get_redis().pipeline()
    pipe.incr(counter)
    pipe.expire(counter, 120)
    if pipe.execute()[0] > CALLS_PER_MINUTE:
        raise RateLimited("Too many calls started; wait a minute")


def notify_call_created(call, user, sid=None):
    """Ring: the other side of a direct call, or the chat room of a group call."""
    if call["room_type"] == "dm":
        other_id = next(uid for uid in call["room_id"].split("_") if uid != str(user["_id"]))
        emit_to_user(other_id, "voip_incoming_call", {"call": public(call),
                                                      "caller": user_brief(user)})
    else:
        emit("voip_call_started", {"call": public(call), "started_by": user_brief(user)},
             room=f"chat_room_{call['room_id']}", skip_sid=sid)


def join_call(user, call_id, sid=None):
    """Add the caller (or bring them back if already in) and tell the others."""
    call = _active_call_or_404(call_id)
    _check_call_access(user, call)
    now, uid = utcnow(), user["_id"]
    collection = VoipCall.collection()
    updated = collection.find_one_and_update(
        {"_id": call["_id"], "status": ACTIVE, "participants.user_id": {"$ne": uid}},
        {"$push": {"participants": _new_participant(user, now)}},
        return_document=ReturnDocument.AFTER)
    if updated is None:
        updated = collection.find_one_and_update(
            {"_id": call["_id"], "status": ACTIVE, "participants.user_id": uid},
            {"$set": {"participants.$[me].is_disconnected": False,
                      "participants.$[me].last_heartbeat": now}},
            array_filters=[{"me.user_id": uid}], return_document=ReturnDocument.AFTER)
    if updated is None:
        raise NotFound("Call not found or already ended")
    participants_changed(call["_id"])
    touch_heartbeat(call["_id"], uid)
    emit("voip_user_joined", {"call_id": str(call["_id"]), "user": user_brief(user)},
         room=call_room(call["_id"]), skip_sid=sid)
    return updated


def leave_call(user, call_id, sid=None):
    """Remove the caller; the call ends when nobody is left. Returns the call or None."""
    uid = user["_id"]
    call = VoipCall.collection().find_one_and_update(
        {"_id": parse_id(call_id), "status": ACTIVE, "participants.user_id": uid},
        {"$pull": {"participants": {"user_id": uid}}}, return_document=ReturnDocument.AFTER)
    if call is None:
        return None
    participants_changed(call["_id"])
    forget_heartbeats(call["_id"], [uid])
    if not call["participants"]:
        end_call(call["_id"], "no_participants", only_if_empty=True)
    else:
        emit("voip_user_left", {"call_id": str(call["_id"]),
                                "user": {"id": str(uid), "username": user["username"]}},
             room=call_room(call["_id"]), skip_sid=sid)
    return call


def decline_call(user, call_id):
    """A ringing user says no: the caller hears `voip_call_declined`; a direct
    call that nobody but the caller is in ends (reason "declined")."""
    call = _active_call_or_404(call_id)
    _check_call_access(user, call)
    if participant(call, user["_id"]) is not None:
        raise ValidationFailed("You are in this call; leave it instead")
    emit_to_user(call["created_by"], "voip_call_declined", {
        "call_id": str(call["_id"]), "room_id": call["room_id"],
        "user": {"id": str(user["_id"]), "username": user["username"]}})
    if call["room_type"] == "dm" and len(call["participants"]) <= 1:
        end_call(call["_id"], "declined")


def end_call_by(user, call_id):
    """The creator ends the call for everyone (for a group: also the room's owner
    or a moderator)."""
    call = _active_call_or_404(call_id)
    if not call_policy.can_end(call, user):
        raise Forbidden("Only the caller or a room moderator can end this call")
    end_call(call["_id"], "ended_by_host")


def end_call(call_id, reason, only_if_empty=False):
    """Mark the call ended (once, whoever gets there first) and tell everyone concerned."""
    query = {"_id": parse_id(call_id), "status": ACTIVE}
    if only_if_empty:
        query["participants"] = {"$size": 0}
    now = utcnow()
    call = VoipCall.collection().find_one_and_update(
        query, {"$set": {"status": ENDED, "ended_at": now, "end_reason": reason,
                         "updated_at": now}}, return_document=ReturnDocument.AFTER)
    if call is None:
        return None
    participants_changed(call["_id"])
    forget_heartbeats(call["_id"])
    notify_call_ended(call, reason)
    return call


def notify_call_ended(call, reason):
    # The room id lets every call button reset (the contract's payload lacked it),
    # and the ring dialog of a direct call stops on the callee's side too.
    rooms = [call_room(call["_id"])]
    if call["room_type"] == "group":
        rooms.append(f"chat_room_{call['room_id']}")
    else:
        rooms += [user_room(uid) for uid in call["room_id"].split("_")]
    emit("voip_call_ended", {"call_id": str(call["_id"]), "reason": reason,
                             "room_id": call["room_id"], "call": public(call)}, room=rooms)


# ----- state of a participant -----
def set_muted(user, call_id, is_muted):
    call = _update_own_entry(user, call_id, {"is_muted": is_muted})
    emit("voip_mute_status", {"call_id": str(call["_id"]), "user_id": str(user["_id"]),
                              "is_muted": is_muted}, room=call_room(call["_id"]))


def set_speaking(user, call_id, is_speaking, sid=None):
    _require_participant(user, call_id)
    emit("voip_speaking_status", {"call_id": call_id, "user_id": str(user["_id"]),
                                  "is_speaking": is_speaking},
         room=call_room(call_id), skip_sid=sid)


def set_disconnected(user, call_id, is_disconnected, sid=None):
    call = _update_own_entry(user, call_id, {"is_disconnected": is_disconnected})
    _notify_disconnected(call["_id"], user["_id"], user["username"], is_disconnected, sid)


def heartbeat(user, call_id):
    """Refresh the caller's heartbeat (Redis) and clear a disconnected flag (MongoDB,
    only when it was set)."""
    _require_participant(user, call_id)
    touch_heartbeat(call_id, user["_id"])
    _mark_back(user, call_id)


def _mark_back(user, call_id):
    result = VoipCall.collection().update_one(
        {"_id": parse_id(call_id), "status": ACTIVE,
         "participants": {"$elemMatch": {"user_id": user["_id"], "is_disconnected": True}}},
        {"$set": {"participants.$[me].is_disconnected": False,
                  "participants.$[me].last_heartbeat": utcnow()}},
        array_filters=[{"me.user_id": user["_id"]}])
    if result.modified_count:
        _notify_disconnected(call_id, user["_id"], user["username"], False)


def _update_own_entry(user, call_id, changes):
    """Set `changes` on the caller's participant entry (an arrayFilter, not `$`:
    both MongoDB and SecantusDB support it in findAndModify)."""
    call = VoipCall.collection().find_one_and_update(
        {"_id": parse_id(call_id), "status": ACTIVE, "participants.user_id": user["_id"]},
        {"$set": {f"participants.$[me].{name}": value for name, value in changes.items()}},
        array_filters=[{"me.user_id": user["_id"]}], return_document=ReturnDocument.AFTER)
    if call is None:
        raise Forbidden("You are not in this call")
    return call


def _notify_disconnected(call_id, user_id, username, is_disconnected, sid=None):
    emit("voip_user_disconnected", {"call_id": str(call_id), "user_id": str(user_id),
                                    "username": username, "is_disconnected": is_disconnected},
         room=call_room(call_id), skip_sid=sid)


def socket_closed(user_id, sid):
    """A socket that was in a call closed: its user is marked disconnected at once."""
    call_id = forget_socket(sid)
    if call_id is None:
        return
    user = User.get(user_id)
    uid = parse_id(user_id)
    call = VoipCall.collection().find_one_and_update(
        {"_id": parse_id(call_id), "status": ACTIVE, "participants.user_id": uid},
        {"$set": {"participants.$[me].is_disconnected": True}}, array_filters=[{"me.user_id": uid}])
    if call is not None and user is not None:
        _notify_disconnected(call_id, user_id, user["username"], True)


# ----- lookups -----
def active_call(user, room_id, room_type="group"):
    _, room_id, _ = resolve_room(user, room_id, room_type)
    return room_id, VoipCall.active_in_room(room_id)


def my_call(user):
    """The active call the caller is in (after a page refresh), marked connected again."""
    call = VoipCall.active_for_user(user["_id"])
    if call is not None:
        touch_heartbeat(call["_id"], user["_id"])
        _mark_back(user, call["_id"])
        call = VoipCall.get(call["_id"])
    return call


# ----- signalling relay -----
def relay(user, call_id, target_user_id, event, body):
    """Forward an offer/answer/ICE candidate to `target_user_id`, only when both the
    sender and the target are participants of this call. `body` is
    `{offer|answer|candidate: ...}`; the sender is always the session's user."""
    ids = _require_participant(user, call_id)
    sender = str(user["_id"])
    if target_user_id == sender or target_user_id not in ids:
        raise Forbidden("That user is not in this call")
    payload = {"call_id": call_id, "from_user_id": sender}
    if event == "voip_offer":
        payload["from_username"] = user["username"]
    emit_to_user(target_user_id, event, {**payload, **body})
