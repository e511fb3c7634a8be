"""Run Parley's Socket.IO server: `python serve.py` (what `make run` does).

The async library is chosen from ASYNC_MODE before anything else is imported,
because gevent and eventlet must patch the standard library first.
"""
import os

from dotenv import load_dotenv

load_dotenv(override=False)
ASYNC_MODE = os.environ.get("ASYNC_MODE", "gevent")
if ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()


def main():
    import logging
    import signal
    import sys

    # SIGTERM ends the process through SystemExit, so atexit stops the embedded servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    import models
    from app import create_app
    from extensions import socketio

    app = create_app()
    if app.config["APP_ENV"] == "development":
        with app.app_context():
            models.create_indexes()
    host, port = app.config["HOST"], app.config["PORT"]
    logging.getLogger("parley").info("Parley serving on http://%s:%s (%s)", host, port,
                                     app.config["ASYNC_MODE"])
    socketio.run(app, host=host, port=port, debug=False, use_reloader=False,
                 log_output=False, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
