#!/usr/bin/env python3
"""The changeset's cost against the build's: a synthetic catalogue (`bench/gen.py`, seed 4)
built as edition A, then 1 % of its records edited and built again as B; B's build report
gives the seconds spent on the changeset (both releases' canonical N-Quads, the merge, the
patch), set against B's wall time; and B built alone (no previous release, so no changeset
and no sort of either release) against B built after A: what the chain adds to the build's
wall time, the sorts included wherever they run. Also what the history adds to B's size on disk (the
versions of the resources that changed, the generations), and with `--serve SECONDS` how
many requests a second `publisher serve` answers for an event-stream page and a TimeMap,
beside `/doc` Turtle of a project measured in the same run.

    python bench/changes.py --records 3000 --serve 10
    python bench/changes.py --serve 8 --serve-only bench/work/changes-300000/releases/latest

Results are written after each size (`--out`), so a later failure keeps the earlier ones.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))

import gen  # noqa: E402  (the generator beside this file)
import server as serving  # noqa: E402

#: The files of a release that are its history (publisher/history.py, build/generations.py).
HISTORY_FILES = ("versions.nq.gz", "versions.json", "generations.tsv", "build-graph.nt")

SEED = 4
#: How long `publisher serve` may take to load a release before it answers (300 000 records:
#: some 17 million quads into the embedded store on its first start).
STARTUP_SECONDS = 3600
#: Every this many records one is edited (1 %).
EDIT_EVERY = 100
EDIT_WORDS = " Tiedot päivitettiin."
#: Lines that are not free text: editing them would change what the record is.
FIXED = ("HANKE", "Muut kunnat", "Lisätietoja", "Hallinnoijana")


def edit(lines: list[str]) -> None:
    """One edit in place, the line count kept (every later record's source lines stay):
    a sentence added to the first description line, else the title extended."""
    for i, line in enumerate(lines[1:], 1):
        if len(line) > 40 and not line.startswith(FIXED):
            lines[i] = line + EDIT_WORDS
            return
    lines[0] += " II"


def write_edition(records: int, folder: Path, edited: bool) -> Path:
    """The catalogue text, every EDIT_EVERY-th record edited when `edited`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"catalogue-{records}.txt"
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n, record in enumerate(gen.generate(records, SEED, path.name), 1):
            lines = list(record.lines)
            if edited and n % EDIT_EVERY == 0:
                edit(lines)
            out.write("\n".join(lines) + "\n")
    return path


def config(folder: Path, text: Path, releases: Path) -> Path:
    path = folder / "publisher.toml"
    path.write_text(
        f'releases_dir = "{releases}"\ndata_dir = "{releases.parent / "data"}"\n\n'
        f'[[sources]]\npath = "{text}"\nextractor = "catalogue"\n'
        'title = "Synthetic catalogue (bench/gen.py)"\nlanguage = "fi"\n'
        'publisher = "Valtiovarainministeriö"\n', encoding="utf-8")
    return path


def build(config_path: Path) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "publisher.cli", "--quiet", "build", "--config",
                    str(config_path)], check=True, cwd=PROJECT)
    return time.monotonic() - started


def disk(folder: Path, names: tuple[str, ...] | None = None) -> int:
    return sum(p.stat().st_size for p in folder.iterdir()
               if p.is_file() and (names is None or p.name in names))


def serve(latest: Path, seconds: float) -> dict:
    """Requests a second for an event-stream page, a TimeMap and, as the reference, `/doc`
    Turtle of the same project, on `publisher serve` over the release."""
    index = json.loads((latest / "versions.json").read_text(encoding="utf-8"))
    project = next(iri for iri, entry in index["resources"].items()
                   if "/id/project/" in iri and entry[0] == "changed")
    base = project[:project.index("/id/") + 1]
    key = project.rsplit("/", 1)[1]
    app = serving.start_publisher(latest, latest.parent.parent / "data", base,
                                  startup_seconds=STARTUP_SECONDS)
    try:
        asks = {"ldes page": serving.Request(f"/ldes/{latest.name}/0",
                                             (("Accept", "application/trig"),)),
                "timemap": serving.Request(f"/timemap/id/project/{key}",
                                           (("Accept", "application/link-format"),)),
                "doc turtle": serving.Request(f"/doc/project/{key}",
                                              (("Accept", "text/turtle"),))}
        rates = {name: round(serving.throughput(app, serving.same(request), seconds), 1)
                 for name, request in asks.items()}
    finally:
        app.stop()
    return {"requests_per_second": rates,
            "ratio_to_doc": {name: round(rate / rates["doc turtle"], 2)
                             for name, rate in rates.items()}}


def run(records: int, serve_seconds: float = 0) -> dict:
    work = BENCH / "work" / f"changes-{records}"
    shutil.rmtree(work, ignore_errors=True)
    releases = work / "releases"
    a = config(work / "a", write_edition(records, work / "a", False), releases)
    b = config(work / "b", write_edition(records, work / "b", True), releases)
    (work / "b-alone").mkdir(parents=True, exist_ok=True)
    alone = config(work / "b-alone", work / "b" / f"catalogue-{records}.txt",
                   work / "alone" / "releases")
    build_alone = build(alone)      # B without a previous release: no changeset, no sorts
    build_a = build(a)
    first = (releases / "latest").resolve()
    build_b = build(b)
    latest = releases / "latest"
    report = json.loads((latest / "build-report.json").read_text(encoding="utf-8"))
    info = json.loads((latest / "release.json").read_text(encoding="utf-8"))
    changes = report["changes"]
    figures = {"records": records, "edited_records": records // EDIT_EVERY,
            "quads": info["quads"], "build_a_seconds": round(build_a, 2),
            "build_b_seconds": round(build_b, 2), "changeset_seconds": changes["seconds"],
            "changeset_share": round(changes["seconds"] / build_b, 3),
            "build_b_alone_seconds": round(build_alone, 2),
            "added_by_the_chain": round((build_b - build_alone) / build_b, 3),
            "quads_added": changes["quads"]["added"],
            "quads_deleted": changes["quads"]["deleted"],
            "resources": {kind: counts["total"] for kind, counts in changes["counts"].items()},
            "patch_bytes": (latest / "changes.rdfp").stat().st_size,
            "history_bytes": disk(latest, HISTORY_FILES),
            "release_bytes_without_history": disk(latest) - disk(latest, HISTORY_FILES),
            "history_share": round(disk(latest, HISTORY_FILES)
                                   / (disk(latest) - disk(latest, HISTORY_FILES)), 3),
            "first_release_history_bytes": disk(first, HISTORY_FILES),
            "first_release_bytes_without_history":
                disk(first) - disk(first, HISTORY_FILES),
            "generations": report.get("generations"), "versions": report.get("versions")}
    if serve_seconds:
        try:
            figures.update(serve(latest.resolve(), serve_seconds))
        except RuntimeError as error:            # the build's figures stand without it
            figures["serve_error"] = str(error)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", default="3000", help="comma-separated sizes")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "changes.json")
    parser.add_argument("--serve", type=float, default=0,
                        help="seconds of load per request measured on `publisher serve`")
    parser.add_argument("--serve-only", type=Path, metavar="RELEASE",
                        help="only measure `publisher serve` on this built release folder")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.serve_only:
        results: list[dict] = [{"release": str(args.serve_only.resolve().name),
                                **serve(args.serve_only.resolve(), args.serve or 8)}]
    else:
        results = []
        for n in args.records.split(","):
            results.append(run(int(n), args.serve))
            args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
