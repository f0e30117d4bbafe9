"""Graph files: statements per named graph in chunk files, loaded into the store in the
background while more are written; a bad statement fails the build at the wait."""
from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from publisher.build.graphfiles import GraphFiles

G1, G2 = "http://example.test/graph/1", "http://example.test/graph/2"


def lines(n: int, graph: str) -> list[str]:
    return [f'<http://example.test/s/{i}> <http://example.test/p> "{graph} {i}" .' for i in range(n)]


def test_chunks_fill_and_load_in_the_background(tmp_path: Path) -> None:
    store = Store()
    files = GraphFiles(tmp_path / "graphs", store=store, chunk_bytes=2000)
    for start in range(0, 300, 30):
        files.add_lines(G1, lines(300, G1)[start:start + 30])
    files.add_lines(G2, lines(5, G2))
    files.add_quads([Quad(NamedNode("http://example.test/x"), NamedNode("http://example.test/p"),
                          Literal("q"), NamedNode(G2))])
    files.close()
    chunks = dict(files.graphs())
    assert len(chunks[G1]) > 5 and len(chunks[G2]) == 1
    assert all(p.stat().st_size < 2000 + 30 * 90 for p in chunks[G1])
    files.wait_loaded()
    assert len(store) == 306
    assert len(list(store.quads_for_pattern(None, None, None, NamedNode(G1)))) == 300
    assert b"".join(p.read_bytes() for p in chunks[G1]).decode().splitlines() == lines(300, G1)
    files.remove()
    assert not (tmp_path / "graphs").exists()


def test_a_bad_statement_fails_at_the_wait(tmp_path: Path) -> None:
    files = GraphFiles(tmp_path, store=Store(), chunk_bytes=100)
    files.add_lines(G1, ['<http://example.test/s> <http://example.test/p> "unterminated .'])
    with pytest.raises(SyntaxError):
        files.wait_loaded()


def test_a_temporary_folder_is_removed_with_the_files() -> None:
    store = Store()
    files = GraphFiles(None, store=store)
    files.add_lines(G1, lines(3, G1))
    files.wait_loaded()
    assert len(store) == 3
    folder = files.folder
    files.remove()
    assert not folder.exists()
