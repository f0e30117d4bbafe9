"""The DCAT-AP gates of a release: the catalogue against the official DCAT-AP 3.0.1 shapes,
and its DCAT-AP 2.1.1 form against the official 2.1.1 shapes (the controlled-vocabulary
shapes included, with the EU tables in the data graph, in both)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from publisher import vocab
from publisher.config import PROJECT_ROOT, Settings
from publisher.release.errors import CatalogError
from publisher.release.reference_tables import file_keys, reference_context, reference_tables
from publisher.shacl import drop_dangling_property_shapes, validate

SPDX = Namespace(vocab.SPDX)
SH = Namespace(vocab.SH)

SHAPES_SUBDIR = Path("dcat-ap-3")
SHAPES_SUBDIR_2 = Path("dcat-ap-2.1.1")
VALIDATION_RUNS: dict[str, tuple[str, ...]] = {
    # The release's SHACL template: every constraint, with the class ranges of 3.0.1.
    "dcat-ap-3.0.1": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
    # The 2.x-style split files: core, class ranges, controlled vocabularies.
    "dcat-ap-3.0.1-html": ("html-shacl/shapes.ttl", "html-shacl/range.ttl",
                           "html-shacl/mdr-vocabularies.shape.ttl"),
}
INFORMATIVE_RUNS: dict[str, tuple[str, ...]] = {
    # Recommended properties and deprecated URIs: warnings only, never a gate.
    "dcat-ap-3.0.1-recommended": ("html-shacl/shapes_recommended.ttl",
                                  "html-shacl/deprecateduris.ttl"),
}
#: The 2.1.1 form: core, class ranges and controlled vocabularies gate it.
VALIDATION_RUNS_2: dict[str, tuple[str, ...]] = {
    "dcat-ap-2.1.1": ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl",
                      "dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl"),
}
INFORMATIVE_RUNS_2: dict[str, tuple[str, ...]] = {
    "dcat-ap-2.1.1-recommended": ("dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
                                  "dcat-ap_2.1.1_shacl_deprecateduris.ttl"),
}
#: profile → (shapes folder under shapes/, gating runs, informative runs)
PROFILE_RUNS: dict[str, tuple[Path, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = {
    "dcat-ap-3": (SHAPES_SUBDIR, VALIDATION_RUNS, INFORMATIVE_RUNS),
    "dcat-ap-2": (SHAPES_SUBDIR_2, VALIDATION_RUNS_2, INFORMATIVE_RUNS_2),
}

# Known defect of the official shapes, waived explicitly (and reported as waived):
# mdr-vocabularies.shape.ttl's ChecksumAlgorithmRestriction requires the algorithm IRI to match
# "^https://spdx.org/rdf/terms", but the SPDX namespace — and the range DCAT-AP itself gives,
# spdx:ChecksumAlgorithm, with individuals such as spdx:checksumAlgorithm_sha256 — is
# "http://spdx.org/rdf/terms#". No correct SPDX algorithm IRI can pass that pattern.
_WAIVED_SHAPE = URIRef("http://data.europa.eu/r5r#ChecksumAlgorithmRestriction")
_WAIVED_VALUE_PREFIX = vocab.SPDX + "checksumAlgorithm_"


@dataclass(frozen=True)
class ValidationRun:
    name: str
    files: tuple[str, ...]
    node_shapes: int           # node shapes with a target
    property_shapes: int
    violations: int
    warnings: int
    infos: int
    waived: int
    dropped: int               # dangling sh:property references left out
    messages: tuple[str, ...]
    gate: bool

    @property
    def conforms(self) -> bool:
        return self.violations == 0


@dataclass(frozen=True)
class CatalogValidation:
    runs: tuple[ValidationRun, ...]

    @property
    def conforms(self) -> bool:
        return all(run.conforms for run in self.runs if run.gate)

    def text(self) -> str:
        lines = []
        for run in self.runs:
            role = "gate" if run.gate else "informative"
            lines.append(
                f"{run.name} ({role}; {', '.join(run.files)}): {run.node_shapes} node shapes, "
                f"{run.property_shapes} property shapes; {run.violations} violations, "
                f"{run.warnings} warnings, {run.infos} infos"
                + (f", {run.waived} waived (known shape defect: "
                   f"ChecksumAlgorithmRestriction https pattern)" if run.waived else "")
                + (f", {run.dropped} undefined property shapes ignored" if run.dropped else ""))
            lines.extend(f"  {message}" for message in run.messages)
        lines.append("conforms: " + ("yes" if self.conforms else "NO"))
        return "\n".join(lines) + "\n"


@lru_cache(maxsize=8)
def _shapes(files: tuple[tuple[str, int, int], ...]) -> tuple[Graph, int]:
    """The union of the shapes files, minus references to undefined property shapes.

    The 3.0.1 SHACL template lists, in `ranges.ttl`, five `sh:property` IRIs that are defined
    in neither file (no sh:path, no constraint at all). SHACL engines reject such a shapes
    graph as ill-formed; as they constrain nothing, dropping the dangling references changes
    no result. Returns the graph and the number of references dropped.
    """
    graph = Graph()
    for path, _, _ in files:
        graph.parse(path, format="turtle")
    return graph, drop_dangling_property_shapes(graph)


def _shapes_dir(settings: "Settings | None", subdir: Path = SHAPES_SUBDIR) -> Path:
    if settings is not None:
        return Path(settings.shapes_dir) / subdir
    return PROJECT_ROOT / "shapes" / subdir


def _run(name: str, files: tuple[str, ...], data: Graph, shapes_dir: Path,
         gate: bool) -> ValidationRun:
    paths = tuple(str(shapes_dir / f) for f in files)
    for path in paths:
        if not Path(path).is_file():
            raise CatalogError(f"shapes file missing: shapes/{shapes_dir.name}/{Path(path).name}")
    shapes, dropped = _shapes(file_keys(Path(p) for p in paths))
    report = validate(data, shapes).report_graph
    counts = {SH.Violation: 0, SH.Warning: 0, SH.Info: 0}
    waived = 0
    messages = []
    # Top-level results only: pyshacl also types the nested sh:detail results of a failed
    # sh:node as sh:ValidationResult; they explain a result, they are not results.
    top_level = set(report.objects(None, SH.result))
    for result in sorted(top_level,
                         key=lambda r: (str(report.value(r, SH.focusNode)),
                                        str(report.value(r, SH.resultPath)))):
        severity = report.value(result, SH.resultSeverity)
        value = report.value(result, SH.value)
        source = report.value(result, SH.sourceShape)
        if (severity == SH.Violation and isinstance(value, URIRef)
                and str(value).startswith(_WAIVED_VALUE_PREFIX)
                and (value, RDF.type, SPDX.ChecksumAlgorithm) in data
                and report.value(result, SH.sourceConstraintComponent)
                == SH.NodeConstraintComponent
                and _waived_source(shapes, source)):
            waived += 1
            continue
        counts[severity] = counts.get(severity, 0) + 1
        label = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}.get(
            severity, str(severity))
        text = report.value(result, SH.resultMessage)
        messages.append(
            f"{label}: {report.value(result, SH.focusNode)} "
            f"{report.value(result, SH.resultPath) or ''} "
            f"{'= ' + str(value) + ' ' if value is not None else ''}— {text}")
    return ValidationRun(
        name=name, files=files,
        node_shapes=len(set(shapes.subjects(SH.targetClass, None))),
        property_shapes=len(set(shapes.objects(None, SH.property))),
        violations=counts[SH.Violation], warnings=counts[SH.Warning], infos=counts[SH.Info],
        waived=waived, dropped=dropped, messages=tuple(messages), gate=gate)


def _waived_source(shapes: Graph, source: object) -> bool:
    """True for the property shape of Checksum_ShapeCV that points at the defective shape."""
    return source is not None and (source, SH.node, _WAIVED_SHAPE) in shapes


def validation_data(graph: Graph, settings: "Settings | None" = None) -> Graph:
    """The catalogue plus what the reference tables say about the concepts it uses."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in reference_context(graph, reference_tables(settings or Settings())):
        data.add(triple)
    return data


def check_catalog(graph: Graph, settings: "Settings | None" = None, *,
                  informative: bool = True, profile: str = "dcat-ap-3") -> CatalogValidation:
    """Validate against the official shapes of `profile` (`dcat-ap-3`: DCAT-AP 3.0.1, the
    catalogue; `dcat-ap-2`: DCAT-AP 2.1.1, its 2.1.1 form); every run with its figures."""
    if profile not in PROFILE_RUNS:
        raise CatalogError(f"no DCAT-AP profile {profile!r}; known: {', '.join(PROFILE_RUNS)}")
    subdir, gating, informing = PROFILE_RUNS[profile]
    data = validation_data(graph, settings)
    shapes_dir = _shapes_dir(settings, subdir)
    runs = [_run(name, files, data, shapes_dir, gate=True) for name, files in gating.items()]
    if informative:
        runs += [_run(name, files, data, shapes_dir, gate=False)
                 for name, files in informing.items()]
    return CatalogValidation(tuple(runs))


def validate_catalog(graph: Graph, settings: "Settings | None" = None,
                     profile: str = "dcat-ap-3") -> tuple[bool, str]:
    """The build gate: (no violations in the gating runs, a readable report)."""
    outcome = check_catalog(graph, settings, profile=profile)
    return outcome.conforms, outcome.text()
