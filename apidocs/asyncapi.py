"""The AsyncAPI 3.0 description of the Socket.IO events, in both directions.

Client -> server: every handler registered with `sockets.common.on_event`
(or `socketio.on`), with the pydantic model it validates its payload with,
read from the decorator in the handler's source, so the schema here is the
one the handler enforces.
Server -> client: every `emit(...)` / `emit_to_user(...)` in sockets/ and
services/ that names its event literally, with the keys of a literal payload
dict; keys that carry one of the main objects point at its model.
"""
import ast
import importlib
import pkgutil

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import services
import sockets
from apidocs import objects
from apidocs.discovery import callee_name, literal, parse_source, resolve

CHANNEL = "socketio"
EMITTERS = {"emit", "emit_to_user"}
# Payload keys whose value is a main object (services build them with the same views).
KEY_MODELS = {"call": objects.Call, "user": objects.UserBrief, "topic": objects.Topic,
              "post": objects.Post, "comment": objects.Comment,
              "notification": objects.Notification}


def _modules(package):
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        yield importlib.import_module(f"{package.__name__}.{info.name}")


def incoming_events():
    """`{event: model or None}` for the client -> server events."""
    events = {}
    for module in _modules(sockets):
        tree = parse_source(module)
        for node in ast.walk(tree) if tree else ():
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if not isinstance(decorator, ast.Call) or callee_name(decorator) not in (
                        "on_event", "on"):
                    continue
                event = literal(decorator.args[0]) if decorator.args else None
                model = resolve(decorator.args[1], vars(module)) if len(
                    decorator.args) > 1 else None
                if isinstance(event, str):
                    is_model = isinstance(model, type) and issubclass(model, BaseModel)
                    events[event] = model if is_model else None
    return events


def _emitted(call):
    """`(event, payload node)` of an emit call naming its event literally, else None."""
    for position, arg in enumerate(call.args[:2]):
        event = literal(arg)
        if isinstance(event, str) and event.replace("_", "").isalnum():
            payload = call.args[position + 1] if len(call.args) > position + 1 else None
            return event, payload
    return None


def outgoing_events():
    """`{event: set of payload keys}` for the server -> client events."""
    events = {}
    for module in list(_modules(sockets)) + list(_modules(services)):
        tree = parse_source(module)
        for node in ast.walk(tree) if tree else ():
            if not isinstance(node, ast.Call) or callee_name(node) not in EMITTERS:
                continue
            found = _emitted(node)
            if found is None:
                continue
            event, payload = found
            keys = events.setdefault(event, set())
            if isinstance(payload, ast.Dict):
                keys.update(k for k in map(literal, payload.keys) if isinstance(k, str))
    return events


def _outgoing_schema(keys):
    properties = {key: ({"$ref": f"#/components/schemas/{KEY_MODELS[key].__name__}"}
                        if key in KEY_MODELS else {}) for key in sorted(keys)}
    return {"type": "object", "properties": properties}


def _schemas(models):
    ordered = sorted(models, key=lambda m: (m.__module__, m.__qualname__))
    keys, top = models_json_schema([(m, "validation") for m in ordered],
                                   ref_template="#/components/schemas/{model}")
    names = {m: keys[(m, "validation")]["$ref"].rsplit("/", 1)[-1] for m in ordered}
    return top.get("$defs", {}), names


def _operation(action, message_id):
    return {"action": action, "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "messages": [{"$ref": f"#/channels/{CHANNEL}/messages/{message_id}"}]}


def build_asyncapi(app):
    incoming, outgoing = incoming_events(), outgoing_events()
    schemas, names = _schemas({m for m in incoming.values() if m} | set(KEY_MODELS.values()))
    messages, operations = {}, {}
    for event, model in sorted(incoming.items()):
        payload = {"$ref": f"#/components/schemas/{names[model]}"} if model else {}
        messages[f"receive_{event}"] = {"name": event, "payload": payload}
        operations[f"receive_{event}"] = _operation("receive", f"receive_{event}")
    for event, keys in sorted(outgoing.items()):
        messages[f"send_{event}"] = {"name": event, "payload": _outgoing_schema(keys)}
        operations[f"send_{event}"] = _operation("send", f"send_{event}")
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Parley Socket.IO events", "version": "1.0.0",
                 "description": "Socket.IO over Engine.IO at /socket.io/. The connection "
                                "uses the session cookie of the REST sign-in. `receive` "
                                "operations are events a client emits; `send` operations "
                                "are events the server emits."},
        "defaultContentType": "application/json",
        "servers": {"parley": {"host": app.config.get("SERVER_NAME") or "localhost",
                               "protocol": "ws", "pathname": "/socket.io/"}},
        "channels": {CHANNEL: {"address": "/socket.io/",
                               "messages": {mid: {"$ref": f"#/components/messages/{mid}"}
                                            for mid in messages}}},
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
