"""Municipality linking: turn a municipality name as written into its official code.

Source texts name municipalities in many shapes: the official Finnish or Swedish name
("Espoo", "Korsholm"), an inflected Finnish form ("Kuusamon", "Taivalkosken",
"Karkkilassa"), a name with a word for municipality or town ("Maalahden kunta",
"Lapinjärvi kunta", "Pargas stad", "Staden Jakobstad") or a typo ("Lapinahti").
Finnish consonant gradation makes parsing inflected forms by rule fragile, so the
index goes the other way: it *generates* candidate forms of every official name and
looks the written text up among them. Typos are matched last, by edit distance, and
reported as such so the caller can warn.

The reference list is `mappings/reference/municipalities.csv` (code, name_fi, name_sv,
region_fi) with the regions in `mappings/reference/regions.csv`; see PROVENANCE.md there.
Only the standard library is used.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from publisher.config import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "mappings/reference"
DEFAULT_PATH = REFERENCE_DIR / "municipalities.csv"
DEFAULT_REGIONS_PATH = REFERENCE_DIR / "regions.csv"

#: Words that follow a name and say "municipality"/"town" ("Kuusamon kaupunki").
SUFFIX_WORDS = frozenset({"kunta", "kaupunki", "stad", "kommun", "kunnan", "kaupungin"})
#: Words that precede a name with the same meaning ("Staden Jakobstad").
PREFIX_WORDS = frozenset({"staden", "kommunen"})
#: Methods in order of trust; "near-miss" should always be reported to a person.
METHODS = ("exact", "swedish", "inflected", "suffixed", "near-miss")

#: Genitive of common last parts of compound names, where gradation or the e-stem
#: makes the simple "+n" wrong (Kalajoki → Kalajoen, Lahti → Lahden).
_COMPOUND_GENITIVES: tuple[tuple[str, str], ...] = (
    ("kaupunki", "kaupungin"),
    ("järvi", "järven"),
    ("joki", "joen"),
    ("lahti", "lahden"),
    ("niemi", "niemen"),
    ("saari", "saaren"),
    ("mäki", "mäen"),
    ("koski", "kosken"),
    ("salmi", "salmen"),
    ("vesi", "veden"),
    ("lampi", "lammen"),
    ("ranta", "rannan"),
    ("virta", "virran"),
    ("harju", "harjun"),
)
#: Strong → weak consonant grade at the end of a stem (Turku → Turun, Hanko → Hangon).
_GRADATION: tuple[tuple[str, str], ...] = (
    ("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("nt", "nn"),
    ("lt", "ll"), ("rt", "rr"), ("ht", "hd"), ("rk", "r"), ("lk", "l"),
)
_VOWELS = "aeiouyäöå"
#: Local cases formed from the genitive stem (Karkkila-n → Karkkila-ssa, -lla, -sta …).
_LOCAL_CASE_ENDINGS = ("ssa", "ssä", "lla", "llä", "sta", "stä", "lta", "ltä", "lle")
#: Near misses: the greatest edit distance accepted, and the shortest name compared.
NEAR_MISS_DISTANCE = 2
NEAR_MISS_MIN_LENGTH = 5
#: How many written texts an index remembers the answer for. Texts repeat (the same
#: partner and contact names in record after record), so a small bounded memory saves
#: most lookups without growing with the document.
RESOLVE_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Region:
    code: str
    name_fi: str
    name_sv: str


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str
    region_code: str | None
    region_fi: str | None
    region_sv: str | None


@dataclass(frozen=True)
class Resolution:
    """A written name linked to a municipality, with how it was recognised."""

    code: str
    name_fi: str
    name_sv: str
    region_code: str | None
    region_fi: str | None
    region_sv: str | None
    method: str
    matched_text: str

    @property
    def is_near_miss(self) -> bool:
        return self.method == "near-miss"


def fold(text: str) -> str:
    """Case- and space-insensitive comparison key (keeps å, ä, ö: they distinguish names)."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def _weak_grade(stem: str) -> str | None:
    """The stem with its last consonant cluster in the weak grade, if it has one."""
    for strong, weak in _GRADATION:
        if stem.endswith(strong):
            return stem[: -len(strong)] + weak
    if len(stem) >= 2 and stem[-2] in _VOWELS:
        if stem[-1] == "k":
            return stem[:-1]
        if stem[-1] == "t":
            return stem[:-1] + "d"
        if stem[-1] == "p":
            return stem[:-1] + "v"
    return None


def finnish_genitives(name: str) -> set[str]:
    """Candidate genitive forms of a Finnish place name (deliberately generous).

    Generating a few wrong candidates costs nothing (nobody writes them); missing the
    right one loses a link. Hyphenated names inflect their last part
    (Mänttä-Vilppula → Mänttä-Vilppulan); "Uusi-" compounds inflect both parts.
    """
    if "-" in name:
        head, _, tail = name.rpartition("-")
        return {f"{head}-{form}" for form in finnish_genitives(tail)}
    forms: set[str] = set()
    lower = name.lower()
    if lower.startswith("uusi") and len(name) > 6:
        forms |= {"Uuden" + form.lower() for form in finnish_genitives(name[4:])}
    for ending, genitive in _COMPOUND_GENITIVES:
        if lower.endswith(ending):
            forms.add(name[: -len(ending)] + genitive)
            return forms
    if lower.endswith("nen"):
        forms |= {name[:-3] + "sen", name[:-3] + "sten"}
    elif lower.endswith(("us", "ys")):
        forms |= {name[:-1] + "den", name[:-1] + "ksen"}
    elif lower.endswith("es"):
        forms.add(name[:-1] + "ksen")
    elif lower.endswith(("as", "äs")):
        vowel = name[-2]
        stem = name[:-2]
        strong = stem[:-1] + "t" if stem.endswith("d") else stem
        forms |= {stem + vowel + vowel + "n", strong + vowel + vowel + "n"}
    elif lower[-1:] == "e":
        forms |= {name + "en", name + "n"}
    elif lower[-1:] == "i":
        stem = name[:-1]
        forms |= {name + "n", stem + "en"}
        weak = _weak_grade(stem)
        if weak is not None:
            forms |= {weak + "in", weak + "en"}
    elif lower[-1:] in _VOWELS:
        forms.add(name + "n")
        if len(lower) >= 2 and lower[-2] not in _VOWELS:
            weak = _weak_grade(name[:-1])
            if weak is not None:
                forms.add(weak + name[-1] + "n")
    return forms


def local_case_forms(genitive: str) -> set[str]:
    """Inessive, adessive, elative, ablative and allative built on a genitive stem."""
    if not genitive.endswith("n") or genitive.endswith("sten"):
        return set()
    stem = genitive[:-1]
    return {stem + ending for ending in _LOCAL_CASE_ENDINGS}


def deletion_variants(word: str, depth: int) -> set[str]:
    """The word with up to `depth` characters deleted, the word itself included.

    Two strings within edit distance d (insertions, deletions, substitutions, adjacent
    swaps) always share a variant with at most d deletions from each, so comparing
    variants finds every candidate for a near miss without measuring all names.
    """
    variants = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        variants |= frontier
    return variants


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (adjacent swaps count 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (previous2 is not None and i > 1 and j > 1 and ca == b[j - 2]
                    and a[i - 2] == cb):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class MunicipalityIndex:
    """All municipalities of the reference list, looked up by code or by written name."""

    def __init__(self, municipalities: list[Municipality], regions: list[Region]) -> None:
        self._by_code = {m.code: m for m in municipalities}
        self.regions: dict[str, Region] = {r.code: r for r in regions}
        self._regions_by_name = {fold(n): r for r in regions for n in (r.name_fi, r.name_sv)}
        # form (folded) → {code: method}; a form that names two places is not used.
        self._forms: dict[str, dict[str, str]] = {}
        self._base_names: dict[str, set[str]] = {}
        for m in municipalities:
            self._index_municipality(m)
        self._variants: dict[str, set[str]] | None = None     # built on the first near miss
        self._resolved: dict[str, Resolution | None] = {}

    # -- construction -------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None, regions_path: Path | None = None) -> "MunicipalityIndex":
        """Read the CSV files (default: the project's reference data)."""
        path = Path(path) if path else DEFAULT_PATH
        regions_path = Path(regions_path) if regions_path else path.parent / "regions.csv"
        regions: list[Region] = []
        if regions_path.exists():
            with regions_path.open(encoding="utf-8", newline="") as handle:
                regions = [Region(row["code"], row["name_fi"], row["name_sv"])
                           for row in csv.DictReader(handle)]
        by_name = {r.name_fi: r for r in regions}
        municipalities = []
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                region = by_name.get(row.get("region_fi") or "")
                municipalities.append(Municipality(
                    code=row["code"].strip().zfill(3), name_fi=row["name_fi"].strip(),
                    name_sv=(row.get("name_sv") or row["name_fi"]).strip(),
                    region_code=region.code if region else None,
                    region_fi=row.get("region_fi") or None,
                    region_sv=region.name_sv if region else None))
        return cls(municipalities, regions)

    def _add(self, form: str, code: str, method: str) -> None:
        entry = self._forms.setdefault(fold(form), {})
        if code not in entry or METHODS.index(method) < METHODS.index(entry[code]):
            entry[code] = method

    def _index_municipality(self, m: Municipality) -> None:
        finnish_bases = {m.name_fi}
        # "Koski Tl": the tag after the name only disambiguates; "Koski" is the name.
        if " " in m.name_fi:
            first, _, rest = m.name_fi.partition(" ")
            if rest.casefold() in SUFFIX_WORDS:        # "Pedersören kunta"
                finnish_bases = {m.name_sv}
                self._add(first, m.code, "inflected")
            else:
                finnish_bases = {first}
                self._add(first, m.code, "exact")
        self._add(m.name_fi, m.code, "exact")
        self._add(m.name_sv, m.code, "exact" if m.name_sv == m.name_fi else "swedish")
        self._base_names[m.code] = {fold(n) for n in (m.name_fi, m.name_sv, *finnish_bases)}
        for base in finnish_bases:
            for genitive in finnish_genitives(base):
                self._add(genitive, m.code, "inflected")
                for form in local_case_forms(genitive):
                    self._add(form, m.code, "inflected")
        if not m.name_sv.endswith("s"):
            self._add(m.name_sv + "s", m.code, "inflected")

    # -- lookups ------------------------------------------------------------------
    def __iter__(self) -> Iterator[Municipality]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def by_code(self, code: str | int) -> Municipality | None:
        """The municipality with this code ("49", 49 and "049" all work)."""
        return self._by_code.get(str(code).strip().zfill(3))

    def region(self, code: str | int) -> Region | None:
        return self.regions.get(str(code).strip().zfill(2))

    def region_by_name(self, name: str) -> Region | None:
        """A region by its Finnish or Swedish name."""
        return self._regions_by_name.get(fold(name))

    def region_of(self, code: str | int) -> Region | None:
        """The region a municipality belongs to."""
        m = self.by_code(code)
        return self.region(m.region_code) if m and m.region_code else None

    def _resolution(self, code: str, method: str, matched: str) -> Resolution:
        m = self._by_code[code]
        return Resolution(code=m.code, name_fi=m.name_fi, name_sv=m.name_sv,
                          region_code=m.region_code, region_fi=m.region_fi,
                          region_sv=m.region_sv, method=method, matched_text=matched)

    def _lookup_form(self, text: str) -> tuple[str, str] | None:
        """(code, method) for a generated form, if exactly one municipality has it."""
        entry = self._forms.get(fold(text))
        if not entry:
            return None
        if len(entry) == 1:
            return next(iter(entry.items()))
        exact = [(c, meth) for c, meth in entry.items() if meth in ("exact", "swedish")]
        return exact[0] if len(exact) == 1 else None

    def _near_miss(self, text: str) -> str | None:
        """Code of the unique closest official name (five letters or more) at distance 1–2."""
        key = fold(text)
        if len(key) < NEAR_MISS_MIN_LENGTH or " " in key:
            return None
        best: dict[int, set[str]] = {}
        for code in self._near_miss_candidates(key):
            long_names = [name for name in self._base_names[code]
                          if len(name) >= NEAR_MISS_MIN_LENGTH]
            distance = min(edit_distance(key, name, NEAR_MISS_DISTANCE) for name in long_names)
            if distance <= NEAR_MISS_DISTANCE:
                best.setdefault(distance, set()).add(code)
        for distance in range(1, NEAR_MISS_DISTANCE + 1):
            codes = best.get(distance)
            if codes:
                return next(iter(codes)) if len(codes) == 1 else None
        return None

    def _near_miss_candidates(self, key: str) -> set[str]:
        """Codes with a long name that shares a deletion variant with the key."""
        if self._variants is None:
            self._variants = {}
            for code, names in self._base_names.items():
                for name in names:
                    if len(name) >= NEAR_MISS_MIN_LENGTH:
                        for variant in deletion_variants(name, NEAR_MISS_DISTANCE):
                            self._variants.setdefault(variant, set()).add(code)
        codes: set[str] = set()
        for variant in deletion_variants(key, NEAR_MISS_DISTANCE):
            codes |= self._variants.get(variant, set())
        return codes

    def resolve(self, text: str) -> Resolution | None:
        """Link a written name to a municipality, or None if it is not one.

        Tries, in order: an exact official name, a Swedish name, a generated inflected
        form, the same with a word such as "kunta"/"stad" around it, and last a near
        miss (edit distance 1–2 on single words of at least five letters). Anything
        else — a joint authority, a company, a regional council — gives None.
        """
        if text in self._resolved:
            return self._resolved[text]
        if len(self._resolved) >= RESOLVE_CACHE_SIZE:
            self._resolved.clear()
        resolution = self._resolve(text)
        self._resolved[text] = resolution
        return resolution

    def _resolve(self, text: str) -> Resolution | None:
        """`resolve` without the memory."""
        if not text:
            return None
        cleaned = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip(" \t.,;:")
        if not cleaned:
            return None
        found = self._lookup_form(cleaned)
        if found:
            return self._resolution(found[0], found[1], cleaned)
        words = cleaned.split(" ")
        base: str | None = None
        if len(words) >= 2 and words[-1].casefold() in SUFFIX_WORDS:
            base = " ".join(words[:-1])
        elif len(words) >= 2 and words[0].casefold() in PREFIX_WORDS:
            base = " ".join(words[1:])
        if base is not None:
            found = self._lookup_form(base)
            if found:
                return self._resolution(found[0], "suffixed", cleaned)
            code = self._near_miss(base)
            return self._resolution(code, "near-miss", cleaned) if code else None
        code = self._near_miss(cleaned)
        return self._resolution(code, "near-miss", cleaned) if code else None

    def form_collisions(self) -> dict[str, list[str]]:
        """Generated forms shared by several municipalities (for checking the rules)."""
        return {form: sorted(codes) for form, codes in self._forms.items() if len(codes) > 1}


_DEFAULT_INDEX: MunicipalityIndex | None = None


def default_index() -> MunicipalityIndex:
    """The project's index, loaded once."""
    global _DEFAULT_INDEX
    if _DEFAULT_INDEX is None:
        _DEFAULT_INDEX = MunicipalityIndex.load()
    return _DEFAULT_INDEX


def load(path: Path | None = None) -> MunicipalityIndex:
    """Module-level shortcut for MunicipalityIndex.load()."""
    return MunicipalityIndex.load(path)
