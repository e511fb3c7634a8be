"""Graceful stop always ends within SHUTDOWN_GRACE_SECONDS (issue 16), even
with a socket whose client stopped reading (its replies pile up unsent)."""
import json
import signal
import socket
import subprocess
import time

import pytest
import websocket

from tests.live_server import signed_in_session, start_server

pytestmark = pytest.mark.e2e

GRACE = 4


def stalled_socket(server_url, http):
    """A Socket.IO connection over WebSocket with a tiny receive buffer that asks
    for thousands of replies and never reads one."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    ws = websocket.create_connection(
        server_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        cookie=cookie, timeout=10, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    assert ws.recv().startswith("0")  # engine.io open
    ws.send("40")
    assert ws.recv().startswith("4")  # socket.io connect (or the first event)
    ask = "42" + json.dumps(["get_online_users"])
    for _ in range(4000):
        ws.send(ask)
    return ws


@pytest.mark.parametrize("async_mode", ["gevent"])
def test_sigterm_ends_within_the_grace_with_a_socket_that_stopped_reading(
        service_urls, live_db, async_mode):
    user = live_db.users(1)[0]
    server = start_server(service_urls, live_db.name, async_mode=async_mode,
                          extra_env={"SHUTDOWN_GRACE_SECONDS": str(GRACE)})
    stalled = None
    try:
        stalled = stalled_socket(server.url, signed_in_session(server.url, user))
        time.sleep(1)  # the server is now writing replies nobody reads
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=GRACE + 5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {GRACE + 5}s after SIGTERM (grace {GRACE}s)\n{server.log()[-3000:]}")
        took = time.monotonic() - signalled
        print(f"\nSIGTERM to exit with a stalled socket: {took:.1f}s (grace {GRACE}s)")
        # Drained cleanly, or cut by the backstop when the grace ran out (SIGALRM).
        assert server.process.returncode in (0, -signal.SIGALRM)
    finally:
        if stalled is not None:
            stalled.sock.close()
        server.stop()
