"""The request handler of Parley's gevent WSGI server (serve.py).

pywsgi's handler, with four changes:

- A connection that asked for a WebSocket ends with it. Under gevent,
  python-engineio's WebSocket (simple-websocket) answers the upgrade and talks over
  a duplicate of the connection's socket, so pywsgi never learns the connection was
  upgraded. When the socket's handler returned, pywsgi read on for a next HTTP
  request and found the client's WebSocket close frame: it logged "Invalid HTTP
  method: '\\x88\\x82...'" and wrote an HTTP 400 into the closing WebSocket, once
  for every socket that left (flask-sock #104 is the same report).
- Request headers are parsed without the email package (utils/request_headers.py).
- A response's head and body leave in one system call, not two, and without
  gevent's `sendall` asking the socket's buffer size before each (issue 12: a
  cached read made four system calls to answer, now one).
- No access line is formatted: pywsgi formatted one on every request for serve.py's
  `log=None`, which drops it; Parley's access lines come from its own hook
  (utils/logging_setup.py).
"""
from gevent import pywsgi

from utils import request_headers
from utils.socket_writes import send_all

# A larger body is sent after the head, not copied behind it.
ONE_WRITE_MAX_BYTES = 256 * 1024


class WSGIHandler(pywsgi.WSGIHandler):
    def MessageClass(self, fp, *_):  # pywsgi's name: what `read_request` calls
        return request_headers.parse(fp)

    def run_application(self):
        try:
            super().run_application()
        finally:
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True

    def _write_with_headers(self, data):
        self.headers_sent = True
        self.finalize_headers()  # decides on chunked encoding
        head = [b"HTTP/1.1 ", self.status, b"\r\n"]
        for name, value in self.response_headers:  # latin-1 bytes since start_response
            head += (name, b": ", value, b"\r\n")
        head.append(b"\r\n")
        if self.response_use_chunked or len(data) > ONE_WRITE_MAX_BYTES:
            self._sendall(b"".join(head))
            self._write(data)
        else:
            head.append(data)
            self._sendall(b"".join(head))

    def _sendall(self, data):
        """pywsgi's, through `send_all`: the same accounting on success and failure."""
        try:
            send_all(self.socket, data)
        except OSError as error:
            self.status = f"socket error: {error}"
            if self.code > 0:
                self.code = -self.code
            raise
        self.response_length += len(data)

    def log_request(self):
        pass
