"""publisher.shacl.profiles: the profiles of shapes/profiles.toml and their shapes."""
from __future__ import annotations

from dataclasses import replace

import pytest

from publisher.shacl import UnreadableInput, load_profiles, profile_shapes, shapes_graph

def test_every_profile_has_files_a_title_and_a_description_in_three_languages(project_settings) -> None:
    profiles = load_profiles(project_settings)
    assert list(profiles) == ["kuntadigi", "vocabulary", "dcat-ap-3", "dcat-ap-2.1.1",
                              "catalogue-check"]
    for profile in profiles.values():
        assert all((project_settings.shapes_dir / name).is_file() for name in profile.files)
        for lang in ("fi", "sv", "en"):
            assert profile.titles[lang] and len(profile.descriptions[lang]) > 40
        assert len(set(profile.descriptions.values())) == 3      # really translated
        if profile.is_check:          # the catalogue check: the profiles it runs, no shapes
            assert profile.runs and all(not profiles[run].is_check for run in profile.runs)
            continue
        assert len(profile_shapes(project_settings, profile.name)) > 50


def test_an_unknown_profile_is_refused_with_the_choices(project_settings) -> None:
    with pytest.raises(UnreadableInput, match="choose from kuntadigi, vocabulary, dcat-ap-3"):
        shapes_graph(project_settings, ["qskos"])


def test_the_shapes_of_a_profile_follow_the_base_uri(project_settings) -> None:
    other = replace(project_settings, base_uri="https://data.example.fi/")
    subjects = {str(s) for s in profile_shapes(other, "kuntadigi").subjects()}
    assert any(s.startswith("https://data.example.fi/def/shapes/") for s in subjects)
    assert not any(s.startswith("https://data.kuntadigi.example/") for s in subjects)
