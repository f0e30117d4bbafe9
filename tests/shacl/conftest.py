"""The SHACL tests run with the project's own settings (its shapes, ontology and texts)."""
from __future__ import annotations

import pytest

from publisher.config import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})
