"""WSGI entry point for a deployment's own server: `gunicorn -k gevent publisher.web.wsgi:app`
(configuration from publisher.toml and PUBLISHER_* environment variables)."""
from publisher.web import create_app

app = create_app()
