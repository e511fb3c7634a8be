"""The floor: a minimal Flask-SocketIO server that only rebroadcasts to a room.

No database, no auth, no validation: `join {room}` joins a room, `send
{room, ...}` emits `new_chat_room_message` with the same payload to that room
(sender included, as Parley does). The REST floor: `GET /api/floor` reads the
`session` cookie and returns, as JSON, the body stored under `floor:<cookie>`
in Redis (`--redis`), fetched with one GET (401 without it). Same async mode and the same Redis message
queue setting as the Parley server it is compared with, so the ratio measures
what Parley adds on top of Flask-SocketIO itself.

    python -m bench.baseline.server --port 5100 --async-mode gevent [--message-queue redis://...]
        [--redis redis://...]
"""
import argparse
import socket
import sys

ARGS = argparse.ArgumentParser(description=__doc__)
ARGS.add_argument("--host", default="127.0.0.1")
ARGS.add_argument("--port", type=int, required=True)
ARGS.add_argument("--async-mode", default="gevent", choices=["gevent", "eventlet", "threading"])
ARGS.add_argument("--message-queue", default=None)
ARGS.add_argument("--redis", default=None, help="Redis of the REST floor's bodies")


def main(argv=None):
    args = ARGS.parse_args(argv)
    if args.async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif args.async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()

    import redis
    from flask import Flask, Response, request
    from flask_socketio import SocketIO, emit, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=args.async_mode, message_queue=args.message_queue,
                        cors_allowed_origins="*", logger=False, engineio_logger=False)

    @app.get("/readyz")
    def readyz():
        return {"status": "ready"}

    store = redis.Redis.from_url(args.redis) if args.redis else None

    @app.get("/api/floor")
    def floor():
        sid = request.cookies.get("session")
        raw = store.get("floor:" + sid) if store is not None and sid else None
        if raw is None:
            return {"success": False, "error": "Not authenticated"}, 401
        return Response(raw, mimetype="application/json")

    @socketio.on("join")
    def on_join(data):
        join_room(data["room"])
        emit("joined", {"room": data["room"]})

    @socketio.on("send")
    def on_send(data):
        socketio.emit("new_chat_room_message", data, to=data["room"])

    print(f"baseline serving on {args.host}:{args.port} ({args.async_mode})", file=sys.stderr,
          flush=True)
    if args.async_mode == "gevent":
        # The server serve.py runs under gevent: pywsgi on a TCP_NODELAY listener.
        from gevent import pywsgi

        pywsgi.WSGIServer(_listen(args.host, args.port), app, log=None).serve_forever()
    else:
        socketio.run(app, host=args.host, port=args.port, log_output=False,
                     allow_unsafe_werkzeug=True)


def _listen(host, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(2048)
    return listener


if __name__ == "__main__":
    main()
