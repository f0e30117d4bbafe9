"""The `publisher` command as a user runs it: extract's problems labelled by severity, a
closed pipe ends it quietly, bad input exits 2."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from publisher.config import PROJECT_ROOT

CATALOGUE = "mappings/sources/004_f0ab20c46da3f21c.txt"


def publisher(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publisher.cli", *args], capture_output=True,
                          cwd=PROJECT_ROOT, **kwargs)


def test_extract_labels_each_problem_with_its_severity() -> None:
    done = publisher("extract", CATALOGUE, text=True)
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert any(line.startswith("info: ") for line in lines)
    assert any(line.startswith("warning: ") and ":153:" in line and "Lapinahti" in line
               for line in lines)
    assert all(line.split(":", 1)[0] in {"info", "warning", "error"} for line in lines)


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    process = subprocess.Popen([sys.executable, "-m", "publisher.cli", "--quiet", "extract",
                                CATALOGUE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=PROJECT_ROOT)
    first = process.stdout.readline()
    process.stdout.close()            # like `| head -1`
    err = process.stderr.read()
    assert process.wait(timeout=60) in {0, 141}
    assert first.startswith(b"{") and b"Traceback" not in err


def test_a_source_that_is_not_utf8_names_the_byte_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Hanke\nLisätietoja\n".encode("utf-8") + b"\xff\xfe oops\n")
    done = publisher("extract", str(bad), "--extractor", "catalogue", text=True)
    assert done.returncode == 2
    assert "bad.txt" in done.stderr and "byte" in done.stderr and "Traceback" not in done.stderr


def test_credentials_in_a_store_url_are_refused_and_not_repeated(tmp_path: Path) -> None:
    """Credentials never come from the command line: a URL carrying them is refused with
    a message naming the environment variables, and the password appears nowhere."""
    done = publisher("load", "--store", "fuseki+https://admin:Pw-on-cmdline@db.example/ds",
                     "--release", str(tmp_path), text=True)
    assert done.returncode == 2
    assert "PUBLISHER_STORE_USER" in done.stderr and "PUBLISHER_STORE_PASSWORD" in done.stderr
    assert "Pw-on-cmdline" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_serve_refuses_a_store_of_no_known_engine() -> None:
    done = publisher("serve", "--store", "neptune+https://db.example", "--port", "1",
                     text=True, timeout=60)
    assert done.returncode == 2
    assert "no preset for 'neptune'" in done.stderr
    assert "fuseki+http://localhost:3030/DATASET" in done.stderr
