"""Parley's pywsgi handler (utils/gevent_server.py, serve.py's server): a response
leaves in one `send` where pywsgi's own handler makes two, and the application
sees the same request. Real pywsgi server and handler over a real socket pair;
the server's end counts its `send` calls."""
import gevent
import pytest
from gevent import pywsgi
from gevent import socket as gevent_socket

from tests.test_request_headers import BROWSER
from tests.test_websocket_batching import CountingSends, CountingSocket
from utils import gevent_server

SMALL_BODY = b'{"success": true, "data": []}'


def make_app(body, seen=None, chunked=False):
    def app(environ, start_response):
        if seen is not None:
            seen.append({key: value for key, value in environ.items()
                         if key.startswith(("HTTP_", "CONTENT_", "REQUEST_", "PATH_"))})
        headers = [("Content-Type", "application/json")]
        if not chunked:
            headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body] if not chunked else iter([body[:10], body[10:]])
    return app


def exchange(handler_class, app, request):
    """(the response's bytes, what each server `send` sent) for one request on a
    connection the client then closes."""
    CountingSends.sent = []
    client, server_end = gevent_socket.socketpair()
    server_end = CountingSocket(fileno=server_end.detach())
    server = pywsgi.WSGIServer(("127.0.0.1", 0), app, log=None, handler_class=handler_class)
    handler = gevent.spawn(lambda: handler_class(server_end, ("127.0.0.1", 1), server).handle())
    client.sendall(request)
    client.shutdown(gevent_socket.SHUT_WR)
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    handler.join(timeout=10)
    client.close()
    return received, CountingSends.sent


def get(path=b"/api/topics", headers=b"Host: h\r\nConnection: close\r\n\r\n"):
    return b"GET " + path + b" HTTP/1.1\r\n" + headers


def test_a_response_leaves_in_one_send():
    received, sends = exchange(gevent_server.WSGIHandler, make_app(SMALL_BODY), get())
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(SMALL_BODY)
    assert b"Content-Length: %d\r\n" % len(SMALL_BODY) in received
    assert sends == [received]


def test_pywsgi_alone_sends_the_head_and_the_body_apart():
    """The control: what the one send replaces."""
    received, sends = exchange(pywsgi.WSGIHandler, make_app(SMALL_BODY), get())
    assert received.endswith(SMALL_BODY)
    assert len(sends) == 2 and sends[1] == SMALL_BODY


@pytest.mark.parametrize("chunked", [False, True])
def test_large_and_chunked_bodies_arrive_whole(chunked):
    body = b"x" * (gevent_server.ONE_WRITE_MAX_BYTES + 1)
    received, sends = exchange(gevent_server.WSGIHandler, make_app(body, chunked=chunked), get())
    head, _, rest = received.partition(b"\r\n\r\n")
    if chunked:
        assert b"Transfer-Encoding: chunked" in head
        assert rest == b"a\r\n" + body[:10] + b"\r\n%x\r\n" % (len(body) - 10) + body[10:] \
            + b"\r\n0\r\n\r\n"
    else:
        assert rest == body
    assert b"".join(sends) == received


def test_the_application_sees_the_request_pywsgi_would_give_it():
    request = get(b"/api/topics?limit=20", BROWSER.replace(b"keep-alive", b"close"))
    ours, theirs = [], []
    exchange(gevent_server.WSGIHandler, make_app(SMALL_BODY, ours), request)
    exchange(pywsgi.WSGIHandler, make_app(SMALL_BODY, theirs), request)
    assert ours == theirs
    assert ours[0]["HTTP_COOKIE"] == "session=abc; parley_device=x.y.z"


def test_a_folded_header_reaches_the_application_as_with_pywsgi():
    request = get(headers=b"Host: h\r\nX-Folded: one\r\n two\r\nConnection: close\r\n\r\n")
    ours, theirs = [], []
    exchange(gevent_server.WSGIHandler, make_app(SMALL_BODY, ours), request)
    exchange(pywsgi.WSGIHandler, make_app(SMALL_BODY, theirs), request)
    assert ours == theirs and "one" in ours[0]["HTTP_X_FOLDED"]


def test_a_header_line_over_the_limit_is_answered_400():
    request = get(headers=b"X-Long: " + b"a" * 70000 + b"\r\n\r\n")
    received, _ = exchange(gevent_server.WSGIHandler, make_app(SMALL_BODY), request)
    assert received.startswith(b"HTTP/1.1 400")
