from pathlib import Path

from publisher.config import load_settings


def test_defaults_without_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert settings.base_uri == "https://data.kuntadigi.example/"
    assert settings.store_url == "embedded"
    assert settings.limits.allow_service is False


def test_project_file_registers_the_five_sources() -> None:
    settings = load_settings(environ={})
    names = sorted(s.path.name for s in settings.sources)
    assert len(names) == 5 and names[-1].startswith("004_")
    assert {s.extractor for s in settings.sources} == {"catalogue", "page"}
    assert all(s.path.exists() for s in settings.sources)


def test_environment_overrides(tmp_path: Path) -> None:
    settings = load_settings(environ={
        "PUBLISHER_BASE_URI": "https://data.example.fi",
        "PUBLISHER_PUBLISH_PERSON_NAMES": "false",
        "PUBLISHER_LIMITS_RESULT_LIMIT": "5",
        "PUBLISHER_RELEASES_DIR": str(tmp_path),
    })
    assert settings.base_uri == "https://data.example.fi/"
    assert settings.publish_person_names is False
    assert settings.limits.result_limit == 5
    assert settings.releases_dir == tmp_path
