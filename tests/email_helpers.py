"""Real mail endpoints on loopback for the notification-email tests: an SMTP
server (aiosmtpd) that keeps what it receives, and a stand-in for SendGrid's
v3 API that records each request and answers with the statuses it is given."""
import email
import json
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from devservices import free_port


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpServer:
    """`start()`, then `.port`, `.messages` (parsed EmailMessage objects), `clear()`, `stop()`."""

    def __init__(self):
        self.inbox = _Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return list(self.inbox.messages)

    def to(self, address):
        return [m for m in self.inbox.messages if m["To"] == address]

    def clear(self):
        self.inbox.messages.clear()

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


class SendgridStandIn:
    """POST /v3/mail/send: records `(headers, json body)`; answers `statuses.pop(0)` or 202."""

    def __init__(self, api_key):
        self.api_key, self.requests, self.statuses = api_key, [], []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stand_in.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "json": json.loads(body or b"null")})
                ok = self.headers.get("Authorization") == f"Bearer {stand_in.api_key}"
                status = (stand_in.statuses.pop(0) if stand_in.statuses else 202) if ok else 401
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def parts(message):
    """`(text, html)` of a received multipart/alternative email."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def unsubscribe_path(message):
    """The path of the List-Unsubscribe link (the test client has no host)."""
    link = message["List-Unsubscribe"].strip("<>")
    return link[link.index("/api/"):]


@pytest.fixture(scope="module")
def smtp():
    """One loopback SMTP server per test module (import this fixture to use it)."""
    server = SmtpServer().start()
    yield server
    server.stop()


def smtp_settings(smtp, **more):
    """Config overrides that send through `smtp`; clears what it received before."""
    smtp.clear()
    return {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port,
            "SMTP_USE_TLS": False, **more}
