"""Digests: each run of a digest, what it included, and the document it rendered.

The next run of the same digest (by name) compares itself with the last one: a story it
included at the same brief is unchanged, so only what is new or changed is reported. The whole
document is kept as JSON, so a past digest reads again exactly as it went out.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Database

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
    def __init__(self, db: Database):
        self.db = db

    def save(self, name: str, nothing_new: bool, document: str, included: list[Included]) -> int:
        """The digest and what it included, in one transaction."""
        with self.db:
            digest_id = self.db.execute("INSERT INTO digests (name, nothing_new, document) VALUES (:name, :nothing_new,"
                                        " :document) RETURNING id",
                                        {"name": name, "nothing_new": int(nothing_new), "document": document}).scalar()
            if included:
                self.db.execute("INSERT INTO digest_stories VALUES (:digest, :story, :brief, :status, :rank)",
                                [{"digest": digest_id, "story": i.story_id, "brief": i.brief_id, "status": i.status,
                                  "rank": rank} for rank, i in enumerate(included, start=1)])
        return digest_id

    def set_document(self, digest_id: int, document: str) -> None:
        """The document once it carries its own id and time."""
        with self.db:
            self.db.execute("UPDATE digests SET document = :document WHERE id = :id", {"document": document, "id": digest_id})

    def last(self, name: str) -> DigestRow | None:
        rows = self.list(name, limit=1)
        return rows[0] if rows else None

    def included(self, digest_id: int) -> dict[str, Included]:
        """story id -> what the digest showed of it."""
        rows = self.db.execute("SELECT story_id, brief_id, status FROM digest_stories WHERE digest_id = :id"
                               " ORDER BY rank", {"id": digest_id})
        return {r[0]: Included(*r) for r in rows}

    def list(self, name: str | None = None, limit: int | None = None) -> list[DigestRow]:
        """Newest first; ``name`` keeps one digest's runs."""
        sql = ("SELECT d.id, d.name, d.created_at, d.nothing_new, COUNT(s.story_id) FROM digests d"
               " LEFT JOIN digest_stories s ON s.digest_id = d.id")
        sql += " WHERE d.name = :name" if name else ""
        sql += " GROUP BY d.id ORDER BY d.id DESC" + (" LIMIT :limit" if limit else "")
        rows = self.db.execute(sql, {"name": name, "limit": limit})
        return [DigestRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def document(self, digest_id: int) -> str | None:
        return self.db.execute("SELECT document FROM digests WHERE id = :id", {"id": digest_id}).scalar()
