"""WebSockets without permessage-deflate (issue 12, idle sockets).

Browsers offer permessage-deflate on every WebSocket, and python-engineio's WebSocket
(simple-websocket, and eventlet's) accepted it. The server then keeps a zlib
compressor for each socket from its first message on, its window and hash tables
sized for the largest messages: 500 idle sockets opened as Chromium opens them cost
163 KB each in the server, against 69 KB without (measured with raw sockets that offer
the extension; the bench's clients never offer it, so the bench did not see it).
Every message fanned out to a room was also compressed once per socket.

Socket.IO's messages are small JSON, and Node's engine.io turned the extension off by
default for the same memory cost. The offer is optional in the protocol (RFC 7692):
a client whose offer is not taken sends and receives plain frames.
"""


def without_websocket_compression(wsgi_app):
    """`wsgi_app` with the client's WebSocket extension offer dropped from each request."""

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app
