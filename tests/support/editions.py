"""Three editions of the source texts, as the next catalogue editions would be written, and the
chain of releases built from them.

Edition A is the bundled texts. Edition B edits copies of them the way a new catalogue edition
would: a project's title corrected, a project ended, a partner municipality added, a contact
removed, one project removed and two added, a paragraph of a Swedish page reworded. Edition C
edits B a little more: another title corrected and one of B's new projects removed again.

`build_chain` builds the editions in order into one releases folder, so each release carries
the changeset against the one before it. The constants name what changed, so tests can assert
by IRI. Every edit checks that the text it changes is there exactly once: when the bundled texts
change, the scenario fails loudly instead of silently editing nothing.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import publisher.build.pipeline as pipeline
from publisher.config import PROJECT_ROOT, Settings, load_settings
from publisher.release.publish import build_release

EDITIONS = ("A", "B", "C")
BUNDLED = PROJECT_ROOT / "mappings" / "sources"
CATALOGUE = "004_f0ab20c46da3f21c.txt"
SWEDISH_PAGE = "000_a99be5f9b8218adf.txt"
#: the build time of each edition when the clock is pinned (one month apart)
CLOCK = {"A": datetime(2026, 1, 1, tzinfo=timezone.utc),
         "B": datetime(2026, 2, 1, tzinfo=timezone.utc),
         "C": datetime(2026, 3, 1, tzinfo=timezone.utc)}

BASE = "https://data.kuntadigi.example/"
PROJECT = BASE + "id/project/"
ORGANISATION = BASE + "id/organisation/"
KD = BASE + "def/"

# --- edition B -----------------------------------------------------------------------------
#: a title corrected (the key registry keeps the project's key: same lead and number)
RETITLED = ("5. Länsi-Uudenmaan Hyvinvointitieto\n", "5. Länsi-Uudenmaan hyvinvointitieto\n")
RETITLED_IRI = PROJECT + "lansi-uudenmaan-hyvinvointitieto"
RETITLED_TITLES = ("Länsi-Uudenmaan Hyvinvointitieto", "Länsi-Uudenmaan hyvinvointitieto")
#: a status line added after the title: the project has ended
ENDED = "2. Kuntien eVaka\n"
ENDED_IRI = PROJECT + "kuntien-evaka"
STATUS_ONGOING, STATUS_ENDED = BASE + "id/status/ongoing", BASE + "id/status/ended"
#: a partner municipality added to a project's partner line
PARTNER_LINE = ("Muut kunnat: Orimattila, Kärkölä\n",
                "Muut kunnat: Orimattila, Kärkölä ja Hollola\n")
PARTNER_PROJECT_IRI = PROJECT + "digiturvalla-tulevaan"
PARTNER_IRI = ORGANISATION + "098"                      # Hollola in the municipality code list
#: the last of the contact lines of a project with several contacts removed
CONTACT_PROJECT_TITLE = "Ei tuurilla vaan tiedolla\n"
CONTACT_PROJECT_NEXT = "1. Kaupunki taskussa\n"         # the record that follows it
CONTACT_PROJECT_IRI = PROJECT + "ei-tuurilla-vaan-tiedolla"
#: a project removed: from its title line to the next record's numbered title
REMOVED = ("3. Kuntien rakennetun", "4.")
REMOVED_IRI = PROJECT + "kuntien-rakennetun-ympariston-infraomaisuuden-hallinnan"
#: two projects added after the last of their lead's numbered records (Espoo's 5.), before the
#: next record's title; the lead is read from the numbering, the contact is a web address
ADDED_BEFORE = ("Kunnan taloushallinnon prosessien automatisointi ja sisäisen laskennan "
                "kehittäminen\n")
ADDED_RECORDS = (
    "6. Kuntien avoimen datan rajapintojen yhteiskehittäminen\n"
    "Hankkeessa kehitetään kuntien yhteisiä avoimen datan rajapintoja ja julkaistaan niiden "
    "kuvaukset koneluettavassa muodossa. Tavoitteena on, että kunnan tiedot löytyvät samasta "
    "paikasta ja samassa muodossa kuntarajoista riippumatta.\n"
    "Muut kunnat: Vantaa\n"
    "Lisätietoja\n"
    "www.espoo.fi\n",
    "7. Sähköisen asioinnin palvelukanavien yhtenäistäminen\n"
    "Hankkeessa yhtenäistetään kaupungin sähköisen asioinnin palvelukanavat ja kootaan "
    "asiointipalvelut yhden tunnistautumisen taakse.\n"
    "Lisätietoja\n"
    "www.espoo.fi\n",
)
ADDED_TITLES = ("Kuntien avoimen datan rajapintojen yhteiskehittäminen",
                "Sähköisen asioinnin palvelukanavien yhtenäistäminen")
ADDED_IRIS = (PROJECT + "kuntien-avoimen-datan-rajapintojen-yhteiskehittaminen",
              PROJECT + "sahkoisen-asioinnin-palvelukanavien-yhtenaistaminen")
ADDED_PARTNER_IRI = ORGANISATION + "092"                # Vantaa, the first new project's partner
#: a paragraph of a Swedish page reworded: the page's first paragraph, its description
SWEDISH_PARAGRAPH = (
    "Digitaliseringen ger kommunerna en möjlighet att bevara sin funktionsförmåga",
    "Digitaliseringen ger kommunerna en chans att värna om sin funktionsförmåga")
SWEDISH_DOCUMENT_IRI = BASE + "id/document/000-a99be5f9b8218adf"

# --- edition C -----------------------------------------------------------------------------
RETITLED_C = ("2. Kaupunki omadataoperaattorina\n", "2. Kaupunki omadata-operaattorina\n")
RETITLED_C_IRI = PROJECT + "kaupunki-omadataoperaattorina"
RETITLED_C_TITLES = ("Kaupunki omadataoperaattorina", "Kaupunki omadata-operaattorina")
#: the second of B's added projects, removed again in C
REMOVED_C_IRI = ADDED_IRIS[1]


def _replace_once(text: str, old: str, new: str, where: str) -> str:
    count = text.count(old)
    assert count == 1, f"{where}: expected {old!r} once, found it {count} times"
    return text.replace(old, new)


def _line_index(lines: list[str], line: str, where: str, after: int = -1) -> int:
    """The index of the one line equal to `line` (without its newline) after `after`."""
    found = [n for n, text in enumerate(lines) if n > after and text == line.rstrip("\n")]
    assert len(found) == 1, f"{where}: expected the line {line!r} once, found {len(found)}"
    return found[0]


def _edit_b_catalogue(text: str) -> str:
    text = _replace_once(text, *RETITLED, CATALOGUE)
    text = _replace_once(text, ENDED, ENDED + "HANKE ON PÄÄTTYNYT.\n", CATALOGUE)
    text = _replace_once(text, *PARTNER_LINE, CATALOGUE)
    text = _replace_once(text, ADDED_BEFORE, "".join(ADDED_RECORDS) + ADDED_BEFORE, CATALOGUE)
    lines = text.split("\n")
    title = _line_index(lines, CONTACT_PROJECT_TITLE, CATALOGUE)
    following = _line_index(lines, CONTACT_PROJECT_NEXT, CATALOGUE, after=title)
    last_contact = following - 1
    marker = lines.index("Lisätietoja", title)
    assert title < marker < last_contact - 1, "the record lists more than one contact"
    assert ", " in lines[last_contact], "the removed line is a contact line (name, organisation)"
    del lines[last_contact]
    starts = [n for n, line in enumerate(lines) if line.startswith(REMOVED[0])]
    assert len(starts) == 1, f"{CATALOGUE}: the removed project's title once"
    end = next(n for n, line in enumerate(lines) if n > starts[0] and line.startswith(REMOVED[1]))
    del lines[starts[0]:end]
    return "\n".join(lines)


def _edit_b_page(text: str) -> str:
    return _replace_once(text, *SWEDISH_PARAGRAPH, SWEDISH_PAGE)


def _edit_c_catalogue(text: str) -> str:
    text = _replace_once(text, *RETITLED_C, CATALOGUE)
    return _replace_once(text, ADDED_RECORDS[1], "", CATALOGUE)


#: each edition: the one it starts from and its edits, by file name
_EDITS: dict[str, tuple[str, dict[str, Callable[[str], str]]]] = {
    "B": ("A", {CATALOGUE: _edit_b_catalogue, SWEDISH_PAGE: _edit_b_page}),
    "C": ("B", {CATALOGUE: _edit_c_catalogue}),
}


def edition_sources(root: Path, edition: str) -> Path:
    """The folder of texts of `edition`: the bundled texts for "A"; for "B" and "C" a folder
    under `root` with the edition's edits applied to copies of the previous edition's texts
    (written once, reused when already there)."""
    if edition == "A":
        return BUNDLED
    if edition not in _EDITS:
        raise ValueError(f"unknown edition {edition!r}; known: {', '.join(EDITIONS)}")
    target = root / f"sources-{edition}"
    if target.is_dir():
        return target
    previous, edits = _EDITS[edition]
    partial = root / f"sources-{edition}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(edition_sources(root, previous), partial)
    for name, edit in edits.items():
        path = partial / name
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    partial.rename(target)
    return target


def settings_for(root: Path, edition: str) -> Settings:
    """Settings that read `edition`'s texts and write into `root/releases`."""
    base = load_settings(environ={})
    settings = replace(base, releases_dir=root / "releases", data_dir=root / "data")
    if edition == "A":
        return settings
    texts = edition_sources(root, edition)
    return replace(settings, sources=tuple(replace(s, path=texts / s.path.name)
                                           for s in settings.sources))


def pin_clock(monkeypatch, when: datetime) -> None:
    """The build time written into the build graph, fixed (the one thing that differs
    between two builds of the same texts)."""
    class Pinned(datetime):
        @classmethod
        def now(cls, tz=None):
            return when

    monkeypatch.setattr(pipeline, "datetime", Pinned)


def build_chain(root: Path, editions: Iterable[str] = EDITIONS, monkeypatch=None,
                clock: dict[str, datetime] | None = None,
                notice: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Build `editions` in order into `root/releases`, each release chained to the one before;
    with a monkeypatch, each build's time is pinned to its date in `clock` (default `CLOCK`).
    Returns the release folder of each edition."""
    clock = CLOCK if clock is None else clock
    releases: dict[str, Path] = {}
    for edition in editions:
        if monkeypatch is not None:
            pin_clock(monkeypatch, clock[edition])
        releases[edition] = build_release(settings_for(root, edition), notice=notice).path
    return releases


@dataclass(frozen=True)
class Editions:
    """Editions A and B built into one releases folder (the two-edition form of the chain)."""

    settings: Settings          # pointing at B's texts
    a: Path
    b: Path


def build_editions(root: Path, monkeypatch=None, notices: list[str] | None = None) -> Editions:
    """Edition A from the bundled texts, then B from edited copies, into `root/releases`."""
    say = notices.append if notices is not None else None
    built = build_chain(root, ("A", "B"), monkeypatch, notice=say)
    return Editions(settings_for(root, "B"), built["A"], built["B"])


def chain_without_first(chain: dict[str, Path], root: Path) -> Path:
    """A releases folder under `root` with B and C only (`latest` → C): the chain after
    `release.keep` removed A."""
    releases = root / "releases"
    releases.mkdir()
    for edition in ("B", "C"):
        shutil.copytree(chain[edition], releases / chain[edition].name)
    (releases / "latest").symlink_to(chain["C"].name)
    return releases
