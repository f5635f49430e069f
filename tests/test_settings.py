"""One settings object, read from NEWSBRIEF_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from pipeline.settings import Settings


def test_env_prefix_and_nested_sections(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSBRIEF_FETCH__TIMEOUT_S", "3.5")
    monkeypatch.setenv("NEWSBRIEF_LIMITS__MIN_ARTICLE_CHARS", "10")
    config = Settings()
    assert config.data_dir == tmp_path and config.db_path == tmp_path / "articles.sqlite3"
    assert config.fetch.timeout_s == 3.5 and config.limits.min_article_chars == 10


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
