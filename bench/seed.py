"""Bench users: written through the ODM straight into the server's database,
then signed in over HTTP the way the SPA does (a TOTP code)."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pymongo
import pyotp
import requests

from bench.servers import SECRET_KEY
from policies import facts


def _app(services, db_name, base):
    """An app on the same database as the server under bench, for ODM writes."""
    from app import create_app
    from config import DevelopmentConfig

    config = DevelopmentConfig()
    config.MONGO_URI, config.REDIS_URL = services["mongo"], services["redis"]
    config.MONGO_DB_NAME, config.SECRET_KEY = db_name, SECRET_KEY
    config.VAR_DIR, config.LOG_LEVEL = base, "WARNING"
    return create_app(config)


def seed_users(services, db_name, count, base):
    """`count` users able to sign in to a server using `services` and `db_name`."""
    import models
    from tests import factories

    app = _app(services, db_name, base)
    run = uuid.uuid4().hex[:6]
    with app.app_context():
        models.create_indexes()
        users = [factories.create_user(username=f"b{run}{n}") for n in range(count)]
    app.extensions["mongo_client"].close()
    return [{"id": str(u["_id"]), "username": u["username"], "totp_secret": u["totp_secret"]}
            for u in users]


def add_members(services, db_name, base, room_id, user_ids):
    """Make users members of a chat room in one batch (the REST route would be one
    invitation and one acceptance per user, and caps a group's invitations at 100)."""
    from bson import ObjectId

    from models.chat_room import ChatRoom, ChatRoomMember

    app = _app(services, db_name, base)
    with app.app_context():
        room = ObjectId(room_id)
        docs = [ChatRoomMember.new(room_id=room, user_id=ObjectId(uid)) for uid in user_ids]
        if docs:
            ChatRoomMember.collection().insert_many(docs)
            ChatRoom.collection().update_one({"_id": room},
                                             {"$inc": {"member_count": len(docs)}})
            # As the acceptance route does: a user's cached facts list their rooms, and
            # users of an earlier fan-out step (200 of 500) would be refused the join.
            facts.invalidate(*user_ids)
    app.extensions["mongo_client"].close()


_signed_in = {}


def sign_in(url, user):
    """A requests.Session signed in as `user`, reused across workloads: a TOTP code
    is accepted once per 30 s step, so a second sign-in could be refused."""
    if (url, user["username"]) in _signed_in:
        return _signed_in[(url, user["username"])]
    http = requests.Session()
    # The sender's session is shared by the send-path threads (16 at a time).
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
    response = http.post(url + "/api/auth/login-passwordless", json={
        "identifier": user["username"], "totp_code": pyotp.TOTP(user["totp_secret"]).now()},
        timeout=30)
    response.raise_for_status()
    _signed_in[(url, user["username"])] = http
    return http


def cookie_of(http):
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def sign_in_all(url, users, concurrency=8):
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda user: sign_in(url, user), users))


def checkpoint(services):
    """Have the database write out what was just seeded now (`fsync`: SecantusDB runs a
    checkpoint), not at its next periodic checkpoint (every 60 s): that one, after
    10,000 topics, took a core for seconds in the middle of some later figure."""
    client = pymongo.MongoClient(services["mongo"])
    try:
        client.admin.command("fsync")
    finally:
        client.close()


def big_reader(services, db_name, base, user_id, topics=10_000, joined=1_000, muted=1_000):
    """`topics` public topics; `user_id` a member of `joined` of them and muting
    `muted` (the topic-list scenario "cost flat in data size"), in batches."""
    from bson import ObjectId

    from models.topic import Topic, TopicMember
    from models.topic_mute import TopicMute
    from utils.time import utcnow

    app = _app(services, db_name, base)
    with app.app_context():
        owner, now = ObjectId(user_id), utcnow()
        docs = [Topic.new(title=f"Big {n}", title_lower=f"big {n}", owner_id=owner,
                          member_count=1, last_activity=now) for n in range(topics)]
        Topic.collection().insert_many(docs)
        ids = [doc["_id"] for doc in docs]
        TopicMember.collection().insert_many(
            [TopicMember.new(topic_id=tid, user_id=owner, role="member") for tid in ids[:joined]])
        TopicMute.collection().insert_many(
            [TopicMute.new(topic_id=tid, user_id=owner) for tid in ids[-muted:]])
    app.extensions["mongo_client"].close()


def bulk_content(services, db_name, base, owner_id, topics, posts):
    """`topics` public topics and `posts` posts (in the first of them) written in
    batches: a database of some size, for the write workload (SecantusDB's cost of
    some commands grows with the collection)."""
    from bson import ObjectId

    from models.post import Post
    from models.topic import Topic
    from utils.time import utcnow

    app = _app(services, db_name, base)
    with app.app_context():
        owner, now, run = ObjectId(owner_id), utcnow(), uuid.uuid4().hex[:6]
        ids = []
        for start in range(0, topics, 2000):
            docs = [Topic.new(title=f"Bulk {run} {n}", title_lower=f"bulk {run} {n}",
                              owner_id=owner, member_count=1, last_activity=now)
                    for n in range(start, min(topics, start + 2000))]
            Topic.collection().insert_many(docs)
            ids += [doc["_id"] for doc in docs]
        for start in range(0, posts, 2000):
            Post.collection().insert_many([
                Post.new(topic_id=ids[0], user_id=owner, title=f"Bulk {n}", content="Some words.")
                for n in range(start, min(posts, start + 2000))])
    app.extensions["mongo_client"].close()
