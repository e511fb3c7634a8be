"""Processes under test: the data services, Parley (serve.py) and the baseline,
with /proc readings of their CPU time and memory."""
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

import devservices

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-not-for-production"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds of `pid` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Process:
    def __init__(self, name, argv, env, log_path, url):
        self.name, self.url, self.log_path = name, url, log_path
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    @property
    def pid(self):
        return self.popen.pid

    def wait_ready(self, timeout=60, path="/readyz"):
        """Seconds from process start to the first 200 from `path`."""
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {Path(self.log_path).read_text()[-2000:]}")
            try:
                if requests.get(self.url + path, timeout=1).status_code == 200:
                    return time.monotonic() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready within {timeout}s")

    def cpu(self):
        return cpu_seconds(self.pid)

    def rss(self):
        return rss_bytes(self.pid)

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start_services(base):
    """Embedded MongoDB-wire and Valkey servers of the bench's own."""
    mongo, mongo_uri = devservices.start_mongo(os.path.join(base, "mongo"))
    redis, redis_url = devservices.start_redis(os.path.join(base, "redis"), persist=False)
    return [mongo, redis], {"mongo": mongo_uri, "redis": redis_url, "base": base}


def parley_env(port, base, services=None, async_mode="gevent", db_name="parley_bench", **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update({
        "APP_ENV": "development", "HOST": "127.0.0.1", "PORT": str(port),
        "ASYNC_MODE": async_mode, "SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": "0",
        "LOG_LEVEL": "WARNING", "LOG_FORMAT": "text", "MONGO_DB_NAME": db_name,
        "VAR_DIR": os.path.join(base, f"var-{port}"), "SOCKETIO_MESSAGE_QUEUE": "1",
        # One sender sends up to 80 messages/s: the per-user chat send limit is out of
        # reach (config.py refuses 0 since the settings table checks it).
        "CHAT_SEND_LIMIT": "1000000",
        # The write workload creates hundreds of posts and comments per user: the
        # per-user budgets stay on (their Redis cost is measured), out of reach.
        "POST_CREATE_LIMIT": "1000000", "COMMENT_CREATE_LIMIT": "1000000",
    })
    if services:
        env.update({"MONGO_URI": services["mongo"], "REDIS_URL": services["redis"]})
    else:
        env.pop("MONGO_URI", None)
        env.pop("REDIS_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_parley(base, services=None, async_mode="gevent", **extra):
    os.makedirs(base, exist_ok=True)
    port = devservices.free_port()
    env = parley_env(port, base, services, async_mode, **extra)
    return Process("parley", [sys.executable, str(ROOT / "serve.py")], env,
                   os.path.join(base, f"parley-{port}.log"), f"http://127.0.0.1:{port}")


def start_baseline(base, async_mode="gevent", message_queue=None, rest_redis=None):
    port = devservices.free_port()
    argv = [sys.executable, "-m", "bench.baseline.server", "--port", str(port),
            "--async-mode", async_mode]
    if message_queue:
        argv += ["--message-queue", message_queue]
    if rest_redis:
        argv += ["--redis", rest_redis]
    return Process("baseline", argv, dict(os.environ), os.path.join(base, f"baseline-{port}.log"),
                   f"http://127.0.0.1:{port}")
