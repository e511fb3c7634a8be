"""Deployment files: gunicorn configs and hooks, the nginx template, the compose file."""
