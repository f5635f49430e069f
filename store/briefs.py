"""Stored briefs: every brief written, as its JSON, beside the articles in the same database.

The store takes the brief already rendered to JSON (schemas/brief.schema.json) and the few
fields a listing shows, so it needs nothing of the brief's model.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.articles import batches
from store.database import Database

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
    def __init__(self, db: Database):
        self.db = db

    def save(self, story_id: str, engine: str, model: str | None, headline: str | None, brief_json: str,
             version: str | None = None) -> int:
        return self.db.execute("INSERT INTO briefs (story_id, engine, model, headline, brief, version)"
                               " VALUES (:story_id, :engine, :model, :headline, :brief, :version) RETURNING id",
                               {"story_id": story_id, "engine": engine, "model": model, "headline": headline,
                                "brief": brief_json, "version": version}).scalar()

    def of_version(self, story_id: str, version: str) -> int | None:
        """The newest stored brief of this story version, if one was written."""
        return self.db.execute("SELECT id FROM briefs WHERE story_id = :story AND version = :version"
                               " ORDER BY id DESC LIMIT 1", {"story": story_id, "version": version}).scalar()

    def latest(self, story_id: str) -> int | None:
        return self.db.execute("SELECT id FROM briefs WHERE story_id = :story ORDER BY id DESC LIMIT 1",
                               {"story": story_id}).scalar()

    def list(self, story_prefix: str | None = None, limit: int | None = None) -> list[StoredBrief]:
        """Newest first; ``story_prefix`` keeps one story's."""
        sql = "SELECT id, story_id, engine, model, headline, created_at FROM briefs"
        sql += " WHERE story_id LIKE :prefix" if story_prefix else ""
        sql += " ORDER BY id DESC" + (" LIMIT :limit" if limit else "")
        prefix = story_prefix.replace("%", "").replace("_", "") + "%" if story_prefix else None
        return [StoredBrief(*row) for row in self.db.execute(sql, {"prefix": prefix, "limit": limit})]

    def version_of(self, brief_id: int) -> str | None:
        return self.db.execute("SELECT version FROM briefs WHERE id = :id", {"id": brief_id}).scalar()

    def save_changes(self, story_id: str, brief_id: int, previous: int, changes: list[tuple[str, str, str | None]]) -> None:
        """(kind, text, subject) rows: what changed from brief ``previous`` to ``brief_id``."""
        if changes:
            self.db.execute("INSERT INTO brief_changes (story_id, brief_id, previous, kind, text, subject)"
                            " VALUES (:story_id, :brief_id, :previous, :kind, :text, :subject)",
                            [{"story_id": story_id, "brief_id": brief_id, "previous": previous,
                              "kind": kind, "text": text, "subject": subject} for kind, text, subject in changes])

    def changes(self, story_id: str, since: str | None = None, after_brief: int | None = None) -> list[BriefChange]:
        """The story's changes, oldest first: those recorded ``since`` an ISO time, or in versions
        written after brief ``after_brief``."""
        sql = "SELECT * FROM brief_changes WHERE story_id = :story"
        sql += " AND created_at >= :since" if since else ""
        sql += " AND brief_id > :after" if after_brief is not None else ""
        rows = self.db.execute(sql + " ORDER BY id", {"story": story_id, "since": since, "after": after_brief})
        return [BriefChange(*row) for row in rows]

    def brief_json(self, brief_id: int) -> str | None:
        return self.db.execute("SELECT brief FROM briefs WHERE id = :id", {"id": brief_id}).scalar()

    def forget_stories(self, story_ids: list[str]) -> None:
        with self.db:
            for chunk in batches(story_ids):
                self.db.execute("DELETE FROM briefs WHERE story_id IN :ids", {"ids": chunk})
                self.db.execute("DELETE FROM brief_changes WHERE story_id IN :ids", {"ids": chunk})
