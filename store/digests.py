"""Digests: each run of a digest, what it included, and the document it rendered.

The next run of the same digest (by name) compares itself with the last one: a story it
included at the same brief is unchanged, so only what is new or changed is reported. The whole
document is kept as JSON, so a past digest reads again exactly as it went out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS digests (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    nothing_new INTEGER NOT NULL DEFAULT 0,
    document    TEXT NOT NULL          -- the digest's JSON, as rendered
);
CREATE INDEX IF NOT EXISTS digests_by_name ON digests (name, id);
CREATE TABLE IF NOT EXISTS digest_stories (
    digest_id INTEGER NOT NULL REFERENCES digests (id),
    story_id  TEXT NOT NULL,
    brief_id  INTEGER,                 -- the stored brief the digest showed
    status    TEXT NOT NULL,           -- new, changed or unchanged
    rank      INTEGER NOT NULL,
    PRIMARY KEY (digest_id, story_id)
);
"""


@dataclass
class DigestRow:
    id: int
    name: str
    created_at: str
    nothing_new: bool
    stories: int


@dataclass
class Included:
    story_id: str
    brief_id: int | None
    status: str


class DigestStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def save(self, name: str, nothing_new: bool, document: str, included: list[Included]) -> int:
        """The digest and what it included, in one transaction."""
        with self.db:
            cursor = self.db.execute("INSERT INTO digests (name, nothing_new, document) VALUES (?, ?, ?)",
                                     (name, int(nothing_new), document))
            self.db.executemany("INSERT INTO digest_stories VALUES (?, ?, ?, ?, ?)",
                                [(cursor.lastrowid, i.story_id, i.brief_id, i.status, rank)
                                 for rank, i in enumerate(included, start=1)])
        return cursor.lastrowid

    def set_document(self, digest_id: int, document: str) -> None:
        """The document once it carries its own id and time."""
        with self.db:
            self.db.execute("UPDATE digests SET document = ? WHERE id = ?", (document, digest_id))

    def last(self, name: str) -> DigestRow | None:
        rows = self.list(name, limit=1)
        return rows[0] if rows else None

    def included(self, digest_id: int) -> dict[str, Included]:
        """story id -> what the digest showed of it."""
        rows = self.db.execute("SELECT story_id, brief_id, status FROM digest_stories WHERE digest_id = ?"
                               " ORDER BY rank", (digest_id,))
        return {r[0]: Included(*r) for r in rows}

    def list(self, name: str | None = None, limit: int | None = None) -> list[DigestRow]:
        """Newest first; ``name`` keeps one digest's runs."""
        sql = ("SELECT d.id, d.name, d.created_at, d.nothing_new, COUNT(s.story_id) FROM digests d"
               " LEFT JOIN digest_stories s ON s.digest_id = d.id")
        sql += " WHERE d.name = ?" if name else ""
        sql += " GROUP BY d.id ORDER BY d.id DESC" + (" LIMIT ?" if limit else "")
        params = ([name] if name else []) + ([limit] if limit else [])
        return [DigestRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in self.db.execute(sql, params)]

    def document(self, digest_id: int) -> str | None:
        row = self.db.execute("SELECT document FROM digests WHERE id = ?", (digest_id,)).fetchone()
        return row[0] if row else None
