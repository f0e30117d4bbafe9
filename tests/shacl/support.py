"""What several SHACL test modules share: small data and shapes, and writing a file."""
from __future__ import annotations

from pathlib import Path

from tests.shacl.validation.expected import fixture

SKOS = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/a> a skos:Concept ; skos:inScheme <http://example.test/s> ;
    skos:prefLabel "A"@fi , "A"@sv , "A"@en ; skos:definition "d"@fi , "d"@sv , "d"@en .
<http://example.test/s> a skos:ConceptScheme ; skos:prefLabel "S"@fi , "S"@sv , "S"@en .
"""

BAD_PROJECT = fixture("bad-project.ttl").read_text(encoding="utf-8")

OWN_SHAPES = fixture("notation-shapes.ttl").read_text(encoding="utf-8")

def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path
