"""The release dumps, written in canonical order from the build's graph files, in parallel.

Two builds of the same texts must give the same bytes (apart from build times), so every
dump is written in a canonical order: within each named graph its N-Triples lines sorted
(and de-duplicated), graphs in IRI order, and the union of the graphs merged from the sorted
graphs, each triple once. Sorting works on N-Triples lines (bytes): the mapping writes them
as text and Python sorts bytes quickly, where comparing term objects would be slow.

The build hands its graph files (N-Triples chunk files per named graph, as the mapping
wrote them) to a child process, `python -m publisher.release.dumps FOLDER SCRATCH PREFIXES`, and goes
on with the SHACL gate meanwhile. The child sorts each graph into a *run* file and starts a
second process, which writes TriG (graph blocks in order, compactly, by pyoxigraph) and then
gzips the union; the child itself merges the runs into the union (each triple once) and
writes Turtle, RDF/XML and JSON-LD from one streamed parse of it. The two processes have about the
same work, so a build's dumps take about half their sequential time on two cores.

JSON-LD is written compacted with our context (:mod:`publisher.jsonld`), which is made from
the vocabulary the union itself carries (the ``kd:`` terms, met while merging) and written as
``context.jsonld`` beside the dumps; ``data.jsonld`` names it by that relative reference, so
the dump always resolves the context of its own release, from the site or from a copy of the
folder.
"""
from __future__ import annotations

import gzip
import heapq
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import RdfFormat, Triple, parse, serialize

from publisher.jsonld import Compactor, build_context
from publisher.patch import canonical_nquads
from publisher.vocab import JSONLD_CONTEXT_FILE

#: zlib level of data.nt.gz: 6 is zlib's own default, about twice as fast as 9 for a file
#: a few per cent larger.
GZIP_LEVEL = 6
#: Graphs up to this size are sorted in memory; larger ones in chunks of it merged from disk.
SORT_CHUNK_BYTES = 256 * 1024 * 1024
#: Triples handed at a time from the union's parser to its serializers.
TEE_CHUNK = 4096

#: The syntaxes written from the union of the graphs (triples).
TRIPLE_DUMPS: tuple[tuple[str, RdfFormat], ...] = (
    ("data.ttl", RdfFormat.TURTLE),
    ("data.rdf", RdfFormat.RDF_XML),
    ("data.jsonld", RdfFormat.JSON_LD),
)
RUNS_FILE = "runs.json"
UNION_FILE = "union.nt"
GRAPHS_FILE = "graphs.json"
#: The release's quads as sorted N-Quads, written beside the dumps for the changeset and the
#: versions of the release (a work file: removed before the checksums are written).
CANONICAL_FILE = ".canonical.nq"


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


# --------------------------------------------------------------------------- sorting


def sort_graph_file(sources: list[Path], target: Path) -> int:
    """Sort one graph's N-Triples lines (from its chunk files) into a run file, each line
    once; returns the count.

    A graph larger than SORT_CHUNK_BYTES is sorted in parts merged from disk, so memory
    stays bounded however large the build."""
    if sum(p.stat().st_size for p in sources) <= SORT_CHUNK_BYTES:
        lines = [line for p in sources for line in p.read_bytes().splitlines(keepends=True)]
        lines.sort()
        return _write_unique(lines, target)
    parts = []
    for source in sources:
        with source.open("rb") as handle:
            while lines := handle.readlines(SORT_CHUNK_BYTES):
                lines.sort()
                part = target.with_name(f"{target.stem}.part-{len(parts):05d}")
                with part.open("wb") as out:
                    out.writelines(lines)
                parts.append(part)
                del lines
    with ExitStack() as stack:
        files = [stack.enter_context(part.open("rb")) for part in parts]
        count = _write_unique(heapq.merge(*files), target)
    for part in parts:
        part.unlink()
    return count


def _write_unique(sorted_lines: Iterable[bytes], target: Path) -> int:
    """Write sorted lines (each ending in a newline) once each, skipping blank ones."""
    count = 0
    previous = None
    with target.open("wb") as out:
        for line in sorted_lines:
            if line != previous and line.strip():
                out.write(line)
                count += 1
                previous = line
    return count


Graphs = list[tuple[str | None, list[Path]]]      # (graph IRI or None, its chunk files)


def sorted_runs(graphs: Graphs, scratch: Path) -> list[Run]:
    """Sort every graph's files into a run, graphs in IRI order (the default graph first),
    and write `runs.json` naming them for the TriG writer."""
    scratch.mkdir(parents=True, exist_ok=True)
    ordered = sorted(graphs, key=lambda item: (item[0] is not None, item[0] or ""))
    runs = []
    for index, (graph, sources) in enumerate(ordered):
        path = scratch / f"run-{index:04d}.nt"
        runs.append(Run(graph, path, sort_graph_file(sources, path)))
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
    serialize(parse(path=str(source), format=RdfFormat.TRIG, lenient=True), str(path),
              RdfFormat.TRIG, prefixes=prefixes)
    source.unlink()


def unique_merge(sorted_runs_: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """Merge sorted runs of lines, dropping a line equal to the one before it."""
    previous = None
    for line in heapq.merge(*sorted_runs_):
        if line != previous:
            yield line
            previous = line


def merge_union(runs: list[Run], path: Path,
                keep: bytes | None = None) -> tuple[int, list[bytes]]:
    """The union of the runs as sorted N-Triples, each triple once; returns the count and
    the lines that start with ``keep`` (the vocabulary's, for the JSON-LD context).
    The file appears under its name only when complete (the gzip writer waits for it)."""
    count = 0
    kept: list[bytes] = []
    partial = path.with_name(path.name + ".partial")
    with ExitStack() as stack:
        files: list[BinaryIO] = [stack.enter_context(run.path.open("rb")) for run in runs]
        out = stack.enter_context(partial.open("wb"))
        batch: list[bytes] = []
        for line in unique_merge(files):
            batch.append(line)
            if keep is not None and line.startswith(keep):
                kept.append(line)
            if len(batch) >= 65536:
                count += _flush(batch, out)
        count += _flush(batch, out)
    partial.rename(path)
    return count, kept


def _flush(batch: list[bytes], out: BinaryIO) -> int:
    out.write(b"".join(batch))
    size = len(batch)
    batch.clear()
    return size


def write_gzip(source: Path, target: Path) -> None:
    """data.nt.gz: reproducible (no time stamp, a fixed inner name)."""
    with source.open("rb") as plain, target.open("wb") as raw:
        with gzip.GzipFile(filename="data.nt", mode="wb", fileobj=raw, mtime=0,
                           compresslevel=GZIP_LEVEL) as packed:
            while block := plain.read(1 << 22):
                packed.write(block)


def wait_for(path: Path) -> None:
    """Wait until a file the parent process writes is complete (it appears by a rename);
    give up if the parent is gone (the build was cancelled), instead of waiting forever."""
    parent = os.getppid()
    while not path.exists():
        if os.getppid() != parent or not path.parent.is_dir():
            raise DumpFailed(f"{path.name} was never written: its writer stopped")
        time.sleep(0.02)


def serialize_from_one_parse(source: Path, outputs: list[tuple[Path, RdfFormat]],
                             prefixes: dict[str, str],
                             context: dict[str, Any] | None = None) -> None:
    """Write several syntaxes from one parse of an N-Triples file, in bounded memory: the
    parser hands chunks of triples to one serializer thread per syntax (pyoxigraph's
    serializers stream), instead of holding every triple as a Python object. With a
    ``context`` (the ``@context`` object of ours) JSON-LD is written compacted with it,
    naming ``context.jsonld`` beside it.

    The parse skips validation: the build's store parsed these very lines, and a wrong one
    fails the build there."""
    feeds: list[queue.Queue[list[Triple] | None]] = [queue.Queue(maxsize=8) for _ in outputs]
    errors: list[BaseException] = []

    def chunks(feed: queue.Queue[list[Triple] | None]) -> Iterator[Triple]:
        while (chunk := feed.get()) is not None:
            yield from chunk

    def write(feed: queue.Queue[list[Triple] | None], path: Path, fmt: RdfFormat) -> None:
        try:
            if fmt is RdfFormat.JSON_LD and context is not None:
                with path.open("wb") as out:
                    Compactor(context).write(chunks(feed), out, JSONLD_CONTEXT_FILE)
                return
            serialize(chunks(feed), str(path), fmt,
                      prefixes=prefixes if fmt is not RdfFormat.JSON_LD else None)
        except BaseException as error:          # reported by the caller
            errors.append(error)
            while feed.get() is not None:      # keep the parser from blocking on this one
                pass

    writers = [threading.Thread(target=write, args=(feed, path, fmt), daemon=True)
               for feed, (path, fmt) in zip(feeds, outputs)]
    for writer in writers:
        writer.start()
    try:
        chunk: list[Triple] = []
        for triple in parse(path=str(source), format=RdfFormat.N_TRIPLES, lenient=True):
            chunk.append(triple)
            if len(chunk) >= TEE_CHUNK:
                for feed in feeds:
                    feed.put(chunk)
                chunk = []
        for feed in feeds:
            feed.put(chunk)
    finally:
        for feed in feeds:
            feed.put(None)
        for writer in writers:
            writer.join()
    if errors:
        raise errors[0]


def write_union(runs: list[Run], folder: Path, scratch: Path, prefixes: dict[str, str]) -> int:
    """data.ttl, data.rdf, data.jsonld and its context.jsonld from the union of the runs
    (data.nt.gz is written from the same file by the TriG process, once it is done with
    TriG)."""
    ntriples = scratch / UNION_FILE
    vocabulary = prefixes.get("kd")
    count, kept = merge_union(runs, ntriples,
                              None if vocabulary is None else f"<{vocabulary}".encode())
    context = write_context(folder, prefixes, kept)
    serialize_from_one_parse(ntriples, [(folder / name, fmt) for name, fmt in TRIPLE_DUMPS],
                             prefixes, context["@context"])
    return count


def write_context(folder: Path, prefixes: dict[str, str],
                  vocabulary: list[bytes]) -> dict[str, Any]:
    """context.jsonld from the prefixes and the vocabulary's N-Triples lines; returns it."""
    triples = parse(b"".join(vocabulary), format=RdfFormat.N_TRIPLES, lenient=True)
    context = build_context(prefixes, (quad.triple for quad in triples))
    (folder / JSONLD_CONTEXT_FILE).write_text(
        json.dumps(context, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return context


# --------------------------------------------------------------------------- in parallel


class DumpJob:
    """The dump writer process, started on the build's graph files; `wait` collects the
    counts. The graph files must stay in place until it is done."""

    def __init__(self, graphs: Graphs, folder: Path, scratch: Path,
                 prefixes: dict[str, str]) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / GRAPHS_FILE).write_text(json.dumps(
            [{"graph": g, "paths": [str(p) for p in paths]} for g, paths in graphs]),
            encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publisher.release.dumps", str(folder), str(scratch),
             json.dumps(prefixes)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)           # its own group: cancel stops both writers

    def wait(self) -> DumpCounts:
        out, err = self.process.communicate()
        if self.process.returncode != 0:
            raise DumpFailed("writing the dumps failed: "
                             f"{err.decode('utf-8', 'replace').strip()[-2000:]}")
        figures = json.loads(out.decode().strip().splitlines()[-1])
        return DumpCounts(triples=figures["triples"], quads=figures["quads"])

    def cancel(self) -> None:
        """Stop the writer and the process it started."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.communicate()


def start_dumps(graphs: Graphs, folder: Path, scratch: Path,
                prefixes: dict[str, str]) -> DumpJob:
    """Start writing every dump of `folder` from the graph files (graph IRI, or None for the
    default graph, and its N-Triples chunk files); the caller works on and calls `wait`."""
    return DumpJob(graphs, folder, scratch, prefixes)


def write_all(folder: Path, scratch: Path, prefixes: dict[str, str]) -> DumpCounts:
    """The writer process: sort; a second process writes TriG, then gzips the union; this
    one merges the union and writes Turtle, RDF/XML and JSON-LD."""
    entries = json.loads((scratch / GRAPHS_FILE).read_text(encoding="utf-8"))
    runs = sorted_runs([(e["graph"], [Path(p) for p in e["paths"]]) for e in entries], scratch)
    second = subprocess.Popen([sys.executable, "-m", "publisher.release.dumps", "--trig", str(folder),
                               str(scratch), json.dumps(prefixes)], stderr=subprocess.PIPE)
    try:
        triples = write_union(runs, folder, scratch, prefixes)
    except BaseException:
        second.kill()
        raise
    finally:
        _, err = second.communicate()
    if second.returncode != 0:
        raise DumpFailed(f"writing data.trig or data.nt.gz failed: "
                         f"{err.decode('utf-8', 'replace')[-2000:]}")
    (scratch / UNION_FILE).unlink()
    return DumpCounts(triples=triples, quads=sum(r.lines for r in runs))


def write_trig_and_gzip(folder: Path, scratch: Path, prefixes: dict[str, str]) -> None:
    """The second writer process: TriG from the runs, then the release's canonical N-Quads
    from it (the changeset and the versions read them) while the first one merges the union,
    then data.nt.gz from that union."""
    write_trig(read_runs(scratch), folder / "data.trig", scratch, prefixes)
    canonical_nquads(folder / "data.trig", folder / CANONICAL_FILE)
    union = scratch / UNION_FILE
    wait_for(union)
    write_gzip(union, folder / "data.nt.gz")


def main(argv: list[str]) -> int:
    """`python -m publisher.release.dumps [--trig] FOLDER SCRATCH PREFIXES_JSON`."""
    trig_only = argv[:1] == ["--trig"]
    folder, scratch, prefixes = (Path(argv[-3]), Path(argv[-2]), json.loads(argv[-1]))
    try:
        if trig_only:
            write_trig_and_gzip(folder, scratch, prefixes)
            return 0
        counts = write_all(folder, scratch, prefixes)
    except (OSError, ValueError, SyntaxError, DumpFailed) as error:
        # the build reports this line; a traceback would only hide it
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"triples": counts.triples, "quads": counts.quads}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
