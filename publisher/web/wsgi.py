"""WSGI entry point: `gunicorn publisher.web.wsgi:app` (configuration from publisher.toml and
PUBLISHER_* environment variables), with the front cache of answers installed."""
from publisher.web.serve import production_app

app = production_app()
