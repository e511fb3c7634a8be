"""/api/openapi.json, /api/asyncapi.json, /api/docs: the blueprint lives in apidocs/."""
from apidocs.views import bp  # noqa: F401 - registered by routes.register_blueprints
