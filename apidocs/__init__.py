"""The API description: OpenAPI 3.1 for the REST routes, AsyncAPI 3.0 for the
Socket.IO events, and the docs page that renders them (routes/api_docs.py
registers the blueprint)."""
