"""Flask-CORS's answer, computed once per Origin and replayed.

Flask-CORS decides the headers of every response by matching the path and the
Origin header against patterns (several percent of a cached read). Parley has
one CORS resource ("/*"), so for a request that is not a preflight the headers
depend on the Origin header alone: the first response from an origin gets them
from Flask-CORS itself, later ones get a copy. Preflights (OPTIONS) and
responses that already carry CORS headers still go through Flask-CORS.
"""
from flask import request

from utils.vary import vary_on

ACL_PREFIX = "Access-Control-"
MAX_ORIGINS = 64  # origins are client-chosen: beyond this many, no memo, same answer


def cache_cors_headers(app):
    """Wrap Flask-CORS's after_request hook of `app` (call after `cors.init_app`)."""
    hooks = app.after_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if getattr(hook, "__name__", "") == "cors_after_request":
            hooks[index] = _memoized(hook)
            return


def _memoized(cors_after_request):
    answers = {}

    def cached_cors_after_request(response):
        current = request._get_current_object()  # one proxy lookup, not two
        if current.method == "OPTIONS" or response.headers.get("Access-Control-Allow-Origin"):
            return cors_after_request(response)
        origin = current.environ.get("HTTP_ORIGIN")  # `headers.get` raises when absent
        answer = answers.get(origin)
        if answer is None:
            had_vary = "Origin" in response.vary
            response = cors_after_request(response)
            answer = ([(name, value) for name, value in response.headers.items()
                       if name.startswith(ACL_PREFIX)],
                      not had_vary and "Origin" in response.vary)
            if len(answers) < MAX_ORIGINS:
                answers[origin] = answer
            return response
        headers, vary_origin = answer
        for name, value in headers:
            response.headers.add(name, value)
        if vary_origin:
            vary_on(response, "Origin")
        return response

    return cached_cors_after_request
