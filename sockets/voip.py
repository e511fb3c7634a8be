"""VoIP / WebRTC signalling events (realtime.md §3.5, §4.7).

Each handler validates its payload (a malformed id is a `voip_error`), calls
one function of services/voip.py with the session's user, answers the caller
and moves its socket in or out of the call room `voip_<call_id>`.
"""
from flask import request
from flask_socketio import emit, join_room, leave_room  # noqa: A004

from schemas import voip as schemas
from services import voip
from sockets.common import on_event, on_socket_disconnect

VOIP_ERROR = "voip_error"


def _enter(call):
    join_room(voip.call_room(call["_id"]))
    voip.remember_socket(request.sid, call["_id"])


def _leave(call_id):
    leave_room(voip.call_room(call_id))
    voip.forget_socket(request.sid)


@on_event("voip_create_call", schemas.CreateCall, error_event=VOIP_ERROR)
def create_call(user, payload):
    call, created = voip.create_call(user, payload.room_id, payload.room_type,
                                     payload.room_name)
    if not created:
        emit("voip_call_exists", {"call": voip.public(call),
                                  "message": "A call is already active in this room"})
        return
    _enter(call)
    emit("voip_call_created", {"call": voip.public(call), "user": voip.user_brief(user)})
    voip.notify_call_created(call, user, sid=request.sid)


@on_event("voip_join_call", schemas.CallRef, error_event=VOIP_ERROR)
def join_call(user, payload):
    call = voip.join_call(user, payload.call_id, sid=request.sid)
    _enter(call)
    emit("voip_call_joined", {"call": voip.public(call), "user": voip.user_brief(user)})


@on_event("voip_leave_call", schemas.CallRef, error_event=VOIP_ERROR)
def leave_call(user, payload):
    voip.leave_call(user, payload.call_id, sid=request.sid)
    _leave(payload.call_id)
    emit("voip_left_call", {"call_id": payload.call_id})


@on_event("voip_decline_call", schemas.CallRef, error_event=VOIP_ERROR)
def decline_call(user, payload):
    voip.decline_call(user, payload.call_id)


@on_event("voip_end_call", schemas.CallRef, error_event=VOIP_ERROR)
def end_call(user, payload):
    voip.end_call_by(user, payload.call_id)


@on_event("voip_offer", schemas.Offer, error_event=VOIP_ERROR)
def offer(user, payload):
    voip.relay(user, payload.call_id, payload.target_user_id, "voip_offer",
               {"offer": payload.offer})


@on_event("voip_answer", schemas.Answer, error_event=VOIP_ERROR)
def answer(user, payload):
    voip.relay(user, payload.call_id, payload.target_user_id, "voip_answer",
               {"answer": payload.answer})


@on_event("voip_ice_candidate", schemas.IceCandidate, error_event=VOIP_ERROR)
def ice_candidate(user, payload):
    voip.relay(user, payload.call_id, payload.target_user_id, "voip_ice_candidate",
               {"candidate": payload.candidate})


@on_event("voip_speaking", schemas.Speaking, error_event=VOIP_ERROR)
def speaking(user, payload):
    voip.set_speaking(user, payload.call_id, payload.is_speaking, sid=request.sid)


@on_event("voip_mute_toggle", schemas.MuteToggle, error_event=VOIP_ERROR)
def mute_toggle(user, payload):
    voip.set_muted(user, payload.call_id, payload.is_muted)


@on_event("voip_heartbeat", schemas.CallRef, error_event=VOIP_ERROR)
def heartbeat(user, payload):
    voip.heartbeat(user, payload.call_id)


@on_event("voip_set_disconnected", schemas.SetDisconnected, error_event=VOIP_ERROR)
def set_disconnected(user, payload):
    voip.set_disconnected(user, payload.call_id, payload.is_disconnected, sid=request.sid)


@on_event("voip_get_active_call", schemas.RoomQuery, error_event=VOIP_ERROR)
def get_active_call(user, payload):
    if payload.room_id is None:
        emit("voip_active_call", {"room_id": None, "call": None})
        return
    room_id, call = voip.active_call(user, payload.room_id)
    emit("voip_active_call", {"room_id": room_id, "call": voip.public(call)})


@on_event("voip_get_my_call", error_event=VOIP_ERROR)
def get_my_call(user, _payload):
    # The contract's client sends no payload; anything sent is ignored.
    call = voip.my_call(user)
    if call is not None:
        _enter(call)
    emit("voip_my_call", {"call": voip.public(call)})


@on_socket_disconnect
def socket_closed(user_id, sid):
    voip.socket_closed(user_id, sid)
