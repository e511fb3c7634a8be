"""The write workload (issue 12: create post >= 100/s at concurrency 16).

Posts are created with `POST /api/posts/topics/<id>/posts` and comments with
`POST /api/comments/posts/<id>/comments`, with the bodies the SPA sends
(rest-content §4.3, §5.2), by one user (concurrency 1) or 16 users, one per
client (concurrency 16), in one public topic. Each figure is bounded in time
and in count. Beside Parley's figures: the server's and the database's CPU
per write, what the database stored (nothing lost), and the database alone
(`db_alone`): journaled inserts per second straight from pymongo with the
write concern Parley uses, the ceiling the fsync of every commit sets.
"""
import threading
import time

from pymongo import MongoClient

from bench import clients, seed
from bench.servers import cpu_seconds
from models import WRITE_CONCERN_DEFAULTS

POST_BODY = {"title": "Bench post", "content": "Some words about the topic, as a person writes "
             "them.", "use_anonymous": False, "tags": []}
COMMENT_BODY = {"content": "A reply with a few words in it.", "use_anonymous": False}
WRITERS = 16


def write_path(server, users, base, duration, max_requests, services, db_pid=None,
               bulk=(10_000, 20_000)):
    """Posts at concurrency 1 and 16, comments at 16; the same at 16 again once the
    database holds `bulk` = (topics, posts) more; and the database alone."""
    sessions = seed.sign_in_all(server.url, users[:WRITERS])
    cookies = [seed.cookie_of(http) for http in sessions]
    owner = sessions[0]
    topic = owner.post(f"{server.url}/api/topics", json={
        "title": f"Bench writes {time.time_ns() % 10**9}", "description": "write path"},
        timeout=30)
    topic.raise_for_status()
    topic_id = topic.json()["data"]["id"]
    posts_path = f"/api/posts/topics/{topic_id}/posts"
    results = {}
    before = _field(owner, server.url, f"/api/topics/{topic_id}", "post_count")
    for concurrency in (1, WRITERS):
        results[f"post_c{concurrency}"] = _measured_writes(
            server, db_pid, posts_path, POST_BODY, cookies[:concurrency], concurrency, duration,
            max_requests, base)
    results[f"comment_c{WRITERS}"], results["comments_stored"] = _comments(
        server, db_pid, owner, cookies, posts_path, duration, max_requests, base)
    seed.bulk_content(services, "parley_bench", base, users[0]["id"], *bulk)
    seed.checkpoint(services)  # written out now, not during the next figures
    results["bulk"] = {"topics": bulk[0], "posts": bulk[1]}
    results[f"post_c{WRITERS}_bulk"] = _measured_writes(
        server, db_pid, posts_path, POST_BODY, cookies, WRITERS, duration, max_requests, base)
    results[f"comment_c{WRITERS}_bulk"], results["comments_stored_bulk"] = _comments(
        server, db_pid, owner, cookies, posts_path, duration, max_requests, base)
    # Every post made here (the two the comments go under included) is in the count.
    created = 2 + sum(results[name]["ok"] for name in
                      ("post_c1", f"post_c{WRITERS}", f"post_c{WRITERS}_bulk"))
    topic_path = f"/api/topics/{topic_id}"
    stored = _count_settled(owner, server.url, topic_path, before + created) - before
    results["posts_stored"] = {"created": created, "topic_post_count_delta": stored,
                               "lost": created - stored}
    results["db_alone"] = {f"c{c}": db_alone(services["mongo"], c, duration, max_requests)
                           for c in (1, WRITERS)}
    return {"status": "ok", **results}


def _comments(server, db_pid, owner, cookies, posts_path, duration, max_requests, base):
    """Comments by the 16 writers on a new post of the first (so 15 of 16 notify its
    author): the figures, and what the post's comment count says was stored."""
    post = owner.post(server.url + posts_path, json=POST_BODY, timeout=30)
    post.raise_for_status()
    post_id = post.json()["data"]["id"]
    figures = _measured_writes(server, db_pid, f"/api/comments/posts/{post_id}/comments",
                               COMMENT_BODY, cookies, WRITERS, duration, max_requests, base)
    counted = _count_settled(owner, server.url, f"/api/posts/{post_id}", figures["ok"],
                             name="comment_count")
    return figures, {"created": figures["ok"], "post_comment_count": counted,
                     "lost": figures["ok"] - counted}


def _field(http, url, path, name):
    response = http.get(url + path, timeout=30)
    response.raise_for_status()
    return response.json()["data"][name]


def _count_settled(http, url, path, expected, name="post_count", wait=5.0):
    """The count `name` once it reaches `expected` or `wait` s passed: a burst's count
    lands with the periodic flush (services/activity_counts.py, about 1 s)."""
    deadline = time.monotonic() + wait
    count = _field(http, url, path, name)
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        count = _field(http, url, path, name)
    return count


def _measured_writes(server, db_pid, path, body, cookies, concurrency, duration, max_requests,
                     base):
    """req/s, p50/p99, the statuses, and server (and database) CPU ms per write."""
    # Two client processes above concurrency 1, as the read workload.
    half = concurrency // 2
    parts = [concurrency] if concurrency == 1 else [half, concurrency - half]
    jobs, start = [], 0
    for part in parts:
        jobs.append({"kind": "http", "method": "POST", "url": server.url, "path": path,
                     "json": body, "cookies": cookies[start:start + part], "concurrency": part,
                     "duration": duration, "requests": max_requests // len(parts)})
        start += part
    workers, _ = clients.start_all(jobs, base, ready_timeout=60)
    try:
        cpu0, db0 = server.cpu(), cpu_seconds(db_pid) if db_pid else None
        for worker in workers:
            worker.send("go")
        reports = [worker.receive(duration + 60)["report"] for worker in workers]
    finally:
        clients.stop_all(workers)
    cpu, db = server.cpu() - cpu0, (cpu_seconds(db_pid) - db0) if db_pid else None
    latencies = [value for report in reports for value in report["latencies"]]
    wall = max(report["seconds"] for report in reports)
    statuses = {}
    for report in reports:
        for code, count in report["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    done = len(latencies)
    return {"concurrency": concurrency, "ok": done, "rps": round(done / wall, 1),
            "p50_ms": clients.percentile(latencies, 50),
            "p99_ms": clients.percentile(latencies, 99),
            "errors": sum(report["errors"] for report in reports), "statuses": statuses,
            "cpu_ms_per_request": round(1000 * cpu / done, 2) if done else None,
            "db_cpu_ms_per_request": round(1000 * db / done, 2) if done and db is not None
            else None}


def db_alone(mongo_uri, concurrency, duration, max_requests):
    """Inserts per second of one small document with Parley's write concern (every
    commit fsync'd), from `concurrency` threads: what the database does alone."""
    client = MongoClient(mongo_uri, **WRITE_CONCERN_DEFAULTS)
    collection = client["parley_bench_db_alone"]["inserts"]
    budget, lock, done = [max_requests], threading.Lock(), []
    deadline = time.monotonic() + duration

    def loop():
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            collection.insert_one({"n": 1, "text": POST_BODY["content"]})
            done.append(1)

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    client.drop_database("parley_bench_db_alone")
    client.close()
    return {"inserts": len(done), "per_second": round(len(done) / wall, 1)}
