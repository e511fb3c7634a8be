"""Real Parley server processes for end-to-end tests, and real clients for them.

`start_server(service_urls, ...)` runs `serve.py` in a subprocess (gevent by
default) against the test session's MongoDB-wire and Valkey servers, waits for
/readyz, and returns a handle with `.url` and `.stop()`. `signed_in_session`
signs a seeded user in over HTTP; `socket_for` opens a python-socketio client
over the WebSocket transport with that session's cookie.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
import socketio as socketio_client

from devservices import free_port
from utils.csrf import origin_of

ROOT = Path(__file__).resolve().parent.parent


class ServerProcess:
    def __init__(self, process, url, log_path):
        self.process, self.url, self.log_path = process, url, log_path

    def stop(self, sig=None):
        if self.process.poll() is None:
            self.process.terminate() if sig is None else self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        return Path(self.log_path).read_text(errors="replace")


def start_server(service_urls, db_name, async_mode="gevent", extra_env=None, timeout=60):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update({
        "APP_ENV": "development", "PORT": str(port), "HOST": "127.0.0.1",
        "MONGO_URI": service_urls["mongo"], "REDIS_URL": service_urls["redis"],
        "MONGO_DB_NAME": db_name, "ASYNC_MODE": async_mode, "SECRET_KEY": "testing-secret-key",
        "SOCKETIO_MESSAGE_QUEUE": "1", "LOG_FORMAT": "text", "LOG_LEVEL": "WARNING",
        "VAR_DIR": os.path.join(service_urls["base"], f"var-{port}"),
        "RATELIMIT_ENABLED": "0",
    })
    env.update(extra_env or {})
    log_path = os.path.join(service_urls["base"], f"server-{port}.log")
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen([sys.executable, str(ROOT / "serve.py")], cwd=ROOT, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if requests.get(server.url + "/readyz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready in {timeout}s:\n{server.log()}")


class BrowserSession(requests.Session):
    """Sends `Origin: <the target's own origin>` on every request, as the page of the
    app served there does (the CSRF guard wants it on a cookie-carrying write)."""

    def request(self, method, url, *args, headers=None, **kwargs):
        headers = dict(headers or {})
        headers.setdefault("Origin", origin_of(url))
        return super().request(method, url, *args, headers=headers, **kwargs)


def signed_in_session(server_url, user):
    """A requests.Session signed in as `user` (a factory user with `totp_secret`)."""
    import pyotp

    http = BrowserSession()
    response = http.post(server_url + "/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()},
        timeout=10)
    assert response.status_code == 200, response.text
    return http


class EventLog:
    """Events a client received, with a way to wait for one."""

    def __init__(self):
        self.events = []

    def record(self, event, data):
        self.events.append((event, data))

    def named(self, event):
        return [data for name, data in self.events if name == event]

    def wait_for(self, event, predicate=lambda data: True, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for data in self.named(event):
                if predicate(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {event!r} within {timeout}s; got {[n for n, _ in self.events]}")


def socket_for(server_url, http_session, transports=("websocket",)):
    """A connected Socket.IO client carrying the session's cookies; `.log` holds its events.

    The cookies go in the client's own cookie jar, so, as in a browser, every
    Engine.IO request carries them: the handshake, the WebSocket upgrade and,
    should the upgrade fail, each long-polling GET and POST (a `Cookie` header
    given to `connect` goes with the first two only, and nginx's sticky hash
    would send the polls of a failed upgrade by client address instead).
    A loaded machine gets 30 s per request instead of python-engineio's 5."""
    jar = requests.Session()
    jar.cookies.update(http_session.cookies)
    client = socketio_client.Client(reconnection=False, http_session=jar, request_timeout=30)
    log = EventLog()
    client.on("*", lambda event, data=None: log.record(event, data))
    client.connect(server_url, transports=list(transports), wait_timeout=10)
    client.log = log
    return client
