"""Payloads of the voip_* socket events (realtime.md §3.5).

Ids are checked for shape here, so a malformed or missing id is a
`voip_error` before any service or query sees it. SDP and ICE bodies are
relayed untouched but must be small JSON objects.
"""
import json
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, Field, field_validator

from utils.validation import OBJECT_ID_RE, Schema

MAX_SIGNAL_BYTES = 64 * 1024
DM_ROOM_RE = re.compile(r"^[0-9a-fA-F]{24}_[0-9a-fA-F]{24}$")


def _object_id(value):
    if not OBJECT_ID_RE.match(value):
        raise ValueError("must be a valid id")
    return value.lower()


def _room_id(value):
    if not (OBJECT_ID_RE.match(value) or DM_ROOM_RE.match(value)):
        raise ValueError("must be a chat room id or two user ids joined with '_'")
    return value.lower()


ObjectIdStr = Annotated[str, AfterValidator(_object_id)]
RoomIdStr = Annotated[str, AfterValidator(_room_id)]


def _small_object(value):
    if len(json.dumps(value)) > MAX_SIGNAL_BYTES:
        raise ValueError("is too large")
    return value


class CreateCall(Schema):
    room_id: RoomIdStr
    room_type: Literal["group", "dm"] = "group"
    room_name: Optional[str] = Field(default=None, max_length=200)


class RoomQuery(Schema):
    room_id: Optional[RoomIdStr] = None


class CallRef(Schema):
    call_id: ObjectIdStr


class Offer(CallRef):
    target_user_id: ObjectIdStr
    offer: dict[str, Any]

    _size = field_validator("offer")(classmethod(lambda cls, v: _small_object(v)))


class Answer(CallRef):
    target_user_id: ObjectIdStr
    answer: dict[str, Any]

    _size = field_validator("answer")(classmethod(lambda cls, v: _small_object(v)))


class IceCandidate(CallRef):
    target_user_id: ObjectIdStr
    candidate: dict[str, Any]

    _size = field_validator("candidate")(classmethod(lambda cls, v: _small_object(v)))


class Speaking(CallRef):
    is_speaking: bool


class MuteToggle(CallRef):
    is_muted: bool


class SetDisconnected(CallRef):
    is_disconnected: bool = True
