"""`publisher validate`: exit 0 conforms (warnings and infos included), 1 violations, 2 input or
shapes that cannot be used; the report in the language and format asked."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from publisher.config import PROJECT_ROOT
from tests.shacl.validation.expected import fixture
from tests.support.release import write_release

GOOD = """\
@prefix kd: <https://data.kuntadigi.example/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://data.kuntadigi.example/id/status/ongoing> a skos:Concept ;
    skos:prefLabel "Käynnissä"@fi ; skos:inScheme kd:statuses .
"""


NOTATION_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/shapes/S> a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:property [ sh:path skos:notation ; sh:minCount 1 ; sh:severity sh:Warning ;
                  sh:message "Every concept should have a notation"@en ] .
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publisher.cli", "validate", *args],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=240)


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_conforming_file_exits_0(tmp_path: Path) -> None:
    result = run(write(tmp_path, "good.ttl", GOOD))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms: Violations 0 · Warnings 0 · Infos 0")
    assert result.stderr == ""


def test_violations_exit_1_grouped_by_resource(tmp_path: Path) -> None:
    result = run(str(fixture("bad-project.ttl")))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Does not conform: Violations ")
    assert any(line.split("  — ")[0] == "https://data.kuntadigi.example/id/project/x" for line in lines)
    assert any(line.strip().startswith('Violation  dcterms:identifier  value "Not A Key"')
               for line in lines)
    assert "lowercase ASCII" in result.stdout and "positive integer" in result.stdout


def test_warnings_never_change_the_exit_status(tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", GOOD)
    shapes = write(tmp_path, "notation.ttl", NOTATION_SHAPES)
    result = run(data, "--shapes", shapes)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms: Violations 0 · Warnings 1 · Infos 0")
    assert "Every concept should have a notation" in result.stdout
    orphan = write(tmp_path, "orphan.ttl", GOOD.replace(
        '"Käynnissä"@fi', '"K"@fi, "K"@sv, "K"@en ; skos:definition "d"@fi, "d"@sv, "d"@en'))
    warned = run(orphan, "--profile", "vocabulary")
    assert warned.returncode == 0 and "Warnings 1" in warned.stdout and "Orphan" in warned.stdout


def test_report_in_finnish_and_swedish(tmp_path: Path) -> None:
    fi = run(str(fixture("skos-defects.ttl")), "--profile", "vocabulary", "--lang", "fi")
    sv = run(str(fixture("skos-defects.ttl")), "--profile", "vocabulary", "--lang", "sv")
    assert fi.returncode == sv.returncode == 1
    assert fi.stdout.startswith("Ei vastaa muotoja: Virheet 15 · Varoitukset 6 · Huomautukset 0")
    assert "Suositettava termi puuttuu kieleltä sv" in fi.stdout and "Profiilit: vocabulary" in fi.stdout
    assert sv.stdout.startswith("Uppfyller inte formerna: Fel 15 · Varningar 6")
    assert "Föräldralöst begrepp" in sv.stdout


def test_every_report_format(tmp_path: Path) -> None:
    path = str(fixture("dcat-defects.ttl"))
    html = run(path, "--profile", "dcat-ap-3", "--format", "html", "--lang", "sv")
    assert html.returncode == 1
    assert html.stdout.startswith("<!doctype html>") and html.stdout.rstrip().endswith("</html>")
    assert '<link rel="stylesheet"' not in html.stdout           # standalone: style inline
    assert "Minst 1 värde(n) krävs" in html.stdout
    as_json = json.loads(run(path, "--profile", "dcat-ap-3", "--format", "json").stdout)
    assert as_json["conforms"] is False and as_json["counts"]["Violation"] == 10
    turtle = run(path, "--profile", "dcat-ap-3", "--format", "turtle").stdout
    assert "sh:ValidationReport" in turtle and "sh:conforms false" in turtle
    jsonld = json.loads(run(path, "--profile", "dcat-ap-3", "--format", "json-ld").stdout)
    assert "ValidationReport" in json.dumps(jsonld)


def test_list_profiles_names_and_describes_each(tmp_path: Path) -> None:
    result = run("--list-profiles", "--lang", "fi")
    assert result.returncode == 0
    blocks = result.stdout.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["kuntadigi", "vocabulary", "dcat-ap-3",
                                                    "dcat-ap-2.1.1", "catalogue-check"]
    assert "Sanaston laatu (OWL, RDFS, SKOS)" in blocks[1]
    assert "Tiedostot: shapes/dcat-ap-3/dcat-ap-SHACL.ttl, shapes/dcat-ap-3/ranges.ttl" in blocks[2]


def test_unreadable_inputs_exit_2_with_a_message(tmp_path: Path) -> None:
    empty = run(write(tmp_path, "empty.ttl", ""))
    assert empty.returncode == 2 and "the file is empty" in empty.stderr
    broken = run(write(tmp_path, "broken.ttl", "@prefix x: <\n"))
    assert broken.returncode == 2 and "broken.ttl:1:" in broken.stderr and "line 1" in broken.stderr
    unknown = write(tmp_path, "data.xyz", GOOD)
    result = run(unknown)
    assert result.returncode == 2 and "--input-format" in result.stderr
    assert run(unknown, "--input-format", "turtle").returncode == 0
    assert run(str(tmp_path / "missing.ttl")).returncode == 2
    assert run().returncode == 2
    profile = run(write(tmp_path, "good.ttl", GOOD), "--profile", "qskos")
    assert profile.returncode == 2 and "choose from kuntadigi, vocabulary, dcat-ap-3" in profile.stderr


def test_a_file_of_another_format_than_its_extension_says(tmp_path: Path) -> None:
    mislabelled = write(tmp_path, "catalogue.ttl",
                        '{"@id": "http://e/a", "http://purl.org/dc/terms/title": "x"}')
    result = run(mislabelled)
    assert result.returncode == 2
    assert "The content looks like JSON-LD, not Turtle: give its format as jsonld" in result.stderr
    assert run(mislabelled, "--input-format", "jsonld").returncode == 0


def test_a_200_mb_file_is_refused_at_once_with_what_to_do(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("wb") as handle:          # sparse: no disk used
        handle.truncate(200 * 1000 * 1000)
    result = run(str(big))
    assert result.returncode == 2
    assert "200.0 MB, more than the 134 MB" in result.stderr and "--max-bytes" in result.stderr


def test_too_many_triples_exit_2(tmp_path: Path) -> None:
    blanks = write(tmp_path, "blanks.ttl", "<http://e/a> <http://e/p> " + ", ".join(["[]"] * 3000) + " .")
    result = run(blanks, "--max-triples", "1000")
    assert result.returncode == 2 and "more than 1,000 triples" in result.stderr


def test_a_million_blank_nodes_exit_2_with_what_to_do(tmp_path: Path) -> None:
    million = write(tmp_path, "million.ttl",
                    "<http://e/a> <http://e/p> " + ", ".join(["[]"] * 1_000_000) + " .")
    result = run(million)
    assert result.returncode == 2 and result.stdout == ""
    assert "more than 500,000 triples" in result.stderr and "--max-triples" in result.stderr


def test_own_shapes_that_do_not_parse_exit_2(tmp_path: Path) -> None:
    data = write(tmp_path, "good.ttl", GOOD)
    shapes = write(tmp_path, "shapes.ttl", NOTATION_SHAPES.replace("sh:minCount 1 ;", "sh:minCount 1 ;;]"))
    result = run(data, "--shapes", shapes)
    assert result.returncode == 2
    assert f"{shapes}:4:" in result.stderr and "not valid Turtle" in result.stderr
    assert run(data, "--shapes", str(tmp_path / "none.ttl")).returncode == 2


def test_gzip_files_are_validated_like_the_files_inside(tmp_path: Path) -> None:
    plain = run(str(fixture("skos-defects.ttl")), "--profile", "vocabulary")
    packed_path = tmp_path / "skos-defects.ttl.gz"
    packed_path.write_bytes(gzip.compress(fixture("skos-defects.ttl").read_bytes()))
    packed = run(str(packed_path), "--profile", "vocabulary")
    assert packed.returncode == plain.returncode == 1
    assert packed.stdout.replace(str(packed_path), "F") == plain.stdout.replace(
        str(fixture("skos-defects.ttl")), "F")


def test_our_release_dump_as_nt_gz(tmp_path: Path) -> None:
    folder = write_release(tmp_path / "releases")
    result = run(str(folder / "data.nt.gz"), "--profile", "kuntadigi", "--format", "json")
    turtle = run(str(folder / "data.ttl"), "--profile", "kuntadigi", "--format", "json")
    assert result.returncode == turtle.returncode and result.stderr == ""
    packed, plain = json.loads(result.stdout), json.loads(turtle.stdout)
    assert packed["inputs"][0]["triples"] == plain["inputs"][0]["triples"] > 50
    assert packed["resources"] == plain["resources"]


def test_a_zip_bomb_exits_2_naming_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.nt.gz"
    bomb.write_bytes(gzip.compress(b"\x00" * (100 * 1000 * 1000), compresslevel=9))
    result = run(str(bomb), "--max-bytes", "5000000")
    assert result.returncode == 2 and result.stdout == ""
    assert "decompresses to more than 5,000,000 bytes" in result.stderr
    assert "(--max-bytes)" in result.stderr


def test_binary_files_exit_2_saying_what_they_are(tmp_path: Path) -> None:
    picture = tmp_path / "picture.ttl"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = run(str(picture))
    assert result.returncode == 2 and "a PNG file, not RDF text" in result.stderr
    escapes = tmp_path / "escapes.ttl"
    escapes.write_bytes(b'<http://e/a> <http://e/b> "\x1b[2J" ;\n')
    result = run(str(escapes))
    assert result.returncode == 2 and "\x1b" not in result.stderr
