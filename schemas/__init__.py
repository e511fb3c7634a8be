"""Input schemas, one module per domain (see utils.validation)."""
