"""Where a remote SPARQL 1.1 store answers: its query, update and Graph Store Protocol URLs.

A store is named by one URL whose scheme carries the engine — ``oxigraph+http://host:7878``,
``fuseki+http://host:3030/dataset``, ``virtuoso+http://host:8890`` (a plain ``http(s)://``
URL is an Oxigraph server) — and the engine's preset gives the three URLs below it; the
``[store]`` table's ``query``, ``update`` and ``graph_store`` replace single ones, for stores
laid out otherwise. The paths are the engines' documented defaults: Oxigraph's server,
Fuseki's dataset services and Virtuoso's ``/sparql``, its Digest-authenticated update
(``/sparql-auth``) and Graph Store endpoints. Credentials never appear in a URL: they come from the environment.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from publisher.config import Settings

AUTH_SCHEMES = ("basic", "digest")


@dataclass(frozen=True)
class Preset:
    """One engine's defaults: paths below its base URL, how it authenticates, and whether
    the loader puts the union of the named graphs into its default graph."""

    query: str
    update: str
    graph_store: str
    auth: str = "basic"
    #: False where the engine's default graph already is every graph (Virtuoso).
    union_default_graph: bool = True
    #: The base URL must name a dataset below the server (Fuseki).
    needs_path: bool = False
    #: Whether the engine's results may go to clients as it wrote them; else they are read
    #: and written again (Virtuoso writes TSV with IRIs as strings).
    as_is: bool = True
    #: The query parameter that ends a query inside the engine, and its unit per second
    #: ("" where the server has only a server-wide limit: Oxigraph's ``--timeout-s``).
    timeout_parameter: str = ""
    timeout_scale: float = 1.0


PRESETS: dict[str, Preset] = {
    "oxigraph": Preset("/query", "/update", "/store"),
    "fuseki": Preset("/query", "/update", "/data", needs_path=True,
                     timeout_parameter="timeout"),
    "virtuoso": Preset("/sparql", "/sparql-auth", "/sparql-graph-crud-auth", auth="digest",
                       union_default_graph=False, as_is=False, timeout_parameter="timeout",
                       timeout_scale=1000.0),
}
EXAMPLES = {"oxigraph": "oxigraph+http://localhost:7878",
            "fuseki": "fuseki+http://localhost:3030/DATASET",
            "virtuoso": "virtuoso+http://localhost:8890"}
_FORMS = "'embedded', an http(s) URL (Oxigraph) or " + ", ".join(EXAMPLES.values())


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a remote store, and how to talk to it."""

    engine: str
    base: str
    query: str
    update: str
    graph_store: str
    auth: str = "basic"
    union_default_graph: bool = True
    as_is: bool = True
    timeout_parameter: str = ""
    timeout_scale: float = 1.0


def is_embedded(spec: str | None) -> bool:
    return (spec or "embedded").strip().lower() == "embedded"


def parse(spec: str) -> Endpoints:
    """The endpoints of a store named by ``spec`` (an engine's URL, see the module); a
    ValueError that says what is wrong and shows the forms otherwise."""
    text = spec.strip()
    engine, _, url = text.partition("+") if "+" in text.split("://", 1)[0] else ("", "", text)
    engine = engine.lower() or "oxigraph"
    if engine not in PRESETS:
        raise ValueError(f"unknown store {shown(text)}: no preset for {engine!r}; use "
                         + _FORMS)
    base = _checked_url(url, text)
    preset = PRESETS[engine]
    explicit_query = None
    if engine == "oxigraph":
        # a query endpoint given as the server's URL (as before presets): its base is above
        for suffix in ("/query", "/sparql"):
            if base.endswith(suffix):
                explicit_query, base = base, base[: -len(suffix)]
                break
    if preset.needs_path and not urlsplit(base).path.strip("/"):
        raise ValueError(f"{shown(text)} names no dataset: use {EXAMPLES[engine]}")
    return Endpoints(engine, base, explicit_query or base + preset.query, base + preset.update,
                     base + preset.graph_store, preset.auth, preset.union_default_graph,
                     preset.as_is, preset.timeout_parameter, preset.timeout_scale)


def from_settings(settings: Settings, spec: str | None = None) -> Endpoints:
    """The endpoints of the configured store: the preset of ``spec`` (default
    ``settings.store_url``) with the ``[store]`` table's URLs and auth scheme over it."""
    endpoints = parse(spec or settings.store_url)
    overrides = {"query": settings.store_query, "update": settings.store_update,
                 "graph_store": settings.store_graph_store}
    for name, value in overrides.items():
        if value:
            overrides[name] = _checked_url(value, value, f"[store] {name}")
    auth = (settings.store_auth or endpoints.auth).strip().lower()
    if auth not in AUTH_SCHEMES:
        raise ValueError(f"[store] auth = {settings.store_auth!r}: use 'basic' or 'digest'")
    return Endpoints(endpoints.engine, endpoints.base,
                     overrides["query"] or endpoints.query,
                     overrides["update"] or endpoints.update,
                     overrides["graph_store"] or endpoints.graph_store,
                     auth, endpoints.union_default_graph, endpoints.as_is,
                     endpoints.timeout_parameter, endpoints.timeout_scale)


def _checked_url(url: str, whole: str, what: str = "") -> str:
    """An http(s) URL without credentials, query or fragment, with no final slash."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        if not what:
            raise ValueError(f"unknown store {shown(whole)}: use " + _FORMS)
        raise ValueError(f"{what} = {shown(whole)} is not an http(s) URL")
    what = what or "the store URL"
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{what} holds credentials: remove them from the URL and set "
                         "PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD instead")
    if parts.query or parts.fragment:
        raise ValueError(f"{what} {shown(whole)} has a query or fragment; give the "
                         "server's URL only")
    return url.strip().rstrip("/")


def shown(text: str, quoted: bool = True) -> str:
    """A store URL as a message may show it: any user and password cut out."""
    scheme, sep, rest = text.strip().partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        rest = "…@" + rest.split("@", 1)[1]
    plain = f"{scheme}{sep}{rest}"
    return repr(plain) if quoted else plain
