"""The package's layout is its data flow, and these tests keep it so.

build → shacl → release → store → web: no import goes back up the flow, shacl and store
import neither build nor web, web may use shacl (for /validate and /shapes) and store but not
build or release; the cross-cutting modules (configuration, names, texts, documentation,
progress, our JSON-LD form) import no stage. No module imports the package's own modules
inside a function (the CLI's lazy imports excepted) and no import cycle exists. Read from the source with
``ast``, so a test run imports nothing it checks.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from publisher.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "publisher"
STAGES = ("build", "shacl", "release", "store", "web")
CROSS_CUTTING = ("config", "vocab", "i18n", "docs", "progress", "jsonld", "patch", "history")
#: What each part may import of the package (besides itself and the cross-cutting parts).
ALLOWED = {
    "build": set(),
    "shacl": set(),
    "release": {"build", "shacl"},
    "store": set(),
    "web": {"shacl", "store"},
    "cli": set(STAGES),
    **{name: set() for name in CROSS_CUTTING},
}
#: Cross-cutting parts may use one another only this way round.
CROSS_ALLOWED = {"docs": {"i18n", "vocab"}, "i18n": set(), "vocab": set(), "config": set(),
                 "progress": set(), "jsonld": {"vocab"}, "patch": set(), "history": {"patch"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str | None:
    """The top-level part of ``publisher.<part>…`` (None for the package itself)."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else None


def own_imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module of ours, whether the import is inside a function) of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module.startswith("publisher"):
                    found.append((child.module, in_function))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names
                             if alias.name.startswith("publisher"))
            visit(child, nested)

    visit(tree, False)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = {module_name(path): own_imports(path) for path in SOURCES}


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_no_import_goes_back_up_the_flow(module: str) -> None:
    part = part_of(module)
    if part is None:
        return
    allowed = ALLOWED.get(part, set()) | {part} | (
        CROSS_ALLOWED[part] if part in CROSS_ALLOWED else set(CROSS_CUTTING))
    wrong = sorted({target for target, _ in IMPORTS[module]
                    if part_of(target) is not None and part_of(target) not in allowed})
    assert not wrong, f"{module} imports {wrong}"


def test_no_function_level_imports_of_our_own_modules() -> None:
    lazy = sorted(f"{module} → {target}" for module, found in IMPORTS.items()
                  for target, in_function in found if in_function and module != "publisher.cli")
    assert not lazy, lazy


def resolve(target: str) -> str | None:
    """The module a ``from target import …`` names, when it is one of ours."""
    while target and target not in IMPORTS:
        target = target.rpartition(".")[0]
    return target or None


def test_no_import_cycle() -> None:
    # `from publisher.store import loader` in publisher/store/embedded.py runs the package's
    # __init__, which imports embedded: a circle like any other (name the submodule instead)
    graph = {module: {resolved for target, _ in found
                      if (resolved := resolve(target)) and resolved != module}
             for module, found in IMPORTS.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target] if target in path
                              else [module, target])
            elif target not in state:
                walk(target, path + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert not cycles, cycles


def test_the_checks_read_every_part() -> None:
    parts = {part_of(module) for module in IMPORTS} - {None}
    assert set(STAGES) <= parts and set(CROSS_CUTTING) <= parts | {"progress"}
    assert any(found for found in IMPORTS.values())
