"""A remote store by configuration, against a real Oxigraph server: the Oxigraph preset end
to end; a `[store]` table whose own URLs (a store laid out otherwise) reach the server
through a recording proxy, with the credentials of the environment sent on every request
and shown nowhere (messages, logs, /health); and Virtuoso's Digest-authenticated Graph
Store endpoint answered by the loader (a Virtuoso itself is not installed here: the proxy
plays its paths and its challenge in front of Oxigraph)."""
from __future__ import annotations

import base64
import gzip
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path


from publisher.config import PROJECT_ROOT, load_settings
from publisher.store import RemoteStore
from publisher.web import create_app
from tests.support.recording_proxy import RecordingProxy
from tests.support.release import BASE, write_release

USER, PASSWORD = "loader", "pw-Xq7-never-shown"
CREDENTIALS = {"PUBLISHER_STORE_USER": USER, "PUBLISHER_STORE_PASSWORD": PASSWORD}


def publisher(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The real command, configured through its file and the environment only."""
    full = {key: value for key, value in os.environ.items()
            if not key.startswith("PUBLISHER_")}
    full.update(env, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run([sys.executable, "-m", "publisher.cli", *args], env=full,
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)


def distinct_triples(release: Path) -> int:
    with gzip.open(release / "data.nt.gz") as dump:
        return sum(1 for line in dump if line.strip())


def count_default_graph(store: RemoteStore) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(rows[0]["n"].value)


def test_the_oxigraph_preset_end_to_end(blank_oxigraph, settings, tmp_path):
    """`publisher load --store oxigraph+http://…` into an empty server, then the app on it."""
    release = settings.releases_dir / "latest"
    spec = "oxigraph+" + blank_oxigraph.url
    done = publisher("load", "--store", spec, "--release", str(release),
                     env={"PUBLISHER_BASE_URI": BASE,
                          "PUBLISHER_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode == 0, done.stderr
    assert f"into {spec}" in done.stderr
    store = RemoteStore(spec, settings)
    assert store.version == "2024-05-01.1"
    assert count_default_graph(store) == distinct_triples(release)
    client = create_app(replace(settings, store_url=spec)).test_client()
    health = client.get("/health")
    assert health.status_code == 200 and health.json["version"] == "2024-05-01.1"
    assert client.get("/projects", headers={"Accept": "text/html"}).status_code == 200


def _config(folder: Path, proxy: RecordingProxy, settings) -> Path:
    """A publisher.toml whose [store] names every URL itself (a layout no preset has)."""
    path = folder / "publisher.toml"
    path.write_text(f'''base_uri = "{BASE}"
releases_dir = "{settings.releases_dir}"
data_dir = "{folder / 'data'}"
[store]
url = "{proxy.url}"
query = "{proxy.url}/rdf/sparql"
update = "{proxy.url}/rdf/statements"
graph_store = "{proxy.url}/rdf/graphs"
[limits]
query_timeout_seconds = 10
''', encoding="utf-8")
    return path


def test_a_store_table_with_its_own_urls_and_credentials_from_the_environment(
        blank_oxigraph, settings, tmp_path, caplog):
    proxy = RecordingProxy(blank_oxigraph.url, {"/rdf/sparql": "/query",
                                                "/rdf/statements": "/update",
                                                "/rdf/graphs": "/store"},
                           basic=(USER, PASSWORD))
    try:
        config = _config(tmp_path, proxy, settings)
        env = {"PUBLISHER_CONFIG": str(config), **CREDENTIALS}
        extra = f'<{BASE}graph/extra> {{ <{BASE}id/project/uusi> a <{BASE}def/Project> . }}\n'
        older = write_release(tmp_path / "older", "v-older", extra_trig=extra, link=False)
        for release in (older, settings.releases_dir / "latest"):
            done = publisher("load", "--release", str(release), env=env)
            assert done.returncode == 0, done.stderr
            assert PASSWORD not in done.stderr + done.stdout
        # every service was asked at its own URL, each time with the credentials
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        paths = {seen.path.split("?")[0] for seen in proxy.seen}
        assert {"/rdf/sparql", "/rdf/statements", "/rdf/graphs"} <= paths
        assert all(seen.authorization == f"Basic {token}" for seen in proxy.seen)
        assert any(seen.method == "POST" and seen.path == "/rdf/statements"
                   for seen in proxy.seen)             # the older release's graph dropped
        direct = RemoteStore(blank_oxigraph.url, settings)
        assert BASE + "graph/extra" not in direct.named_graphs()
        assert direct.version == "2024-05-01.1"

        # the app, configured the same way, answers; its public answers name nothing secret
        caplog.set_level(logging.DEBUG)
        app_settings = load_settings(config, environ=dict(CREDENTIALS))
        assert PASSWORD not in repr(app_settings)
        client = create_app(app_settings).test_client()
        health = client.get("/health")
        assert health.status_code == 200 and health.json["version"] == "2024-05-01.1"
        assert client.get("/projects", headers={"Accept": "text/html"}).status_code == 200
        query = client.get("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                           headers={"Accept": "application/sparql-results+json"})
        assert query.status_code == 200 and query.json["boolean"] is True
        for answer in (health, query):
            text = answer.get_data(as_text=True)
            assert str(proxy.port) not in text and USER not in text and PASSWORD not in text

        # a wrong password: refused, said so, and the password shown nowhere
        wrong = {"PUBLISHER_CONFIG": str(config), "PUBLISHER_STORE_USER": USER,
                 "PUBLISHER_STORE_PASSWORD": PASSWORD + "-wrong"}
        done = publisher("load", env=wrong)
        assert done.returncode == 2 and "refused the credentials (HTTP 401)" in done.stderr
        assert "PUBLISHER_STORE_PASSWORD" in done.stderr and PASSWORD not in done.stderr
        refused = create_app(load_settings(config, environ=wrong)).test_client()
        for path in ("/health", "/projects", "/sparql?query=ASK%7B%7D"):
            answer = refused.get(path)
            assert answer.status_code in (502, 503), (path, answer.status_code)
            text = answer.get_data(as_text=True)
            assert PASSWORD not in text and str(proxy.port) not in text and USER not in text
        assert PASSWORD not in caplog.text
    finally:
        proxy.stop()


def test_virtuoso_preset_answers_a_digest_challenge(blank_oxigraph, settings):
    """Virtuoso's paths (/sparql to read, /sparql-auth to update, /sparql-graph-crud-auth)
    and its Digest challenge, played by the proxy in front of Oxigraph: every write is
    answered with a valid Digest response, the password never crosses the wire, and the
    graphs arrive."""
    proxy = RecordingProxy(blank_oxigraph.url,
                           {"/sparql": "/query", "/sparql-auth": "/update",
                            "/sparql-graph-crud-auth": "/store"},
                           digest=(USER, PASSWORD),
                           digest_paths=("/sparql-graph-crud-auth", "/sparql-auth"))
    try:
        store = RemoteStore("virtuoso+" + proxy.url,
                            replace(settings, store_user=USER, store_password=PASSWORD))
        loaded = store.load_release(settings.releases_dir / "latest")
        writes = [seen for seen in proxy.seen if seen.path.startswith("/sparql-graph-crud-auth")]
        answered = [seen for seen in writes if seen.digest_ok]
        assert answered and all(seen.method == "PUT" for seen in answered)
        assert len(answered) == len([s for s in writes if s.digest_ok is False])  # 401 first
        assert not any(seen.authorization and seen.authorization.startswith("Basic")
                       for seen in proxy.seen)
        assert not any(PASSWORD in (seen.authorization or "") for seen in proxy.seen)
        upstream = RemoteStore(blank_oxigraph.url, settings)
        graphs = upstream.named_graphs()
        assert BASE + "graph/reference" in graphs and BASE + "graph/release" in graphs
        assert store.version == "2024-05-01.1"          # read through the proxy's /sparql
        quads = sum(int(r["n"].value) for r in upstream.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{BASE}graph/release> && !STRSTARTS(STR(?g), \"urn:x-kuntadigi:\")) "
            "}"))
        assert quads == loaded
    finally:
        proxy.stop()
