"""A real HTTP server on loopback standing in for an external web service.

`StubServer(routes)` serves `routes[path](params) -> (status, body)` where
`params` is the parsed query string (one value per name); every request is
recorded as `(path, params)` so a test asserts exactly what the real client
sent. A route may also sleep to play a slow upstream.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class StubServer:
    def __init__(self, routes):
        self.routes = routes
        self.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self):
        return [path for path, _ in self.requests]

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                params = {name: values[-1] for name, values in parse_qs(parts.query).items()}
                stub.requests.append((parts.path, params))
                route = stub.routes.get(parts.path)
                status, body = route(params) if route else (404, {"error": "no such path"})
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        return Handler
