from publisher.build.keys import slugify, unique_keys


def test_slug_folds_finnish_and_swedish_letters() -> None:
    assert slugify("Älykkäiden lomakkeiden käyttöönotto Åbo") == "alykkaiden-lomakkeiden-kayttoonotto-abo"


def test_slug_cuts_at_word_boundary() -> None:
    slug = slugify("Johtamisen ja talousohjauksen tietojärjestelmäkokonaisuus (JoTo-projekti)", 40)
    assert slug == "johtamisen-ja-talousohjauksen"
    assert len(slug) <= 40


def test_unique_keys_suffix_in_order_and_report() -> None:
    keys, clashes = unique_keys(["a", "b", "a", "a"])
    assert keys == ["a", "b", "a-2", "a-3"]
    assert clashes == [(2, "a", "a-2"), (3, "a", "a-3")]


def test_unique_keys_avoid_existing_suffix() -> None:
    keys, _ = unique_keys(["a", "a-2", "a"])
    assert len(set(keys)) == 3
