"""What every socket handler shares: the acting user from the live session,
payload validation, and errors returned to the caller as an `error` event."""
import functools
import logging

from flask import request
from flask_socketio import ConnectionRefusedError, disconnect, emit  # noqa: A004

from extensions import socketio
from utils.auth import session_user
from utils.errors import AppError
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
    session, never from the payload. A refused call answers `error_event`
    with `{message}` to the caller only.
    """
    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(data=None, *args):
            user = session_user()
            if user is None:
                emit(error_event, {"message": "Authentication required"})
                disconnect()
                return None
            try:
                payload = load(schema, data if data is not None else {}) if schema else data
                return handler(user, payload)
            except AppError as exc:
                emit(error_event, {"message": exc.message})
                return None

        socketio.on_event(name, wrapper)
        return wrapper

    return decorate


@socketio.on_error_default
def unexpected_socket_error(exc):
    if isinstance(exc, ConnectionRefusedError):
        raise exc  # a refused connect must stay refused
    log.exception("socket handler failed (sid %s)", getattr(request, "sid", "?"))
    emit("error", {"message": "Something went wrong"})
