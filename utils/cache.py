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
from flask import current_app, g, has_request_context
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


def cached(name, ttl, loader, dumps=json.dumps, loads=json.loads):
    """The cached value of `name` (a key, or a `versioned_key`), else `loader()`
    stored for `ttl` seconds (a `prefetch` of this request answers without a command)."""
    name, raw = read_raw(name)
    if raw is not None:
        return loads(raw)
    value = loader()
    get_redis().set(name, dumps(value), ex=ttl)
    return value


def read_raw(name):
    """(the resolved key, its raw value or None): from this request's prefetch, else Redis."""
    found = _prefetched().pop(_identity(name), None)
    if found is not None:
        return found
    if isinstance(name, VersionedKey):
        return name.resolve()
    return name, get_redis().get(name)


def invalidate(*names):
    if names:
        _forget_prefetched()
        get_redis().delete(*names)


def version(namespace):
    return int(get_redis().get(cache_key("version", namespace)) or 0)


def bump(*namespaces):
    """Invalidate every key built from these namespaces."""
    _forget_prefetched()
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

    def head_tail(self):
        return cache_key(self.namespace, "v"), "".join(f":{part}" for part in self.parts)

    def resolve(self):
        """(the key at the current version, its value or None), one round trip."""
        head, tail = self.head_tail()
        current, raw = script(_VERSIONED_GET)(
            keys=[cache_key("version", self.namespace)], args=[head, tail])
        return f"{head}{current}{tail}", raw

    def __str__(self):
        return cache_key(self.namespace, f"v{version(self.namespace)}", *self.parts)


# Several cached values in one command. ARGV holds 4 fields per key: kind, a, b, c.
# 'p': the plain key a. 'v': version key a, value key b .. version .. c. 'r': like 'v'
# once '{ref}' in a and b is replaced by the value of the first key (a plain key
# holding an id: a post's or a room's topic), skipped when that is missing or empty.
# Returns {resolved key, value or false} per key.
_PREFETCH = """
local out, ref = {}, false
for i = 1, #ARGV, 4 do
  local kind, a, b, c = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if kind == 'r' and ref and ref ~= '' then
    a = string.gsub(a, '{ref}', ref)
    b = string.gsub(b, '{ref}', ref)
    kind = 'v'
  end
  if kind == 'p' then
    local value = redis.call('GET', a)
    if i == 1 then ref = value end
    out[#out + 1] = a
    out[#out + 1] = value
  elseif kind == 'v' then
    local name = b .. (redis.call('GET', a) or '0') .. c
    out[#out + 1] = name
    out[#out + 1] = redis.call('GET', name)
  else
    out[#out + 1] = ''
    out[#out + 1] = false
  end
end
return out
"""
REF = "{ref}"


def prefetch(*names):
    """Read these keys (plain, `versioned_key`s, and versioned keys whose namespace
    holds REF, filled from the first key's value) in ONE command; the `cached` and
    `read_raw` calls that follow in this request take them from here. A write
    (`bump`, `invalidate`) forgets them."""
    args = []
    for name in names:
        if isinstance(name, VersionedKey):
            head, tail = name.head_tail()
            kind = "r" if REF in name.namespace else "v"
            args += [kind, cache_key("version", name.namespace), head, tail]
        else:
            args += ["p", name, "", ""]
    found = script(_PREFETCH)(args=args)
    ref = found[1] if names and not isinstance(names[0], VersionedKey) else None
    memo = _prefetched()
    for n, name in enumerate(names):
        resolved, raw = found[2 * n], found[2 * n + 1]
        if isinstance(name, VersionedKey) and REF in name.namespace:
            if not ref:
                continue
            name = VersionedKey(name.namespace.replace(REF, ref), name.parts)
        memo[_identity(name)] = (resolved, raw)


def _identity(name):
    if isinstance(name, VersionedKey):
        return (name.namespace, name.parts)
    return name


def _prefetched():
    if not has_request_context():
        return {}
    if "cache_prefetched" not in g:
        g.cache_prefetched = {}
    return g.cache_prefetched


def _forget_prefetched():
    if has_request_context():
        g.pop("cache_prefetched", None)


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


def cached_doc(name, ttl, loader):
    """`cached` for MongoDB documents (None is cached too: a missing document)."""
    return cached(name, ttl, loader, dumps=dump_doc, loads=load_doc)


def dump_doc(doc):
    return json_util.dumps(doc, json_options=_DOC_JSON)


def load_doc(raw):
    return json_util.loads(raw, json_options=_DOC_JSON)
