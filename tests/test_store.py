"""The SQLite article store: WAL mode, idempotent adds, ids by prefix."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.models import Article
from store.articles import AmbiguousId, ArticleStore


def make(id_: str, text: str = "Some text.") -> Article:
    return Article(id=id_, source="test", text=text, outlet="Daily")


@pytest.fixture
def store(tmp_path):
    with ArticleStore(tmp_path / "deep" / "articles.sqlite3") as s:
        yield s


def test_creates_a_wal_database_file(store):
    assert store.path.exists()
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_add_is_idempotent(store):
    assert store.add(make("abcd1234")) is True
    assert store.add(make("abcd1234", text="different text, same id")) is False
    assert store.count() == 1
    assert store.get("abcd1234").text == "Some text."


def test_get_by_prefix(store):
    store.add(make("abcd1234"))
    store.add(make("abce9999"))
    assert store.get("abcd").id == "abcd1234"
    assert store.get("abc") is None  # too short to be a prefix
    assert store.get("ffff") is None
    with pytest.raises(AmbiguousId, match="more than one"):
        store.get("abc%")  # the % is dropped, not used as a pattern: "abc" matches two


def test_list_round_trips_every_field(store):
    article = Article(id="feed0001", source="s.html", url="https://x.example/a", outlet="X", title="T",
                      author="A", published="2025-02-11T08:00:00+00:00", language="en", credit="Reuters", text="Body.")
    store.add(article)
    assert store.list() == [article]


def test_survives_reopening(tmp_path):
    path = tmp_path / "a.sqlite3"
    with ArticleStore(path) as first:
        first.add(make("abcd1234"))
    with ArticleStore(path) as second:
        assert second.count() == 1
