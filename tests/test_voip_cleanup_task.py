"""The background cleanup task ends an abandoned call by itself (short timeouts)."""
import time

import pytest

from models.voip_call import VoipCall
from services import voip_cleanup
from tests.voip_helpers import make_person, make_room


@pytest.fixture
def config_overrides():
    return {"VOIP_CLEANUP_INTERVAL": 0.3, "VOIP_HEARTBEAT_TIMEOUT": 1}


@pytest.fixture
def running_task(app):
    state = app.extensions["voip_cleanup"]  # started by create_app
    yield state
    voip_cleanup.stop(app)
    time.sleep(0.5)  # let the task see the flag before the database goes


def test_background_task_ends_an_abandoned_call(app, auth, socket_client, running_task):
    owner = make_person(auth, socket_client)
    room_id = make_room(app, owner)
    owner.emit("voip_create_call", {"room_id": room_id})
    call_id = owner.one("voip_call_created")["call"]["id"]
    owner.sio.disconnect()  # the browser closes and never comes back

    deadline = time.monotonic() + 30
    with app.app_context():
        while VoipCall.get(call_id)["status"] == "active" and time.monotonic() < deadline:
            time.sleep(0.2)
        stored = VoipCall.get(call_id)
    assert stored["status"] == "ended"
    assert stored["end_reason"] == "no_participants"
    assert running_task["passes"] >= 1
