"""The embedded default keeps its data across a restart."""
import redis
from pymongo import MongoClient

import devservices


def test_embedded_servers_keep_data_across_restart(tmp_path):
    mongo, mongo_uri = devservices.start_mongo(tmp_path / "mongo")
    valkey, redis_url = devservices.start_redis(tmp_path / "redis")
    MongoClient(mongo_uri).parley.things.insert_one({"name": "kept"})
    redis.Redis.from_url(redis_url).set("greeting", "kept")
    mongo.stop()
    valkey.stop()

    mongo, mongo_uri = devservices.start_mongo(tmp_path / "mongo")
    valkey, redis_url = devservices.start_redis(tmp_path / "redis")
    try:
        assert MongoClient(mongo_uri).parley.things.find_one({})["name"] == "kept"
        assert redis.Redis.from_url(redis_url).get("greeting") == b"kept"
    finally:
        mongo.stop()
        valkey.stop()
