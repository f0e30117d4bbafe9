"""The release dumps, written from the build's quad store in canonical order, in parallel.

Two builds of the same texts must give the same bytes (apart from build times), so every
dump is written in a canonical order: within each named graph its N-Triples lines sorted,
graphs in IRI order, and the union of the graphs de-duplicated by merging the sorted graphs.
Sorting works on N-Triples lines (bytes), which Oxigraph writes far faster than Python could
compare term objects.

The work is split so that a large build uses both cores and little memory:

1. the build process writes one sorted *run* file per graph (`sorted_runs`), the only
   step that needs the store;
2. two child processes (`python -m publisher.dumps trig|union`) turn the runs into the
   dumps — TriG from the runs in graph order, and the union (merged, de-duplicated) as
   gzip-compressed N-Triples, Turtle, RDF/XML and JSON-LD — while the build process goes
   on with the SHACL gate and the metadata (`DumpJob`).

Each syntax is written by pyoxigraph from a stream parsed from the runs, so no dump is
ever held in memory as Python objects.
"""
from __future__ import annotations

import gzip
import heapq
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, parse, serialize

#: zlib level of data.nt.gz: 6 is zlib's own default, about twice as fast as 9 for a file
#: a few per cent larger.
GZIP_LEVEL = 6

#: The syntaxes written from the union of the graphs (triples).
TRIPLE_DUMPS: tuple[tuple[str, RdfFormat], ...] = (
    ("data.ttl", RdfFormat.TURTLE),
    ("data.rdf", RdfFormat.RDF_XML),
    ("data.jsonld", RdfFormat.JSON_LD),
)
RUNS_FILE = "runs.json"


class DumpFailed(RuntimeError):
    """A dump writer process failed: its message is in the exception."""


@dataclass(frozen=True)
class Run:
    """One graph's sorted N-Triples lines in a file; `graph` is None for the default graph."""

    graph: str | None
    path: Path
    lines: int


@dataclass(frozen=True)
class DumpCounts:
    """What was written: distinct triples of the union, and quads of the named graphs."""

    triples: int
    quads: int


# --------------------------------------------------------------------------- in the build


def graph_names(store: Store) -> list[NamedNode | DefaultGraph]:
    """The graphs holding data, in IRI order; the default graph first if it is used."""
    names: list[NamedNode | DefaultGraph] = sorted(
        (g for g in store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
        names.insert(0, DefaultGraph())
    return names


def sorted_lines(store: Store, graph: NamedNode | DefaultGraph) -> list[bytes]:
    """The N-Triples lines of one graph, sorted (a graph holds no duplicate triples)."""
    lines = store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
    lines.sort()
    return lines


def sorted_runs(store: Store, scratch: Path) -> list[Run]:
    """One sorted run file per graph, and `runs.json` naming them for the writers."""
    scratch.mkdir(parents=True, exist_ok=True)
    runs = []
    for index, graph in enumerate(graph_names(store)):
        lines = sorted_lines(store, graph)
        path = scratch / f"run-{index:04d}.nt"
        with path.open("wb") as handle:
            handle.writelines(line + b"\n" for line in lines)
        runs.append(Run(graph.value if isinstance(graph, NamedNode) else None, path, len(lines)))
    (scratch / RUNS_FILE).write_text(json.dumps(
        [{"graph": r.graph, "path": r.path.name, "lines": r.lines} for r in runs]),
        encoding="utf-8")
    return runs


def read_runs(scratch: Path) -> list[Run]:
    entries = json.loads((scratch / RUNS_FILE).read_text(encoding="utf-8"))
    return [Run(e["graph"], scratch / e["path"], e["lines"]) for e in entries]


# --------------------------------------------------------------------------- the writers


def write_trig_source(runs: Iterable[Run], path: Path) -> None:
    """The runs as one TriG document of N-Triples statements in graph blocks, in order."""
    with path.open("wb") as out:
        for run in runs:
            out.write(b"{\n" if run.graph is None else f"<{run.graph}> {{\n".encode())
            with run.path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    out.write(chunk)
            out.write(b"}\n")


def write_trig(runs: list[Run], path: Path, scratch: Path, prefixes: dict[str, str]) -> None:
    """data.trig: the named graphs in IRI order, each one's triples sorted, written compactly
    by pyoxigraph from the plain statements of the runs."""
    source = scratch / "source.trig"
    write_trig_source(runs, source)
    serialize(parse(path=str(source), format=RdfFormat.TRIG), str(path), RdfFormat.TRIG,
              prefixes=prefixes)
    source.unlink()


def unique_merge(sorted_runs_: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """Merge sorted runs of lines, dropping a line equal to the one before it."""
    previous = None
    for line in heapq.merge(*sorted_runs_):
        if line != previous:
            yield line
            previous = line


def merge_union(runs: list[Run], path: Path, compressed: Path) -> int:
    """The union of the runs as sorted N-Triples, plain (for the other writers) and gzip."""
    count = 0
    with ExitStack() as stack:
        files: list[BinaryIO] = [stack.enter_context(run.path.open("rb")) for run in runs]
        plain = stack.enter_context(path.open("wb"))
        raw = stack.enter_context(compressed.open("wb"))
        packed = stack.enter_context(gzip.GzipFile(filename="data.nt", mode="wb", fileobj=raw,
                                                   mtime=0, compresslevel=GZIP_LEVEL))
        batch: list[bytes] = []
        for line in unique_merge(files):
            batch.append(line)
            if len(batch) >= 65536:
                count += _flush(batch, plain, packed)
        count += _flush(batch, plain, packed)
    return count


def _flush(batch: list[bytes], *outputs: BinaryIO) -> int:
    data = b"".join(batch)
    for output in outputs:
        output.write(data)
    size = len(batch)
    batch.clear()
    return size


def write_union(runs: list[Run], folder: Path, scratch: Path, prefixes: dict[str, str]) -> int:
    """data.nt.gz, data.ttl, data.rdf and data.jsonld from the union of the runs."""
    ntriples = scratch / "union.nt"
    count = merge_union(runs, ntriples, folder / "data.nt.gz")
    for name, fmt in TRIPLE_DUMPS:
        serialize(parse(path=str(ntriples), format=RdfFormat.N_TRIPLES), str(folder / name),
                  fmt, prefixes=prefixes if fmt is not RdfFormat.JSON_LD else None)
    ntriples.unlink()
    return count


# --------------------------------------------------------------------------- in parallel


class DumpJob:
    """The two writer processes, started from the runs; `wait` collects their counts."""

    def __init__(self, runs: list[Run], folder: Path, scratch: Path,
                 prefixes: dict[str, str]) -> None:
        self.quads = sum(r.lines for r in runs)
        arguments = [str(folder), str(scratch), json.dumps(prefixes)]
        self.processes = {
            what: subprocess.Popen([sys.executable, "-m", "publisher.dumps", what, *arguments],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for what in ("union", "trig")}

    def wait(self) -> DumpCounts:
        outputs = {}
        for what, process in self.processes.items():
            out, err = process.communicate()
            if process.returncode != 0:
                raise DumpFailed(f"writing the {what} dumps failed: "
                                 f"{err.decode('utf-8', 'replace').strip()[-2000:]}")
            outputs[what] = out.decode().strip()
        return DumpCounts(triples=int(outputs["union"] or 0), quads=self.quads)

    def cancel(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.communicate()


def start_dumps(store: Store, folder: Path, scratch: Path, prefixes: dict[str, str]) -> DumpJob:
    """Write the sorted runs (the part that needs the store), then start the writers."""
    return DumpJob(sorted_runs(store, scratch), folder, scratch, prefixes)


def main(argv: list[str]) -> int:
    """`python -m publisher.dumps trig|union FOLDER SCRATCH PREFIXES_JSON`."""
    what, folder, scratch, prefixes = argv[0], Path(argv[1]), Path(argv[2]), json.loads(argv[3])
    runs = read_runs(scratch)
    if what == "trig":
        write_trig(runs, folder / "data.trig", scratch, prefixes)
        return 0
    print(write_union(runs, folder, scratch, prefixes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
