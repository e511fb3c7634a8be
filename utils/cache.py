"""A small Redis JSON cache with explicit invalidation.

Two tools:
- `cached(key, ttl, loader)`: read-through for one key; `invalidate(key)` drops it.
- namespaces with a version (`version(ns)` / `bump(ns)`): a key built with
  `versioned_key(ns, ...)` includes the current version, so bumping the
  namespace invalidates every variant at once (all pages and sorts of a list)
  without scanning keys. Old variants simply expire.

Values must be JSON-safe (use models.base.to_json_safe). Only shared data
goes here: anything that depends on the caller is computed per request.
"""
import hashlib
import json
from datetime import timezone

from bson import json_util
from bson.json_util import JSONMode, JSONOptions

from utils.redis_client import get_redis, key

DEFAULT_TTL = 120


def cache_key(*parts):
    return key("cache", *parts)


def digest(value):
    """A short stable hash of any JSON-able value (query parameters, id lists)."""
    raw = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha1(raw).hexdigest()[:16]


def get_json(name):
    raw = get_redis().get(name)
    return None if raw is None else json.loads(raw)


def set_json(name, value, ttl=DEFAULT_TTL):
    get_redis().set(name, json.dumps(value), ex=ttl)


def cached(name, ttl, loader):
    """The cached value of `name`, else `loader()` stored for `ttl` seconds."""
    value = get_json(name)
    if value is None:
        value = loader()
        set_json(name, value, ttl)
    return value


def invalidate(*names):
    if names:
        get_redis().delete(*names)


def version(namespace):
    return int(get_redis().get(cache_key("version", namespace)) or 0)


def bump(*namespaces):
    """Invalidate every key built from these namespaces."""
    pipe = get_redis().pipeline()
    for namespace in namespaces:
        pipe.incr(cache_key("version", namespace))
    pipe.execute()


def versioned_key(namespace, *parts):
    return cache_key(namespace, f"v{version(namespace)}", *parts)


# MongoDB documents as extended JSON: ObjectIds and tz-aware datetimes come back as such.
_DOC_JSON = JSONOptions(json_mode=JSONMode.CANONICAL, tz_aware=True, tzinfo=timezone.utc)


def dump_doc(doc):
    return json_util.dumps(doc, json_options=_DOC_JSON)


def load_doc(raw):
    return json_util.loads(raw, json_options=_DOC_JSON)
