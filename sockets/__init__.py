"""Socket.IO handlers, one module per domain (see socketio_handlers.py)."""
