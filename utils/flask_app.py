"""The Flask class Parley runs on: costs of every request, and of start-up, paid once.

- Flask asks `ensure_sync(func)` of every hook and view on every request, and that
  calls `inspect.iscoroutinefunction` (nine times per cached read, about 4 % of its
  CPU). The functions do not change between requests, so the answer is kept per
  function. Parley has no `async def` views; one added later is still wrapped, as
  Flask documents for `ensure_sync` overrides.
- The URL is matched once: the session opens before Flask matches the URL, and
  the session script needs the route's plan (utils/prefetch_plans.py), so the
  plan matches first and Flask's own match keeps that result.
- URL rules compile their `url_for` builders on first use (utils/url_rules.py),
  not all 238 of them at start.
"""
from flask import Flask
from flask.ctx import RequestContext

from utils.url_rules import LazyBuilderRule

# Callables are finite (hooks, views, their bound methods); the bound only guards
# against a caller passing a fresh object (a partial) on every request.
SYNC_MEMO_LIMIT = 4096


class MatchOnceRequestContext(RequestContext):
    def match_request(self):
        if self.request.url_rule is None and self.request.routing_exception is None:
            super().match_request()


class ParleyFlask(Flask):
    url_rule_class = LazyBuilderRule

    def request_context(self, environ):
        return MatchOnceRequestContext(self, environ)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_memo = {}

    def ensure_sync(self, func):
        sync = self._sync_memo.get(func)
        if sync is None:
            if len(self._sync_memo) >= SYNC_MEMO_LIMIT:
                self._sync_memo.clear()
            sync = self._sync_memo[func] = super().ensure_sync(func)
        return sync
