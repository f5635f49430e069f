"""Editors' overrides of claim verdicts, and their audit trail.

An override names the story and the claim's stable id (the same across re-verifications of the
same claim), so a brief written again later still shows it. Every override is kept: the latest
of a claim is the one in force, the earlier ones are its history.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS overrides (
    id              INTEGER PRIMARY KEY,
    story_id        TEXT NOT NULL,
    claim_id        TEXT NOT NULL,
    claim           TEXT NOT NULL,      -- the claim's text when it was overridden
    machine_verdict TEXT NOT NULL,
    verdict         TEXT NOT NULL,      -- the editor's
    reason          TEXT NOT NULL,
    who             TEXT NOT NULL,      -- the token's name
    brief_id        INTEGER,            -- the stored brief the editor was looking at
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS overrides_by_story ON overrides (story_id, claim_id);
"""


@dataclass
class OverrideRow:
    id: int
    story_id: str
    claim_id: str
    claim: str
    machine_verdict: str
    verdict: str
    reason: str
    who: str
    brief_id: int | None
    created_at: str


class OverrideStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def add(self, story_id: str, claim_id: str, claim: str, machine_verdict: str, verdict: str, reason: str,
            who: str, brief_id: int | None) -> OverrideRow:
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO overrides (story_id, claim_id, claim, machine_verdict, verdict, reason, who, brief_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (story_id, claim_id, claim, machine_verdict, verdict, reason, who, brief_id))
        return self._rows("WHERE id = ?", (cursor.lastrowid,))[0]

    def audit(self, story_id: str | None = None) -> list[OverrideRow]:
        """Every override, oldest first; ``story_id`` keeps one story's."""
        return self._rows("WHERE story_id = ?" if story_id else "", (story_id,) if story_id else ())

    def in_force(self, story_id: str) -> dict[str, OverrideRow]:
        """claim id -> the latest override of that claim in the story."""
        return {row.claim_id: row for row in self.audit(story_id)}  # oldest first: the latest wins

    def _rows(self, where: str, params: tuple) -> list[OverrideRow]:
        columns = ", ".join(OverrideRow.__dataclass_fields__)
        return [OverrideRow(*r) for r in self.db.execute(f"SELECT {columns} FROM overrides {where} ORDER BY id", params)]
