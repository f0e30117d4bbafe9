"""What a release keeps for the history of its resources: which build generated each
description (read back by the next build, `build/generations.py`) and the versions of the
resources that changed in it (`publisher/history.py`, served as the event stream and as
mementos)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from publisher.build.generations import BUILD_GRAPH_FILE, GENERATIONS_FILE
from publisher.build.pipeline import PipelineResult
from publisher.history import touched_resources, write_versions
from publisher.patch import canonical_nquads


def write_generations(folder: Path, result: PipelineResult) -> dict[str, int]:
    """`generations.tsv` and `build-graph.nt`; returns the counts for the build report."""
    generations = result.generations
    with (folder / GENERATIONS_FILE).open("w", encoding="utf-8") as out:
        out.writelines(generations.rows())
    (folder / BUILD_GRAPH_FILE).write_text("".join(line + "\n" for line in result.build_graph),
                                           encoding="utf-8")
    return generations.counts()


def write_history(folder: Path, dump: Path, canonical: Path, version: str, built: str,
                  changes: dict[str, Any] | None) -> dict[str, int]:
    """The versions of this release: those of the changeset's resources, or of every
    resource when there is no changeset (the first release of a chain, or one built after a
    previous release that could not be compared with)."""
    if not canonical.is_file():
        canonical_nquads(dump, canonical)
    try:
        touched = touched_resources(changes) if changes is not None else None
        return write_versions(canonical, folder, version, built, touched)
    finally:
        canonical.unlink(missing_ok=True)
