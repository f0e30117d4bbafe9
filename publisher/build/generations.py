"""Which build generated each description: the build that last changed it, not simply the
latest one.

Every project, initiative, theme assignment and source text says `prov:wasGeneratedBy` a
release build. If that were always the current build, any edit of any text would change that
statement of every resource, and a changeset, an event stream or a resource's history could
not tell an edited project from an untouched one. So the statement is settled after mapping:
a subject whose mapped statements (every line its records produced, in their graphs, the
generation statement left out) have the digest they had in the previous release keeps the
build named there; any other gets the current build. The build graph describes every build
still named (the earlier ones copied from the previous release).

The previous release's part is two small files the release keeps beside its dumps:
`generations.tsv` (subject, digest, build) and `build-graph.nt` (the build graph).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from publisher.vocab import PROV

#: The release files this module reads back from the previous release.
GENERATIONS_FILE = "generations.tsv"
BUILD_GRAPH_FILE = "build-graph.nt"

_GENERATED_BY = f"<{PROV}wasGeneratedBy>"


@dataclass(frozen=True)
class Earlier:
    """What the previous release said: digest and build per subject, its build graph."""

    builds: dict[str, tuple[str, str]]
    build_graph: list[str]

    @classmethod
    def read(cls, folder: Path) -> "Earlier | None":
        """The files of the release in `folder`; None where it has none (an older release:
        then every description counts as new)."""
        rows, lines = folder / GENERATIONS_FILE, folder / BUILD_GRAPH_FILE
        if not rows.is_file() or not lines.is_file():
            return None
        builds: dict[str, tuple[str, str]] = {}
        for row in rows.read_text(encoding="utf-8").splitlines():
            parts = row.split("\t")
            if len(parts) == 3 and not row.startswith("#"):
                builds[parts[0]] = (parts[1], parts[2])
        return cls(builds, [line for line in lines.read_text(encoding="utf-8").splitlines()
                            if line.strip()])


@dataclass
class Generations:
    """Holds back the generation statements while the records are mapped, then settles them.

    `hold` takes one record's lines (as the mapping made them) and returns them without the
    statements naming the current build, remembering the subjects and the digest of the rest;
    `settle` gives the statements back, each naming the build it is due."""

    activity: str
    earlier: Earlier | None = None
    _held: dict[str, list[str]] = field(default_factory=dict)
    _graphs: dict[str, set[str]] = field(default_factory=dict)
    settled: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._suffix = f" {_GENERATED_BY} <{self.activity}> ."

    def hold(self, graph: str, lines: list[str]) -> list[str]:
        kept: list[str] = []
        subjects: list[str] = []
        for line in lines:
            if line.endswith(self._suffix):
                subjects.append(line[:-len(self._suffix)])
            else:
                kept.append(line)
        if subjects:
            digest = hashlib.sha256("\n".join([graph, *sorted(kept)]).encode("utf-8"))
            for subject in subjects:
                self._held.setdefault(subject, []).append(digest.hexdigest())
                self._graphs.setdefault(subject, set()).add(graph)
        return kept

    def settle(self) -> Iterator[tuple[str, list[str]]]:
        """(graph, generation statements) for every held subject: the earlier build where
        the subject's digest is unchanged, else the current one."""
        by_graph: dict[str, list[str]] = {}
        before = self.earlier.builds if self.earlier else {}
        for subject, digests in sorted(self._held.items()):
            digest = hashlib.sha256("\n".join(sorted(set(digests))).encode()).hexdigest()[:32]
            was = before.get(subject)
            build = was[1] if was is not None and was[0] == digest else self.activity
            self.settled[subject] = (digest, build)
            for graph in self._graphs[subject]:
                by_graph.setdefault(graph, []).append(f"{subject} {_GENERATED_BY} <{build}> .")
        self._held.clear()
        yield from sorted(by_graph.items())

    def earlier_builds(self) -> list[str]:
        """The build-graph statements of the earlier builds still named (each build's own
        statements and those of its `#` parts)."""
        named = {build for _, build in self.settled.values() if build != self.activity}
        if not named or self.earlier is None:
            return []
        return [line for line in self.earlier.build_graph
                if line.split(" ", 1)[0].strip("<>").split("#", 1)[0] in named]

    def counts(self) -> dict[str, int]:
        """For the build report: descriptions generated now and kept from earlier builds."""
        kept = sum(1 for _, build in self.settled.values() if build != self.activity)
        return {"generated": len(self.settled) - kept, "kept": kept}

    def rows(self) -> Iterable[str]:
        """The lines of this release's `generations.tsv`."""
        yield "# subject\tdigest of its statements\tthe build that generated them\n"
        for subject, (digest, build) in sorted(self.settled.items()):
            yield f"{subject}\t{digest}\t{build}\n"
