"""The OpenAPI 3.1 description of every `/api` route, built with apispec.

apispec assembles the document (paths, components, security schemes, tags);
pydantic makes the JSON schemas (2020-12, which OpenAPI 3.1 uses as is) of the
request models the routes validate with and of the response models in
apidocs/objects.py. Operations come from a walk of `app.url_map`, so a new
route appears without any change here.
"""
import re

from apispec import APISpec
from pydantic.json_schema import models_json_schema
from werkzeug.routing import AnyConverter, PathConverter

from apidocs import discovery, objects, registry, request_rules

API_PREFIX = "/api"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
COOKIE_SCHEME = "sessionCookie"
# Responses that are not the JSON envelope.
RAW_RESPONSES = {
    "attachments.download": {"application/octet-stream": {"schema": {}}},
    "apidocs.openapi_json": {"application/json": {"schema": {"type": "object"}}},
    "apidocs.asyncapi_json": {"application/json": {"schema": {"type": "object"}}},
    "apidocs.docs_page": {"text/html": {"schema": {"type": "string"}}},
    "apidocs.static": {"application/octet-stream": {"schema": {}}},
}
_PARAM_RE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}}


def api_rules(app):
    """The url_map rules under /api, in a stable order."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]
    return sorted(rules, key=lambda rule: (rule.rule, rule.endpoint))


def operations_of(rule):
    return sorted(rule.methods - IGNORED_METHODS)


def openapi_path(rule):
    """`/api/posts/<post_id>` as `/api/posts/{post_id}`."""
    return _PARAM_RE.sub(lambda m: "{" + m.group("name") + "}", rule.rule)


def _path_parameters(rule):
    params = []
    for match in _PARAM_RE.finditer(rule.rule):
        name = match.group("name")
        converter = rule._converters.get(name)  # werkzeug keeps no public accessor
        schema = dict(_CONVERTER_TYPES.get(match.group("converter"), {"type": "string"}))
        if isinstance(converter, AnyConverter):
            schema["enum"] = sorted(converter.items)
        elif isinstance(converter, PathConverter):
            schema["minLength"] = 1  # may span segments
        elif schema["type"] == "string":
            schema.update(minLength=1, pattern="^[^/]+$")  # one path segment
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _component_schemas(app):
    """JSON schemas of every request model in use and every response model, by name."""
    models = {facts.body_model for facts in _all_facts(app) if facts.body_model is not None}
    models.update(objects.MAIN_OBJECTS)
    ordered = sorted(models, key=lambda m: (m.__module__, m.__qualname__))
    keys, top = models_json_schema([(model, "validation") for model in ordered],
                                   ref_template="#/components/schemas/{model}")
    names = {model: keys[(model, "validation")]["$ref"].rsplit("/", 1)[-1] for model in ordered}
    schemas = top.get("$defs", {})
    for model, rules in request_rules.BODY_RULES.items():
        if model in names:
            schemas[names[model]] = _with_rules(schemas[names[model]], rules)
    return schemas, names


def _with_rules(schema, rules):
    """A model's schema with what its routes require (apidocs/request_rules.py)."""
    merged = {**schema, **{k: v for k, v in rules.items() if k != "properties"}}
    merged["properties"] = {**schema.get("properties", {}), **rules.get("properties", {})}
    if "required" in rules:
        merged["required"] = sorted(set(schema.get("required", [])) | set(rules["required"]))
    return merged


def _guard_auth(app, endpoint):
    """The sign-in requirement of the blueprint's `before_request` guards, if any."""
    blueprint = endpoint.split(".", 1)[0] if "." in endpoint else None
    return discovery.guard_auth(app.before_request_funcs.get(blueprint, ()))


def _all_facts(app):
    return [discovery.view_facts(app.view_functions[rule.endpoint]) for rule in api_rules(app)]


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _success_schema(returns, names):
    properties = {"success": {"type": "boolean"}, "message": {"type": "string"}}
    if returns.model is not None:
        item = _ref(names[returns.model])
        properties["data"] = {"type": "array", "items": item} if returns.many else item
    if returns.paginated:
        properties["pagination"] = _ref(names[objects.Pagination])
    for key, model in returns.extra.items():
        properties[key] = _ref(names[model])
    return {"type": "object", "properties": properties, "required": ["success"]}


def _responses(endpoint, facts, names):
    error = {"description": "Refused: the error envelope",
             "content": {"application/json": {"schema": _ref(names[objects.ErrorEnvelope])}}}
    if endpoint in RAW_RESPONSES:
        success = {"description": "OK", "content": RAW_RESPONSES[endpoint]}
    else:
        returns = registry.RESPONSES.get(endpoint, registry.Returns())
        schema = _success_schema(returns, names)
        success = {"description": "The success envelope",
                   "content": {"application/json": {"schema": schema}}}
    # 200 stays documented next to 201: several create routes answer 200 when
    # the object already existed (idempotent joins, repeated sends).
    responses = {"200": success, "4XX": error}
    if endpoint in request_rules.REFUSALS:  # a 400 that depends on stored state
        responses["400"] = {**error, "description": request_rules.REFUSALS[endpoint]}
    if facts.success_status != 200:
        responses[str(facts.success_status)] = success
    return responses


def _query_parameters(endpoint, facts):
    rules = request_rules.QUERY_RULES.get(endpoint, {})
    params = []
    for p in facts.query.values():
        required, schema = rules.get(p.name, (p.required, p.schema))
        if p.name == "locale" and endpoint.startswith("gifs."):
            schema = request_rules.LOCALE
        params.append({"name": p.name, "in": "query", "required": required, "schema": schema,
                       **({"style": "form", "explode": True}
                          if schema.get("type") == "array" else {})})
    return params


def _operation(rule, method, facts, names, suffix):
    endpoint = rule.endpoint
    summary = (facts.docstring or endpoint.split(".", 1)[-1].replace("_", " ")).split("\n")[0]
    operation = {
        "operationId": f"{endpoint.replace('.', '_')}_{method.lower()}{suffix}",
        "tags": [registry.tag_for(endpoint)],
        "summary": summary[:120],
        "parameters": _path_parameters(rule) + _query_parameters(endpoint, facts),
        "responses": _responses(endpoint, facts, names),
    }
    if facts.auth:
        operation["security"] = [{COOKIE_SCHEME: []}]
        if facts.auth == "admin":
            operation["description"] = "Administrators only."
    else:
        operation["security"] = [{}, {COOKIE_SCHEME: []}]
    if facts.body_model is not None and method in ("POST", "PUT", "PATCH", "DELETE"):
        operation["requestBody"] = {
            "required": facts.body_required and method != "DELETE",
            "content": {"application/json": {"schema": _ref(names[facts.body_model])}}}
    return operation


def build_spec(app):
    """The OpenAPI 3.1 document of `app` as a dict."""
    spec = APISpec(
        title="Parley API", version=app.config.get("API_VERSION", "1.0.0"),
        openapi_version="3.1.0",
        info={"description": "Topics, posts, comments, chat rooms, private messages, "
                             "notifications, moderation, support tickets and calls. "
                             "Socket.IO events: /api/asyncapi.json."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme(COOKIE_SCHEME, {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "The server-side session cookie set by the sign-in endpoints."})
    schemas, names = _component_schemas(app)
    for name, schema in sorted(schemas.items()):
        spec.components.schema(name, component=schema)
    seen = {}  # (endpoint, method) -> times described; one endpoint may serve two paths
    for rule in api_rules(app):
        facts = discovery.view_facts(app.view_functions[rule.endpoint])
        facts = discovery.with_guard(facts, _guard_auth(app, rule.endpoint))
        operations = {}
        for method in operations_of(rule):
            count = seen[(rule.endpoint, method)] = seen.get((rule.endpoint, method), 0) + 1
            suffix = "" if count == 1 else f"_{count}"
            operations[method.lower()] = _operation(rule, method, facts, names, suffix)
        spec.path(path=openapi_path(rule), operations=operations)
    for tag in sorted(set(registry.TAGS.values())):
        spec.tag({"name": tag})
    return spec.to_dict()
