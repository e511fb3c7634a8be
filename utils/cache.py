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
import base64
import hashlib
from datetime import timezone

import bson
import orjson
from bson import json_util
from bson.codec_options import CodecOptions
from bson.json_util import JSONMode, JSONOptions
from flask import current_app, g, has_request_context

from utils.decoded_memo import DecodedMemo
from utils.redis_client import get_redis, key
from utils.request_memo import request_memo


def cache_key(*parts):
    return key("cache", *parts)


def digest(value):
    """A short stable hash of any JSON-able value (query parameters, id lists)."""
    raw = orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha1(raw).hexdigest()[:16]


def dumps(value):
    """JSON bytes of a cached value (orjson: pages are large and read on every request)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


loads = orjson.loads
# Pages read on most requests (topic list, posts, comments): decoded once per change,
# shared by the requests that read the same bytes; their callers copy before changing.
load_shared = DecodedMemo(orjson.loads, 16 * 1024 * 1024)


def cached(name, ttl, loader, dumps=dumps, loads=loads):
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


# Placeholders a prefetched name may hold, filled in by the script that reads it
# (a name whose placeholder has no value there is skipped, and read later as usual):
REF = "{ref}"      # the value of the first name, a plain key holding an id (a post's topic)
USER = "{user}"    # the signed-in user's id (the session script only: utils/session_store.py)
LIST_FP = "{fp}"   # the signed-in user's list fingerprint (policies/facts.py), same script
PLACEHOLDERS = (REF, USER, LIST_FP)

# Lua: read the prefetch specs in ARGV[first..], 4 per name: kind ('p' plain key a;
# 'v' version key a, value key b .. version .. c), a, b, c. Expects the locals `first`,
# `subs` (placeholder -> value, or false when unknown) and `out`, and appends
# {resolved key or '', value or false} per name. '{ref}' is set from the first name.
PREFETCH_LOOP = """
local function fill(text)
  for mark, value in pairs(subs) do
    if string.find(text, mark, 1, true) then
      if not value then return nil end
      text = string.gsub(text, mark, value)
    end
  end
  return text
end
for i = first, #ARGV, 4 do
  local kind, a, b, c = ARGV[i], fill(ARGV[i + 1]), fill(ARGV[i + 2]), fill(ARGV[i + 3])
  local name, value = '', false
  if a and b and c then
    if kind == 'p' then
      name = a
    else
      name = b .. (redis.call('GET', a) or '0') .. c
    end
    value = redis.call('GET', name)
  end
  if i == first and kind == 'p' then
    subs['{ref}'] = (value and value ~= '') and value or false
  end
  out[#out + 1] = name
  out[#out + 1] = value
end
"""
_PREFETCH = """
local first, subs, out = 1, {['{ref}'] = false}, {}
""" + PREFETCH_LOOP + """
return out
"""


def prefetch(*names):
    """Read these keys (plain, `versioned_key`s, and names holding REF, filled from
    the first key's value) in ONE command; the `cached` and `read_raw` calls that
    follow in this request take them from here. A write (`bump`, `invalidate`)
    forgets them. Nothing is sent when this request read them all already (the
    session script reads a route's names with the session: utils/prefetch_plans.py)."""
    if not names:
        return
    memo = _prefetched()
    if all(identity is None or identity in memo
           for identity in _identities(names, _memo_ref(names, memo))):
        return
    remember(names, script(_PREFETCH)(args=prefetch_args(names)), {})


def prefetch_args(names):
    """The ARGV part of `PREFETCH_LOOP` for `names`."""
    args = []
    for name in names:
        if isinstance(name, VersionedKey):
            head, tail = name.head_tail()
            args += ["v", cache_key("version", name.namespace), head, tail]
        else:
            args += ["p", name, "", ""]
    return args


def remember(names, found, fills):
    """Keep what `PREFETCH_LOOP` read for `names` for this request. `fills` holds the
    values of USER and LIST_FP the script used (REF comes from the first name, as there)."""
    ref = found[1] if names and not isinstance(names[0], VersionedKey) else None
    memo = _prefetched()
    for n, identity in enumerate(_identities(names, {**fills, REF: ref or None})):
        resolved, raw = found[2 * n], found[2 * n + 1]
        if resolved and identity is not None:
            # Text, as the app's client reads it (the session client reads bytes).
            memo[identity] = (_text(resolved), None if raw is None else _text(raw))


def _memo_ref(names, memo):
    """REF's value when the first (plain) name is in the memo already."""
    if isinstance(names[0], VersionedKey):
        return {}
    known = memo.get(_identity(names[0]))
    return {REF: known[1] or None} if known else {}


def _identities(names, fills):
    """The memo identity of each name once filled (None where a placeholder has no value)."""
    return [_identity(name, fills) for name in names]


def _identity(name, fills=None):
    """How a name is known in the memo: its text (the parts as text: a key is text in
    Redis), placeholders replaced by `fills`; None when one of them has no value."""
    versioned = isinstance(name, VersionedKey)
    texts = [name.namespace, *map(str, name.parts)] if versioned else [name]
    if fills is not None and any("{" in text for text in texts):
        try:
            texts = [_fill(text, fills) for text in texts]
        except LookupError:
            return None
    return (texts[0], tuple(texts[1:])) if versioned else texts[0]


def _fill(text, fills):
    for mark in PLACEHOLDERS:
        if mark in text:
            if not fills.get(mark):
                raise LookupError(mark)
            text = text.replace(mark, _text(fills[mark]))
    return text


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _prefetched():
    if not has_request_context():
        return {}
    return request_memo("cache_prefetched")  # several times per read: one proxy lookup


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


# MongoDB documents as text: ObjectIds and tz-aware datetimes come back as such.
_DOC_BSON = CodecOptions(tz_aware=True, tzinfo=timezone.utc)
_DOC_JSON = JSONOptions(json_mode=JSONMode.CANONICAL, tz_aware=True, tzinfo=timezone.utc)


def cached_doc(name, ttl, loader):
    """`cached` for MongoDB documents (None is cached too: a missing document)."""
    return cached(name, ttl, loader, dumps=dump_doc, loads=load_doc)


def dump_doc(doc):
    """A document as cache text: base64 of its BSON, "" for None. Decoding it is C
    code, about 20 times faster than extended JSON (a topic or a room document is
    read on every cached read that checks visibility). Keys holding these say so
    (`bson` in their name), so a process of the older format never reads them."""
    return "" if doc is None else base64.b64encode(bson.encode(doc)).decode("ascii")


def load_doc(raw):
    return bson.decode(base64.b64decode(raw), codec_options=_DOC_BSON) if raw else None


def dump_ext_json(value):
    """Extended JSON text (policies/facts.py: the session script reads its first field)."""
    return json_util.dumps(value, json_options=_DOC_JSON)


def load_ext_json(raw):
    return json_util.loads(raw, json_options=_DOC_JSON)
