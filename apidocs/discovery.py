"""What a view function tells about its operation, read from its source.

Routes stay thin and undecorated for the docs: they already say what they
validate (`parse_body(schemas.CreatePost)`), which query parameters they read
(`paging()`, `query_int("limit", ...)`, `request.args.get("q")`), who may call
them (`@login_required`, `@admin_required`) and their success status
(`ok(..., status=201)`). This module reads those calls from the view's syntax
tree (and from module-level helpers it calls by name, one level deep), so a new
route is described without touching this package.
"""
import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass, field, replace

from pydantic import BaseModel

AUTH_DECORATORS = {"login_required": "member", "admin_required": "admin"}


@dataclass
class QueryParam:
    name: str
    schema: dict
    required: bool = False


@dataclass
class ViewFacts:
    body_model: type | None = None
    body_required: bool = True
    auth: str | None = None  # None (anyone), "member" or "admin"
    success_status: int = 200
    query: dict = field(default_factory=dict)
    docstring: str | None = None


def literal(node):
    return node.value if isinstance(node, ast.Constant) else None


def _keyword(call, name):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def callee_name(call):
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def resolve(node, namespace):
    """`schemas.CreatePost` or `CreatePost` to the object in the module's globals."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _argument(call, position, name, namespace=None):
    """An argument given by position or by keyword, else None: a literal, or a
    module-level constant (`maximum=MAX_LIMIT`) when `namespace` is given."""
    node = call.args[position] if len(call.args) > position else _keyword(call, name)
    if isinstance(node, ast.Name) and namespace is not None:
        value = namespace.get(node.id)
        return value if isinstance(value, (int, str)) else None
    return literal(node)


def _int_schema(call, namespace):
    """`query_int(name, default, minimum=0, maximum=None)` as a JSON schema."""
    default = _argument(call, 1, "default", namespace)
    minimum = _argument(call, 2, "minimum", namespace)
    maximum = _argument(call, 3, "maximum", namespace)
    schema = {"type": "integer", "minimum": 0 if minimum is None else minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    if isinstance(default, int):
        schema["default"] = default
    return schema


def _paging_params(call):
    default = literal(_keyword(call, "default_limit")) or 20
    maximum = literal(_keyword(call, "max_limit")) or 100
    max_offset = literal(_keyword(call, "max_offset")) or 10000
    return [QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": maximum,
                                 "default": default}),
            QueryParam("offset", {"type": "integer", "minimum": 0, "maximum": max_offset,
                                  "default": 0})]


def _query_params(call, namespace):
    """Query parameters one call reads, as `QueryParam`s."""
    name = callee_name(call)
    first = literal(call.args[0]) if call.args else None
    if name == "paging":
        return _paging_params(call)
    if name == "query_int" and isinstance(first, str):
        return [QueryParam(first, _int_schema(call, namespace))]
    if name == "query_id" and isinstance(first, str):
        required = literal(_keyword(call, "required")) is True
        return [QueryParam(first, {"type": "string", "pattern": "^[0-9a-fA-F]{24}$"}, required)]
    if name == "query_choice" and isinstance(first, str) and len(call.args) > 1:
        given = call.args[1]
        is_literal = isinstance(given, (ast.Tuple, ast.List, ast.Set))
        choices = [literal(e) for e in given.elts] if is_literal else resolve(given, namespace)
        if choices:
            return [QueryParam(first, {"type": "string", "enum": sorted(choices)})]
    if name in ("get", "getlist") and isinstance(first, str) and _reads_args(call):
        schema = {"type": "string"}
        if name == "getlist":
            schema = {"type": "array", "items": {"type": "string"}}
        return [QueryParam(first, schema)]
    return []


def _reads_args(call):
    owner = call.func.value if isinstance(call.func, ast.Attribute) else None
    return isinstance(owner, ast.Attribute) and owner.attr == "args"


def _body_call(call, namespace, facts):
    if callee_name(call) not in ("parse_body", "load") or not call.args:
        return
    model = resolve(call.args[0], namespace)
    if isinstance(model, type) and issubclass(model, BaseModel) and facts.body_model is None:
        facts.body_model = model
        required = _keyword(call, "required")
        facts.body_required = not (required is not None and literal(required) is False)


def _status_call(call, facts):
    if callee_name(call) not in ("ok", "done"):
        return
    node = _keyword(call, "status")
    # `status=201 if created else 200`: 200 is always documented, so the other one.
    branches = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]
    for status in map(literal, branches):
        if isinstance(status, int) and 200 < status < 300:
            facts.success_status = status


def _walk(tree, namespace, facts, seen):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        _body_call(node, namespace, facts)
        _status_call(node, facts)
        for param in _query_params(node, namespace):
            facts.query.setdefault(param.name, param)
        helper = namespace.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if inspect.isfunction(helper) and helper.__module__ == namespace.get("__name__") \
                and helper not in seen:
            seen.add(helper)
            helper_tree = parse_source(helper)
            if helper_tree is not None:
                _walk(helper_tree, namespace, facts, seen)


def parse_source(function):
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None


def _auth(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                name = decorator.id if isinstance(decorator, ast.Name) else None
                if name in AUTH_DECORATORS:
                    return AUTH_DECORATORS[name]
            return None
    return None


@functools.lru_cache(maxsize=None)
def view_facts(view):
    """`ViewFacts` of a Flask view function (decorators unwrapped)."""
    original = inspect.unwrap(view)
    facts = ViewFacts(docstring=inspect.getdoc(original))
    tree = parse_source(original)
    if tree is None:
        return facts
    facts.auth = _auth(tree)
    _walk(tree, original.__globals__, facts, {original})
    return facts


def guard_auth(guards):
    """The strongest sign-in requirement among a blueprint's `before_request` guards."""
    levels = [_auth(tree) for tree in map(parse_source, map(inspect.unwrap, guards)) if tree]
    return "admin" if "admin" in levels else ("member" if "member" in levels else None)


def with_guard(facts, guard):
    """`facts` with the blueprint guard's requirement when stronger than the view's own."""
    if guard == "admin" or (guard == "member" and facts.auth is None):
        return replace(facts, auth=guard)
    return facts
