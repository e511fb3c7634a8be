"""One client process of the load generator (gevent: many clients, one core).

    python -m bench.worker job.json

Talks to the orchestrator over stdin/stdout, one JSON line each way:
out `{"ready": ...}` once set up, then in `"report"` -> out `{"report": ...}`
(and the received list is cleared), in `"quit"` -> disconnect and exit.

Jobs:
- sockets: connect `count` real python-socketio clients over the WebSocket
  transport, with the session cookies given (dealt round-robin); optionally join a room and record every
  `new_chat_room_message` with its send-to-receive latency.
- http: `concurrency` keep-alive clients GET `path` (or POST a JSON body) for
  `duration` seconds, or until `requests` were sent.
"""
from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import engineio  # noqa: E402
import gevent  # noqa: E402
import gevent.event  # noqa: E402
import orjson  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402
from gevent.fileobject import FileObject  # noqa: E402
from gevent.pool import Pool  # noqa: E402

CONNECT_CONCURRENCY = 40


class FastJSON:
    """What the clients decode packets with (python-socketio's `Packet.json`): the
    load generator shares the cores with the server, and decoding every delivered
    message with the standard library made the clients, not the server, the limit
    of the fan-out figures (Parley's message is several times the floor's)."""

    @staticmethod
    def dumps(obj, **_options):
        return orjson.dumps(obj).decode()

    loads = staticmethod(orjson.loads)


socketio.packet.Packet.json = FastJSON

# websocket-client checks that every text frame is UTF-8 with a loop in Python over
# its bytes (no wsaccel here): 39 us for the floor's 150-byte message, 150-200 us for
# Parley's 600-1,200-byte one. At 10,000 deliveries/s that alone took the clients'
# cores, and it charged Parley for its longer message, not for its server. Browsers
# check in native code; the load generator skips it.
WEBSOCKET_OPTIONS = {"skip_utf8_validation": True}


class InlineEngineIOClient(engineio.Client):
    """Engine.IO's client starts a thread (a greenlet here) for every message it
    receives, a sixth of the clients' CPU in the fan-out (py-spy of the workers).
    The handlers here only record the message and never block, so they run in the
    read loop."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class BenchClient(socketio.Client):
    def _engineio_client_class(self):
        return InlineEngineIOClient


def out(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def parse_message(data):
    """(seq, sent_at) from a baseline payload or a Parley message's content."""
    if isinstance(data, dict) and "ts" in data:  # Parley messages have a `seq` of their own
        return int(data["seq"]), float(data["ts"])
    parts = str((data or {}).get("content", "")).split()
    if len(parts) == 3 and parts[0] == "bench":
        return int(parts[1]), float(parts[2])
    return None


LAST_EVENT = [time.monotonic()]


class Receiver:
    def __init__(self, job, cookie, received):
        self.job, self.cookie, self.received = job, cookie, received
        self.client = BenchClient(reconnection=False,
                                  websocket_extra_options=WEBSOCKET_OPTIONS)
        # Any other event (presence broadcasts of the connect ramp) only marks the time.
        self.client.on("*", lambda *_: LAST_EVENT.__setitem__(0, time.monotonic()))
        self.joined = gevent.event.Event()
        self.client.on("new_chat_room_message", self.on_message)
        self.client.on("joined", lambda *_: self.joined.set())
        self.client.on("chat_room_joined", lambda *_: self.joined.set())
        self.refusal = None  # what the server answered instead, for the report
        self.client.on("error", self.on_error)

    def on_error(self, data):
        LAST_EVENT[0] = time.monotonic()
        self.refusal = data
        self.joined.set()

    def on_message(self, data):
        LAST_EVENT[0] = time.monotonic()
        parsed = parse_message(data)
        if parsed is not None:
            now = time.time()
            self.received.append((parsed[0], round((now - parsed[1]) * 1000, 2), now))

    def connect(self):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.client.connect(self.job["url"], headers=headers, transports=["websocket"],
                            wait_timeout=30)
        room = self.job.get("room")
        if room:
            if self.job["target"] == "baseline":
                self.client.emit("join", {"room": room})
            else:
                self.client.emit("join_chat_room", {"room_id": room})
            if not self.joined.wait(30):
                raise RuntimeError("room join not acknowledged")
            if self.refusal is not None:
                raise RuntimeError(f"room join refused: {self.refusal}")


def run_sockets(job):
    received = []
    cookies = job.get("cookies") or [None]
    receivers = [Receiver(job, cookies[i % len(cookies)], received) for i in range(job["count"])]
    failures = []
    deadline = time.monotonic() + job.get("connect_seconds", 300)

    def connect(receiver):
        if time.monotonic() > deadline:  # bounded ramp: report how far it got
            failures.append("connect deadline passed")
            return
        try:
            receiver.connect()
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            failures.append(repr(exc)[:200])

    Pool(CONNECT_CONCURRENCY).map(connect, receivers)
    out({"ready": {"connected": sum(r.client.connected for r in receivers),
                   "failures": failures[:5], "failed": len(failures)}})
    # Read commands cooperatively: a plain blocking read would stop every client.
    commands = FileObject(sys.stdin.fileno(), "r")
    for line in commands:
        command = line.strip()
        if command == "report":
            batch, received[:] = list(received), []
            out({"report": {"received": batch,
                            "connected": sum(r.client.connected for r in receivers)}})
        elif command == "quiet":
            out({"quiet_for": time.monotonic() - LAST_EVENT[0]})
        elif command == "quit":
            break
    Pool(CONNECT_CONCURRENCY).map(lambda r: r.client.disconnect(), receivers)


def run_http(job):
    """GET `path` (or POST `json` to it when `method` is POST) from `concurrency`
    keep-alive clients until `duration` seconds pass or, with `requests`, that many
    were sent in all. `cookies`, when given, are dealt one per client (several users)."""
    cookies = job.get("cookies") or [job.get("cookie")]
    method, body = job.get("method", "GET"), job.get("json")
    budget = [job.get("requests") or float("inf")]
    latencies, errors, statuses = [], [0], {}
    out({"ready": True})
    sys.stdin.readline()  # "go": every worker starts together
    started = time.monotonic()
    deadline = started + job["duration"]

    def loop(n):
        http = requests.Session()
        cookie = cookies[n % len(cookies)]
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            began = time.perf_counter()
            try:
                response = http.request(method, job["url"] + job["path"], headers=headers,
                                        json=body, timeout=10)
                ok = response.status_code in (200, 201)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            except requests.RequestException:
                ok = False
            if ok:
                latencies.append(round((time.perf_counter() - began) * 1000, 3))
            else:
                errors[0] += 1

    gevent.joinall([gevent.spawn(loop, n) for n in range(job["concurrency"])])
    out({"report": {"latencies": latencies, "errors": errors[0],
                    "seconds": time.monotonic() - started,
                    "statuses": {str(k): v for k, v in statuses.items()}}})


def main():
    with open(sys.argv[1]) as handle:
        job = json.load(handle)
    {"sockets": run_sockets, "http": run_http}[job["kind"]](job)


if __name__ == "__main__":
    main()
