"""The borders the reference graph carries: Douglas–Peucker as written, the rings closed and
oriented, and every municipality's and region's WKT literal — mapped as a build maps it —
read back by pyoxigraph and by rdflib, parsed by an independent WKT reader (geomet) and
inside Finland."""
from __future__ import annotations

import csv

import pyoxigraph as ox
import pytest
import rdflib
from geomet import wkt as geomet_wkt

from publisher.build.geometry import (CRS84, TOLERANCE_DEGREES, douglas_peucker, read_borders,
                                      signed_area, simplify_polygons, simplify_ring)
from publisher.build.mapping import load_mapping
from publisher.build.reference import MAPPING_FILE, codelist_records
from publisher.config import PROJECT_ROOT, load_settings
from publisher.shacl import shapes_graph, validate
from publisher.vocab import GEO

REFERENCE = PROJECT_ROOT / "mappings" / "reference"
BASE = "https://example.test/"
#: Finland with Åland and its sea borders: longitude 19–32 °E, latitude 59.4–70.2 °N.
FINLAND = (19.0, 59.4, 32.0, 70.2)


def test_douglas_peucker_keeps_the_ends_and_what_stands_out() -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)]
    assert douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)]
    assert douglas_peucker(line, 2.0) == [(0.0, 0.0), (4.0, 0.0)]
    assert douglas_peucker(line[:2], 5.0) == line[:2]


def test_a_long_ring_needs_no_recursion() -> None:
    # a zig-zag keeps every point, splitting one point at a time: 1 500 levels deep, past
    # Python's recursion limit for a recursive Douglas–Peucker
    ring = [(i / 1000, (i % 2) / 100) for i in range(1500)] + [(0.0, 1.0), (0.0, 0.0)]
    simplified = simplify_ring(ring, 0.001)
    assert simplified is not None and simplified[0] == simplified[-1]


def test_rings_are_closed_oriented_and_tiny_islands_dropped() -> None:
    clockwise = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]
    hole = [(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8), (0.2, 0.2)]
    island = [(5, 5), (5.001, 5), (5.001, 5.001), (5, 5)]
    polygons = simplify_polygons([[clockwise, hole], [island]], 0.01)
    assert len(polygons) == 1                                   # the island is below tolerance
    exterior, inner = polygons[0]
    assert exterior[0] == exterior[-1] and inner[0] == inner[-1]
    assert signed_area(exterior) > 0 > signed_area(inner)       # RFC 7946's right-hand rule
    # an area that is nothing but tiny islands keeps its largest one
    assert len(simplify_polygons([[island]], 0.01)) == 1


def _codes(name: str) -> set[str]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def test_the_border_files_cover_the_code_lists() -> None:
    assert set(read_borders(REFERENCE / "geo" / "municipalities-4500k.geojson")) == _codes(
        "municipalities.csv")
    assert set(read_borders(REFERENCE / "geo" / "regions-4500k.geojson")) == _codes(
        "regions.csv")


@pytest.fixture(scope="module")
def reference_ntriples() -> bytes:
    """The code lists as the build maps them, as N-Triples."""
    settings = load_settings(environ={})
    mapping = load_mapping(PROJECT_ROOT / "mappings" / MAPPING_FILE, BASE)
    graph = ox.NamedNode(BASE + "graph/reference")
    triples = [quad.triple for record in codelist_records(settings)
               for quad in mapping.quads(record, graph, {})]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _check(literals: dict[str, str]) -> None:
    assert len(literals) == 309 + 19
    for subject, text in literals.items():
        assert text.startswith(f"<{CRS84}> "), subject
        shape = geomet_wkt.loads(text[len(CRS84) + 3:])
        assert shape["type"] in {"Polygon", "MultiPolygon"}, subject
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4, subject
                for lon, lat in ring:
                    assert FINLAND[0] <= lon <= FINLAND[2] and FINLAND[1] <= lat <= FINLAND[3], \
                        (subject, lon, lat)


def test_every_wkt_parses_with_pyoxigraph_and_lies_in_finland(reference_ntriples) -> None:
    store = ox.Store()
    store.load(reference_ntriples, format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(f"""SELECT ?x ?wkt WHERE {{ ?x <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt
        FILTER(DATATYPE(?wkt) = <{GEO}wktLiteral>) }}""")
    _check({row["x"].value: row["wkt"].value for row in rows})


def test_every_wkt_parses_with_rdflib_and_lies_in_finland(reference_ntriples) -> None:
    graph = rdflib.Graph().parse(data=reference_ntriples, format="nt")
    has, as_wkt = rdflib.URIRef(GEO + "hasGeometry"), rdflib.URIRef(GEO + "asWKT")
    literals = {}
    for subject, geometry in graph.subject_objects(has):
        value = graph.value(geometry, as_wkt)
        assert value.datatype == rdflib.URIRef(GEO + "wktLiteral")
        literals[str(subject)] = str(value)
    _check(literals)


def test_the_tolerance_costs_few_points() -> None:
    """0.005° keeps over 90 % of the already generalised points: a page needs them."""
    exact = read_borders(REFERENCE / "geo" / "municipalities-4500k.geojson", 0.0)
    kept = read_borders(REFERENCE / "geo" / "municipalities-4500k.geojson", TOLERANCE_DEGREES)
    points = sum(text.count(",") + 1 for text in kept.values())
    assert 0.9 * sum(text.count(",") + 1 for text in exact.values()) < points
    assert sum(map(len, kept.values())) < 130_000                # bytes of WKT in the graph


def test_the_data_profile_refuses_a_border_that_is_not_a_crs84_polygon() -> None:
    """The SHACL gate of the build: one WKT literal per border, a (multi)polygon in CRS84."""
    settings = load_settings(environ={})
    kd = "https://data.kuntadigi.example/def/"
    good = f"<{CRS84}> POLYGON ((24 61, 25 61, 25 62, 24 61))"
    data = rdflib.Graph().parse(format="turtle", data=f"""
@prefix geo: <{GEO}> .
<https://data.kuntadigi.example/id/organisation/837> a <{kd}Municipality> ;
    geo:hasGeometry <#a>, <#b> .
<#a> a geo:Geometry ; geo:asWKT "{good}"^^geo:wktLiteral .
<#b> a geo:Geometry ; geo:asWKT "POINT (24 61)"^^geo:wktLiteral, "{good}"^^geo:wktLiteral .
""", publicID="https://data.kuntadigi.example/x")
    outcome = validate(data, shapes_graph(settings, ["kuntadigi"]))
    messages = {(r.focus.rsplit("/", 1)[-1], r.message) for r in outcome.results
                if r.severity == "Violation" and ("border" in r.message)}
    assert ("x#b", "A border has one WKT literal, a polygon or multipolygon in CRS84") in messages
    assert not any(focus == "x#a" for focus, _ in messages)
    assert ("837", "A municipality has at most one border") in messages
