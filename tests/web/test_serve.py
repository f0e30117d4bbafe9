"""Serving: the development server, gunicorn with workers, the WSGI entry, no release; the
production default (a worker per CPU), a busy port, and stopping with Ctrl-C or SIGTERM."""
from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support.release import BASE
from publisher.config import Settings
from publisher.web.serve import serve
from tests.support.servers import (HEAVY, check_protocol_answer, free_port, protocol_cases, raw_request,
                         run_protocol_case, runaway_beside_light)

ROOT = Path(__file__).resolve().parents[2]


def _wait(url: str, process: subprocess.Popen, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: "
                                 f"{process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise AssertionError("server did not answer")


def _start(settings, workers: int, timeout: float = 30) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = ("import sys; from pathlib import Path; from publisher.config import Settings, Limits; "
            "from publisher.web.serve import serve; "
            f"s = Settings(base_uri={BASE!r}, releases_dir=Path({str(settings.releases_dir)!r}), "
            f"data_dir=Path({str(settings.data_dir)!r}), "
            f"limits=Limits(query_timeout_seconds={timeout!r})); "
            f"sys.exit(serve(s, host='127.0.0.1', port={port}, workers={workers}, quiet=True))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=str(ROOT),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.parametrize("workers", [0, 2])
def test_serve_answers(settings, workers):
    process, url = _start(settings, workers)
    try:
        health = _wait(url, process)
        assert health["status"] == "ok" and health["version"] == "2024-05-01.1"
        with urllib.request.urlopen(url + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                    timeout=10) as response:
            assert json.loads(response.read())["boolean"] is True
        request = urllib.request.Request(url + "/id/project/kuntien-evaka",
                                         headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request, timeout=10) as response:   # follows the 303
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert f"{url}/id/project/kuntien-evaka".encode() in response.read()
    finally:
        _stop(process)


def test_serve_without_a_release_says_how_to_build_one(tmp_path, capsys):
    from tests.support.release import make_settings

    status = serve(make_settings(tmp_path), port=free_port(), quiet=True)
    assert status == 2
    message = capsys.readouterr().err
    assert "publisher build" in message and "make build" in message


def test_serve_refuses_an_unknown_store(settings, capsys):
    assert serve(settings, port=free_port(), store_url="ftp://example.org/", quiet=True) == 2
    assert "unknown store 'ftp://example.org/'" in capsys.readouterr().err


def test_wsgi_entry_point(settings, monkeypatch):
    monkeypatch.setenv("PUBLISHER_RELEASES_DIR", str(settings.releases_dir))
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PUBLISHER_BASE_URI", BASE)
    monkeypatch.setenv("PUBLISHER_STORE_URL", "embedded")
    sys.modules.pop("publisher.web.wsgi", None)
    module = importlib.import_module("publisher.web.wsgi")
    try:
        response = module.app.test_client().get("/health")
        assert response.status_code == 200 and response.json["version"] == "2024-05-01.1"
    finally:
        module.app.extensions["publisher"].store.close()
        sys.modules.pop("publisher.web.wsgi", None)


@pytest.fixture(scope="module")
def gunicorn(settings):
    """``publisher serve --workers 2`` on the fixture release, for the module."""
    process, url = _start(settings, 2)
    try:
        _wait(url, process)
        yield int(url.rsplit(":", 1)[1])
    finally:
        _stop(process)


def test_w3c_protocol_suite_under_gunicorn(gunicorn):
    """The production path (gunicorn, front cache) passes the protocol suite, twice: the
    second round is answered from the caches where it may be."""
    for _ in range(2):
        for case in protocol_cases(BASE):
            check_protocol_answer(case, *run_protocol_case(gunicorn, case, "127.0.0.1"))


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /doc/project/%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    (b"GET /sparql?query=ASK%20%7B%7D%E4 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    (b"GET /doc/\xff\xfe HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    (b"GET /sparql?query=" + b"A" * 9000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414),
    (b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 1100000\r\n\r\n" + b"A" * 1100000, 413),
    (b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/sparql-query\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n"
     + b"".join(b"10000\r\n" + b"A" * 65536 + b"\r\n" for _ in range(18)) + b"0\r\n\r\n", 413),
    (b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded"
     b"\r\nContent-Length: 3\r\n\r\n\xff\xfe\x00", 400),
    (b"GET /doc/project/kuntien-evaka HTTP/1.1\r\nHost: h\r\nAccept: " + b"text/turtle," * 400
     + b"\r\n\r\n", 400),
    (b"GET /doc/project/kuntien-evaka HTTP/1.1\r\nHost: h\r\nAccept: image/png\r\n\r\n", 406),
    (b"GET /doc/project/kuntien-evaka HTTP/1.1\r\nHost: h\r\nAccept: \x01\x02\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: h\r\nAccept: " + b"x" * 9000 + b"\r\n\r\n", 431),
])
def test_bad_input_under_gunicorn(gunicorn, request_bytes, status):
    """Bad requests get a clean 4xx from gunicorn or the app, never a 500 or a traceback;
    the 413 names the configured cap."""
    head, _, rest = request_bytes.partition(b"\r\n\r\n")
    answer_status, answer = raw_request(gunicorn, head + b"\r\nConnection: close\r\n\r\n" + rest)
    assert answer_status == status, answer[:400]
    assert b"Traceback" not in answer and b'File "' not in answer
    if status == 413:
        assert b"1048576 bytes" in answer


def test_time_limit_under_gunicorn(settings):
    """In production too a runaway query ends with a 503 at the limit while other requests
    keep being answered at once."""
    def true(answer: dict) -> None:
        assert answer["boolean"] is True

    process, url = _start(settings, 2, timeout=1.0)
    try:
        _wait(url, process)
        heavy, light = runaway_beside_light(url, "ASK { ?s ?p ?o }", true)
    finally:
        _stop(process)
    assert heavy["status"] == 503 and "time limit" in heavy["body"].lower()
    assert 0.9 <= heavy["seconds"] < 5
    assert max(light) < 0.9, light


def _workers(process: subprocess.Popen) -> set[int]:
    """The gunicorn workers: the children of the serving process (Linux /proc)."""
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return {int(pid) for pid in path.read_text().split()}


def test_keep_alive_connection_answers_in_order(gunicorn):
    """Many requests on one connection, one after another and pipelined, each get their
    own answer (the worker serves a busy connection's next request on the same thread)."""
    import http.client
    import socket

    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=10)
    try:
        for index in range(40):
            query = urllib.parse.quote(f"SELECT ({index} AS ?n) WHERE {{}}")
            connection.request("GET", f"/sparql?query={query}",
                               headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            body = json.loads(response.read())
            assert response.status == 200 and not response.will_close
            assert body["results"]["bindings"][0]["n"]["value"] == str(index)
    finally:
        connection.close()
    pipelined = b"".join(
        f"GET /sparql?query={urllib.parse.quote(f'ASK {{ FILTER({i} = {i}) }}')} HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAccept: text/csv\r\n\r\n".encode() for i in range(5))
    with socket.create_connection(("127.0.0.1", gunicorn), timeout=10) as sock:
        sock.sendall(pipelined + b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 b"Connection: close\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 6, received[:600]
    assert received.count(b"\r\n\r\ntrue") == 5
    assert received.rstrip().endswith(b"}")          # /health's JSON came last


def test_a_runaway_ends_in_its_query_process_and_the_workers_stay(settings):
    """A query past the limit is stopped by killing its query process: 503 at the limit,
    every other request answered meanwhile, the same gunicorn workers before and after,
    and the next runaway stopped the same way."""
    def true(answer: dict) -> None:
        assert answer["boolean"] is True

    process, url = _start(settings, 2, timeout=1.0)
    try:
        _wait(url, process)
        before = _workers(process)
        heavy, light = runaway_beside_light(url, "ASK { ?s ?p ?o }", true)
        assert heavy["status"] == 503 and "time limit" in heavy["body"].lower()
        assert max(light) < 0.9, light
        again, _ = runaway_beside_light(url, "ASK { ?s ?p ?o }", true)
        assert again["status"] == 503 and again["seconds"] < 5
        assert _wait(url, process)["status"] == "ok"
        assert _workers(process) == before and len(before) == 2
    finally:
        _stop(process)


# --------------------------------------------------------------------------- production default


def _serve_command(settings, *args: str, port: int | None = None) -> tuple[subprocess.Popen, int]:
    """`publisher serve` as an operator runs it, in its own session (a terminal's group),
    configured through the environment; stdout and stderr together, as a terminal shows."""
    port = port or free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")},
           "PYTHONPATH": str(ROOT), "PUBLISHER_RELEASES_DIR": str(settings.releases_dir),
           "PUBLISHER_DATA_DIR": str(settings.data_dir), "PUBLISHER_BASE_URI": BASE,
           "PUBLISHER_LIMITS_QUERY_TIMEOUT_SECONDS": "20"}
    process = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--host",
                                "127.0.0.1", "--port", str(port), *args], env=env,
                               cwd=str(ROOT), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    return process, port


def _descendants(pid: int) -> set[int]:
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                children = {int(p) for p in task.read_text().split()}
            except OSError:
                continue
            frontier.extend(children - found)
            found |= children
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _busy_descendant(pid: int, seconds: float = 10.0) -> int | None:
    """A process under ``pid`` that has used a third of a second of CPU (the runaway)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for child in _descendants(pid):
            if _cpu_ticks(child) >= os.sysconf("SC_CLK_TCK") // 3 and \
                    child not in _workers_of(pid):
                return child
        time.sleep(0.1)
    return None


def _workers_of(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


#: What must never reach the terminal when the server stops.
NEVER_ON_STOP = ("SIGKILL", "SIGSEGV", "out of memory", "Traceback", "Worker graceful timeout")


def _stop_and_read(process: subprocess.Popen, how: str) -> tuple[float, str]:
    """Ctrl-C (SIGINT to the terminal's whole group) or SIGTERM to the server's process;
    returns the seconds until it exited and everything it wrote."""
    start = time.monotonic()
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    seconds = time.monotonic() - start
    return seconds, process.stdout.read().decode("utf-8", "replace")


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_serve_is_gunicorn_with_a_worker_per_cpu_and_stops_within_2_s(settings, how):
    """`publisher serve` with no options: gunicorn, one worker per CPU; Ctrl-C and SIGTERM
    stop it within 2 s — even with an idle keep-alive connection and a runaway query in
    flight — with nothing killed or crashed on the terminal, and no query process left."""
    process, port = _serve_command(settings)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        cpus = len(os.sched_getaffinity(0))
        workers = _workers(process)
        assert len(workers) == cpus
        idle = socket.create_connection(("127.0.0.1", port), timeout=5)
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")    # now idle, kept alive
        runaway = threading.Thread(target=_ask, args=(url, HEAVY), daemon=True)
        runaway.start()
        busy = _busy_descendant(process.pid)
        assert busy is not None, "the runaway's query process"
        tree = _descendants(process.pid) - workers
        seconds, output = _stop_and_read(process, how)
        idle.close()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert seconds < 2.0, (seconds, output)
    assert process.returncode == 0, output
    assert f"(gunicorn, {cpus} gevent worker" in output and "stop with Ctrl-C" in output
    assert not [word for word in NEVER_ON_STOP if word.lower() in output.lower()], output
    time.sleep(0.5)                        # a query process notices its worker is gone
    assert not [pid for pid in tree | workers if _alive(pid)]


def _ask(url: str, query: str) -> None:
    try:
        urllib.request.urlopen(f"{url}/sparql?{urllib.parse.urlencode({'query': query})}",
                               timeout=30).read()
    except OSError:
        pass


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_the_development_server_stops_at_once(settings, how):
    process, port = _serve_command(settings, "--dev")
    try:
        _wait(f"http://127.0.0.1:{port}", process)
        seconds, output = _stop_and_read(process, how)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert seconds < 2.0 and process.returncode == 0, (seconds, output)
    assert "(development server)" in output and "Traceback" not in output


@pytest.mark.parametrize("mode", [(), ("--dev",)])
def test_a_busy_port_is_one_clear_line_before_anything_serves(settings, mode):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        process, _ = _serve_command(settings, *mode, port=port)
        try:
            output = process.communicate(timeout=30)[0].decode()
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert process.returncode == 2, output
    assert output.strip().splitlines() == [
        f"error: cannot serve at http://127.0.0.1:{port}/: port {port} on 127.0.0.1 is in "
        "use (another `publisher serve`?): stop that server, or choose another port with "
        "--port (make serve PORT=…)"]
    assert "serving" not in output.replace("cannot serve", "")


def test_the_gunicorn_settings_stop_before_the_master_would_kill():
    from publisher.web.serve import DRAIN_SECONDS, STOP_SECONDS, PublisherWorker, gunicorn_options

    options = gunicorn_options(Settings(), "127.0.0.1:0", 3, quiet=True)
    assert options["worker_class"] is PublisherWorker and options["workers"] == 3
    assert DRAIN_SECONDS < options["graceful_timeout"] == STOP_SECONDS <= 2
