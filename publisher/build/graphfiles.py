"""The build's statements as text: N-Triples files per named graph, loaded as they fill.

The mapping appends lines as it goes, so no graph is ever held in memory as term objects.
Each graph's statements go into chunk files of about `CHUNK_BYTES`; a chunk that is full is
loaded into the build's store by a background thread while the mapping goes on (Oxigraph
parses and indexes without holding the GIL, so the second core does it), and at the end the
dump writer reads the same chunks, sorting each graph on its own.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, serialize

#: Size of a chunk file: large enough that loading has little fixed cost, small enough that
#: the last chunks loaded after the mapping ends take little time.
CHUNK_BYTES = 16 * 1024 * 1024


class _Chunk:
    """The open chunk of one graph: its file and how much was written to it."""

    __slots__ = ("path", "handle", "size")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: BinaryIO = path.open("wb")
        self.size = 0


class GraphFiles:
    """Chunk files per named graph under a folder (a temporary one unless given); full
    chunks are loaded into the store in the background."""

    def __init__(self, folder: Path | None, store: Store,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
        if folder is None:
            self._temporary: tempfile.TemporaryDirectory[str] | None = \
                tempfile.TemporaryDirectory(prefix="kuntadigi-graphs-")
            folder = Path(self._temporary.name)
        else:
            self._temporary = None
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.store = store
        self.chunk_bytes = chunk_bytes
        self.paths: dict[str, list[Path]] = {}
        self._open: dict[str, _Chunk] = {}
        self._loader: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="store-loader")
        self._loads: list[Future[None]] = []
        self._count = 0

    # ------------------------------------------------------------------ writing
    def _chunk(self, graph: str) -> _Chunk:
        chunk = self._open.get(graph)
        if chunk is None:
            path = self.folder / f"chunk-{self._count:05d}.nt"
            self._count += 1
            self.paths.setdefault(graph, []).append(path)
            chunk = self._open[graph] = _Chunk(path)
        return chunk

    def _write(self, graph: str, data: bytes) -> None:
        chunk = self._chunk(graph)
        chunk.handle.write(data)
        chunk.size += len(data)
        if chunk.size >= self.chunk_bytes:
            self._finish(graph)

    def add_lines(self, graph: str, lines: list[str]) -> None:
        """N-Triples statements (without their newlines) into a named graph."""
        if lines:
            self._write(graph, ("\n".join(lines) + "\n").encode("utf-8"))

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """pyoxigraph quads (of named graphs) into their graphs' files."""
        by_graph: dict[str, list[Quad]] = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name.value, []).append(quad)
        for graph, items in by_graph.items():
            self._write(graph, serialize((q.triple for q in items), format=RdfFormat.N_TRIPLES))

    def _finish(self, graph: str) -> None:
        """Close the graph's open chunk and have it loaded."""
        chunk = self._open.pop(graph)
        chunk.handle.close()
        assert self._loader is not None, "graph files written after wait_loaded"
        self._loads.append(self._loader.submit(self._load, self.store, graph, chunk.path))

    @staticmethod
    def _load(store: Store, graph: str, path: Path) -> None:
        store.load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))

    def close(self) -> None:
        """Every chunk complete (and queued for loading)."""
        for graph in list(self._open):
            self._finish(graph)

    # ------------------------------------------------------------------ reading
    def graphs(self) -> list[tuple[str, list[Path]]]:
        """(graph IRI, its chunk files in order), for the dump writer."""
        return [(graph, list(paths)) for graph, paths in self.paths.items()]

    def wait_loaded(self) -> None:
        """Wait for the background loads; a failed one raises its error here."""
        self.close()
        try:
            for future in self._loads:
                future.result()
        finally:
            if self._loader is not None:
                self._loader.shutdown(wait=True)
                self._loader = None

    def remove(self) -> None:
        self.close()
        if self._loader is not None:
            self._loader.shutdown(wait=True, cancel_futures=True)
            self._loader = None
        if self._temporary is not None:
            self._temporary.cleanup()
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
