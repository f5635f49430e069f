"""One settings object, read from NEWSBRIEF_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from pipeline.settings import Settings


def test_env_prefix_and_nested_sections(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSBRIEF_FETCH__TIMEOUT_S", "3.5")
    monkeypatch.setenv("NEWSBRIEF_LIMITS__MIN_SENTENCE_WORDS", "10")
    config = Settings()
    assert config.data_dir == tmp_path and config.db_path == tmp_path / "articles.sqlite3"
    assert config.fetch.timeout_s == 3.5 and config.limits.min_sentence_words == 10


def test_default_data_dir_is_per_user(monkeypatch):
    monkeypatch.delenv("NEWSBRIEF_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", "/somewhere")
    assert Settings().data_dir == Path("/somewhere/newsbrief")


def test_private_hosts_are_refused_by_default():
    assert Settings().fetch.allow_private_hosts is False


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError):
        Settings(colour="red")


def test_every_field_is_described():
    config = Settings()
    sections = [type(getattr(config, name)) for name, field in Settings.model_fields.items()
                if isinstance(getattr(config, name), BaseModel)]
    assert len(sections) >= 5
    for model in (Settings, *sections):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_config_hash_changes_with_configuration_not_data_dir(tmp_path):
    base = Settings().config_hash()
    assert Settings(data_dir=tmp_path).config_hash() == base
    assert Settings(fetch={"timeout_s": 1}).config_hash() != base


def write_settings(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "newsbrief.toml"
    path.write_text(text)
    return path


def test_the_data_directorys_settings_file_is_read_and_the_environment_wins(data_dir, monkeypatch):
    write_settings(data_dir, '[llm]\nmodel = "from-file"\nbase_url = "http://llm.local/v1"\n[fetch]\ntimeout_s = 3\n')
    monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "from-env")
    config = Settings()
    assert (config.llm.model, config.llm.base_url, config.fetch.timeout_s) == ("from-env", "http://llm.local/v1", 3)


def test_a_named_settings_file_replaces_the_data_directorys(data_dir, tmp_path, monkeypatch):
    write_settings(data_dir, "[fetch]\ntimeout_s = 3\n")
    named = write_settings(tmp_path / "elsewhere", f'data_dir = "{tmp_path / "other"}"\nembedder = "minilm"\n')
    assert (Settings(config_file=named).fetch.timeout_s, Settings(config_file=named).embedder) == (15, "minilm")
    assert Settings(config_file=named).data_dir == data_dir  # NEWSBRIEF_DATA_DIR wins over the file
    monkeypatch.delenv("NEWSBRIEF_DATA_DIR")
    assert Settings(config_file=named).data_dir == tmp_path / "other"  # a named file may choose the data directory


@pytest.mark.parametrize(("text", "problem"), [
    ('[llm]\napi_key = "sk-secret"\n', "api_key"),  # secrets come from the environment only
    ("[fetch\n", "settings file"),
    (f'data_dir = "/elsewhere"\n', "data_dir cannot be set in the data directory's own file"),
])
def test_a_bad_settings_file_says_what_is_wrong(data_dir, text, problem):
    from pipeline.settings import SettingsFileError

    write_settings(data_dir, text)
    with pytest.raises((ValidationError, SettingsFileError), match=problem):
        Settings()


def test_a_named_settings_file_must_exist(tmp_path):
    from pipeline.settings import SettingsFileError

    with pytest.raises(SettingsFileError, match="not found"):
        Settings(config_file=tmp_path / "missing.toml")


def test_effective_settings_say_where_each_came_from_and_mask_credentials(data_dir, monkeypatch):
    from pipeline.settings import effective_settings, secrets_set

    write_settings(data_dir, '[llm]\nbase_url = "http://editor:hunter2@llm.local/v1"\n')
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-print")
    monkeypatch.delenv("NEWSBRIEF_LLM_API_KEY", raising=False)
    rows = {row.name: row for row in effective_settings(Settings())}
    assert (rows["llm.base_url"].value, rows["llm.base_url"].origin) == ("http://editor:********@llm.local/v1", "file")
    assert (rows["workers"].origin, rows["workers"].variable) == ("environment", "NEWSBRIEF_WORKERS")
    assert rows["embedder"].origin == "default"
    assert secrets_set() == {"NEWSBRIEF_LLM_API_KEY": None, "OPENAI_API_KEY": "********", "NEWSBRIEF_SMTP_PASSWORD": None}
