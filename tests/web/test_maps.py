"""The maps on a release of the bundled texts, built as `publisher build` builds it and served
from the embedded store and from a real Oxigraph server: the SVG (309 municipalities, each a
link with a title, region borders, small), the numbers it shows equal a SPARQL query on the
same release, the GeoJSON follows RFC 7946, a municipality's border by extension and by
`Accept`, the collaboration view, the palette under colour-blindness and the map cache."""
from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from itertools import combinations

import pytest
import rdflib

from publisher.config import PROJECT_ROOT
from publisher.i18n import LANGUAGES
from publisher.store import EmbeddedStore, RemoteStore
from publisher.web import create_app
from publisher.web.answers import render_cache
from publisher.web.maps.palette import COLOURS, NONE_COLOUR, class_of
from publisher.web.maps.wkt import WktError, as_geojson, parse_wkt
from tests.support.release import BASE
from tests.support.required import require
from tests.support.servers import OXIGRAPH_MISSING, OxigraphServer, oxigraph_binary

KD = BASE + "def/"
TAMPERE = BASE + "id/organisation/837"
FINLAND = (19.0, 59.4, 32.0, 70.2)
MUNICIPALITY_CODES = {row["code"] for row in csv.DictReader(
    (PROJECT_ROOT / "mappings" / "reference" / "municipalities.csv").open(encoding="utf-8"))}


@pytest.fixture(scope="module")
def real_settings(bundled_release):
    return bundled_release


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def served(request, real_settings, tmp_path_factory):
    """(app, store) serving the real release from the embedded store or an Oxigraph server."""
    server = None
    if request.param == "embedded":
        store = EmbeddedStore(real_settings)
    else:
        server = OxigraphServer(require(oxigraph_binary(), OXIGRAPH_MISSING),
                                tmp_path_factory.mktemp("maps-oxigraph"))
        server.start()
        store = RemoteStore(server.url, real_settings)
        store.load_release(real_settings.releases_dir / "latest")
    app = create_app(real_settings, store)
    yield app, store
    store.close()
    if server is not None:
        server.stop()


def get(app, path, **kwargs):
    kwargs.setdefault("base_url", BASE)
    return app.test_client().get(path, **kwargs)


# --------------------------------------------------------------------------- reading SVG


class MapReader(HTMLParser):
    """The municipalities of the first map of a page: code → (href, title, fill)."""

    def __init__(self) -> None:
        super().__init__()
        self.areas: dict[str, dict[str, str]] = {}
        self.maps = 0
        self.region_paths = 0
        self._in_map = False
        self._code: str | None = None
        self._title: list[str] | None = None
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "map" in (a.get("class") or "").split():
            self.maps += 1
            self._in_map = self.maps == 1
        elif self._in_map and tag == "a" and "data-code" in a:
            self._code = a["data-code"]
            self.areas[self._code] = {"href": a.get("href", "")}
        elif self._in_map and tag == "title" and self._code:
            self._title = []
        elif self._in_map and tag == "path" and self._code:
            self.areas[self._code]["fill"] = a.get("fill", "")
            self.areas[self._code]["d"] = a.get("d", "")
        elif self._in_map and tag == "path" and a.get("class") == "regions":
            self.region_paths += 1
        elif tag == "details" and "map-table" in (a.get("class") or "") and self.maps == 1:
            self._in_table = True
        elif self._in_table and tag == "table":
            self.tables.append([])
        elif self._in_table and tag == "tr":
            self._row = []
        elif self._row is not None and tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_map = False
        elif tag == "title" and self._title is not None and self._code:
            self.areas[self._code]["title"] = "".join(self._title)
            self._title = None
        elif tag == "a" and self._in_map:
            self._code = None
        elif tag == "details":
            self._in_table = False
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    @property
    def rows(self) -> list[list[str]]:
        """The rows of the map's first table."""
        return self.tables[0] if self.tables else []

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_map(html: str) -> MapReader:
    reader = MapReader()
    reader.feed(html)
    return reader


# --------------------------------------------------------------------------- SPARQL truth


def sparql_counts(store, where: str = "") -> dict[str, tuple[int, int, int]]:
    """code → (all, lead, partner) projects by a query of its own on the same release."""
    rows = store.select(f"""
SELECT ?code (COUNT(DISTINCT ?p) AS ?all) (COUNT(DISTINCT ?led) AS ?lead)
       (COUNT(DISTINCT ?joined) AS ?partner) WHERE {{
  ?p a <{KD}Project> ; ?role ?m .
  ?m a <{KD}Municipality> ; <http://purl.org/dc/terms/identifier> ?code .
  VALUES ?role {{ <{KD}leadOrganisation> <{KD}partnerMunicipality> <{KD}partnerOrganisation> }}
  BIND(IF(?role = <{KD}leadOrganisation>, ?p, ?nothing) AS ?led)
  BIND(IF(?role != <{KD}leadOrganisation>, ?p, ?nothing) AS ?joined)
  {where}
}} GROUP BY ?code""")
    return {r["code"].value: (int(r["all"].value), int(r["lead"].value),
                              int(r["partner"].value)) for r in rows}


def sparql_pairs(store) -> dict[tuple[str, str], int]:
    rows = store.select(f"""
SELECT ?p ?code WHERE {{
  ?p a <{KD}Project> ; ?role ?m .
  ?m a <{KD}Municipality> ; <http://purl.org/dc/terms/identifier> ?code .
  VALUES ?role {{ <{KD}leadOrganisation> <{KD}partnerMunicipality>
                  <{KD}partnerOrganisation> }} }}""")
    by_project: dict[str, set[str]] = {}
    for r in rows:
        by_project.setdefault(r["p"].value, set()).add(r["code"].value)
    pairs: dict[tuple[str, str], int] = {}
    for codes in by_project.values():
        for pair in combinations(sorted(codes), 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    return pairs


# --------------------------------------------------------------------------- home page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_map_in_every_language(served, lang):
    app, store = served
    response = get(app, f"/?lang={lang}")
    assert response.status_code == 200
    assert len(response.data) < 300_000                      # HTML with its SVG
    found = read_map(response.get_data(as_text=True))
    assert set(found.areas) == MUNICIPALITY_CODES            # 309, each a link with a title
    assert found.region_paths == 1
    counts = sparql_counts(store)
    for code, area in found.areas.items():
        assert area["href"].startswith("/doc/organisation/" + code)
        assert area["title"] and area["d"].startswith("M")
        total = counts.get(code, (0, 0, 0))[0]
        assert area["fill"] == (NONE_COLOUR if total == 0 else COLOURS[class_of(total) - 1]), code
    tampere = found.areas["837"]["title"]
    name = {"fi": "Tampere", "sv": "Tammerfors", "en": "Tampere"}[lang]
    assert tampere.startswith(name + ": ") and str(counts["837"][0]) in tampere


def test_the_home_map_table_has_the_numbers_of_a_sparql_query(served):
    app, store = served
    found = read_map(get(app, "/?lang=en").get_data(as_text=True))
    header, *rows = found.rows
    assert header == ["Municipality", "Projects", "As lead", "As partner"]
    by_name = {row[0]: tuple(int(x) for x in row[1:]) for row in rows}
    names = {r["code"].value: r["name"].value for r in store.select(f"""
SELECT ?code ?name WHERE {{ ?m a <{KD}Municipality> ; <http://purl.org/dc/terms/identifier> ?code ;
  <http://www.w3.org/2004/02/skos/core#prefLabel> ?name FILTER(LANG(?name) = "en") }}""")}
    assert by_name == {names[code]: n for code, n in sparql_counts(store).items()}


# --------------------------------------------------------------------------- filtered list


def test_the_project_list_map_follows_the_filters(served):
    app, store = served
    themes = store.select(f"SELECT DISTINCT ?t WHERE {{ ?p a <{KD}Project> ; "
                          f"<http://purl.org/dc/terms/subject> ?t }}")
    theme = sorted(t["t"].value for t in themes)[0]
    key = theme.rsplit("/", 1)[-1]
    everything = read_map(get(app, "/projects").get_data(as_text=True))
    filtered = read_map(get(app, f"/projects?theme={key}").get_data(as_text=True))
    assert len(filtered.areas) == len(everything.areas) == 309
    counts = sparql_counts(store, f"?p <http://purl.org/dc/terms/subject> <{theme}>")
    assert {code for code, a in filtered.areas.items() if a["fill"] != NONE_COLOUR} == set(counts)
    for code, (total, _, _) in counts.items():
        assert filtered.areas[code]["fill"] == COLOURS[class_of(total) - 1]
    assert [a["fill"] for a in filtered.areas.values()] != [a["fill"] for a in
                                                            everything.areas.values()]


# --------------------------------------------------------------------------- resource pages


def test_a_municipality_page_shows_its_partners(served):
    app, store = served
    found = read_map(get(app, "/doc/organisation/837?lang=en").get_data(as_text=True))
    assert len(found.areas) == 309
    shared = {}
    for (a, b), n in sparql_pairs(store).items():
        if "837" in (a, b):
            shared[b if a == "837" else a] = n
    assert shared
    highlighted = {code for code, a in found.areas.items()
                   if a["fill"] != NONE_COLOUR and code != "837"}
    assert highlighted == set(shared)
    assert found.areas["837"]["fill"] not in {NONE_COLOUR, *COLOURS}
    rows = {row[0]: int(row[1]) for row in found.rows[1:]}
    assert sorted(rows.values()) == sorted(shared.values())


def test_a_project_page_shows_its_lead_and_partners(served):
    app, store = served
    row = store.select(f"""SELECT ?p (COUNT(?m) AS ?n) WHERE {{ ?p a <{KD}Project> ;
        <{KD}leadOrganisation> ?l ; <{KD}partnerMunicipality> ?m . ?l a <{KD}Municipality> }}
        GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1""")[0]
    project = row["p"].value
    roles = store.select(f"""SELECT ?role ?code WHERE {{ <{project}> ?role ?m .
        ?m a <{KD}Municipality> ; <http://purl.org/dc/terms/identifier> ?code .
        VALUES ?role {{ <{KD}leadOrganisation> <{KD}partnerMunicipality> }} }}""")
    leads = {r["code"].value for r in roles if r["role"].value.endswith("leadOrganisation")}
    partners = {r["code"].value for r in roles} - leads
    found = read_map(get(app, project.replace(BASE + "id/", "/doc/") + "?lang=en")
                     .get_data(as_text=True))
    assert len(found.areas) == 309
    assert {c for c, a in found.areas.items() if a["fill"] == COLOURS[-1]} == leads
    assert {c for c, a in found.areas.items() if a["fill"] == COLOURS[1]} == partners
    assert sorted(r[1] for r in found.rows[1:]) == sorted(
        ["Lead"] * len(leads) + ["Partner"] * len(partners))


def test_an_organisation_that_is_no_municipality_has_no_map(served):
    app, store = served
    other = store.select(f"""SELECT ?o WHERE {{ ?p <{KD}partnerOrganisation> ?o
        FILTER NOT EXISTS {{ ?o a <{KD}Municipality> }} }} ORDER BY ?o LIMIT 1""")[0]["o"].value
    page = get(app, other.replace(BASE + "id/", "/doc/")).get_data(as_text=True)
    assert 'class="map"' not in page


# --------------------------------------------------------------------------- collaboration


def test_the_collaboration_view_draws_and_lists_the_shared_projects(served):
    app, store = served
    pairs = sparql_pairs(store)
    answer = get(app, "/collaboration.json").json
    assert {tuple(sorted(m["code"] for m in p["municipalities"])): p["shared"]
            for p in answer["pairs"]} == pairs
    page = get(app, "/collaboration?lang=en").get_data(as_text=True)
    found = read_map(page)
    assert len(found.areas) == 309
    lines = re.findall(r'<line [^>]*stroke-width="([0-9.]+)"', page)
    assert len(lines) == sum(1 for n in pairs.values() if n > 1)
    widths = [float(w) for w in lines]
    assert widths == sorted(widths)                          # the heaviest drawn last, on top
    heavy, per_municipality = found.tables
    assert sorted(int(r[2]) for r in heavy[1:]) == sorted(n for n in pairs.values() if n > 1)
    partners = {code for pair in pairs for code in pair}
    assert sum(1 for r in per_municipality[1:] if int(r[1]) > 0) == len(partners)
    assert len(per_municipality) - 1 == len(sparql_counts(store))   # every one with projects


# --------------------------------------------------------------------------- GeoJSON


def _rings(geometry):
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return [(number, ring) for polygon in polygons for number, ring in enumerate(polygon)]


def _twice_area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def test_the_municipalities_as_geojson(served):
    app, store = served
    response = get(app, "/municipalities.geojson")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/geo+json")
    assert response.headers["ETag"]
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    features = collection["features"]
    assert len(features) == 309
    assert {f["properties"]["code"] for f in features} == MUNICIPALITY_CODES
    counts = sparql_counts(store)
    for f in features:
        assert f["type"] == "Feature" and f["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for number, ring in _rings(f["geometry"]):
            assert len(ring) >= 4 and ring[0] == ring[-1]               # closed linear rings
            assert all(len(p) == 2 and FINLAND[0] <= p[0] <= FINLAND[2]  # longitude first
                       and FINLAND[1] <= p[1] <= FINLAND[3] for p in ring)
            assert (_twice_area(ring) > 0) == (number == 0)              # right-hand rule
        p = f["properties"]
        assert (p["projects"], p["projects_lead"], p["projects_partner"]) == counts.get(
            p["code"], (0, 0, 0))
        assert p["uri"] == BASE + "id/organisation/" + p["code"] and p["name_fi"]
    assert get(app, "/municipalities.geojson",
               headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_municipality_as_geojson_by_extension_and_by_accept(served):
    app, _ = served
    by_extension = get(app, "/doc/organisation/837.geojson")
    assert by_extension.status_code == 200
    assert by_extension.headers["Content-Type"].startswith("application/geo+json")
    feature = json.loads(by_extension.data)
    assert feature["type"] == "Feature" and feature["properties"]["name_fi"] == "Tampere"
    by_accept = get(app, "/doc/organisation/837", headers={"Accept": "application/geo+json"})
    assert json.loads(by_accept.data) == feature
    assert "Accept" in by_accept.headers["Vary"]
    html = get(app, "/doc/organisation/837", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/doc/organisation/999.geojson",
                                  "/doc/organisation/Tampere.geojson",
                                  "/doc/organisation/%00.geojson",
                                  "/doc/organisation/valtiovarainministerio.geojson"])
def test_what_has_no_border_is_a_clear_404(served, path):
    app, _ = served
    response = get(app, path)
    assert response.status_code == 404
    assert b"Traceback" not in response.data


def test_geojson_is_only_for_organisations(served):
    app, _ = served
    response = get(app, "/doc/status/ongoing", headers={"Accept": "application/geo+json"})
    assert response.status_code == 406


# --------------------------------------------------------------------------- cache


def test_a_map_is_drawn_once_per_release_and_language(served):
    app, _ = served
    get(app, "/?lang=sv")
    with app.test_request_context():
        cache = render_cache()
        hits, misses = cache.hits, cache.misses
    get(app, "/?lang=sv&x=1")                                # another page key, the same map
    with app.test_request_context():
        assert cache.misses == misses + 1 and cache.hits == hits + 1


# --------------------------------------------------------------------------- palette


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


#: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
SIMULATIONS = {
    "none": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}


def _lightness(colour: str, matrix) -> float:
    """CIE L* of the colour as seen with the simulated vision."""
    rgb = [_linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5)]
    seen = [max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb)))) for row in matrix]
    y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_the_palette_reads_in_order_under_colour_blindness(vision):
    lightness = [_lightness(c, SIMULATIONS[vision]) for c in (NONE_COLOUR, *COLOURS)]
    steps = [a - b for a, b in zip(lightness, lightness[1:])]
    assert all(step >= 7 for step in steps), (vision, lightness)    # falling, visibly


# --------------------------------------------------------------------------- attribution


def test_the_catalogue_and_void_name_the_borders_with_their_attribution(real_settings):
    latest = real_settings.releases_dir / "latest"
    prov, dcterms = rdflib.Namespace("http://www.w3.org/ns/prov#"), rdflib.DCTERMS
    dataset = rdflib.URIRef(BASE + "dataset/projects")
    for name, link in (("catalog.ttl", prov.wasDerivedFrom), ("void.ttl", dcterms.source)):
        graph = rdflib.Graph().parse(latest / name)
        sources = list(graph.objects(dataset, link))
        assert len(sources) == 1, name
        rights = graph.value(sources[0], dcterms.rights)
        assert "Maanmittauslaitos" in str(graph.value(rights, rdflib.RDFS.label)), name
        assert str(graph.value(sources[0], dcterms.license)).endswith("CC_BY_4_0"), name


# --------------------------------------------------------------------------- the WKT reader


@pytest.mark.parametrize("text", ["POINT (24 61)", "POLYGON (((1 2)))", "POLYGON ((1 2, 3 4",
                                  "POLYGON ((1 2, 3 4, 5 6, 1 2)) trailing", "",
                                  "<http://www.opengis.net/def/crs/EPSG/0/3067> "
                                  "POLYGON ((1 2, 3 4, 5 6, 1 2))", "POLYGON ((1 x, 2 y))"])
def test_the_wkt_reader_refuses_what_is_no_crs84_polygon(text):
    with pytest.raises(WktError):
        parse_wkt(text)


def test_the_wkt_reader_reads_what_the_build_writes():
    text = ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> MULTIPOLYGON (((24 61, 25 61, "
            "25 62, 24 61)), ((21.5 60.1, 21.6 60.1, 21.6 60.2, 21.5 60.1)))")
    polygons = parse_wkt(text)
    assert polygons[1][0][0] == (21.5, 60.1) and len(polygons) == 2
    assert as_geojson(polygons)["type"] == "MultiPolygon"
