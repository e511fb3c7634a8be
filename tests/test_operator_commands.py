"""Operator commands while the server runs: `serve.py` on the embedded default
records where its servers listen (VAR_DIR/embedded-servers.json, removed at
stop), and `flask create-admin` / `revoke-admin` / `create-indexes` connect to
them instead of starting a second SecantusDB on the same data directory; with
nothing running a command starts (and stops) servers of its own."""
import json
import os
import subprocess
import sys
import uuid

import pytest
import requests

import devservices
from app import create_app
import config as settings
from models.user import User
from tests import factories
from tests.live_server import ROOT, start_server

pytestmark = pytest.mark.e2e


def flask_command(var_dir, db_name, *args):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEST_", "PYTEST", "MONGO_URI", "REDIS_URL"))}
    env.update({"APP_ENV": "development", "VAR_DIR": var_dir, "MONGO_DB_NAME": db_name,
                "SECRET_KEY": "testing-secret-key", "LOG_FORMAT": "text",
                "LOG_LEVEL": "INFO", "VOIP_CLEANUP_INTERVAL": "0",
                "PRESENCE_HEARTBEAT_SECONDS": "0", "CHAT_COUNTER_FLUSH_SECONDS": "0"})
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi:app", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def with_app(urls, db_name, action):
    config = settings.TestingConfig()
    config.MONGO_URI, config.REDIS_URL, config.MONGO_DB_NAME = urls["mongo"], urls["redis"], db_name
    app = create_app(config)
    try:
        with app.app_context():
            return action()
    finally:
        app.extensions["mongo_client"].close()


def test_create_admin_while_serving_and_with_nothing_running(service_urls, tmp_path):
    var_dir, db_name = str(tmp_path / "var"), f"parley_ops_{uuid.uuid4().hex[:8]}"
    server = start_server(service_urls, db_name, extra_env={
        "MONGO_URI": "", "REDIS_URL": "", "VAR_DIR": var_dir})
    try:
        state = json.loads(devservices.state_path(var_dir).read_text())
        assert state["pid"] == server.process.pid
        urls = devservices.running_servers(var_dir)
        assert set(urls) == {"mongo", "redis"}
        user = with_app(urls, db_name, lambda: factories.create_user())

        done = flask_command(var_dir, db_name, "create-admin", user["username"])
        assert done.returncode == 0, done.stderr
        assert f"{user['username']} is now an admin" in done.stdout
        assert "using the running embedded MongoDB-wire server" in done.stderr
        assert "embedded MongoDB-wire server (SecantusDB) at" not in done.stderr
        assert with_app(urls, db_name, lambda: User.get(user["_id"])["is_admin"]) is True
        assert requests.get(server.url + "/health", timeout=5).json() == {"status": "ok"}
    finally:
        server.stop()
    assert not devservices.state_path(var_dir).exists()

    # Nothing runs now: the command starts its own servers on the same data and stops them.
    done = flask_command(var_dir, db_name, "revoke-admin", user["username"])
    assert done.returncode == 0, done.stderr
    assert "embedded MongoDB-wire server (SecantusDB) at" in done.stderr
    assert not devservices.state_path(var_dir).exists()


def test_a_stale_state_file_is_ignored_and_removed(tmp_path):
    path = devservices.state_path(tmp_path)
    path.write_text(json.dumps({"pid": 2 ** 22 + 12345, "mongo": "mongodb://127.0.0.1:1/"}))
    assert devservices.running_servers(tmp_path) == {}
    assert not path.exists()
    path.write_text("not json")
    assert devservices.running_servers(tmp_path) == {}
