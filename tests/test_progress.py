"""Progress on stderr: shown on a terminal only, silenced by --quiet, counts throttled but the
last one always written."""
from __future__ import annotations

import io
import subprocess
import sys

from publisher.config import PROJECT_ROOT
from publisher.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counts_on_a_terminal_are_throttled_but_end_with_the_total() -> None:
    out = Terminal()
    progress = Progress(stream=out)
    progress.step("map")
    for n in range(1, 5001):
        progress.count("records", n, 5000)
    text = out.getvalue()
    assert "] map\n" in text
    assert text.count("\r  records:") < 100
    assert text.endswith("\r  records: 5000/5000\n")


def test_quiet_or_piped_prints_nothing() -> None:
    for progress, out in ((Progress(quiet=True, stream=Terminal()), None),
                          (Progress(stream=io.StringIO()), None)):
        progress.step("extract")
        progress.count("records", 1, 1)
        progress.done("x")
        assert progress.stream.getvalue() == ""


def test_the_cli_is_silent_on_stderr_when_piped() -> None:
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "extract",
                           "mappings/sources/004_f0ab20c46da3f21c.txt", "--report"],
                          capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 0 and done.stdout and done.stderr == ""
