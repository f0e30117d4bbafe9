"""The release's metadata quality: the EU MQA score of its catalogue (`publisher.shacl.mqa`),
into the build report, into `catalog.ttl` as DQV, and a warning naming every shortfall.

What the catalogue assessed is: the DCAT-AP 2.1.1 form of the release when it has one
(`catalog-dcat-ap-2.1.1.ttl`, what data.europa.eu converts harvested records to), else
`catalog.ttl`.

URLs at build time (nothing is fetched):

- a download or access URL of ours under `dumps/` is a file of a release folder:
  `{base}dumps/{version}/{name}` the file `name` of this release (or of the published release
  `version`), `{base}dumps/{name}` the file of this release, which `latest` will point at;
  present: 200 with its media type, absent: 404;
- any other URL of ours is accessible when its path is a route the site serves for every
  release (`SITE_ROUTES`: `/sparql`, `/catalog`, the home page …); `tests/web/test_quality.py`
  checks that the web app answers each of them. Resource pages (`/id/…`, `/doc/…`) depend on
  the store, which the build does not ask: they count as not checked;
- a foreign URL is not fetched at build time: no status, and the detail says so.
"""
from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace

from publisher import vocab
from publisher.config import Settings
from publisher.i18n import translate
from publisher.release.atomic_write import write_atomically
from publisher.release.dcat import DUMP_FORMATS
from publisher.release.dcat_check import validate_catalog
from publisher.release.errors import CatalogInvalid
from publisher.shacl import to_rdflib
from publisher.shacl.catalogue_check import OwnSite
from publisher.shacl.mqa import INDICATOR_BY_ID, Assessment, UrlStatus, assess
from publisher.vocab import CATALOG_DCAT_AP2_FILE, CATALOG_FILE

log = logging.getLogger("publisher.release.quality")

#: Paths (after the base URI) the site serves whatever the release holds.
SITE_ROUTES = frozenset({
    "", "sparql", "catalog", "catalog/quality", "void", ".well-known/void", "dumps/",
    "projects", "ontology", "def/", "shapes", "validate", "context.jsonld", "sitemap.xml",
    "robots.txt", "health"})
_MEDIA = {fmt.file_name: fmt.compress_format or fmt.media_type for fmt in DUMP_FORMATS}


def quality_base(base_uri: str) -> str:
    """`{base}catalog/quality#`: the measurements and our metrics are fragments of the page
    that shows them."""
    return f"{base_uri}catalog/quality#"


def release_url_checker(settings: Settings, version: str,
                        release_dir: Path) -> Callable[[str], UrlStatus]:
    """`check_url` for a release being built (see the module docstring); its files are found
    as the catalogue check finds a served release's (`OwnSite.release_file`)."""
    base = settings.base_uri
    site = OwnSite(base, release_dir, version=version)

    def check(url: str) -> UrlStatus:
        if not url.startswith(base):
            return UrlStatus(None, error="not fetched at build time: a URL outside "
                                         f"{base} is checked by the harvester only")
        path = site.path_of(url)
        if path.startswith("dumps/") and path != "dumps/":
            file = site.release_file(url)
            if isinstance(file, Path):
                media = _MEDIA.get(file.name) or mimetypes.guess_type(file.name)[0]
                return UrlStatus(200, media or "application/octet-stream")
            return UrlStatus(404, error=_missing(path, version))
        if path in SITE_ROUTES:
            return UrlStatus(200, "text/html" if path != "sparql" else None)
        if path.startswith(("id/", "doc/")):
            return UrlStatus(None, error="a resource page: the build does not ask the store")
        return UrlStatus(404, error="no route of the site serves this path")

    return check


def _missing(path: str, version: str) -> str:
    """Why a `dumps/…` path of ours names no release file."""
    parts = path.split("/")[1:]
    if len(parts) not in (1, 2) or not parts[-1] or parts[-1].startswith("."):
        return "not a release file"
    which = ("this release" if len(parts) == 1 or parts[0] == version
             else f"release {parts[0]}")
    return f"no file {parts[-1]} in {which}"


def assessed_file(release_dir: Path) -> Path:
    """The catalogue a harvester grades: the DCAT-AP 2.1.1 form if written, else catalog.ttl."""
    second = Path(release_dir) / CATALOG_DCAT_AP2_FILE
    return second if second.is_file() else Path(release_dir) / CATALOG_FILE


def assess_release(settings: Settings, version: str, release_dir: Path) -> Assessment:
    """The MQA assessment of the release's catalogue."""
    source = assessed_file(release_dir)
    triples = list(ox.parse(path=str(source), format=ox.RdfFormat.TURTLE))
    return assess(triples, release_url_checker(settings, version, release_dir),
                  tables_dir=Path(settings.mappings_dir) / "reference" / "eu",
                  shapes_dir=Path(settings.shapes_dir) / "dcat-ap-2.1.1")


def add_measurements(settings: Settings, release_dir: Path, assessment: Assessment) -> Graph:
    """Put the assessment's DQV into `catalog.ttl`; the result must still pass the DCAT-AP
    3.0.1 gate (CatalogInvalid otherwise)."""
    path = Path(release_dir) / CATALOG_FILE
    catalog = Graph().parse(path, format="turtle")
    base = quality_base(settings.base_uri)
    for triple in to_rdflib(assessment.to_dqv(base), keep_blank_ids=True):
        catalog.add(triple)
    catalog.bind("dqv", Namespace(vocab.DQV))
    catalog.bind("schema", Namespace(vocab.SCHEMA))
    conforms, report = validate_catalog(catalog, settings)
    if not conforms:
        raise CatalogInvalid(report)
    write_atomically(path, catalog.serialize(format="turtle").encode())
    return catalog


def shortfall_lines(assessment: Assessment) -> list[str]:
    """One line per indicator that falls short, naming it, its points and why."""
    lines = []
    for result in assessment.shortfalls():
        name = translate("en", INDICATOR_BY_ID[result.indicator].name)
        lines.append(f"{name} ({result.indicator}, {result.dimension}, 0/{result.weight}) "
                     f"on {result.subject}: {result.detail}")
    return lines


def report_part(assessment: Assessment, source: Path) -> dict[str, object]:
    """The build report's `quality` member: per dataset and per indicator."""
    return {"methodology": "data.europa.eu Metadata Quality Assessment",
            "assessed": Path(source).name, **assessment.to_json()}


def warn(assessment: Assessment, notice: Callable[[str], None] | None = None) -> None:
    """The score, and each shortfall, as warnings."""
    say = notice or log.warning
    lines = shortfall_lines(assessment)
    if not lines:
        return
    say(f"warning: metadata quality (MQA) {assessment.total}/{assessment.maximum} "
        f"({assessment.rating}); {len(lines)} indicator(s) fall short:")
    for line in lines:
        say(f"  {line}")
