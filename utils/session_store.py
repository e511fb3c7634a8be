"""Server-side sessions in Redis, read in one round trip with the signed-in user.

Flask-Session's Redis interface (cookie, id generation, `regenerate`, msgpack
format) with two changes that matter on every request:

- Opening a session is ONE Redis command: a script that GETs the session, and,
  when it is authenticated, the cached signed-in user (utils/auth.py reads it
  from `session.prefetched_user` instead of a second GET) and the user's cached
  permission facts (policies/facts.py takes them with `take_prefetched_facts`
  instead of a GET of its own), renews the session's time to live when it has
  aged (sliding expiry without a rewrite), and reads the cache keys the route
  will read (its plan: utils/prefetch_plans.py). So a cached read is one
  command in all.
- A session is written back only when it changed (Flask-Session rewrites it on
  every request when SESSION_REFRESH_EACH_REQUEST is on, Flask's default).
"""
import threading
from collections import OrderedDict

import bson
from bson.codec_options import CodecOptions
from flask import current_app, has_request_context
from flask import session as flask_session
from flask_session.redis import RedisSessionInterface

from utils import cache
from utils.cache import cache_key
from utils.prefetch_plans import names_for
from utils.redis_client import key
from utils.vary import vary_on

# utils/auth.py caches the public fields of a signed-in user under this prefix + id.
SESSION_USER_PREFIX = cache_key("session_user", "")
# policies/facts.py keeps each user's permission facts under this prefix + id.
# ("v2": the facts gained blocks and notification silences; an older copy lacks them.)
# ("v3": the facts start with their list fingerprint, which the script reads.)
# ("v4": then with a digest of all of them, their version: see HeldFacts.)
FACTS_PREFIX = key("facts", "v4", "user", "")
# The raw facts this process keeps per session (HeldFacts), in bytes at most, and
# only from this size: smaller ones cost little to move, and most users' are ~300 bytes.
HELD_FACTS_MAX_BYTES = 16 * 1024 * 1024
HELD_FACTS_MIN_BYTES = 2048

# The cached user is BSON (ObjectIds and aware datetimes round-trip; decoding is
# C code, several times faster than extended JSON on every request).
_BSON = CodecOptions(tz_aware=True)

# The time to live is renewed once it has dropped this far below the lifetime,
# so an active session never expires and an idle one expires a lifetime after
# its last request (give or take this much).
TTL_RENEW_SLACK = 3600

def decode_user(raw):
    return bson.decode(raw, codec_options=_BSON)


def store_user(user_id, doc, ttl):
    """Cache a signed-in user's public fields (bytes: through the session client)."""
    current_app.session_interface.client.set(SESSION_USER_PREFIX + str(user_id),
                                             bson.encode(doc), ex=ttl)


def fetch_user(user_id):
    """The cached user's raw BSON, or None (when the session did not bring it)."""
    return current_app.session_interface.client.get(SESSION_USER_PREFIX + str(user_id))


def take_prefetched_facts(user_id):
    """The raw facts of `user_id` read with the session, once (None if not brought,
    already taken, or for another user): a later read in the same request, after a
    write invalidated them, must not see this copy."""
    session = _request_session()
    prefetched = getattr(session, "prefetched_facts", None)
    if prefetched is None or prefetched[0] != str(user_id):
        return None
    session.prefetched_facts = None
    return prefetched[1]


def _request_session():
    return flask_session if has_request_context() else None


class HeldFacts:
    """The raw facts last read for each session, with their version (a digest of
    their content, stored as their second field).

    A user in a thousand topics has facts of ~100 KB, and they came with every
    request: moved by Redis, read off the socket and hashed to find their decoded
    copy (bench, the topic list: 1.29 ms of server CPU per request for a reader in
    1,000 of 10,000 topics, 0.79 for a reader in one). The session script is given
    the version held for the session and answers "unchanged" instead of the text
    when it still is; the same bytes object is then handed on, so its decoded copy
    is found without hashing the text again. The version covers all of the facts,
    whoever they belong to, so a held copy can only stand for identical facts.
    Bounded in bytes, least recently used out first; small facts are not held."""

    def __init__(self, max_bytes=HELD_FACTS_MAX_BYTES, min_bytes=HELD_FACTS_MIN_BYTES):
        self.max_bytes, self.min_bytes, self.size = max_bytes, min_bytes, 0
        self.entries = OrderedDict()  # sid -> (version, raw)
        self.lock = threading.Lock()

    def version(self, sid):
        with self.lock:
            held = self.entries.get(sid)
        return held[0] if held else ""

    def raw(self, sid, version):
        """The raw facts held for `sid` at `version` (None: evicted or changed meanwhile)."""
        with self.lock:
            held = self.entries.get(sid)
            if held is None or held[0] != version:
                return None
            self.entries.move_to_end(sid)
            return held[1]

    def keep(self, sid, version, raw):
        with self.lock:
            old = self.entries.pop(sid, None)
            if old is not None:
                self.size -= len(old[1])
            if len(raw) < self.min_bytes:
                return
            self.entries[sid] = (version, raw)
            self.size += len(raw)
            while self.size > self.max_bytes and len(self.entries) > 1:
                self.size -= len(self.entries.popitem(last=False)[1][1])


# KEYS[1] session key; ARGV[1] user-cache prefix, ARGV[2] lifetime s, ARGV[3] slack s,
# ARGV[4] facts prefix, ARGV[5] the facts version this process holds for the session
# ("" for none), ARGV[6..] the route's cache names (utils/cache.PREFETCH_LOOP).
# Returns {session bytes, user BSON, facts, the facts' list fingerprint, the user id,
# the facts' version} (each false when missing; facts is 1 when their version is the
# one held), then {key, value} per cache name. The user and facts
# keys are derived from the session's content, which is why this is a script and
# not a pipeline; the cache names may be derived from the user and the facts.
_OPEN = """
local raw = redis.call('GET', KEYS[1])
local user, facts, fp, user_id, version = false, false, false, false, false
if raw then
  local lifetime = tonumber(ARGV[2])
  if redis.call('TTL', KEYS[1]) < lifetime - tonumber(ARGV[3]) then
    redis.call('EXPIRE', KEYS[1], lifetime)
  end
  local ok, data = pcall(cmsgpack.unpack, raw)
  if ok and type(data) == 'table' and data['authenticated'] == true
     and type(data['user_id']) == 'string' then
    user_id = data['user_id']
    user = redis.call('GET', ARGV[1] .. user_id)
    facts = redis.call('GET', ARGV[4] .. user_id)
    if facts then
      fp, version = string.match(facts, '^{"fp": "(%w+)", "v": "(%w+)"')
      fp, version = fp or false, version or false
      if version and version == ARGV[5] then facts = 1 end
    end
  end
end
local first, out = 6, {raw, user, facts, fp, user_id, version}
local subs = {['{ref}'] = false, ['{user}'] = user_id, ['{fp}'] = fp}
""" + cache.PREFETCH_LOOP + """
return out
"""


class PrefetchingRedisSessionInterface(RedisSessionInterface):
    """See the module docstring. `session.prefetched_user` is `(user_id, raw BSON)`
    or None; `session.prefetched_facts` is `(user_id, raw facts)` or None."""

    def __init__(self, app, client, key_prefix):
        super().__init__(app, client=client, key_prefix=key_prefix, use_signer=False,
                         permanent=app.config.get("SESSION_PERMANENT", False))
        self._open_script = client.register_script(_OPEN)
        self.held_facts = HeldFacts()

    def open_session(self, app, request):
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not sid:
            return self._new_session()
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        names = names_for(app)
        held = self.held_facts.version(sid)
        found = self._open_script(
            keys=[self._get_store_id(sid)],
            args=[SESSION_USER_PREFIX, lifetime, TTL_RENEW_SLACK, FACTS_PREFIX, held,
                  *cache.prefetch_args(names)])
        raw, user, facts, fingerprint, user_id, version = found[:6]
        if names:
            cache.remember(names, found[6:], {cache.USER: user_id, cache.LIST_FP: fingerprint})
        if raw is None:
            return self._new_session()
        facts = self._held_or_kept(sid, facts, version)
        session = self.session_class(self.serializer.decode(raw), sid=sid)
        user_id = session.get("user_id")
        session.prefetched_user = (user_id, user) if user is not None else None
        session.prefetched_facts = (str(user_id), facts) if facts is not None else None
        return session

    def _held_or_kept(self, sid, facts, version):
        """The raw facts: the held copy when the script said "unchanged" (None if it
        was let go meanwhile: policies/facts.py then reads them itself)."""
        if isinstance(facts, int):
            return self.held_facts.raw(sid, version.decode())
        if facts is not None and version is not None:
            self.held_facts.keep(sid, version.decode(), facts)
        return facts

    def _new_session(self):
        session = self.session_class(sid=self._generate_sid(self.sid_length),
                                     permanent=self.permanent)
        session.prefetched_user = session.prefetched_facts = None
        return session

    def should_set_storage(self, app, session):
        # The script renews the time to live; an unchanged session is not rewritten.
        return session.modified

    def save_session(self, app, session, response):
        # An unchanged session is neither stored nor given a cookie (Flask-Session
        # returns at `should_set_storage`, before the cookie); what is left of its
        # work is the Vary header. 6 µs of every read, skipped (issue 12).
        if session and not session.modified:
            if session.accessed:
                vary_on(response, "Cookie")
            return
        super().save_session(app, session, response)
