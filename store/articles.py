"""The article store: one SQLite file in WAL mode under the data directory.

WAL lets the API, the Slack bot and workers read while one process writes. Each article is
committed on its own, so an interrupted batch keeps everything it finished.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.models import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    author      TEXT,
    published   TEXT,
    language    TEXT,
    credit      TEXT,
    text        TEXT NOT NULL,
    words       INTEGER,
    sentences   INTEGER,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Every input an article's text was read from: an exact reprint by another outlet is the same
-- article, but the brief can still name who ran it.
CREATE TABLE IF NOT EXISTS sightings (
    article_id TEXT NOT NULL REFERENCES articles (id),
    source     TEXT NOT NULL,
    url        TEXT,
    outlet     TEXT,
    title      TEXT,
    seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (article_id, source)
);
"""
FIELDS = list(Article.model_fields)
NEW_COLUMNS = ("words", "sentences")  # added to the schema after the first release


class AmbiguousId(LookupError):
    """An id prefix matches more than one article."""


class ArticleStore:
    def __init__(self, path: Path, check_same_thread: bool = True):
        """``check_same_thread=False`` for a connection that one task uses step by step from
        several threads (FastAPI opens a request's in one thread and runs the handler in another)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=check_same_thread)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._add_new_columns()

    def _add_new_columns(self) -> None:
        """A store written by an earlier version lacks the fields added since (an article's words
        and sentences): they are added, empty for the articles already stored."""
        present = {row["name"] for row in self.db.execute("PRAGMA table_info(articles)")}
        with self.db:
            for name in NEW_COLUMNS:
                if name not in present:
                    self.db.execute(f"ALTER TABLE articles ADD COLUMN {name} INTEGER")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, article: Article) -> bool:
        """Store an article. Returns False, changing nothing, when its id is already stored."""
        row = article.model_dump(mode="json")
        columns = ", ".join(FIELDS)
        marks = ", ".join(f":{f}" for f in FIELDS)
        with self.db:
            cursor = self.db.execute(f"INSERT OR IGNORE INTO articles ({columns}) VALUES ({marks})", row)
            self.db.execute(
                "INSERT OR IGNORE INTO sightings (article_id, source, url, outlet, title)"
                " VALUES (:id, :source, :url, :outlet, :title)", row)
        return cursor.rowcount == 1

    def sightings(self, article_id: str) -> list[dict]:
        """Every input this article's text came from, first seen first."""
        rows = self.db.execute("SELECT source, url, outlet, title, seen_at FROM sightings WHERE article_id = ?"
                               " ORDER BY seen_at, rowid", (article_id,))
        return [dict(r) for r in rows]

    def get(self, id_or_prefix: str) -> Article | None:
        """An article by id, or by a unique prefix of at least 4 characters, as git allows."""
        if len(id_or_prefix) < 4:
            return None
        pattern = id_or_prefix.replace("%", "").replace("_", "") + "%"
        rows = self.db.execute("SELECT * FROM articles WHERE id LIKE ? LIMIT 2", (pattern,)).fetchall()
        if len(rows) > 1:
            raise AmbiguousId(f"{id_or_prefix!r} matches more than one article; give more characters")
        return _article(rows[0]) if rows else None

    def get_many(self, ids: list[str]) -> list[Article]:
        """Articles by exact id, in the order asked (batched: SQLite caps a query's parameters)."""
        found: dict[str, Article] = {}
        for chunk in batches(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                found[row["id"]] = _article(row)
        return [found[i] for i in ids if i in found]

    def list(self, limit: int | None = None) -> list[Article]:
        sql = "SELECT * FROM articles ORDER BY rowid"  # insertion order
        rows = self.db.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
        return [_article(r) for r in rows]

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY rowid")]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def delete(self, ids: list[str]) -> None:
        """Forget articles and where they were seen (their groups are the group store's to forget)."""
        with self.db:
            for chunk in batches(ids):
                marks = ",".join("?" * len(chunk))
                self.db.execute(f"DELETE FROM sightings WHERE article_id IN ({marks})", chunk)
                self.db.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)


MAX_PARAMETERS = 500  # SQLite caps a query's parameters (999 in older builds)


def batches(ids: list[str]) -> list[list[str]]:
    """``ids`` in lists short enough for one query's IN (...)."""
    return [ids[start : start + MAX_PARAMETERS] for start in range(0, len(ids), MAX_PARAMETERS)]


def _article(row: sqlite3.Row) -> Article:
    return Article.model_validate({f: row[f] for f in FIELDS})
