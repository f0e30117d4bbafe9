"""The linked-data web app: SPARQL, dereferenceable URIs, HTML pages, dumps.

`create_app(settings=None, store=None)` builds a Flask app from the configuration and a
:class:`publisher.store.Store`; the app keeps no state of its own beyond the store, so any
number of processes can serve it behind a load balancer.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from publisher import i18n
from publisher.config import Settings, load_settings
from publisher.docs import docs_loader
from publisher.shacl import REPORT_TEMPLATES
from publisher.store import Store, open_store
from publisher.web.errors import install_error_handlers
from publisher.web.guards import install_guards
from publisher.web.routes import (changes, crawl, files, geo, ldes, memento, quality, resources,
                                   site, sparql, validation)
from publisher.web.state import Publisher


def create_app(settings: Settings | None = None, store: Store | None = None, *,
               release: Path | str | None = None, rewrite_links: bool | None = None) -> Flask:
    """The app factory. `release` serves a given release folder instead of
    `releases/latest`; `rewrite_links` (default: the setting, on) maps links onto the host
    answering."""
    settings = settings or load_settings()
    release_path = Path(release) if release else settings.releases_dir / "latest"
    if store is None:
        store = open_store(settings.store_url, settings, release=release)
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.limits.request_max_bytes,
        MAX_FORM_MEMORY_SIZE=settings.limits.request_max_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # the SHACL report's own templates, included by the /validate result page as shacl/…,
    # and the documentation's (the vocabulary, generic macros) as docs/…
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader(
        {"shacl": FileSystemLoader(str(REPORT_TEMPLATES))}), docs_loader()])
    i18n.install(app.jinja_env)
    rewrite = settings.rewrite_links if rewrite_links is None else rewrite_links
    app.extensions["publisher"] = Publisher(settings, store, release_path, rewrite)
    for blueprint in (sparql.bp, resources.bp, site.bp, files.bp, crawl.bp, validation.bp,
                      quality.bp, changes.bp, geo.bp, ldes.bp, memento.bp):
        app.register_blueprint(blueprint)
    install_guards(app)
    install_error_handlers(app)
    return app


__all__ = ["create_app"]
