"""The article store: a SQLite file in WAL mode under the data directory, or PostgreSQL.

``url`` chooses (store.database); the tables are the migrations' (store/migrations). Each
article is committed on its own, so an interrupted batch keeps everything it finished, and an
add keyed on the article's id (a hash of its text) is safe when workers race to store it.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.models import Article
from store.database import Database, sqlite_url

FIELDS = list(Article.model_fields)
COLUMNS = ", ".join(FIELDS)


class AmbiguousId(LookupError):
    """An id prefix matches more than one article."""


class ArticleStore:
    def __init__(self, where: str | Path, check_same_thread: bool = True):
        """``where`` is a database URL or a SQLite file's path. ``check_same_thread=False`` for a
        connection that one task uses step by step from several threads (FastAPI opens a
        request's in one thread and runs the handler in another)."""
        if isinstance(where, Path):
            where.parent.mkdir(parents=True, exist_ok=True)
            self.path: Path | None = where
            where = sqlite_url(where)
        else:
            self.path = None
        self.db = Database(where, check_same_thread)
        self.order = self.db.insertion_order

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, article: Article) -> bool:
        """Store an article. Returns False, changing nothing, when its id is already stored (by
        this process or another one at the same moment: the primary key decides)."""
        row = article.model_dump(mode="json")
        marks = ", ".join(f":{f}" for f in FIELDS)
        with self.db:
            added = self.db.execute(f"INSERT INTO articles ({COLUMNS}) VALUES ({marks}) ON CONFLICT DO NOTHING", row)
            self.db.execute("INSERT INTO sightings (article_id, source, url, outlet, title)"
                            " VALUES (:id, :source, :url, :outlet, :title) ON CONFLICT DO NOTHING", row)
        return added.rowcount == 1

    def sightings(self, article_id: str) -> list[dict]:
        """Every input this article's text came from, first seen first."""
        rows = self.db.execute("SELECT source, url, outlet, title, seen_at FROM sightings WHERE article_id = :id"
                               f" ORDER BY seen_at, {self.order}", {"id": article_id})
        return [dict(r._mapping) for r in rows]

    def get(self, id_or_prefix: str) -> Article | None:
        """An article by id, or by a unique prefix of at least 4 characters, as git allows."""
        if len(id_or_prefix) < 4:
            return None
        pattern = id_or_prefix.replace("%", "").replace("_", "") + "%"
        rows = self.db.execute(f"SELECT {COLUMNS} FROM articles WHERE id LIKE :p LIMIT 2", {"p": pattern}).fetchall()
        if len(rows) > 1:
            raise AmbiguousId(f"{id_or_prefix!r} matches more than one article; give more characters")
        return _article(rows[0]) if rows else None

    def get_many(self, ids: list[str]) -> list[Article]:
        """Articles by exact id, in the order asked (batched: SQLite caps a query's parameters)."""
        found: dict[str, Article] = {}
        for chunk in batches(ids):
            for row in self.db.execute(f"SELECT {COLUMNS} FROM articles WHERE id IN :ids", {"ids": chunk}):
                found[row.id] = _article(row)
        return [found[i] for i in ids if i in found]

    def list(self, limit: int | None = None) -> list[Article]:
        sql = f"SELECT {COLUMNS} FROM articles ORDER BY {self.order}"  # insertion order
        rows = self.db.execute(sql + " LIMIT :limit", {"limit": limit}) if limit else self.db.execute(sql)
        return [_article(r) for r in rows]

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute(f"SELECT id FROM articles ORDER BY {self.order}")]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").scalar()

    def delete(self, ids: list[str]) -> None:
        """Forget articles and where they were seen (their groups are the group store's to forget)."""
        with self.db:
            for chunk in batches(ids):
                self.db.execute("DELETE FROM sightings WHERE article_id IN :ids", {"ids": chunk})
                self.db.execute("DELETE FROM articles WHERE id IN :ids", {"ids": chunk})


MAX_PARAMETERS = 500  # SQLite caps a query's parameters (999 in older builds)


def batches(ids: list[str]) -> list[list[str]]:
    """``ids`` in lists short enough for one query's ``IN :ids``."""
    return [ids[start : start + MAX_PARAMETERS] for start in range(0, len(ids), MAX_PARAMETERS)]


def _article(row) -> Article:
    return Article.model_validate(dict(row._mapping))
