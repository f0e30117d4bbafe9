"""The deployment of deploy/ started for real on loopback ports: nginx (rendered from
deploy/nginx.conf.template by deploy/render.py) balancing three `publisher serve` replicas
on an Oxigraph server. Its cache keeps formats and languages apart, a replica stopped or
crashing under a mixed load costs no client a failed request, a release switch leaves the
old pages behind, and the dumps come from the release folder. The load is bench/deploy.py's,
shorter."""
from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.release import write_release
from tests.support.servers import oxigraph_binary

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE = PROJECT / "deploy" / "nginx.conf.template"
DOC = "/doc/organisation/049"
MEDIA = {"html": "text/html", "json": "application/json", "turtle": "text/turtle",
         "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
         "ntriples": "application/n-triples"}


def _bench():
    spec = importlib.util.spec_from_file_location("deploy_bench", PROJECT / "bench" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench()


def map_entries(variable: str) -> dict[str, str]:
    """The exact header values of one of the template's maps, and their class."""
    text = TEMPLATE.read_text(encoding="utf-8")
    body = re.search(r"map \$\w+ \$" + variable + r" \{(.*?)\n    \}", text, re.DOTALL).group(1)
    return {m.group(1): m.group(2) for m in re.finditer(r'^\s*"([^"]*)" (\w+);', body, re.M)}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    missing = [name for name, found in (("nginx", os.access(bench.NGINX, os.X_OK)),
                                        ("oxigraph", oxigraph_binary() is not None))
               if not found]
    if missing:
        message = f"{' and '.join(missing)} missing (apt install nginx-light; pip install oxigraph)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("deployment")
    write_release(root / "releases", "2024-05-01.1")
    running = bench.Deployment(root, replicas=3)
    try:
        running.start()
        yield running
    finally:
        running.stop()
    assert all(process.poll() is not None for process in running.processes.values())


def html_language(body: bytes) -> str | None:
    found = re.search(rb'<html lang="([a-z]+)"', body)
    return found and found.group(1).decode()


def test_each_header_the_cache_maps_gets_the_representation_of_its_class(deployment):
    """Asked of a replica directly: every Accept and Accept-Language value the nginx maps
    name is answered as its class says."""
    port = deployment.ports[0]
    for header, name in map_entries("accept_class").items():
        status, headers, _ = bench.get(port, DOC, {"Accept": header} if header else {})
        assert status == 200 and headers["content-type"].split(";")[0] == MEDIA[name], header
    for header, language in map_entries("language_class").items():
        asked = {"Accept": "text/html", **({"Accept-Language": header} if header else {})}
        status, _, body = bench.get(port, DOC, asked)
        assert status == 200 and html_language(body) == language, header


def test_the_cache_key_holds_every_header_the_answers_vary_on(deployment):
    key = re.search(r'proxy_cache_key "([^"]*)"', TEMPLATE.read_text()).group(1)
    named = {"accept": "$accept_class", "accept-language": "$language_class"}
    for accept in ("text/html", "text/turtle", "application/ld+json"):
        _, headers, _ = bench.get(deployment.ports[0], DOC, {"Accept": accept})
        for name in (n.strip().lower() for n in headers["vary"].split(",")):
            variable = named.get(name, "$http_" + name.replace("-", "_"))
            assert variable in key, (name, key)


def test_the_cache_keeps_formats_and_languages_apart(deployment):
    port = deployment.nginx_port
    path = "/doc/organisation/091"
    browser_fi = {"Accept": bench.BROWSER, "Accept-Language": "fi-FI,fi;q=0.9"}
    asked = [
        (browser_fi, "text/html", "fi"),
        (browser_fi, "text/html", "fi"),
        ({"Accept": "text/turtle", "Accept-Language": "fi-FI,fi;q=0.9"}, "text/turtle", None),
        ({"Accept": bench.BROWSER, "Accept-Language": "sv-FI,sv;q=0.9"}, "text/html", "sv"),
        ({"Accept": "text/html", "Accept-Language": "sv"}, "text/html", "sv"),
        ({"Accept": "text/turtle;q=0.9, text/html;q=0.1"}, "text/turtle", None),
        ({"Accept": "text/html;q=0.5, application/ld+json"}, "application/ld+json", None),
        ({"Accept": bench.BROWSER, "Accept-Language": "en-GB,en;q=0.9"}, "text/html", "en"),
        (browser_fi, "text/html", "fi"),
    ]
    states = []
    for headers, media, language in asked:
        status, answer, body = bench.get(port, path, headers)
        assert status == 200
        assert answer["content-type"].split(";")[0] == media, headers
        if language:
            assert html_language(body) == language, headers
        states.append(answer["x-cache-status"])
    assert states[1] == "HIT" and states[-1] == "HIT"       # the same asked again: cached
    assert states[2] != "HIT" and states[3] != "HIT"        # another format, language: not
    # "text/html" + "sv" and the browser's Swedish header share one cached page
    assert states[4] == "HIT"


def test_a_replica_stopped_or_crashing_under_mixed_load(deployment):
    """Three replicas under a mixed load: one stopped with SIGTERM (`kill`: it finishes
    what it is answering, then exits) costs no client a request; one crashing (SIGKILL)
    costs none either but, at most, an answer it had begun to write at that instant —
    nginx has forwarded its first bytes, so no balancer can send it again."""
    asks = bench.mix(deployment.nginx_port, deployment.environment()["PUBLISHER_BASE_URI"])
    assert len({(a.headers.get("Accept"), a.headers.get("Accept-Language")) for a in asks
                if a.doc}) == 18                            # 6 formats x 3 languages
    stopped = bench.run_load(deployment.nginx_port, asks, 8.0, 4,
                             [(4.0, lambda: deployment.kill_replica(0, signal.SIGTERM))])
    print("stopped:", stopped)
    assert deployment.processes["replica-0"].poll() is not None
    assert stopped["failed"] == 0, stopped["failures"]
    assert stopped["requests"] > 500 and stopped["cache_hit_ratio"] > 0.5
    crashed = bench.run_load(deployment.nginx_port, asks, 8.0, 4,
                             [(4.0, lambda: deployment.kill_replica(1, signal.SIGKILL))])
    print("crashed:", crashed)
    assert deployment.processes["replica-1"].poll() is not None
    assert crashed["failed"] == crashed["failed_cut_mid_answer"] <= 1, crashed["failures"]
    assert crashed["requests"] > 500
    # nginx met the replicas gone and sent those requests elsewhere
    log = (deployment.state / "error.log").read_text()
    assert "while connecting to upstream" in log or "prematurely closed" in log


def test_a_release_switch_leaves_the_cached_pages_of_the_old_release_behind(deployment):
    result = bench.check_switch(deployment, bench.mix(
        deployment.nginx_port, deployment.environment()["PUBLISHER_BASE_URI"]))
    print(result)
    assert result["before"] == "HIT"
    assert result["after_first"] == "MISS" and result["after_second"] == "HIT"
    assert result["etag_after"] != result["etag_before"]
    assert result["etag_after"] == result["etag_replica"]   # the new release's own answer


def test_dumps_come_from_the_release_folder(deployment):
    status, headers, body = bench.get(deployment.nginx_port, "/dumps/data.ttl")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    assert body == (deployment.releases / "latest" / "data.ttl").read_bytes()
    assert "x-content-type-options" not in headers          # nginx's answer, not the app's
    status, _, body = bench.get(deployment.nginx_port, "/dumps/no-such-file.ttl")
    assert status == 404 and b"no-such-file.ttl" in body    # the app's 404 says what
    status, _, _ = bench.get(deployment.nginx_port, "/dumps/../release.json")
    assert status in (400, 404)


def test_the_renderer_refuses_a_place_without_a_value(tmp_path):
    template = tmp_path / "t.conf"
    template.write_text("listen ${LISTEN}; root ${SOMETHING_ELSE};\n")
    releases = tmp_path / "releases"
    write_release(releases, "2024-05-01.1")
    done = subprocess.run([sys.executable, str(PROJECT / "deploy" / "render.py"),
                           "--template", str(template), "--listen", "127.0.0.1:1",
                           "--upstream", "127.0.0.1:2", "--releases", str(releases),
                           "--state", str(tmp_path / "state"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "SOMETHING_ELSE" in done.stderr
    assert not (tmp_path / "o").exists()
