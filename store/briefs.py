"""Stored briefs: every brief written, as its JSON, beside the articles in the same SQLite file.

The store takes the brief already rendered to JSON (schemas/brief.schema.json) and the few
fields a listing shows, so it needs nothing of the brief's model.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.articles import batches

SCHEMA = """
CREATE TABLE IF NOT EXISTS briefs (
    id         INTEGER PRIMARY KEY,
    story_id   TEXT NOT NULL,
    engine     TEXT NOT NULL,   -- 'llm' or 'extractive'
    model      TEXT,            -- the LLM that wrote it; NULL when none did
    headline   TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    brief      TEXT NOT NULL,   -- the brief's JSON
    version    TEXT             -- the story version briefed: a hash of its articles and configuration
);
CREATE INDEX IF NOT EXISTS briefs_by_story ON briefs (story_id);
-- What changed from one version of a story's brief to the next (pipeline.brief.changes).
CREATE TABLE IF NOT EXISTS brief_changes (
    id         INTEGER PRIMARY KEY,
    story_id   TEXT NOT NULL,
    brief_id   INTEGER NOT NULL,   -- the new version
    previous   INTEGER NOT NULL,   -- the version it is compared with
    kind       TEXT NOT NULL,      -- conflicting, confirmation, correction, new_point, withdrawn, new_source, resolved
    text       TEXT NOT NULL,
    subject    TEXT,               -- the claim, point or figure it is about, when there is one
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS brief_changes_by_story ON brief_changes (story_id, brief_id);
"""


@dataclass
class StoredBrief:
    id: int
    story_id: str
    engine: str
    model: str | None
    headline: str | None
    created_at: str


@dataclass
class BriefChange:
    id: int
    story_id: str
    brief_id: int
    previous: int
    kind: str
    text: str
    subject: str | None
    created_at: str


class BriefStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(briefs)")}
        if "version" not in columns:  # a store written before briefs had versions
            with self.db:
                self.db.execute("ALTER TABLE briefs ADD COLUMN version TEXT")

    def save(self, story_id: str, engine: str, model: str | None, headline: str | None, brief_json: str,
             version: str | None = None) -> int:
        with self.db:
            cursor = self.db.execute("INSERT INTO briefs (story_id, engine, model, headline, brief, version)"
                                     " VALUES (?, ?, ?, ?, ?, ?)", (story_id, engine, model, headline, brief_json, version))
        return cursor.lastrowid

    def of_version(self, story_id: str, version: str) -> int | None:
        """The newest stored brief of this story version, if one was written."""
        row = self.db.execute("SELECT id FROM briefs WHERE story_id = ? AND version = ? ORDER BY id DESC LIMIT 1",
                              (story_id, version)).fetchone()
        return row[0] if row else None

    def latest(self, story_id: str) -> int | None:
        row = self.db.execute("SELECT id FROM briefs WHERE story_id = ? ORDER BY id DESC LIMIT 1", (story_id,)).fetchone()
        return row[0] if row else None

    def list(self, story_prefix: str | None = None, limit: int | None = None) -> list[StoredBrief]:
        """Newest first; ``story_prefix`` keeps one story's."""
        sql = "SELECT id, story_id, engine, model, headline, created_at FROM briefs"
        sql += " WHERE story_id LIKE ?" if story_prefix else ""
        params = [story_prefix.replace("%", "").replace("_", "") + "%"] if story_prefix else []
        sql += " ORDER BY id DESC" + (" LIMIT ?" if limit else "")
        return [StoredBrief(*row) for row in self.db.execute(sql, params + ([limit] if limit else []))]

    def version_of(self, brief_id: int) -> str | None:
        row = self.db.execute("SELECT version FROM briefs WHERE id = ?", (brief_id,)).fetchone()
        return row[0] if row else None

    def save_changes(self, story_id: str, brief_id: int, previous: int, changes: list[tuple[str, str, str | None]]) -> None:
        """(kind, text, subject) rows: what changed from brief ``previous`` to ``brief_id``."""
        with self.db:
            self.db.executemany("INSERT INTO brief_changes (story_id, brief_id, previous, kind, text, subject)"
                                " VALUES (?, ?, ?, ?, ?, ?)", [(story_id, brief_id, previous, *c) for c in changes])

    def changes(self, story_id: str, since: str | None = None, after_brief: int | None = None) -> list[BriefChange]:
        """The story's changes, oldest first: those recorded ``since`` an ISO time, or in versions
        written after brief ``after_brief``."""
        sql, params = "SELECT * FROM brief_changes WHERE story_id = ?", [story_id]
        if since:
            sql, params = sql + " AND created_at >= ?", params + [since]
        if after_brief is not None:
            sql, params = sql + " AND brief_id > ?", params + [after_brief]
        return [BriefChange(*row) for row in self.db.execute(sql + " ORDER BY id", params)]

    def brief_json(self, brief_id: int) -> str | None:
        row = self.db.execute("SELECT brief FROM briefs WHERE id = ?", (brief_id,)).fetchone()
        return row[0] if row else None

    def forget_stories(self, story_ids: list[str]) -> None:
        with self.db:
            for chunk in batches(story_ids):
                marks = ",".join("?" * len(chunk))
                self.db.execute(f"DELETE FROM briefs WHERE story_id IN ({marks})", chunk)
                self.db.execute(f"DELETE FROM brief_changes WHERE story_id IN ({marks})", chunk)
