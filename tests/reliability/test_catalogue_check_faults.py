"""Hostile servers against `publisher check-catalogue`: a download that never ends, a redirect
loop, a redirect to file:///etc/passwd, a Content-Length of 10 GB, answers that come one byte
a second — each cut at its bound, the bound named, within seconds; and the run's own time
limit ending a check whose URLs all stall. The servers listen on 127.0.0.1 only and every
handler's loop is bounded (tests/support/catalogue_faults.py)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest

from publisher.config import PROJECT_ROOT
from publisher.shacl import InputTooLarge, UnreadableInput
from publisher.shacl.catalogue_check import Access, CheckOptions, check_catalogue
from publisher.shacl.catalogue_check.fetching import Bounds, fetch
from tests.support.catalogue_faults import HOSTILE_PATHS, hostile_server

LIMITS = {"catalogue_check_request_seconds": 1.5, "catalogue_check_download_bytes": 1 << 20,
          "catalogue_check_redirects": 3, "catalogue_check_seconds": 20,
          "catalogue_check_parallel": 6}
REQUEST = "limits.catalogue_check_request_seconds"
DOWNLOAD = "limits.catalogue_check_download_bytes"
REDIRECTS = "limits.catalogue_check_redirects"
RUN = "limits.catalogue_check_seconds"


def bounded(settings, **changes):
    return replace(settings, limits=replace(settings.limits, **{**LIMITS, **changes}))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, project_settings):
    """The hostile catalogue checked once: (report JSON, seconds taken, requests heard)."""
    folder = tmp_path_factory.mktemp("hostile")
    with hostile_server(folder) as server:
        started = time.monotonic()
        report = check_catalogue(str(folder / "catalog.ttl"), bounded(project_settings),
                                 CheckOptions(Access(), quality=False,
                                              profiles=("dcat-ap-3",)))
        seconds = time.monotonic() - started
        yield report.as_json(), seconds, list(server.requests), server.root


def url(report: dict, root: str, name: str) -> dict:
    return next(u for u in report["urls"] if u["url"] == f"{root}/{name}")


def findings(report: dict, root: str, name: str) -> list[dict]:
    return [f for f in report["findings"] if f["url"] == f"{root}/{name}"]


def test_every_hostile_answer_is_cut_within_seconds(hostile) -> None:
    report, seconds, _, root = hostile
    assert seconds < 8, seconds                # the slowest bound is 1.5 s a request
    assert report["status"] == 1
    assert {u["url"].rsplit("/", 1)[1] for u in report["urls"]} == set(HOSTILE_PATHS)


def test_a_download_that_never_ends_stops_at_the_byte_bound(hostile) -> None:
    report, _, _, root = hostile
    endless = url(report, root, "endless")
    assert endless["status"] == 200 and endless["problem"] == "too_large"
    assert endless["bound"] == DOWNLOAD and endless["size"] is None
    said = findings(report, root, "endless")
    assert {f["code"] for f in said} == {"byte_size_unchecked", "checksum_unchecked"}
    assert all("more than 1,048,576 bytes" in f["message"] and DOWNLOAD in f["message"]
               for f in said)


def test_a_redirect_loop_stops_at_the_redirect_bound(hostile) -> None:
    report, _, requests, root = hostile
    loop = url(report, root, "loop")
    assert loop["problem"] == "too_many_redirects" and loop["bound"] == REDIRECTS
    (said,) = findings(report, root, "loop")
    assert said["severity"] == "Violation" and "more than 3 redirects" in said["message"]
    assert requests.count(("HEAD", "/loop")) == 4 and ("GET", "/loop") not in requests


def test_a_redirect_to_a_file_url_is_never_followed(hostile) -> None:
    report, _, requests, root = hostile
    passwd = url(report, root, "passwd")
    assert passwd["problem"] == "refused_scheme" and passwd["digests"] == {}
    (said,) = findings(report, root, "passwd")
    assert said["severity"] == "Violation"
    assert "redirected to file:///etc/passwd: only http and https URLs are followed" \
        in said["message"]
    assert "root:" not in json.dumps(report)


def test_ten_gigabytes_announced_are_never_read(hostile) -> None:
    report, _, requests, root = hostile
    huge = url(report, root, "huge")
    assert huge["head"]["length"] == 10 * 1000 ** 3 and huge["get"] is None
    assert ("GET", "/huge") not in requests
    said = {f["code"]: f for f in findings(report, root, "huge")}
    assert "announces 10,000,000,000 bytes, more than the 1,048,576 read" in \
        said["checksum_unchecked"]["message"]
    assert said["checksum_unchecked"]["bound"] == DOWNLOAD
    assert said["byte_size"]["severity"] == "Violation"      # 10 GB is not the 100 declared


def test_one_byte_a_second_stops_at_the_request_bound(hostile) -> None:
    report, _, _, root = hostile
    slow = url(report, root, "slow")                 # the status line itself trickles
    assert slow["status"] is None and slow["problem"] == "timeout" and slow["bound"] == REQUEST
    assert slow["head"]["seconds"] < 3
    (said,) = findings(report, root, "slow")
    assert said["code"] == "unreachable" and "no complete answer within 1.5 s" in said["message"]
    body = url(report, root, "slow-body")            # the headers come, the body trickles
    assert body["status"] == 200 and body["get"]["problem"] == "timeout"
    assert body["get"]["seconds"] < 3
    checksum = next(f for f in findings(report, root, "slow-body")
                    if f["code"] == "checksum_unchecked")
    assert checksum["bound"] == REQUEST


def test_the_whole_run_stops_at_its_own_time_limit(tmp_path, project_settings) -> None:
    """One URL at a time, each stalling for its request bound: the run's bound ends it."""
    with hostile_server(tmp_path) as server:
        text = (tmp_path / "catalog.ttl").read_text(encoding="utf-8")
        for name in ("endless", "loop", "passwd", "huge", "slow-body"):
            text = text.replace(f"{server.root}/{name}>", f"{server.root}/slow?{name}>")
        (tmp_path / "catalog.ttl").write_text(text, encoding="utf-8")
        started = time.monotonic()
        report = check_catalogue(str(tmp_path / "catalog.ttl"), bounded(
            project_settings, catalogue_check_seconds=3, catalogue_check_parallel=1,
            catalogue_check_request_seconds=2), CheckOptions(Access(), quality=False,
                                                            profiles=("dcat-ap-3",))).as_json()
        seconds = time.monotonic() - started
    assert seconds < 6, seconds
    bounds = [u["bound"] for u in report["urls"]]
    assert bounds.count(RUN) >= 3 and set(bounds) <= {REQUEST, RUN}
    stopped = [f for f in report["findings"] if f["bound"] == RUN]
    assert stopped and all("the time limit of the whole check, 3 s" in f["message"]
                           for f in stopped)


def test_a_hostile_catalogue_itself_is_cut_and_cannot_be_checked(tmp_path,
                                                                  project_settings) -> None:
    settings = bounded(project_settings, catalogue_check_max_bytes=1 << 20)
    with hostile_server(tmp_path) as server:
        started = time.monotonic()
        with pytest.raises(InputTooLarge, match="limits.catalogue_check_max_bytes"):
            check_catalogue(server.root + "/endless", settings, CheckOptions(Access()))
        with pytest.raises(UnreadableInput, match=r"within 1\.5 s \(" + REQUEST):
            check_catalogue(server.root + "/slow", settings, CheckOptions(Access()))
        with pytest.raises(UnreadableInput, match="only http and https URLs are followed"):
            check_catalogue(server.root + "/passwd", settings, CheckOptions(Access()))
        seconds = time.monotonic() - started
    assert seconds < 6, seconds


def test_the_command_names_the_bounds_and_exits_1(tmp_path) -> None:
    environment = {**os.environ, **{f"PUBLISHER_LIMITS_{k.upper()}": str(v)
                                    for k, v in LIMITS.items()}}
    with hostile_server(tmp_path):
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "publisher.cli", "check-catalogue",
                                 str(tmp_path / "catalog.ttl"), "--no-mqa", "--profile",
                                 "dcat-ap-3"], capture_output=True, text=True,
                                cwd=PROJECT_ROOT, env=environment, timeout=60)
        seconds = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert seconds < 20
    for bound in (REQUEST, DOWNLOAD, REDIRECTS):
        assert bound in result.stdout, bound
    assert "file:///etc/passwd: only http and https" in result.stdout


def test_a_host_name_that_never_resolves_is_cut_at_the_request_bound() -> None:
    """`getaddrinfo` takes no timeout: a resolver that does not answer (here one that waits,
    at most 10 s, as a dead name server does) is given up at the request's deadline."""
    released = threading.Event()

    def stalling(host, port, **_):
        released.wait(10)
        raise socket.gaierror(socket.EAI_AGAIN, "no answer")

    bounds = Bounds(request_seconds=1.0, max_bytes=1 << 20, redirects=3,
                    run_deadline=time.monotonic() + 30, run_seconds=30, resolver=stalling)
    started = time.monotonic()
    try:
        found = fetch("https://catalogue.invalid/catalog.ttl", "GET", bounds, lambda url: None)
    finally:
        released.set()
    assert time.monotonic() - started < 3
    assert (found.problem, found.bound) == ("timeout", REQUEST)
    assert found.params["seconds"] == "1"


def test_a_host_name_that_does_not_exist_is_named_so() -> None:
    def unknown(host, port, **_):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    bounds = Bounds(request_seconds=1.0, max_bytes=1 << 20, redirects=3,
                    run_deadline=time.monotonic() + 30, run_seconds=30, resolver=unknown)
    found = fetch("http://catalogue.invalid/", "HEAD", bounds, lambda url: None)
    assert found.problem == "connection" and found.params["detail"] == "host not found"
