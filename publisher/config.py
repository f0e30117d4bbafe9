"""Configuration: one `publisher.toml`, overridable by `PUBLISHER_*` environment variables.

Defaults make `publisher build` and `publisher serve` work with no file at all, so a
fresh clone runs with zero configuration.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "publisher.toml"


@dataclass(frozen=True)
class Source:
    """One entry of the source registry: which extractor reads which document."""

    path: Path
    extractor: str
    language: str = "fi"
    title: str | None = None
    publisher: str | None = None

    @property
    def key(self) -> str:
        """Stable document key: the file stem, lowercase ASCII with dashes."""
        return self.path.stem.lower().replace("_", "-")


@dataclass(frozen=True)
class Limits:
    query_timeout_seconds: float = 30.0
    result_limit: int = 10000
    upload_max_bytes: int = 10 * 1024 * 1024
    request_max_bytes: int = 1024 * 1024
    validation_timeout_seconds: float = 60.0
    response_cache_bytes: int = 64 * 1024 * 1024
    allow_service: bool = False
    # Every query (the endpoint's and the app's own) runs in a query process under these.
    query_memory_mib: int = 1024
    query_max_depth: int = 64
    query_max_operators: int = 1000
    query_processes: int = 3
    # Admission: a query that keeps its CPU busy this long is moved to the one slow-query
    # slot, and so are later queries of its shape.
    heavy_query_seconds: float = 1.0
    # Uploads to /validate and `publisher validate`; 0 processes: half the CPUs.
    validation_processes: int = 0
    validation_memory_mib: int = 2048
    parse_max_depth: int = 128
    # How long /health and the release check wait for a remote store.
    store_probe_seconds: float = 2.0
    # A build whose project count falls by more than this is not published (--allow-shrink).
    max_shrink_percent: float = 20.0
    # `publisher check-catalogue` and the catalogue check of /validate: the catalogue read
    # (bytes), each URL's download read (bytes; size and checksum beyond it are not checked),
    # one HTTP request, the whole run, redirects followed, URLs checked at once.
    catalogue_check_max_bytes: int = 32 * 1024 * 1024
    catalogue_check_download_bytes: int = 256 * 1024 * 1024
    catalogue_check_request_seconds: float = 20.0
    catalogue_check_seconds: float = 120.0
    catalogue_check_redirects: int = 5
    catalogue_check_parallel: int = 4


@dataclass(frozen=True)
class Settings:
    base_uri: str = "https://data.kuntadigi.example/"
    releases_dir: Path = PROJECT_ROOT / "releases"
    data_dir: Path = PROJECT_ROOT / "data"
    municipality_codelist: str = "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101"
    region_codelist: str = "http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101"
    publish_person_names: bool = True
    required_languages: tuple[str, ...] = ("fi", "sv", "en")
    licence: str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    store_url: str = "embedded"
    # [store] query, update, graph_store: URLs replacing the preset's of `url` ("": the
    # preset's); auth: "basic" or "digest" ("": the preset's, see publisher/store/endpoints.py)
    store_query: str = ""
    store_update: str = ""
    store_graph_store: str = ""
    store_auth: str = ""
    # The remote store's credentials: PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD only,
    # never a file or the command line, and never shown (repr=False).
    store_user: str = field(default="", repr=False)
    store_password: str = field(default="", repr=False)
    # The key SPARQL page cursors are signed with (publisher/web/paging.py):
    # PUBLISHER_PAGING_SECRET only, never a file; without it a key is derived per release.
    paging_secret: str = field(default="", repr=False)
    # Links in every representation point to the server answering when its host differs
    # from base_uri (request paths are mapped onto base_uri, as Trifid does).
    rewrite_links: bool = True
    # [release] keep: how many releases stay in the releases folder, newest first (0: all);
    # older ones, their dumps and changesets, are removed after a build publishes.
    release_keep: int = 0
    limits: Limits = field(default_factory=Limits)
    sources: tuple[Source, ...] = ()
    root: Path = PROJECT_ROOT

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def mappings_dir(self) -> Path:
        return self.root / "mappings"


def _coerce(value: str, like: Any) -> Any:
    """Turn an environment string into the type of the default it overrides."""
    if isinstance(like, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    if isinstance(like, Path):
        return Path(value)
    return value


def _coerce_named(name: str, value: str, like: Any) -> Any:
    """:func:`_coerce`, with an error that names the variable."""
    try:
        return _coerce(value, like)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a {type(like).__name__}") from None


def _resolve(root: Path, value: str | Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


def _from_table(table: dict[str, Any], folder: Path) -> Settings:
    """Settings from a parsed file: relative paths are relative to the file's folder."""
    root = project_root(table, folder)
    limits = Limits(**{k: v for k, v in table.get("limits", {}).items()
                       if k in {f.name for f in fields(Limits)}})
    sources = tuple(
        Source(path=_resolve(folder, s["path"]), extractor=s["extractor"],
               language=s.get("language", "fi"), title=s.get("title"),
               publisher=s.get("publisher"))
        for s in table.get("sources", [])
    )
    simple = {k: v for k, v in table.items()
              if k in {"base_uri", "municipality_codelist", "region_codelist",
                       "publish_person_names", "licence", "rewrite_links"}}
    if "required_languages" in table:
        simple["required_languages"] = tuple(table["required_languages"])
    settings = Settings(limits=limits, sources=sources, root=root, **simple)
    if "keep" in table.get("release", {}):
        settings = replace(settings, release_keep=int(table["release"]["keep"]))
    if "releases_dir" in table:
        settings = replace(settings, releases_dir=_resolve(folder, table["releases_dir"]))
    if "data_dir" in table:
        settings = replace(settings, data_dir=_resolve(folder, table["data_dir"]))
    store = {"store_" + key: str(value) for key, value in table.get("store", {}).items()
             if key in STORE_KEYS}
    return replace(settings, **store) if store else settings


#: The `[store]` keys a file may set (credentials come from the environment only).
STORE_KEYS = ("url", "query", "update", "graph_store", "auth")


def use_store(settings: Settings, url: str) -> Settings:
    """The settings with the store named on the command line: its preset alone, since the
    `[store]` table's URLs and auth scheme belong to the table's own `url`."""
    return replace(settings, store_url=url, store_query="", store_update="",
                   store_graph_store="", store_auth="")


def _apply_environment(settings: Settings, environ: dict[str, str]) -> Settings:
    """Apply PUBLISHER_<KEY> and PUBLISHER_LIMITS_<KEY> overrides."""
    top: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in {"limits", "sources", "root", "required_languages"}:
            continue
        name = f"PUBLISHER_{f.name.upper()}"
        env = environ.get(name)
        if env is not None:
            top[f.name] = _coerce_named(name, env, getattr(Settings(), f.name))
    limits: dict[str, Any] = {}
    for f in fields(Limits):
        name = next((n for n in (f"PUBLISHER_LIMITS_{f.name.upper()}",
                                 f"PUBLISHER_{f.name.upper()}") if environ.get(n)), None)
        if name is not None:
            # the type of the default, not of the file's value (`30` in TOML is an int)
            limits[f.name] = _coerce_named(name, environ[name], getattr(Limits(), f.name))
    if limits:
        top["limits"] = replace(settings.limits, **limits)
    return replace(settings, **top) if top else settings


def project_root(table: dict[str, Any], folder: Path) -> Path:
    """Where mappings/, ontology/ and shapes/ are: the `root` key (relative to the file), else
    the configuration file's folder when it has its own mappings/, else this installation's.

    So a configuration kept anywhere (a deployment's, a benchmark's) can name its own sources
    and still use the bundled rules and vocabulary."""
    if "root" in table:
        return _resolve(folder, table["root"]).resolve()
    return folder if (folder / "mappings").is_dir() else PROJECT_ROOT


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the configuration file (if any) and apply environment overrides."""
    environ = dict(os.environ) if environ is None else environ
    path = Path(environ.get("PUBLISHER_CONFIG", path or DEFAULT_CONFIG_FILE))
    if path.exists():
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        settings = _from_table(table, path.resolve().parent)
    else:
        settings = Settings()
    settings = _apply_environment(settings, environ)
    if not settings.base_uri.endswith("/"):
        settings = replace(settings, base_uri=settings.base_uri + "/")
    return settings
