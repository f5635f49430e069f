"""Families and stories, kept beside the articles in the same SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.articles import batches

SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    original_id TEXT NOT NULL,   -- earliest article of its duplicate group (itself if original)
    family_id   TEXT NOT NULL,   -- earliest article of its source family
    story_id    TEXT NOT NULL    -- earliest article of its story
);
CREATE INDEX IF NOT EXISTS groups_by_story ON groups (story_id);
CREATE TABLE IF NOT EXISTS shared_spans (
    article_id  TEXT NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    other_id    TEXT NOT NULL,
    other_start INTEGER NOT NULL,
    other_end   INTEGER NOT NULL,
    score       REAL NOT NULL,
    PRIMARY KEY (article_id, start, other_id, other_start)
);
-- An editor's decisions: the article belongs to this story, whatever grouping would say.
CREATE TABLE IF NOT EXISTS story_decisions (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    story_id   TEXT NOT NULL,
    decision   TEXT NOT NULL,   -- how it was decided: 'merge', 'move' or 'brief'
    decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
"""


@dataclass
class GroupRow:
    article_id: str
    original_id: str
    family_id: str
    story_id: str


class GroupStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def ungrouped_ids(self) -> list[str]:
        rows = self.db.execute(
            "SELECT a.id FROM articles a LEFT JOIN groups g ON g.article_id = a.id WHERE g.article_id IS NULL"
            " ORDER BY a.rowid")
        return [r[0] for r in rows]

    def rows(self, since: str | None = None) -> list[GroupRow]:
        """Grouped articles, in ingestion order; ``since`` limits them to ingestions after it."""
        sql = "SELECT g.* FROM groups g JOIN articles a ON a.id = g.article_id"
        sql += " WHERE a.ingested_at >= ? ORDER BY a.rowid" if since else " ORDER BY a.rowid"
        return [GroupRow(*r) for r in self.db.execute(sql, (since,) if since else ())]

    def rows_for(self, article_ids: set[str]) -> list[GroupRow]:
        """The rows of these articles, in ingestion order."""
        found = []
        for chunk in batches(sorted(article_ids)):
            marks = ",".join("?" * len(chunk))
            found += self.db.execute(f"SELECT g.*, a.rowid FROM groups g JOIN articles a ON a.id = g.article_id"
                                     f" WHERE g.article_id IN ({marks})", chunk).fetchall()
        return [GroupRow(*r[:4]) for r in sorted(found, key=lambda r: r[4])]

    def save(self, rows: list[GroupRow], spans: list[tuple]) -> None:
        """Write rows and shared spans in one transaction: a crash leaves all or nothing."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO groups VALUES (?, ?, ?, ?)",
                                [(r.article_id, r.original_id, r.family_id, r.story_id) for r in rows])
            self.db.executemany("INSERT OR IGNORE INTO shared_spans VALUES (?, ?, ?, ?, ?, ?, ?)", spans)

    def story_rows(self, story_id: str) -> list[GroupRow]:
        rows = self.db.execute("SELECT g.* FROM groups g JOIN articles a ON a.id = g.article_id"
                               " WHERE g.story_id = ? ORDER BY a.rowid", (story_id,))
        return [GroupRow(*r) for r in rows]

    def story_ids(self, since: str | None = None) -> list[str]:
        """Stories in the order they first appeared; ``since`` (an ISO date or time) keeps those with
        an article published then or later, or ingested then or later when its date is unknown."""
        having = " HAVING MAX(COALESCE(a.published, a.ingested_at)) >= ?" if since else ""
        rows = self.db.execute("SELECT g.story_id FROM groups g JOIN articles a ON a.id = g.article_id"
                               f" GROUP BY g.story_id{having} ORDER BY MIN(a.rowid)", (since,) if since else ())
        return [r[0] for r in rows]

    def linked(self, article_ids: set[str]) -> set[str]:
        """These articles and every article whose duplicate, family or story link leans on them,
        however indirectly: what must be regrouped when they go."""
        linked, frontier = set(article_ids), set(article_ids)
        while frontier:
            found = set()
            for chunk in batches(sorted(frontier)):
                marks = ",".join("?" * len(chunk))
                found |= {r[0] for r in self.db.execute(
                    "SELECT g.article_id FROM groups g WHERE g.original_id IN ({0}) OR g.family_id IN ({0})"
                    " OR g.story_id IN ({0}) OR g.story_id IN (SELECT story_id FROM groups WHERE article_id IN ({0}))"
                    .format(marks), chunk * 4)}
            frontier = found - linked
            linked |= found
        return linked

    def forget(self, article_ids: set[str]) -> None:
        """Drop these articles' groups and shared spans: they are grouped again as if new."""
        with self.db:
            for chunk in batches(sorted(article_ids)):
                marks = ",".join("?" * len(chunk))
                self.db.execute(f"DELETE FROM groups WHERE article_id IN ({marks})", chunk)
                self.db.execute(f"DELETE FROM shared_spans WHERE article_id IN ({marks}) OR other_id IN ({marks})",
                                chunk * 2)

    def duplicates_of(self, article_ids: set[str]) -> set[str]:
        """The articles whose original is one of these (the originals themselves left out)."""
        found = set()
        for chunk in batches(sorted(article_ids)):
            marks = ",".join("?" * len(chunk))
            found |= {r[0] for r in self.db.execute(f"SELECT article_id FROM groups WHERE original_id IN ({marks})", chunk)}
        return found - article_ids

    def decided_stories(self) -> dict[str, str]:
        """Article id -> the story an editor put it in."""
        return dict(self.db.execute("SELECT article_id, story_id FROM story_decisions"))

    def decide(self, article_ids: list[str], story_id: str, decision: str, moved: list[GroupRow]) -> None:
        """Record that these articles belong to the story, and write the rows that moved, together."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO story_decisions (article_id, story_id, decision) VALUES (?, ?, ?)",
                                [(a, story_id, decision) for a in article_ids])
            self.db.executemany("UPDATE groups SET story_id = ? WHERE article_id = ?",
                                [(r.story_id, r.article_id) for r in moved])

    def forget_decisions(self, article_ids: set[str]) -> None:
        """For articles that leave the store; regrouping keeps them."""
        with self.db:
            for chunk in batches(sorted(article_ids)):
                self.db.execute(f"DELETE FROM story_decisions WHERE article_id IN ({','.join('?' * len(chunk))})", chunk)

    def shared_spans(self, article_ids: list[str]) -> list[tuple]:
        marks = ",".join("?" * len(article_ids))
        return self.db.execute(f"SELECT * FROM shared_spans WHERE article_id IN ({marks})", article_ids).fetchall()
