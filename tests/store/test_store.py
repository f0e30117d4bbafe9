"""The Store interface: embedded pyoxigraph and a real Oxigraph server behave the same."""
from __future__ import annotations

import csv
import io
import json
import os
import threading
import time

import pyoxigraph as ox
import pytest
import rdflib

from tests.support.release import BASE, make_settings, write_release
from publisher.store import (EmbeddedStore, NoRelease, QueryMemoryLimit, QuerySyntaxError,
                             QueryTimeout, RemoteStore, StoreBusy, StoreUnavailable,
                             inspect_query, loader, open_store)
from publisher.store.query_process import execute

EVAKA = BASE + "id/project/kuntien-evaka"
PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BASE}def/Project> }} ORDER BY ?p"
HEAVY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
         "?m ?n2 ?o }")


# --------------------------------------------------------------------------- lexical scan

@pytest.mark.parametrize("text, form, update, service", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, False),
    ("prefix ex: <http://e/#SERVICE> # INSERT\nask { ex:a ex:insert ?service }", "ASK", False, False),
    ("BASE <http://e/> CONSTRUCT WHERE { ?s ?p 'DELETE' }", "CONSTRUCT", False, False),
    ("DESCRIBE <http://e/a>", "DESCRIBE", False, False),
    ("PREFIX : <http://e/> INSERT DATA { :a :b :c }", None, True, False),
    ("DELETE WHERE { ?s ?p ?o }", None, True, False),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, True, False),
    ("LOAD <http://example.org/x.ttl>", None, True, False),
    ('SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } FILTER(?a < ?b) }', "SELECT", False, True),
    ('SELECT * { ?s ?p """a\nSERVICE""" }', "SELECT", False, False),
    ("select * { ?s ?p ?o . FILTER(?o <2 && ?o> 1) }", "SELECT", False, False),
    ("this is not sparql", None, False, False),
])
def test_inspect_query(text, form, update, service):
    info = inspect_query(text)
    assert (info.form, info.is_update, info.uses_service) == (form, update, service)


# --------------------------------------------------------------------------- both stores

def test_version_and_info(store):
    assert store.version == "2024-05-01.1"
    assert store.info()["store"] in {"embedded", "remote"}


def test_select_json_is_standard(store):
    result = store.query(PROJECTS, format="json")
    assert result.kind == "solutions" and result.media_type == "application/sparql-results+json"
    rows = list(ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON))
    assert [r["p"].value for r in rows] == [BASE + "id/project/digitaalinen-asiointi",
                                            BASE + "id/project/digital-kundtjanst", EVAKA]
    assert not result.truncated


@pytest.mark.parametrize("fmt, oxfmt", [("xml", ox.QueryResultsFormat.XML),
                                        ("tsv", ox.QueryResultsFormat.TSV)])
def test_select_other_formats_parse(store, fmt, oxfmt):
    query = f"SELECT ?p ?t ?n WHERE {{ ?p <http://purl.org/dc/terms/title> ?t OPTIONAL {{ ?p <{BASE}def/catalogueNumber> ?n }} }}"
    result = store.query(query, format=fmt)
    rows = list(ox.parse_query_results(result.body, oxfmt))
    assert len(rows) >= 3
    titles = {r["t"].value for r in rows}
    assert "Digital kundtjänst i Tammerfors" in titles


def test_select_csv_and_rdflib_reads_results(store):
    query = f"SELECT ?t WHERE {{ <{EVAKA}> <http://purl.org/dc/terms/description> ?t }}"
    csv_body = store.query(query, format="csv").body.decode()
    assert csv_body.startswith("t\r\n") and '"eVaka-projektissa' in csv_body  # newlines quoted
    xml_body = store.query(query, format="xml").body
    result = rdflib.query.Result.parse(io.BytesIO(xml_body), format="xml")
    assert "- avoin lähdekoodi" in str(list(result)[0][0])


def test_ask_and_construct(store):
    assert b"true" in store.query("ASK { ?s ?p ?o }", format="json").body
    result = store.query(f"CONSTRUCT {{ <{EVAKA}> ?p ?o }} WHERE {{ <{EVAKA}> ?p ?o }}",
                         format="turtle")
    graph = rdflib.Graph().parse(data=result.body, format="turtle")
    assert (rdflib.URIRef(EVAKA), rdflib.URIRef(BASE + "def/catalogueNumber"),
            rdflib.Literal(2)) in graph
    for fmt, parser in [("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")]:
        body = store.query(f"DESCRIBE <{EVAKA}>", format=fmt).body
        assert len(rdflib.Graph().parse(data=body, format=parser)) > 5


def test_result_limit_truncates_with_a_signal(store):
    result = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", format="xml", limit=5)
    assert result.truncated and result.count == 5
    assert b"truncated" in result.body
    assert len(list(ox.parse_query_results(result.body, ox.QueryResultsFormat.XML))) == 5
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", format="turtle", limit=7)
    assert graph.truncated and graph.body.startswith(b"# Result truncated")
    assert len(rdflib.Graph().parse(data=graph.body, format="turtle")) == 7


ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
RESULT_PARSERS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "tsv": ox.QueryResultsFormat.TSV}


def rows_of(result) -> list:
    """The rows of a results body as texts (CSV has nothing more than texts)."""
    if result.format == "csv":
        rows = list(csv.reader(io.StringIO(result.body.decode())))[1:]
        return [tuple(value.removeprefix("_:") or None for value in row) for row in rows]
    parsed = ox.parse_query_results(result.body, RESULT_PARSERS[result.format])
    names = [v.value for v in parsed.variables]
    return [tuple(None if row[n] is None else row[n].value for n in names) for row in parsed]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_result_limit_cuts_every_format_exactly(store, fmt):
    total = len(rows_of(store.query(ALL, format="json", limit=100000)))
    cut = store.query(ALL, format=fmt, limit=7)
    assert cut.truncated and cut.count == 7 and cut.limit == 7
    assert rows_of(cut) == rows_of(store.query(ALL, format="json", limit=100000))[:7]
    whole = store.query(ALL, format=fmt, limit=total)
    assert not whole.truncated and len(rows_of(whole)) == total


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("ntriples", "nt"),
                                         ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_graph_limit_cuts_every_format_exactly(store, fmt, parser):
    cut = store.query("CONSTRUCT WHERE { ?s ?p ?o }", format=fmt, limit=9)
    assert cut.truncated and cut.count == 9
    assert len(rdflib.Graph().parse(data=cut.body, format=parser)) == 9
    if fmt != "jsonld":
        assert b"Result truncated at the result limit of 9 triples" in cut.body


def test_a_query_with_its_own_limit_is_written_once_and_the_same(store):
    """A top-level LIMIT within the result limit cannot be cut: the rows go straight into
    the asked format, and they are the rows the counted path gives."""
    limited = f"{ALL} LIMIT 5"
    assert inspect_query(limited).rows_within(10)
    direct = store.query(limited, format="json", limit=10)
    assert direct.count is None and not direct.truncated
    counted = store.query(limited, format="json", limit=4)     # LIMIT above the cap: counted
    assert counted.truncated and counted.count == 4
    assert rows_of(direct)[:4] == rows_of(counted)
    assert len(rows_of(direct)) == 5


@pytest.mark.parametrize("text, limit", [
    ("SELECT * { ?s ?p ?o } LIMIT 5", 5),
    ("select * { ?s ?p ?o } order by ?s limit 12 offset 3", 12),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 2 } ?s ?p ?o }", None),
    ("SELECT * { ?s ?p 'LIMIT 3' } # LIMIT 4", None),
    ("SELECT * { ?s ?p ?o } LIMIT 5 VALUES ?s { <urn:a> }", 5),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", None),
    ("SELECT ?limit { ?s ex:limit ?limit }", None),
])
def test_inspect_query_finds_the_top_level_limit(text, limit):
    assert inspect_query(text).limit == limit


def test_rewrite_keeps_literals_that_quote_the_base(store):
    """IRIs are mapped onto the server; the same text inside a literal stays as written."""
    target = "http://localhost:5000/"
    quoted = f'"see <{BASE}id/project/kuntien-evaka> here"'
    select = (f"SELECT ?s ?text WHERE {{ VALUES (?s ?text) {{ (<{EVAKA}> {quoted}) }} }}")
    for fmt in ("json", "tsv", "xml"):
        rows = rows_of(store.query(select, format=fmt, rewrite=(BASE, target)))
        assert rows == [(target + "id/project/kuntien-evaka",
                         f"see <{BASE}id/project/kuntien-evaka> here")]
    construct = f"CONSTRUCT {{ <{EVAKA}> <{BASE}def/note> {quoted} }} WHERE {{}}"
    body = store.query(construct, format="ntriples", rewrite=(BASE, target)).body.decode()
    assert body.startswith(f"<{target}id/project/kuntien-evaka> <{target}def/note> ")
    assert f"see <{BASE}id/project/kuntien-evaka> here" in body


def test_syntax_error_carries_the_parser_message(store):
    with pytest.raises(QuerySyntaxError) as caught:
        store.query("SELECT ?s WHERE { ?s ?p }")
    assert str(caught.value)


def test_default_graph_is_the_union_and_protocol_graphs_are_honoured(store):
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{BASE}def/Project> }}"
    body = json.loads(store.query(count, format="json").body)
    assert body["results"]["bindings"][0]["n"]["value"] == "3"
    only = store.query(count, format="json",
                       default_graph_uris=[BASE + "graph/000-a99be5f9b8218adf"])
    assert json.loads(only.body)["results"]["bindings"][0]["n"]["value"] == "1"
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", format="json",
                        named_graph_uris=[BASE + "graph/reference"])
    graphs = [b["g"]["value"] for b in json.loads(named.body)["results"]["bindings"]]
    assert graphs == [BASE + "graph/reference"]


def test_rewrite_maps_result_iris(store):
    result = store.query(PROJECTS, format="json", rewrite=(BASE, "http://localhost:5000/"))
    assert b"http://localhost:5000/id/project/kuntien-evaka" in result.body
    assert BASE.encode() not in result.body


def test_describe_brings_labels_and_inverse_links(store):
    triples = store.describe(BASE + "id/organisation/049")
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert EVAKA in subjects                  # a project pointing at Espoo (inverse link)
    titles = [t for t in triples if t.subject.value == EVAKA
              and t.predicate.value == "http://purl.org/dc/terms/title"]
    assert titles
    project = store.describe(EVAKA)
    lines = [t.object.value for t in project if t.predicate.value == BASE + "def/firstLine"]
    assert lines == ["19"]                    # nested blank node of the derivation
    labels = [t for t in project if t.subject.value == BASE + "id/organisation/837"]
    assert any(t.object.value == "Tammerfors" for t in labels)


def test_named_graphs(store):
    graphs = store.named_graphs()
    assert BASE + "graph/reference" in graphs and BASE + "graph/ontology" in graphs


# --------------------------------------------------------------------------- embedded only

def test_embedded_timeout_stops_the_query_and_others_keep_going(embedded_store):
    """A runaway query is killed at the limit; a light one runs meanwhile."""
    timings: dict[str, float] = {}

    def heavy():
        start = time.monotonic()
        with pytest.raises(QueryTimeout):
            embedded_store.query(HEAVY, timeout=1.0)
        timings["heavy"] = time.monotonic() - start

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    embedded_store.query(PROJECTS, timeout=5)
    timings["light"] = time.monotonic() - start
    thread.join(10)
    assert 0.9 < timings["heavy"] < 3.0
    assert timings["light"] < 1.0
    assert embedded_store.processes.stopped >= 1
    embedded_store.query("ASK {}")            # a fresh process replaces the killed one


def test_embedded_follows_latest_and_is_shared_between_processes(tmp_path):
    settings = make_settings(tmp_path)
    first = EmbeddedStore(settings)
    with pytest.raises(NoRelease):
        first.select("SELECT * WHERE { ?s ?p ?o }")
    assert first.version is None
    write_release(settings.releases_dir, "v1")
    assert first.version == "v1"
    second = EmbeddedStore(settings)    # e.g. another gunicorn worker
    assert second.version == "v1"
    extra = f'<{BASE}graph/extra> {{ <{BASE}id/project/uusi> a <{BASE}def/Project> . }}\n'
    write_release(settings.releases_dir, "v2", extra_trig=extra)
    deadline = time.monotonic() + 5          # the old release answers while the new loads
    while {first.version, second.version} != {"v2"} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.version == "v2" and second.version == "v2"
    assert first.ask(f"<{BASE}id/project/uusi> ?p ?o")
    assert len(list((settings.data_dir / "oxigraph").iterdir())) >= 2
    first.close()
    second.close()


def test_embedded_load_release_counts_quads(tmp_path):
    settings = make_settings(tmp_path)
    folder = write_release(settings.releases_dir, "v1", link=False)
    store = open_store("embedded", settings)
    assert store.load_release(folder) > 100
    assert store.version == "v1"
    store.close()


# --------------------------------------------------------------------------- remote only

def test_remote_reload_drops_graphs_of_the_old_release(tmp_path, oxigraph_server, settings):
    store = RemoteStore(oxigraph_server.url, settings)
    extra = f'<{BASE}graph/extra> {{ <{BASE}id/project/uusi> a <{BASE}def/Project> . }}\n'
    folder = write_release(tmp_path / "releases", "v-extra", extra_trig=extra)
    try:
        store.load_release(folder)
        assert store.version == "v-extra" and BASE + "graph/extra" in store.named_graphs()
    finally:
        store.load_release(settings.releases_dir / "latest")
    assert store.version == "2024-05-01.1"
    assert BASE + "graph/extra" not in store.named_graphs()
    assert not store.ask(f"<{BASE}id/project/uusi> ?p ?o")


def test_remote_store_down_then_back(oxigraph_server, settings):
    store = RemoteStore(oxigraph_server.url, settings)
    oxigraph_server.stop()
    try:
        with pytest.raises(StoreUnavailable):
            store.query(PROJECTS)
        with pytest.raises(StoreUnavailable):
            store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    finally:
        oxigraph_server.start()
    assert len(json.loads(store.query(PROJECTS).body)["results"]["bindings"]) == 3


def test_open_store_factory(settings):
    assert isinstance(open_store("embedded", settings), EmbeddedStore)
    remote = open_store("http://127.0.0.1:7878/query", settings)
    assert isinstance(remote, RemoteStore)
    assert remote.query_endpoint == "http://127.0.0.1:7878/query"
    assert remote.graph_store_endpoint == "http://127.0.0.1:7878/store"
    with pytest.raises(ValueError):
        open_store("ftp://nowhere", settings)


def test_release_info_fallback(tmp_path):
    from publisher.store import read_release_info

    (tmp_path / "v9").mkdir()
    assert read_release_info(tmp_path / "v9")["version"] == "v9"
    os.symlink("v9", tmp_path / "latest")
    assert read_release_info(tmp_path / "latest")["version"] == "v9"


def test_describe_follows_hash_iri_parts(store):
    project = store.describe(BASE + "id/project/digitaalinen-asiointi")
    lines = {t.object.value for t in project if t.predicate.value == BASE + "def/firstLine"}
    assert lines == {"5"}
    assert any(t.object.value == "Tavoite" for t in project)


def test_cli_load_into_a_remote_store(oxigraph_server, settings, monkeypatch, capsys):
    """`publisher load --store URL --release DIR` through the CLI entry point."""
    from publisher.cli import main

    monkeypatch.setenv("PUBLISHER_BASE_URI", BASE)
    release = settings.releases_dir / "latest"
    assert main(["load", "--store", oxigraph_server.url, "--release", str(release)]) == 0
    assert "loaded" in capsys.readouterr().err
    assert RemoteStore(oxigraph_server.url, settings).version == "2024-05-01.1"


@pytest.mark.parametrize("store_arg, release, words", [
    ("http://127.0.0.1:{port}", "latest", "cannot be reached"),
    ("ftp://example.org/", "latest", "unknown store"),
    ("embedded", "no-such-release", "no-such-release"),
])
def test_cli_load_failures_are_one_clear_line(settings, monkeypatch, capsys, tmp_path,
                                              store_arg, release, words):
    """A store that is down, a store URL of another scheme, a release folder that is not
    there: exit status 2 and a message naming what and where, no traceback."""
    from tests.support.servers import free_port

    from publisher.cli import main

    monkeypatch.setenv("PUBLISHER_BASE_URI", BASE)
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path / "data"))
    target = store_arg.format(port=free_port())
    assert main(["load", "--store", target, "--release",
                 str(settings.releases_dir / release)]) == 2
    message = capsys.readouterr().err
    assert message.startswith("error: cannot load") and words in message
    assert target in message and "Traceback" not in message


def test_stores_refuse_updates_and_service(store):
    from publisher.store import QueryRefused

    with pytest.raises(QueryRefused):
        store.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QueryRefused):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert not store.ask("<urn:a> ?p ?o")


# --------------------------------------------------------------------------- capped SELECT

@pytest.mark.parametrize("text, cappable", [
    ("SELECT * WHERE { ?s ?p ?o }", True),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 3", True),
    ("SELECT * WHERE { ?s ?p ?o } # LIMIT 4", True),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 2 } VALUES ?s { <urn:a> } }", True),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", False),
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }", False),
    ("SELECT * WHERE { ?s ?p 'VALUES' }", True),
    ("ASK { ?s ?p ?o }", False),
    ("CONSTRUCT WHERE { ?s ?p ?o }", False),
])
def test_inspect_query_tells_where_a_limit_may_be_appended(text, cappable):
    assert inspect_query(text).cappable is cappable


TRICKY = ('SELECT ?s ?text WHERE { VALUES (?s ?text) { (<urn:a> "{ {{ } <result> <result/>\\n'
          'x\\ty") (<urn:b> "}}}") } } ORDER BY ?s')


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_bound_is_never_below_the_rows(fmt):
    """The count that lets a capped answer go out unread is an upper bound, whatever the
    literals hold (braces, tags, line breaks, tabs)."""
    from publisher.store.results import _most_rows

    store = ox.Store()
    for rows in (0, 1, 2):
        query = TRICKY + (f" LIMIT {rows}" if rows < 2 else "")
        body = store.query(query).serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
        assert _most_rows(body, fmt) >= rows, body


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_capped_answers_match_the_counted_ones(store, fmt):
    """Around the limit (one below, at, one above) a SELECT without LIMIT gives the rows,
    count and truncation signal of the counted way, in every format."""
    from publisher.store.results import render_counted

    total = len(rows_of(store.query(ALL, format="json", limit=100000)))
    for limit in (total - 1, total, total + 1):
        answer = store.query(ALL, format=fmt, limit=limit)
        expected = rows_of(store.query(ALL, format="json", limit=100000))[:limit]
        assert rows_of(answer) == expected
        assert answer.truncated is (limit < total)
    if isinstance(store, EmbeddedStore):
        database = ox.Store.read_only(str(store.root / loader.identify(store.release_path).key))
        solutions = database.query(ALL)          # the default graph: the union, a set
        counted = render_counted(solutions, fmt, total, None, None)
        assert rows_of(store.query(ALL, format=fmt, limit=total)) == rows_of(counted)


def test_capped_query_ending_in_a_comment_and_its_syntax_errors():
    """The appended LIMIT starts a new line (a final comment cannot swallow it), and a
    syntax error is reported on the text as sent, not on the capped one."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("1")))
    job = {"sparql": "SELECT * WHERE { ?s ?p ?o } # the end", "format": "json", "limit": 5,
           "cappable": True}
    assert json.loads(execute(store, job).body)["results"]["bindings"][0]["s"]
    broken = {**job, "sparql": "SELECT * WHERE { ?s ?p ?o"}
    with pytest.raises(QuerySyntaxError) as capped:
        execute(store, broken)
    with pytest.raises(QuerySyntaxError) as plain:
        execute(store, {**broken, "cappable": False})
    assert str(capped.value) == str(plain.value)


# --------------------------------------------------------------------------- query processes

def test_a_query_past_the_memory_cap_ends_its_process_not_the_caller(tmp_path):
    """A query that needs more than limits.query_memory_mib dies in its query process
    (QueryMemoryLimit, naming the limit) within seconds; the next query is answered by a
    fresh process, and a query of the same shape then waits for the slow-query slot."""
    from dataclasses import replace

    settings = make_settings(tmp_path)
    settings = replace(settings, limits=replace(settings.limits, query_memory_mib=400))
    write_release(settings.releases_dir, "2024-05-01.1")
    store = EmbeddedStore(settings)
    try:
        big = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
        start = time.monotonic()
        with pytest.raises(QueryMemoryLimit, match="400 MiB"):
            store.query(big, timeout=30)
        assert time.monotonic() - start < 20
        assert json.loads(store.query("ASK { ?s ?p ?o }", format="json").body)["boolean"]
        assert store.processes.known_slow(big.replace("?i", "?j"))
    finally:
        store.close()


def test_heavy_queries_keep_to_the_slow_slot_and_light_ones_go_on(tmp_path, monkeypatch):
    """A query that has used heavy_query_seconds of CPU is moved to the one slow slot at
    the lowest priority; meanwhile light queries are answered at once. Queries of a known
    slow shape wait their turn for the slot within their time limit (never two at once),
    and past SLOW_QUEUE waiting ones a further one is refused at once (503)."""
    from dataclasses import replace

    from publisher.store import time_limit

    monkeypatch.setattr(time_limit, "SLOW_QUEUE", 1)
    settings = make_settings(tmp_path)
    settings = replace(settings, limits=replace(settings.limits, heavy_query_seconds=0.3,
                                                query_processes=2))
    write_release(settings.releases_dir, "2024-05-01.1")
    store = EmbeddedStore(settings)
    outcomes: list[tuple[str, float]] = []

    def heavy() -> None:
        started = time.monotonic()
        try:
            store.query(HEAVY, timeout=3.0, public=True)
        except (QueryTimeout, StoreBusy) as error:
            outcomes.append((type(error).__name__, time.monotonic() - started))

    try:
        store.query(PROJECTS)                   # the release is loaded before the clock runs
        first = threading.Thread(target=heavy)
        first.start()
        deadline = time.monotonic() + 3         # past heavy_query_seconds of CPU: slow now
        while not store.processes.known_slow(HEAVY) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.processes.known_slow(HEAVY)
        for _ in range(5):
            light = time.monotonic()
            assert not store.query(PROJECTS, timeout=5).truncated
            assert time.monotonic() - light < 1.0
        second = threading.Thread(target=heavy)          # waits for the slot
        second.start()
        time.sleep(0.3)
        third = threading.Thread(target=heavy)           # one waits already: refused
        third.start()
        for thread in (first, second, third):
            thread.join(15)
        names = sorted(name for name, _ in outcomes)
        assert names == ["QueryTimeout", "QueryTimeout", "StoreBusy"], outcomes
        assert min(seconds for name, seconds in outcomes if name == "StoreBusy") < 0.5
    finally:
        store.close()


def test_a_query_process_answers_from_one_database(tmp_path):
    """After a release switch, processes of the old database are replaced, not reused."""
    settings = make_settings(tmp_path)
    write_release(settings.releases_dir, "v1")
    store = EmbeddedStore(settings)
    try:
        store.query("ASK { ?s ?p ?o }")
        old = {p.process.pid for p in store.processes.light._idle}
        extra = f'<{BASE}graph/extra> {{ <{BASE}id/project/uusi> a <{BASE}def/Project> . }}\n'
        write_release(settings.releases_dir, "v2", extra_trig=extra)
        assert store.load_release(settings.releases_dir / "latest") > 100
        assert store.ask(f"<{BASE}id/project/uusi> ?p ?o")
        assert not old & {p.process.pid for p in store.processes.light._idle}
    finally:
        store.close()


class _CountingStore:
    """A pyoxigraph store that counts the queries run on it."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.queries = store, 0

    def query(self, *args, **kwargs):
        self.queries += 1
        return self.store.query(*args, **kwargs)


@pytest.mark.parametrize("rows, fmt, runs", [(6, "json", 1), (12, "json", 1), (6, "xml", 1),
                                             (12, "tsv", 1), (12, "csv", 2)])
def test_capped_select_runs_once_unless_csv_passes_the_limit(rows, fmt, runs):
    """When the quick row bound cannot rule out the limit, the written rows are read back
    and counted, not evaluated again (CSV, which cannot be read back, is run again)."""

    store = ox.Store()
    for index in range(rows):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{index:02}"), ox.NamedNode("urn:p"),
                          ox.Literal("{" * 5)))
    counting = _CountingStore(store)
    job = {"sparql": "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s", "format": fmt,
           "limit": 10, "cappable": True}
    result = execute(counting, job)
    assert counting.queries == runs
    assert result.truncated is (rows > 10)
    listed = result.body.decode()
    assert listed.count("urn:s") == min(rows, 10)
    assert "urn:s05" in listed and "urn:s10" not in listed
