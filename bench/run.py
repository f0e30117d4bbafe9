#!/usr/bin/env python3
"""The benchmarks, one command: every figure next to a reference measured in the same run.

    python bench/run.py                    # 142 / 3 000 / 30 000 records, all sections
    python bench/run.py --quick            # a smoke run on 142 records (what `make test` runs)
    python bench/run.py --sizes 142,3000 --sections build,validation
    python bench/run.py --sizes 300000 --sections build      # the 10 M-triple build

Sections (each writes ``bench/results/<section>.json``; ``latest.json`` holds them all):

* ``build``: ``publisher build`` of a synthetic catalogue (``bench/gen.py``) of each size, wall
  time and peak RSS of the process, against the floor (``bench/floor.py``: pyoxigraph parsing
  the build's own N-Triples and writing the five dump formats), as a ratio;
* ``validation``: the build's SHACL gate against plain ``pyshacl.validate`` with the same
  shapes on the same release, time, peak RSS and whether the results are identical;
* ``server``: ``bench/server.py`` on the 3 000-record release (or the largest size below it):
  ``/sparql`` against Oxigraph server, ``/doc`` against pre-rendered bytes, the remote store;
* ``growth``: SPARQL latency per query at each size (a quick server run per release) and the
  plot ``bench/results/growth.png`` of build time, memory and latency against size.

Builds and validations run in child processes so that each one's peak memory is its own.
Generated texts and releases live in ``bench/work/`` (not versioned) and are reused by size.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
DEFAULT_SIZES = (142, 3000, 30000)
#: The validation comparison: the release of the real texts, and synthetic ones up to about a
#: million triples (17 500 records), where plain pyshacl still fits in memory.
VALIDATION_SIZES = ("real", 3000, 17500)
SECTIONS = ("build", "validation", "server", "growth")
BARS = {"build_floor_ratio_max": 3.0, "build_peak_rss_gib_max_at_30000": 2.0,
        "validation_speedup_min": 3.0}
SEED = 4


@dataclass(frozen=True)
class Measured:
    """A finished child process: wall seconds, peak memory, what it printed.

    `peak_rss_mib` is the largest single process (the command or one of its descendants);
    `peak_total_rss_mib` the largest sum over the command's process tree at one moment
    (sampled every 50 ms from /proc), which is what the machine had to hold."""

    seconds: float
    peak_rss_mib: float
    peak_total_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
    return total


def measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a command to its end: wall time, peak memory of its largest process (its rusage,
    descendants included) and of its whole process tree, output."""
    peak_total = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=PROJECT, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_total
        while not done.is_set():
            if Path("/proc").is_dir():
                peak_total = max(peak_total, _tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()                      # both pipes drained, so neither can fill and block
    out = process.stdout.read()
    reader.join()
    err = errors[0] if errors else b""
    _, status, usage = os.wait4(process.pid, 0)     # reaped here, for its rusage
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    return Measured(seconds, peak, max(peak_total / 1024, peak), process.returncode,
                    out.decode(), err.decode()[-4000:])


def checked(result: Measured, what: str) -> Measured:
    if result.returncode != 0:
        raise SystemExit(f"{what} failed (exit {result.returncode}):\n{result.stderr}")
    return result


# --------------------------------------------------------------------------- inputs


Size = int | str       # a record count of a synthetic catalogue, or "real": the bundled texts
REAL = "real"


def work_dir(records: Size) -> Path:
    return BENCH / "work" / (REAL if records == REAL else f"catalogue-{records}")


def generated_text(records: int) -> Path:
    """The synthetic catalogue of this size (generated once, deterministic for the seed)."""
    folder = work_dir(records)
    text = folder / f"catalogue-{records}.txt"
    if not text.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(BENCH / "gen.py"), "--records", str(records),
                        "--seed", str(SEED), "--out", str(folder), "--quiet"],
                       check=True, cwd=PROJECT)
    return text


def config_file(records: int) -> Path:
    """A publisher.toml that registers only the synthetic text (bundled rules and vocabulary)."""
    folder = work_dir(records)
    text = generated_text(records)
    config = folder / "publisher.toml"
    config.write_text(
        'releases_dir = "releases"\ndata_dir = "data"\n\n[[sources]]\n'
        f'path = "{text.name}"\nextractor = "catalogue"\n'
        'title = "Synthetic catalogue (bench/gen.py)"\nlanguage = "fi"\n'
        'publisher = "Valtiovarainministeriö"\n', encoding="utf-8")
    return config


def release_dir(records: Size) -> Path:
    return work_dir(records) / "releases" / "latest"


def ensure_release(records: Size) -> Path:
    """The release of this size, built if there is none yet."""
    if not (release_dir(records) / "release.json").exists():
        build_once(records)
    return release_dir(records).resolve()


# --------------------------------------------------------------------------- build


def build_once(records: Size) -> Measured:
    """`publisher build` of a synthetic catalogue, or of the project's own texts ("real")."""
    command = [sys.executable, "-m", "publisher.cli", "--quiet", "build"]
    env = None
    if records == REAL:
        env = {**os.environ, "PUBLISHER_RELEASES_DIR": str(work_dir(REAL) / "releases"),
               "PUBLISHER_DATA_DIR": str(work_dir(REAL) / "data")}
    else:
        command[3:3] = ["--config", str(config_file(records))]
    return checked(measured(command, env), f"the build of {records} records")


def floor(release: Path) -> dict[str, float]:
    result = checked(measured([sys.executable, str(BENCH / "floor.py"), str(release), "--json"]),
                     "the floor")
    figures = json.loads(result.stdout)
    figures["peak_rss_mib"] = result.peak_rss_mib
    return figures


def bench_build(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    for records in sizes:
        generated_text(records)
        build = build_once(records)
        release = ensure_release(records)
        info = json.loads((release / "release.json").read_text(encoding="utf-8"))
        reference = floor(release)
        rows.append({"records": records, "triples": info["triples"],
                     "build_seconds": round(build.seconds, 3),
                     "build_peak_rss_mib": round(build.peak_rss_mib, 1),
                     "build_peak_total_rss_mib": round(build.peak_total_rss_mib, 1),
                     "floor_seconds": round(reference["seconds"], 3),
                     "floor_parse_seconds": round(reference["parse_seconds"], 3),
                     "floor_write_seconds": round(reference["write_seconds"], 3),
                     "ratio_to_floor": round(build.seconds / reference["seconds"], 2)})
        _progress(f"build {records}: {build.seconds:.1f} s, {build.peak_rss_mib:.0f} MiB, "
                  f"floor {reference['seconds']:.1f} s")
    return rows


# --------------------------------------------------------------------------- validation


def validation_side(side: str, release: Path) -> dict[str, Any]:
    result = checked(measured([sys.executable, str(BENCH / "validation.py"), side, str(release)]),
                     f"validation ({side})")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["peak_rss_mib"] = round(result.peak_rss_mib, 1)
    return figures


def bench_validation(sizes: list[Size]) -> list[dict[str, Any]]:
    rows = []
    for records in sizes:
        release = ensure_release(records)
        info = json.loads((release / "release.json").read_text(encoding="utf-8"))
        gate = validation_side("gate", release)
        plain = validation_side("pyshacl", release)
        rows.append({"records": records, "triples": info["triples"],
                     "gate_seconds": round(gate["seconds"], 3),
                     "gate_peak_rss_mib": gate["peak_rss_mib"],
                     "pyshacl_seconds": round(plain["seconds"], 3),
                     "pyshacl_peak_rss_mib": plain["peak_rss_mib"],
                     "speedup": round(plain["seconds"] / max(gate["seconds"], 1e-9), 2),
                     "identical_results": gate["results_digest"] == plain["results_digest"],
                     "counts": gate["counts"]})
        _progress(f"validation {records}: gate {gate['seconds']:.1f} s, pyshacl "
                  f"{plain['seconds']:.1f} s")
    return rows


# --------------------------------------------------------------------------- server


def _server_module():
    sys.path.insert(0, str(BENCH))
    import server  # bench/server.py

    return server


def bench_server(sizes: list[int], quick: bool) -> dict[str, Any]:
    """The full server comparison on one release: 3 000 records if measured, else the largest."""
    chosen = 3000 if 3000 in sizes else max(s for s in sizes if s <= 30000)
    figures = _server_module().run(ensure_release(chosen), quick=quick)
    figures["records"] = chosen
    return figures


def _latency(entry: dict[str, Any]) -> dict[str, float]:
    """Median latencies of one query: ours evaluating every request (`cold`), Oxigraph's."""
    ours = entry.get("cold") or entry["ours"]
    return {"ours_median_ms": ours["median_ms"],
            "oxigraph_median_ms": entry["oxigraph"]["median_ms"],
            "ratio": ours["median_ms"] / entry["oxigraph"]["median_ms"]}


def bench_growth(sizes: list[int], measured_server: dict[str, Any] | None) -> list[dict[str, Any]]:
    """SPARQL latency per query at each size: a quick server run per release (the server
    section's own figures where it measured that size)."""
    rows = []
    for records in sizes:
        release = ensure_release(records)
        info = json.loads((release / "release.json").read_text(encoding="utf-8"))
        figures = (measured_server if measured_server and measured_server["records"] == records
                   else _server_module().run(release, quick=True))
        rows.append({"records": records, "triples": info["triples"],
                     "sparql": {name: _latency(entry) for name, entry in figures["sparql"].items()}})
    return rows


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "machine": platform.machine()}


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr)


def build_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["build (publisher build vs floor; peak MiB of the largest process / of all its "
             "processes together)",
             f"  {'records':>8} {'triples':>10} {'wall s':>8} {'peak MiB':>9} {'total MiB':>9} "
             f"{'floor s':>8} {'ratio':>6}"]
    for r in rows:
        lines.append(f"  {r['records']:>8} {r['triples']:>10} {r['build_seconds']:>8.2f} "
                     f"{r['build_peak_rss_mib']:>9.0f} {r['build_peak_total_rss_mib']:>9.0f} "
                     f"{r['floor_seconds']:>8.2f} {r['ratio_to_floor']:>5.2f}×")
    return lines


def validation_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["validation (our gate vs plain pyshacl, same shapes, same data)",
             f"  {'records':>8} {'triples':>10} {'gate s':>8} {'MiB':>6} {'pyshacl s':>10} "
             f"{'MiB':>6} {'speed-up':>9} identical"]
    for r in rows:
        lines.append(f"  {r['records']:>8} {r['triples']:>10} {r['gate_seconds']:>8.2f} "
                     f"{r['gate_peak_rss_mib']:>6.0f} {r['pyshacl_seconds']:>10.2f} "
                     f"{r['pyshacl_peak_rss_mib']:>6.0f} {r['speedup']:>8.1f}× "
                     f"{'yes' if r['identical_results'] else 'NO'}")
    return lines


def growth_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    queries = list(rows[-1]["sparql"])
    lines = ["SPARQL median latency by size (ms, ours / oxigraph, quick runs)",
             f"  {'records':>8} {'triples':>10} " + " ".join(f"{q[:18]:>18}" for q in queries)]
    for r in rows:
        cells = []
        for q in queries:
            item = r["sparql"].get(q)
            cells.append(f"{item['ours_median_ms']:>8.2f}/{item['oxigraph_median_ms']:<9.2f}"
                         if item else f"{'-':>18}")
        lines.append(f"  {r['records']:>8} {r['triples']:>10} " + " ".join(cells))
    return lines


def table(results: dict[str, Any]) -> str:
    lines = [f"Kuntadigi benchmarks, {results['date']} on {results['machine']['platform']} "
             f"({results['machine']['cpus']} CPUs)"]
    if "build" in results:
        lines += build_table(results["build"])
    if "validation" in results:
        lines += validation_table(results["validation"])
    if "server" in results:
        lines += ["server (bench/server.py)", _server_module().table(results["server"])]
    if "growth" in results:
        lines += growth_table(results["growth"])
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for section in SECTIONS:
        if section in results:
            (out / f"{section}.json").write_text(json.dumps(
                {"date": results["date"], "machine": results["machine"],
                 section: results[section]}, indent=2) + "\n", encoding="utf-8")
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="record counts, comma-separated (default 142,3000,30000)")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"which sections (default all: {','.join(SECTIONS)})")
    parser.add_argument("--validation-sizes",
                        help="releases for the validation section: 'real' and record counts "
                             f"(default {','.join(map(str, VALIDATION_SIZES))}; --quick: real,142)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 142 records, short server measurements")
    parser.add_argument("--out", type=Path, default=BENCH / "results",
                        help="where the JSON figures and the plot go")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (
        [142] if args.quick else list(DEFAULT_SIZES))
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "machine": machine(), "command": " ".join(sys.argv),
                               "bars": BARS}
    if "build" in sections:
        results["build"] = bench_build(sizes)
    if "validation" in sections:
        chosen = (args.validation_sizes.split(",") if args.validation_sizes
                  else ["real", "142"] if args.quick else list(map(str, VALIDATION_SIZES)))
        results["validation"] = bench_validation([REAL if s == REAL else int(s) for s in chosen])
    if "server" in sections:
        results["server"] = bench_server(sizes, args.quick)
    if "growth" in sections:
        results["growth"] = bench_growth([s for s in sizes if s <= 30000], results.get("server"))
    write_results(results, args.out)
    if "build" in results or "growth" in results:
        from plot import growth_plot  # bench/plot.py

        growth_plot(results, args.out / "growth.png")
    sys.stdout.write(table(results))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    sys.exit(main())
