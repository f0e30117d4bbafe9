"""Names of terms the pages look for: ours under this deployment's base URI, and schema.org's
under both of its namespaces."""
from __future__ import annotations

from publisher.vocab import SCHEMA, SCHEMA_HTTP, vocabulary
from publisher.web.context import settings


def kd(local: str) -> str:
    """A term of our vocabulary (``{base}def/{local}``)."""
    return vocabulary(settings().base_uri) + local


def schema(local: str) -> tuple[str, str]:
    """A schema.org term under both of its namespaces."""
    return SCHEMA_HTTP + local, SCHEMA + local
