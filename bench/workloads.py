"""The five workloads. Each returns a JSON-able dict; `status` is "ok" or
"n/a" with a `reason` (a route the bench needs is not on this branch)."""
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import redis
import requests
import socketio

from bench import clients, seed
from bench.servers import cpu_seconds, start_baseline, start_parley


class NotAvailable(Exception):
    """The server under bench lacks a route this workload needs."""


# ---------------------------------------------------------------- cold start

def cold_start(base, runs, services):
    """Seconds from `python serve.py` to /readyz 200: embedded default and external services."""
    embedded, external = [], []
    for n in range(runs):
        server = start_parley(f"{base}/cold-{n}", None)
        try:
            embedded.append(server.wait_ready(timeout=120))
        finally:
            server.stop()
    server = start_parley(base, services)
    try:
        external.append(server.wait_ready(timeout=120))
    finally:
        server.stop()
    return {"status": "ok", "embedded_seconds": embedded,
            "embedded_median": statistics.median(embedded), "external_seconds": external[0]}


# ---------------------------------------------------------------- REST hot reads

def _measured_slice(server, path, cookie, concurrency, duration, base):
    """One load's raw counts: latencies, errors, seconds, and the server's CPU seconds
    (CPU per request is steadier than req/s on a shared machine: other jobs' load
    slows both servers, not the CPU each spends)."""
    cpu0 = server.cpu()
    latencies, errors = _http_load(server.url, path, cookie, concurrency, duration, base,
                                   processes=1 if concurrency == 1 else 2)
    return {"latencies": latencies, "errors": errors, "seconds": duration,
            "cpu_seconds": server.cpu() - cpu0}


def _figures(*slices):
    """req/s, p50/p99, errors and CPU per request of one or more slices taken together."""
    latencies = [value for part in slices for value in part["latencies"]]
    seconds = sum(part["seconds"] for part in slices)
    cpu_seconds = sum(part["cpu_seconds"] for part in slices)
    return {"rps": round(len(latencies) / seconds, 1),
            "p50_ms": clients.percentile(latencies, 50), "p99_ms": clients.percentile(latencies, 99),
            "errors": sum(part["errors"] for part in slices),
            "cpu_ms_per_request": round(1000 * cpu_seconds / len(latencies), 3)
            if latencies else None}


def _http_load(url, path, cookie, concurrency, duration, base, processes):
    """(latencies of the requests answered, errors) of `concurrency` clients for `duration` s."""
    jobs = [{"kind": "http", "url": url, "path": path, "cookie": cookie, "duration": duration,
             "concurrency": part} for part in _spread(concurrency, processes)]
    workers, _ = clients.start_all(jobs, base, ready_timeout=60)
    try:
        for worker in workers:
            worker.send("go")
        reports = [worker.receive(duration + 60)["report"] for worker in workers]
    finally:
        clients.stop_all(workers)
    return ([value for report in reports for value in report["latencies"]],
            sum(report["errors"] for report in reports))


def _spread(total, parts):
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def wait_idle(pid, busy=0.1, window=1.0, limit=60):
    """Wait until process `pid` uses under `busy` of a core over `window` seconds (the
    database checkpointing what was just seeded would otherwise share the cores with
    the first figures); returns the seconds waited (bounded by `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return round(time.monotonic() - started, 1)


def rest_reads(server, users, base, duration, services, async_mode, concurrencies=(1, 16),
               big=True, db_pid=None):
    """Each hot read at each concurrency, each measured right after the REST floor
    (bench/baseline/server.py `GET /api/floor`: the same kind of session cookie and one
    Redis GET) serving the very bytes Parley answered that read with. So a ratio
    compares the two servers on the same response, minutes of machine drift apart
    becomes seconds, and a 16 KB page is not compared with a 1 KB body. `floor_me`
    keeps the one floor of the earlier benches (the body of `me`) for reference."""
    http = seed.sign_in(server.url, users[0])
    cookie = seed.cookie_of(http)
    reader = seed.sign_in(server.url, users[1])
    targets = {"me": "/api/auth/me", "readyz": "/readyz",
               **_content_paths(server.url, http, commenter=reader),
               **_chat_paths(server.url, http, users[1])}
    if big:
        seed.big_reader(services, "parley_bench", base, users[1]["id"])
        targets["topic_list_1000_of_10000"] = ("/api/topics?limit=20", seed.cookie_of(reader))
    seed.checkpoint(services)
    floor = start_baseline(base, async_mode, message_queue=services["redis"],
                           rest_redis=services["redis"])
    store = redis.Redis.from_url(services["redis"])
    results = {}
    try:
        floor.wait_ready()
        if db_pid is not None:
            results["database_settled_seconds"] = wait_idle(db_pid)
        for name, target in targets.items():
            path, who = target if isinstance(target, tuple) else (target, cookie)
            body = requests.get(server.url + path, headers={"Cookie": who}, timeout=30)
            store.set("floor:" + _session_id(who), body.content)
            results[name] = {}
            for c in concurrencies:
                figures, floor_figures = _against_floor(server, floor, path, who, c, duration,
                                                        base, db_pid)
                figures["body_bytes"] = len(body.content)
                results[name][f"c{c}"] = figures
                if name == "me":
                    results.setdefault("floor_me", {})[f"c{c}"] = floor_figures
    finally:
        floor.stop()
    return {"status": "ok", **results}


# Turns each of the floor and Parley take at one read and concurrency (bench/README.md).
AGAINST_FLOOR_TURNS = 3


def _against_floor(server, floor, path, who, concurrency, duration, base, db_pid):
    """(Parley's figures with the floor's beside them and the ratio, the floor's), once
    the database is idle. The two take turns, AGAINST_FLOOR_TURNS slices each of the
    duration: the database's own background work (a checkpoint of what was seeded)
    or another job's burst then lands on both instead of on whichever ran at the
    time. A cached read makes no database command, so the database's CPU during
    Parley's slices (`db_cpu_percent`) is that background work: printed, so that a
    figure it slowed can be told apart."""
    if db_pid is not None:
        wait_idle(db_pid, limit=10)
    turn = duration / AGAINST_FLOOR_TURNS
    floor_slices, slices, db_seconds = [], [], 0.0
    for _ in range(AGAINST_FLOOR_TURNS):
        floor_slices.append(_measured_slice(floor, "/api/floor", who, concurrency, turn, base))
        db_before = cpu_seconds(db_pid) if db_pid is not None else None
        slices.append(_measured_slice(server, path, who, concurrency, turn, base))
        if db_before is not None:
            db_seconds += cpu_seconds(db_pid) - db_before
    floor_figures, figures = _figures(*floor_slices), _figures(*slices)
    if db_pid is not None:
        figures["db_cpu_percent"] = round(100 * db_seconds / duration, 1)
    figures["floor_rps"] = floor_figures["rps"]
    figures["floor_cpu_ms_per_request"] = floor_figures["cpu_ms_per_request"]
    figures["ratio"] = round(figures["rps"] / floor_figures["rps"], 2) \
        if floor_figures["rps"] else None
    return figures, floor_figures


def _session_id(cookie):
    """The `session` value of a Cookie header (the key the floor reads its body under)."""
    pairs = dict(part.strip().split("=", 1) for part in cookie.split(";") if "=" in part)
    return pairs["session"]


def _chat_paths(url, http, friend):
    """A group chat with a few messages, a DM conversation, notifications: the
    chat hot reads."""
    room = http.post(f"{url}/api/chat-rooms/group", json={"name": "bench reads"}, timeout=30)
    room.raise_for_status()
    room_id = room.json()["data"]["id"]
    for n in range(5):
        http.post(f"{url}/api/chat-rooms/{room_id}/messages", json={"content": f"m {n}"},
                  timeout=30).raise_for_status()
    http.post(f"{url}/api/messages/private", json={"to_user_id": friend["id"], "content": "hi"},
              timeout=30)  # refused unless friends: the list is read all the same
    return {"room_history": f"/api/chat-rooms/{room_id}/messages",
            "conversations": "/api/users/private-messages/conversations",
            "notifications": "/api/notifications"}


def _content_paths(url, http, posts=5, comments=8, commenter=None):
    """A topic with a few posts and a comment thread, made over REST; the four hot
    reads of issue 7 on them (cached by the server after the first read). The
    `commenter`'s comments on the first post give its author notifications to read."""
    topic = http.post(f"{url}/api/topics", json={"title": f"Bench {time.time_ns() % 10**9}",
                                                 "description": "hot reads"}, timeout=30)
    topic.raise_for_status()
    topic_id = topic.json()["data"]["id"]
    post_ids = []
    for n in range(posts):
        post = http.post(f"{url}/api/posts/topics/{topic_id}/posts",
                         json={"title": f"Post {n}", "content": "Some content"}, timeout=30)
        post.raise_for_status()
        post_ids.append(post.json()["data"]["id"])
    parent = None
    for n in range(comments):
        path = f"/api/comments/{parent}/reply" if parent and n % 2 else \
            f"/api/comments/posts/{post_ids[0]}/comments"
        comment = http.post(url + path, json={"content": f"Comment {n}"}, timeout=30)
        comment.raise_for_status()
        parent = comment.json()["data"]["id"]
    for n in range(3 if commenter is not None else 0):
        commenter.post(f"{url}/api/comments/posts/{post_ids[0]}/comments",
                       json={"content": f"A reply {n}"}, timeout=30).raise_for_status()
    return {"topic_list": "/api/topics", "topic": f"/api/topics/{topic_id}",
            "topic_posts": f"/api/posts/topics/{topic_id}/posts",
            "comment_tree": f"/api/comments/posts/{post_ids[0]}/comments"}


# ---------------------------------------------------------------- idle connections

def idle_sockets(server, cookies, count, base, processes=4, connect_seconds=60, warm=50):
    """Server memory per idle connected WebSocket (the ramp is bounded in time), and
    what stays after they leave, once and after a second burst of the same size.

    `warm` sockets connect and leave first, on both servers: what the first sockets
    make once (modules and code paths used the first time, connection pools grown to
    their working size) is not a cost per socket, and would be counted as one. The
    second burst tells a high-water mark (reused: no growth) from a leak (grows again)."""
    if warm:
        workers, _ = clients.start_all(_socket_jobs(server, cookies, warm, processes,
                                                    connect_seconds), base,
                                       ready_timeout=connect_seconds + 90)
        time.sleep(2)
        clients.stop_all(workers)
        time.sleep(5)
    before = server.rss()
    first = _burst(server, cookies, count, base, processes, connect_seconds)
    second = _burst(server, cookies, count, base, processes, connect_seconds)
    connected = first["connected"]
    per_socket = (first["rss_connected"] - before) / connected if connected else None
    return {"status": "ok", "sockets": count, "connected": connected,
            "failed": first["failed"], "failures": first["failures"],
            "ramp_seconds": first["ramp_seconds"], "rss_before_mb": _mb(before),
            "rss_after_mb": _mb(first["rss_connected"]),
            "rss_after_disconnect_mb": _mb(first["rss_released"]),
            "kept_after_disconnect_percent": _percent(first["rss_released"], before),
            "kb_per_socket": round(per_socket / 1024, 1) if per_socket else None,
            "second_burst": {"connected": second["connected"],
                             "rss_after_mb": _mb(second["rss_connected"]),
                             "rss_after_disconnect_mb": _mb(second["rss_released"]),
                             "grew_percent": _percent(second["rss_released"],
                                                      first["rss_released"])},
            "warm_up_sockets": warm}


def _burst(server, cookies, count, base, processes, connect_seconds):
    """`count` sockets connect, stay 3 s and leave; the RSS while connected and 5 s after."""
    jobs = _socket_jobs(server, cookies, count, processes, connect_seconds)
    started = time.monotonic()
    workers, ready = clients.start_all(jobs, base, ready_timeout=connect_seconds + 90)
    try:
        ramp = time.monotonic() - started
        time.sleep(3)  # let the connect-time broadcasts settle
        connected_rss = server.rss()
    finally:
        clients.stop_all(workers)
    time.sleep(5)  # the disconnects are handled and their memory freed
    return {"connected": sum(item["connected"] for item in ready),
            "failed": sum(item["failed"] for item in ready),
            "failures": [f for item in ready for f in item["failures"]][:3],
            "ramp_seconds": round(ramp, 1), "rss_connected": connected_rss,
            "rss_released": server.rss()}


def _mb(rss):
    return round(rss / 2**20, 1)


def _percent(now, then):
    return round(100 * (now - then) / then, 1)


def _socket_jobs(server, cookies, count, processes, connect_seconds):
    return [{"kind": "sockets", "url": server.url, "target": server.name, "count": part,
             "cookies": cookies, "connect_seconds": connect_seconds}
            for part in _spread(count, processes)]


# ---------------------------------------------------------------- room fan-out

def parley_message(server, user):
    """One message as Parley stores and fans it out (`new_chat_room_message`), sent in
    a room of its own: the floor then sends messages of the same fields and size, so
    the receivers parse the same bytes from both servers (their CPU shares the cores)."""
    http = seed.sign_in(server.url, user)
    room = http.post(server.url + "/api/chat-rooms/group", json={
        "name": f"bench-shape-{time.time_ns()}", "description": "bench"}, timeout=30)
    room.raise_for_status()
    sent = http.post(f"{server.url}/api/chat-rooms/{room.json()['data']['id']}/messages",
                     json={"content": f"bench 0 {time.time():.6f}"}, timeout=30)
    sent.raise_for_status()
    return sent.json()["data"]


class BaselineRoom:
    """Sender and room on the floor server; each message is `shape` (a Parley message)
    with the bench's room, seq and send time."""

    def __init__(self, server, shape):
        self.server, self.room, self.shape = server, "bench-room", shape
        self.sender = socketio.Client(reconnection=False,
                                      websocket_extra_options={"skip_utf8_validation": True})
        self.sender.connect(server.url, transports=["websocket"], wait_timeout=30)

    def receiver_job(self, count, cookies):
        return {"kind": "sockets", "url": self.server.url, "target": "baseline", "count": count,
                "room": self.room}

    def send(self, seq):
        now = time.time()
        self.sender.emit("send", {**self.shape, "room": self.room, "seq": seq, "ts": now,
                                  "content": f"bench {seq} {now:.6f}"})
        return True

    def close(self):
        self.sender.disconnect()


class ParleyRoom:
    """A group chat created over REST by the sender; the receivers are made
    members through the ODM (`seed.add_members`); messages go through
    POST .../messages (the contract's send path), each stored once and fanned
    out by Socket.IO."""

    def __init__(self, server, sender_http, add_members, member_ids, senders=16):
        self.server, self.http = server, sender_http
        response = sender_http.post(server.url + "/api/chat-rooms/group", json={
            "name": f"bench-{time.time_ns()}", "description": "bench"}, timeout=30)
        if response.status_code == 404:
            raise NotAvailable("needs the chat-rooms branch (issue 4): "
                               "POST /api/chat-rooms/group is not served here")
        response.raise_for_status()
        self.room = response.json()["data"]["id"]
        add_members(self.room, member_ids)
        if senders > 16:  # the sign-in sessions keep 32 connections
            sender_http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=2 * senders))
        self.pool = ThreadPoolExecutor(senders)
        self.send_ms = []  # each POST's round trip: what of the latency is the store path

    def receiver_job(self, count, cookies):
        return {"kind": "sockets", "url": self.server.url, "target": "parley", "count": count,
                "room": self.room, "cookies": cookies}

    def send(self, seq):
        return self.pool.submit(self._post, seq)

    def _post(self, seq):
        began = time.perf_counter()
        response = self.http.post(f"{self.server.url}/api/chat-rooms/{self.room}/messages",
                                  json={"content": f"bench {seq} {time.time():.6f}"}, timeout=30)
        self.send_ms.append(round((time.perf_counter() - began) * 1000, 2))
        return response.status_code in (200, 201)

    def close(self):
        self.pool.shutdown(wait=True)


# The rates stop rising after a step with a loss or a p99 beyond this: both servers are
# measured at the same rates as far as they keep up, so each rate has its own ratio.
STOP_P99_MS = 1000
# Parley's messages are POSTs, sent at the step's rate by this many threads (many users
# sending at once). With 16, a POST taking 160 ms capped the sends at 100/s, and the
# load generator, not the server, set the deliveries at that rate.
FAN_OUT_SENDERS = 64


def fan_out(server, room, clients_count, cookies, rates, duration, base, processes=4):
    """Rising send rates into one room of `clients_count` receivers."""
    jobs = [room.receiver_job(part, cookies[i::processes] if cookies else None)
            for i, part in enumerate(_spread(clients_count, processes))]
    workers, ready = clients.start_all(jobs, base, ready_timeout=180)
    connected = sum(item["connected"] for item in ready)
    steps, seq = [], 0
    try:
        settle = _wait_quiet(workers)
        for rate in rates:
            step = _fan_out_step(server, room, workers, connected, rate, duration, seq)
            seq += step["sent"]
            steps.append(step)
            if step["lost"] or (step["p99_ms"] or 0) > STOP_P99_MS:
                break
    finally:
        clients.stop_all(workers)
    good = [s for s in steps if not s["lost"] and (s["p99_ms"] or 0) <= 100]
    return {"status": "ok", "clients": clients_count, "connected": connected,
            "settle_seconds": settle,
            "failed": sum(item["failed"] for item in ready),
            "failures": [f for item in ready for f in item["failures"]][:3], "steps": steps,
            "max_rate_p99_under_100ms": max((s["rate"] for s in good), default=None),
            "max_deliveries_per_s": max((s["deliveries_per_s"] for s in steps), default=0)}


def _wait_quiet(workers, quiet=1.0, limit=90):
    """Wait until the clients have drained the connect ramp's broadcasts (every
    connect tells every socket the online count), so they do not inflate the
    first step's latencies; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if all(w.ask("quiet")["quiet_for"] >= quiet for w in workers):
            break
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def _fan_out_step(server, room, workers, receivers, rate, duration, first_seq):
    count = max(1, int(rate * duration))
    cpu0, started = server.cpu(), time.time()
    outcomes = []
    for n in range(count):
        delay = started + n / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        outcomes.append(room.send(first_seq + n))
    sent = sum(1 for o in outcomes if (o.result() if hasattr(o, "result") else o))
    received, quiet_since = [], time.monotonic()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(0.5)
        batch = [item for w in workers for item in w.ask("report")["report"]["received"]]
        received += batch
        if batch:
            quiet_since = time.monotonic()
        elif len(received) >= sent * receivers or time.monotonic() - quiet_since > 2:
            break
    wall = time.time() - started
    cpu = server.cpu() - cpu0
    mine = [r for r in received if first_seq <= r[0] < first_seq + count]
    latencies = [r[1] for r in mine]
    span = (max(r[2] for r in mine) - started) if mine else wall
    step = {"rate": rate, "sent": sent, "expected": sent * receivers, "delivered": len(mine),
            "lost": max(0, sent * receivers - len(mine)),
            "deliveries_per_s": round(len(mine) / span, 1) if span > 0 else 0,
            "p50_ms": clients.percentile(latencies, 50), "p99_ms": clients.percentile(latencies, 99),
            "server_cpu_percent": round(100 * cpu / wall, 1),
            "server_rss_mb": round(server.rss() / 2**20, 1)}
    send_ms = getattr(room, "send_ms", None)
    if send_ms:  # Parley's send is a POST: its own p50/p99, part of the latency above
        step["send_p50_ms"] = clients.percentile(send_ms, 50)
        step["send_p99_ms"] = clients.percentile(send_ms, 99)
        send_ms.clear()
    return step


def baseline_fan_out(base, services, async_mode, clients_count, rates, duration, shape):
    server = start_baseline(base, async_mode, message_queue=services["redis"])
    try:
        server.wait_ready()
        room = BaselineRoom(server, shape)
        try:
            return fan_out(server, room, clients_count, None, rates, duration, base)
        finally:
            room.close()
    finally:
        server.stop()


def parley_fan_out(server, users, add_members, clients_count, rates, duration, base):
    sessions = seed.sign_in_all(server.url, users[:clients_count + 1])
    sender, receivers = sessions[0], sessions[1:]
    try:
        room = ParleyRoom(server, sender, add_members,
                          [user["id"] for user in users[1:clients_count + 1]],
                          senders=FAN_OUT_SENDERS)
    except NotAvailable as exc:
        return {"status": "n/a", "reason": str(exc)}
    try:
        cookies = [seed.cookie_of(http) for http in receivers]
        return fan_out(server, room, clients_count, cookies, rates, duration, base)
    finally:
        room.close()


# ---------------------------------------------------------------- send path

def send_path(server, users, messages, base):
    """Server CPU time per chat message sent over REST (and the socket, when served)."""
    sender = seed.sign_in(server.url, users[0])
    try:
        room = ParleyRoom(server, sender, lambda *_: None, [])
    except NotAvailable as exc:
        return {"status": "n/a", "reason": str(exc)}
    try:
        cpu0, started = server.cpu(), time.monotonic()
        results = list(room.pool.map(room._post, range(messages)))  # 16 at a time
        wall, cpu = time.monotonic() - started, server.cpu() - cpu0
    finally:
        room.close()
    ok = sum(results)
    return {"status": "ok", "rest": {"messages": ok, "per_second": round(ok / wall, 1),
                                     "cpu_ms_per_message": round(1000 * cpu / max(ok, 1), 2)},
            "socket": {"status": "n/a", "reason": "sending is REST-only in the contract "
                       "(realtime.md §3.3); measured when a socket send event exists"}}
