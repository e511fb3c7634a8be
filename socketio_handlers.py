"""Socket.IO events. Each module of `sockets/` registers the handlers of one domain
on the shared `socketio` object; this imports them all (once)."""
import importlib
import pkgutil

import sockets


def register_socket_handlers():
    for module_info in sorted(pkgutil.iter_modules(sockets.__path__), key=lambda m: m.name):
        importlib.import_module(f"sockets.{module_info.name}")
