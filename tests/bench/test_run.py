"""Smoke run of the benchmark driver: `bench/run.py --quick` on 142 records works end to end
and writes its figures and plot. Its figures are not checked here (benchmarks are not tests),
only that each section measured something real and the two validators agreed."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_quick_run_writes_every_section_and_the_plot(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    for section in ("build", "validation", "server", "growth"):
        assert (tmp_path / f"{section}.json").exists(), section
    build = results["build"][0]
    assert build["records"] == 142 and build["triples"] > 5000
    assert build["build_seconds"] > build["floor_seconds"] > 0
    assert build["build_peak_total_rss_mib"] >= build["build_peak_rss_mib"] > 50
    validation = results["validation"][0]
    assert validation["identical_results"] is True
    assert validation["gate_seconds"] > 0 and validation["pyshacl_seconds"] > 0
    assert results["server"]["sparql"] and results["server"]["doc"]["turtle"]["ours_rps"] > 0
    assert results["growth"][0]["sparql"]
    assert (tmp_path / "growth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "build (publisher build vs floor" in done.stdout and "ratio" in done.stdout
