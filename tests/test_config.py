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


def test_a_file_elsewhere_uses_the_bundled_rules_and_its_own_paths(tmp_path: Path) -> None:
    from publisher.config import PROJECT_ROOT

    (tmp_path / "text.txt").write_text("x\n", encoding="utf-8")
    config = tmp_path / "publisher.toml"
    config.write_text('releases_dir = "out"\n[[sources]]\npath = "text.txt"\n'
                      'extractor = "catalogue"\n', encoding="utf-8")
    settings = load_settings(config, environ={})
    assert settings.root == PROJECT_ROOT
    assert (settings.mappings_dir / "catalogue.mapping.toml").exists()
    assert settings.sources[0].path == tmp_path / "text.txt"
    assert settings.releases_dir == tmp_path / "out"


def test_a_file_beside_its_own_mappings_or_naming_a_root_uses_them(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    config = tmp_path / "publisher.toml"
    config.write_text("", encoding="utf-8")
    assert load_settings(config, environ={}).root == tmp_path
    (tmp_path / "site").mkdir()
    other = tmp_path / "site" / "publisher.toml"
    other.write_text('root = ".."\n', encoding="utf-8")
    assert load_settings(other, environ={}).root == tmp_path


def test_environment_values_take_the_type_of_the_default(tmp_path):
    """`query_timeout_seconds = 30` in the file is an int, but the setting is a float: an
    override of 2.5 must not fail to parse (it crashed `build` and `serve`)."""
    config = tmp_path / "publisher.toml"
    config.write_text("[limits]\nquery_timeout_seconds = 30\nresult_limit = 5\n")
    settings = load_settings(config, {"PUBLISHER_LIMITS_QUERY_TIMEOUT_SECONDS": "2.5",
                                      "PUBLISHER_LIMITS_RESULT_LIMIT": "7"})
    assert settings.limits.query_timeout_seconds == 2.5
    assert settings.limits.result_limit == 7


def test_the_store_table_and_its_credentials_from_the_environment_only(tmp_path):
    """`[store]` names the store and may replace its preset's URLs; the credentials come
    from PUBLISHER_STORE_USER / PUBLISHER_STORE_PASSWORD only (a file's are not read) and
    never show in the settings' repr."""
    config = tmp_path / "publisher.toml"
    config.write_text('[store]\nurl = "fuseki+http://db.example:3030/ds"\n'
                      'update = "http://db.example:3030/ds/update-acl"\n'
                      'graph_store = "http://db.example:3030/ds/gsp"\nauth = "digest"\n'
                      'user = "from-file"\npassword = "file-secret"\n', encoding="utf-8")
    settings = load_settings(config, environ={})
    assert settings.store_url == "fuseki+http://db.example:3030/ds"
    assert (settings.store_query, settings.store_update, settings.store_graph_store) == (
        "", "http://db.example:3030/ds/update-acl", "http://db.example:3030/ds/gsp")
    assert settings.store_auth == "digest"
    assert (settings.store_user, settings.store_password) == ("", "")
    settings = load_settings(config, environ={"PUBLISHER_STORE_USER": "loader",
                                              "PUBLISHER_STORE_PASSWORD": "env-secret",
                                              "PUBLISHER_STORE_QUERY": "http://q.example/q"})
    assert (settings.store_user, settings.store_password) == ("loader", "env-secret")
    assert settings.store_query == "http://q.example/q"
    assert "env-secret" not in repr(settings) and "loader" not in repr(settings)


def test_defaults_of_the_store_table(tmp_path):
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert (settings.store_query, settings.store_update, settings.store_graph_store,
            settings.store_auth, settings.store_user, settings.store_password) == ("",) * 6
