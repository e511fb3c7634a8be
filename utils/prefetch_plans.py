"""What a route will read from the cache, read with its session: one Redis command.

A view marked `@reads(plan)` names the cache keys it will read (`utils.cache`
names: plain keys and `versioned_key`s, which may hold the placeholders
`cache.USER`, `cache.LIST_FP` and `cache.REF`). `plan(**view_args)` is called
when the request's session is opened (utils/session_store.py), and the session
script reads those keys too; the view's `cache.cached` / `cache.prefetch` calls
then find them in the request's memo and send nothing. A plan that names a key
the view does not read costs a GET in the script and nothing else; a key it
misses is read by the view as before. So a plan is a speed-up, never a source
of truth: the view still computes its own keys and checks permissions. Names
are built from parsed ids, numbers and digests, never from raw request text (a
placeholder in it would be filled).
"""
import functools

from flask.globals import request_ctx

from utils.errors import AppError
from utils.request_memo import request_memo


def reads(plan):
    """Mark a view with the plan of the cache names it reads (put it right under the
    route decorator, so the registered function carries it)."""
    def mark(view):
        view.prefetch_plan = plan
        return view
    return mark


def parsed_once(parse):
    """`parse(*args)` (a route's query-string parsing) run once per request: the route's
    plan and its view both ask for it. Callers must not change what it returns."""
    @functools.wraps(parse)
    def once(*args):
        memo = request_memo("parsed_once")
        key = (parse, args)
        if key not in memo:
            memo[key] = parse(*args)
        return memo[key]
    return once


def names_for(app):
    """The cache names the current request's view will read ([] when it has no plan).
    Called before Flask matches the URL (the session opens first), so it matches it."""
    ctx = request_ctx._get_current_object()  # one proxy lookup, not four
    if ctx.url_adapter is None:
        return []
    # Flask's own matching, done early; it keeps the result (utils/flask_app.py). No
    # route, a wrong method or a redirect leave `url_rule` unset: the view answers that.
    ctx.match_request()
    rule = ctx.request.url_rule
    plan = rule and getattr(app.view_functions.get(rule.endpoint), "prefetch_plan", None)
    if plan is None:
        return []
    try:
        return list(plan(**ctx.request.view_args))
    except AppError:  # bad query parameters: the view answers them with a 400
        return []
