"""deploy/: nginx (Debian's package) in front of two real Parley processes.

A presence event raised by a user connecting through nginx to one process,
and then a chat message sent through that process, reach a socket held by the
other process (Redis message queue), and
Socket.IO sessions stay on their process through long-polling and the
WebSocket upgrade (sticky upstream, upgrade headers).
"""
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from deploy.nginx import render
from devservices import free_port
from tests import factories
from tests.live_server import signed_in_session, socket_for, start_server

pytestmark = pytest.mark.e2e

NGINX = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin:/sbin") or None)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeded_users(live_db):
    users = live_db.users(10)

    def all_friends():  # presence events go to friends only
        for i, user in enumerate(users):
            for other in users[i + 1:]:
                factories.make_friends(user, other)

    live_db.seed(all_friends)
    return live_db.name, users, live_db.app


def start_nginx(tmp_path, servers):
    port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(render(f"127.0.0.1:{port}", servers))
    process = subprocess.Popen([NGINX, "-g", "daemon off;", "-c", str(conf), "-p", f"{prefix}/"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not listen")


def send_chat_across(app, url, sender_http, listener):
    """A chat message sent over REST (sticky: to the sender's process) reaches the
    listener's socket, held by the other process."""
    from bson import ObjectId

    from models.chat_room import ChatRoomMember

    listener_sio, listener_user = listener
    created = sender_http.post(url + "/api/chat-rooms/group", json={"name": "across"}, timeout=10)
    assert created.status_code == 201, created.text
    room_id = created.json()["data"]["id"]
    with app.app_context():
        ChatRoomMember.insert(room_id=ObjectId(room_id), user_id=listener_user["_id"])
    listener_sio.emit("join_chat_room", {"room_id": room_id})
    listener_sio.log.wait_for("chat_room_joined", lambda data: data["room_id"] == room_id)
    sent = sender_http.post(f"{url}/api/chat-rooms/{room_id}/messages",
                            json={"content": "hello from the other process"}, timeout=10)
    assert sent.status_code == 201, sent.text
    message = listener_sio.log.wait_for("new_chat_room_message",
                                        lambda data: data["chat_room_id"] == room_id)
    assert message["content"] == "hello from the other process"


def sockets_on(server):
    text = requests.get(server.url + "/metrics", timeout=5).text
    line = next(line for line in text.splitlines() if line.startswith("parley_sockets_connected"))
    return int(float(line.split()[-1]))


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx);"
                                          " the nginx deployment test needs it")
def test_event_crosses_processes_behind_nginx(service_urls, seeded_users, tmp_path):
    db_name, users, app = seeded_users
    env = {"TRUSTED_PROXIES": "1"}
    backends = [start_server(service_urls, db_name, extra_env=env) for _ in range(2)]
    nginx, url = None, None
    opened = []
    try:
        nginx, url = start_nginx(tmp_path, [b.url.removeprefix("http://") for b in backends])
        assert requests.get(url + "/readyz", timeout=5).status_code == 200
        held = {}  # backend index -> (socket, user) of the first socket it holds
        crossed = False
        for user in users:
            before = [sockets_on(b) for b in backends]
            http = signed_in_session(url, user)
            # Polling first, then the upgrade: both must stick to one process.
            sio = socket_for(url, http, transports=("polling", "websocket"))
            opened.append(sio)
            sio.log.wait_for("connected")
            after = [sockets_on(b) for b in backends]
            landed = next(i for i in range(2) if after[i] > before[i])
            other = held.get(1 - landed)
            if other is not None:
                seen = other[0].log.wait_for(
                    "user_online", lambda data: data["user_id"] == str(user["_id"]))
                assert seen["username"] == user["username"]
                send_chat_across(app, url, http, other)
                crossed = True
                break
            held.setdefault(landed, (sio, user))
        assert crossed, "every user landed on one process: the upstream does not balance"
        assert sio.transport() == "websocket"  # the upgrade went through nginx
    finally:
        for sio in opened:
            sio.disconnect()
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for backend in backends:
            backend.stop()


class RecordingBackend(BaseHTTPRequestHandler):
    """An HTTP/1.1 process that records, per request, the upstream connection it came
    on and its Connection header; like gevent's pywsgi it closes a connection after
    answering a request that said "Connection: close"."""

    protocol_version = "HTTP/1.1"
    seen = None  # [(client port, Connection header)], set per server

    def do_GET(self):  # noqa: N802 - the http.server hook name
        self.server.seen.append((self.client_address[1], self.headers.get("Connection")))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx);"
                                          " the nginx deployment test needs it")
def test_long_polling_keeps_its_upstream_connection(tmp_path):
    """Engine.IO's long-polling requests reach the process without "Connection: close",
    on one pooled upstream connection; an upgrade still says "upgrade". With "close",
    the process closed each connection after its answer while nginx pooled it, and the
    next request of the same Engine.IO session, sent on it, failed ("upstream
    prematurely closed") and was retried on the other process: 400 "Invalid session"."""
    backend = ThreadingHTTPServer(("127.0.0.1", 0), RecordingBackend)
    backend.seen = []
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    nginx = None
    try:
        nginx, url = start_nginx(tmp_path, [f"127.0.0.1:{backend.server_address[1]}"])
        browser = requests.Session()  # one connection to nginx, so one nginx worker
        browser.cookies.set("session", "one-signed-in-session")
        for _ in range(3):
            polled = browser.get(url + "/socket.io/?EIO=4&transport=polling&sid=abc", timeout=5)
            assert polled.status_code == 200
        browser.get(url + "/socket.io/?EIO=4&transport=websocket&sid=abc", timeout=5,
                    headers={"Upgrade": "websocket", "Connection": "Upgrade"})
        polls, upgrade = backend.seen[:3], backend.seen[3]
        assert [header for _port, header in polls] == [None, None, None]
        assert len({port for port, _header in polls}) == 1, polls  # the pool was used
        assert upgrade[1].lower() == "upgrade"
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        backend.shutdown()
        backend.server_close()


def test_compose_nginx_conf_is_the_rendered_template():
    committed = (ROOT / "deploy" / "nginx.compose.conf").read_text()
    assert committed == render("0.0.0.0:80", ["parley1:8000", "parley2:8000"],
                               prefix="/tmp/nginx-", metrics_allow=("10.0.0.0/8", "172.16.0.0/12",
                                                                    "192.168.0.0/16"))
