"""The merge stage: its rules on small candidate lists, and the real rules file."""
from __future__ import annotations

from pathlib import Path

from publisher.config import PROJECT_ROOT
from publisher.build.merge import PROGRAMME, Candidate, load_merge_rules, merge

RULES = """
version = "1"
generic_words = ["kuntien", "projektet", "natverket", "i", "som", "en"]
min_shared_word = 5
max_word_frequency = 3
[[rules]]
id = "same-core-name"
[[rules]]
id = "catalogue-records-are-distinct"
extractor = "catalogue"
[[same]]
id = "kopa"
names = ["KOPA", "Utbildning som en tjänst"]
reason = "the page says so"
[[same]]
id = "scheme"
names = ["Incitamentssystemet"]
canonical = "programme"
[[different]]
id = "two-trainings"
names = ["Utbildning som en tjänst", "Utbildning i digitalt stöd"]
reason = "different things"
"""


def candidate(position: int, index: int, name: str, extractor: str = "page", line: int = 1,
              *more: str) -> Candidate:
    return Candidate((position, index), f"{position:03d}.txt", extractor, name, (name, *more),
                     line, line)


def rules(tmp_path: Path):
    path = tmp_path / "merge.toml"
    path.write_text(RULES, encoding="utf-8")
    return load_merge_rules(path)


def test_core_names_drop_generic_words_and_fold(tmp_path: Path) -> None:
    r = rules(tmp_path)
    assert r.core("Kuntien eVaka") == r.core("eVaka") == "evaka"
    assert r.core("Nätverket Gemensamma digitala lösningar") == "gemensamma digitala losningar"


def test_same_core_name_merges_across_sources_into_the_catalogue_record(tmp_path: Path) -> None:
    catalogue = candidate(1, 2, "Kuntien eVaka", "catalogue", 19)
    page = candidate(0, 31, "eVaka", "page", 196)
    result = merge([page, catalogue], rules(tmp_path))
    assert result.canonical[page.id] == catalogue.id == result.canonical[catalogue.id]
    assert result.is_secondary(page.id) and not result.is_secondary(catalogue.id)
    [decision] = result.merged()
    assert decision["rules"] == ["same-core-name"]
    assert decision["into"]["name"] == "Kuntien eVaka"


def test_catalogue_records_with_equal_names_stay_apart_and_are_reported(tmp_path: Path) -> None:
    a = candidate(0, 1, "Tiedolla johtaminen", "catalogue", 151)
    b = candidate(0, 9, "Tiedolla johtaminen", "catalogue", 434)
    result = merge([a, b], rules(tmp_path))
    assert not result.merged()
    [decision] = result.not_merged()
    assert "catalogue-records-are-distinct" in decision["reason"]


def test_explicit_same_different_and_programme(tmp_path: Path) -> None:
    network = candidate(0, 7, "Utbildning som en tjänst", "page", 43)
    kopa = candidate(0, 32, "KOPA", "page", 197)
    training = candidate(2, 3, "Utbildning i digitalt stöd", "page", 13)
    scheme = candidate(0, 13, "Incitamentssystemet", "page", 97)
    mention = candidate(3, 3, "Incitamentssystemet", "page", 22)
    result = merge([network, kopa, training, scheme, mention], rules(tmp_path))
    assert result.canonical[kopa.id] == network.id
    assert result.canonical[scheme.id] == PROGRAMME == result.canonical[mention.id]
    assert result.canonical[training.id] == training.id
    apart = [d for d in result.not_merged() if "two-trainings" in d["reason"]]
    assert apart and "utbildning" in apart[0]["considered_because"]


def test_the_real_rules_file_loads() -> None:
    real = load_merge_rules(PROJECT_ROOT / "mappings" / "merge-rules.toml")
    assert "catalogue" in real.distinct_extractors
    assert any(rule.canonical == PROGRAMME for rule in real.same)


# ------------------------------------------------------------------ indexed pairs = every pair

def every_pair(candidates: list[Candidate], r) -> tuple[list, dict]:
    """The merge as it was first written, comparing every pair of candidates: the decisions
    and the canonical records the indexed stage must give, exactly."""
    cores = {c.id: {r.core(n) for n in c.names if r.core(n)} for c in candidates}
    parent = {c.id: c.id for c in candidates}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    def named(names, c):
        return next((n for n in names if r.core(n) in cores[c.id]), None)

    def apart(a, b):
        return next((rule for rule in r.different
                     if named(rule.names, a) and named(rule.names, b)
                     and named(rule.names, a) != named(rule.names, b)), None)

    def join(a, b):
        ra, rb = sorted((find(a), find(b)))
        parent[rb] = ra

    for rule in r.same:
        members = [c for c in candidates if named(rule.names, c)]
        for other in members[1:]:
            if not apart(members[0], other):
                join(members[0].id, other.id)
    def distinct(a, b):
        return a.extractor == b.extractor and a.extractor in r.distinct_extractors

    ordered = sorted(candidates, key=lambda c: c.id)
    decisions = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if cores[a.id] & cores[b.id]:
                if apart(a, b) or distinct(a, b):
                    decisions.append(("equal core names", a.id, b.id))
                else:
                    join(a.id, b.id)
    words = {c.id: {w for n in c.names for w in r.core(n).split() if len(w) >= r.min_shared_word}
             for c in ordered}
    frequency = {}
    for ws in words.values():
        for w in ws:
            frequency[w] = frequency.get(w, 0) + 1
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if find(a.id) == find(b.id) or distinct(a, b):
                continue
            shared = sorted(w for w in words[a.id] & words[b.id] if frequency[w] <= r.max_word_frequency)
            if shared:
                decisions.append(("shared word " + ", ".join(f"'{w}'" for w in shared), a.id, b.id))
    return decisions, {c.id: find(c.id) for c in candidates}


def random_candidates(seed: int, count: int) -> list[Candidate]:
    """Names drawn from a few words, so that names and words are shared often."""
    import random

    rng = random.Random(seed)
    vocabulary = ["Kuntien", "eVaka", "Utbildning", "som", "en", "tjänst", "KOPA", "digitaalinen",
                  "Incitamentssystemet", "projektet", "kirjasto", "tiedolla", "johtaminen",
                  "Nätverket", "palvelut", "sähköiset", "Digione", "stöd", "i", "digitalt"]
    out = []
    for n in range(count):
        name = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 3)))
        extractor = rng.choice(["catalogue", "page", "page"])
        more = tuple(" ".join(rng.choice(vocabulary) for _ in range(2)) for _ in range(rng.randint(0, 1)))
        out.append(candidate(rng.randint(0, 4), n, name, extractor, n + 1, *more))
    rng.shuffle(out)
    return out


def test_comparing_indexed_pairs_decides_as_comparing_every_pair(tmp_path: Path) -> None:
    for r in (rules(tmp_path), load_merge_rules(PROJECT_ROOT / "mappings" / "merge-rules.toml")):
        for seed in range(6):
            found = random_candidates(seed, 120)
            result = merge(found, r)
            decisions, roots = every_pair(found, r)
            assert [(d["considered_because"], *[(m["document"], m["lines"]) for m in d["members"]])
                    for d in result.not_merged()] == [
                (why, *[(f"{p:03d}.txt", str(i + 1)) for p, i in (a, b)]) for why, a, b in decisions]
            assert partition(result.canonical) == partition(roots)


def partition(owner: dict) -> set[frozenset]:
    """The groups of candidates that are one thing, whatever each group is called."""
    groups: dict = {}
    for member, group in owner.items():
        groups.setdefault(group, set()).add(member)
    return {frozenset(g) for g in groups.values()}
