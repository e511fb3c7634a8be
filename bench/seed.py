"""Bench users: written through the ODM straight into the server's database,
then signed in over HTTP the way the SPA does (a TOTP code)."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pyotp
import requests

from bench.servers import SECRET_KEY


def seed_users(services, db_name, count, base):
    """`count` users able to sign in to a server using `services` and `db_name`."""
    import models
    from app import create_app
    from config import DevelopmentConfig
    from tests import factories

    config = DevelopmentConfig()
    config.MONGO_URI, config.REDIS_URL = services["mongo"], services["redis"]
    config.MONGO_DB_NAME, config.SECRET_KEY = db_name, SECRET_KEY
    config.VAR_DIR, config.LOG_LEVEL = base, "WARNING"
    app = create_app(config)
    run = uuid.uuid4().hex[:6]
    with app.app_context():
        models.create_indexes()
        users = [factories.create_user(username=f"b{run}{n}") for n in range(count)]
    app.extensions["mongo_client"].close()
    return [{"id": str(u["_id"]), "username": u["username"], "totp_secret": u["totp_secret"]}
            for u in users]


def sign_in(url, user):
    """A requests.Session signed in as `user` (each user signs in once per 30 s step)."""
    http = requests.Session()
    response = http.post(url + "/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()},
        timeout=30)
    response.raise_for_status()
    return http


def cookie_of(http):
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def sign_in_all(url, users, concurrency=8):
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda user: sign_in(url, user), users))
