"""The request handler of Parley's gevent WSGI server (serve.py)."""
from gevent import pywsgi


class WSGIHandler(pywsgi.WSGIHandler):
    """pywsgi's handler, which ends a connection once its WebSocket is over.

    Under gevent, python-engineio's WebSocket (simple-websocket) answers the upgrade
    and talks over a duplicate of the connection's socket, so pywsgi never learns the
    connection was upgraded. When the socket's handler returned, pywsgi read on for a
    next HTTP request and found the client's WebSocket close frame: it logged
    "Invalid HTTP method: '\\x88\\x82...'" and wrote an HTTP 400 into the closing
    WebSocket, once for every socket that left (flask-sock #104 is the same report).
    A connection that asked for a WebSocket carries no HTTP request after it.
    """

    def run_application(self):
        try:
            super().run_application()
        finally:
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True
