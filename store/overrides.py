"""Editors' overrides of claim verdicts, and their audit trail.

An override names the story and the claim's stable id (the same across re-verifications of the
same claim), so a brief written again later still shows it. Every override is kept: the latest
of a claim is the one in force, the earlier ones are its history.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Database



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
    def __init__(self, db: Database):
        self.db = db

    def add(self, story_id: str, claim_id: str, claim: str, machine_verdict: str, verdict: str, reason: str,
            who: str, brief_id: int | None) -> OverrideRow:
        new_id = self.db.execute(
            "INSERT INTO overrides (story_id, claim_id, claim, machine_verdict, verdict, reason, who, brief_id) VALUES"
            " (:story_id, :claim_id, :claim, :machine_verdict, :verdict, :reason, :who, :brief_id) RETURNING id",
            {"story_id": story_id, "claim_id": claim_id, "claim": claim, "machine_verdict": machine_verdict,
             "verdict": verdict, "reason": reason, "who": who, "brief_id": brief_id}).scalar()
        return self._rows("WHERE id = :id", {"id": new_id})[0]

    def audit(self, story_id: str | None = None) -> list[OverrideRow]:
        """Every override, oldest first; ``story_id`` keeps one story's."""
        return self._rows("WHERE story_id = :story" if story_id else "", {"story": story_id})

    def in_force(self, story_id: str) -> dict[str, OverrideRow]:
        """claim id -> the latest override of that claim in the story."""
        return {row.claim_id: row for row in self.audit(story_id)}  # oldest first: the latest wins

    def _rows(self, where: str, params: dict) -> list[OverrideRow]:
        columns = ", ".join(OverrideRow.__dataclass_fields__)
        return [OverrideRow(*r) for r in self.db.execute(f"SELECT {columns} FROM overrides {where} ORDER BY id", params)]
