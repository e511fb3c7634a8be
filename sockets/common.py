"""What every socket handler shares: the acting user from the live session,
payload validation, and errors returned to the caller as an `error` event."""
import functools
import logging

from flask import request
from flask_socketio import ConnectionRefusedError, disconnect, emit  # noqa: A004

from extensions import socketio
from utils.auth import session_user
from utils.errors import AppError
from utils.unavailable import MESSAGE as UNAVAILABLE_MESSAGE
from utils.unavailable import RETRY_AFTER_SECONDS, is_unavailable
from utils.validation import load

log = logging.getLogger(__name__)

# Functions `(user_id, sid)` run when a socket closes (typing, calls, ...):
# Socket.IO allows one `disconnect` handler, so domains hook in here.
disconnect_hooks = []


def on_socket_disconnect(hook):
    """Decorator: run `hook(user_id, sid)` whenever a signed-in socket closes."""
    disconnect_hooks.append(hook)
    return hook


def on_event(name, schema=None, error_event="error"):
    """Register an authenticated handler for `name`.

    The handler receives `(user, payload)`; payload is `schema` validated (or
    the raw dict/None when no schema). The user always comes from the server
    session, never from the payload.

    Every call is answered (issue 16): a refused or failed call emits
    `error_event` with `{message}` (plus the caller's `client_message_id` when it
    sent one) to the caller only, and a client that asked for an ack gets
    `{success: false, error}`; a call that succeeded acks `{success: true}`
    (or what the handler returned). A data service out of reach is an `error`
    with `retry_after`, never "Something went wrong".
    """
    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(data=None, *args):
            client_id = client_message_id(data)
            try:
                user = session_user()
                if user is None:
                    refuse(error_event, "Authentication required", client_id)
                    disconnect()
                    return failed("Authentication required")
                payload = load(schema, data if data is not None else {}) if schema else data
                result = handler(user, payload)
            except AppError as exc:
                return refuse(error_event, exc.message, client_id)
            except Exception as exc:  # noqa: BLE001 - every call gets an answer
                if not is_unavailable(exc):
                    log.exception("socket handler %s failed (sid %s)", name, request.sid)
                    return refuse(error_event, "Something went wrong", client_id)
                log.warning("socket handler %s: data service unavailable: %s", name, exc)
                return refuse(error_event, UNAVAILABLE_MESSAGE, client_id,
                              retry_after=RETRY_AFTER_SECONDS)
            return {"success": True} if result is None else result

        socketio.on_event(name, wrapper)
        return wrapper

    return decorate


def client_message_id(data):
    """The caller's own id for this emit, echoed in the answer when it looks like one."""
    value = data.get("client_message_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def failed(message):
    return {"success": False, "error": message}


def refuse(error_event, message, client_id=None, **extra):
    """Answer the caller only: the error event, and the ack value to return."""
    body = {"message": message, **extra}
    if client_id is not None:
        body["client_message_id"] = client_id
    emit(error_event, body)
    return failed(message)


@socketio.on_error_default
def unexpected_socket_error(exc):
    if isinstance(exc, ConnectionRefusedError):
        raise exc  # a refused connect must stay refused
    if is_unavailable(exc):  # handlers outside on_event: an outage is not a bug either
        emit("error", {"message": UNAVAILABLE_MESSAGE, "retry_after": RETRY_AFTER_SECONDS})
        return
    log.exception("socket handler failed (sid %s)", getattr(request, "sid", "?"))
    emit("error", {"message": "Something went wrong"})
