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
from flask import current_app
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
    """The cached value of `name` (a key, or a `versioned_key`), else `loader()`
    stored for `ttl` seconds."""
    if isinstance(name, VersionedKey):
        name, raw = name.resolve()
    else:
        raw = get_redis().get(name)
    if raw is not None:
        return json.loads(raw)
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


# KEYS[1] version key; ARGV[1], ARGV[2] the cache key before and after the version.
# Returns {version, value or false}: the version read and the page read are one
# command, so a cached read costs one round trip (not two).
_VERSIONED_GET = """
local v = redis.call('GET', KEYS[1]) or '0'
return {v, redis.call('GET', ARGV[1] .. v .. ARGV[2])}
"""


class VersionedKey:
    """A key that includes its namespace's current version, resolved lazily by
    `cached` together with the value (see `_VERSIONED_GET`)."""

    __slots__ = ("namespace", "parts")

    def __init__(self, namespace, parts):
        self.namespace, self.parts = namespace, parts

    def resolve(self):
        """(the key at the current version, its value or None), one round trip."""
        head = cache_key(self.namespace, "v")
        tail = "".join(f":{part}" for part in self.parts)
        current, raw = script(_VERSIONED_GET)(
            keys=[cache_key("version", self.namespace)], args=[head, tail])
        return f"{head}{current}{tail}", raw

    def __str__(self):
        return cache_key(self.namespace, f"v{version(self.namespace)}", *self.parts)


def script(source):
    """The app client's registered script for `source` (EVALSHA, loaded on first use)."""
    scripts = current_app.extensions.setdefault("redis_scripts", {})
    if source not in scripts:
        scripts[source] = get_redis().register_script(source)
    return scripts[source]


def versioned_key(namespace, *parts):
    """The key of `parts` under the current version of `namespace` (for `cached`)."""
    return VersionedKey(namespace, parts)


# MongoDB documents as extended JSON: ObjectIds and tz-aware datetimes come back as such.
_DOC_JSON = JSONOptions(json_mode=JSONMode.CANONICAL, tz_aware=True, tzinfo=timezone.utc)


def dump_doc(doc):
    return json_util.dumps(doc, json_options=_DOC_JSON)


def load_doc(raw):
    return json_util.loads(raw, json_options=_DOC_JSON)
