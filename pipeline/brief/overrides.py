"""Editors' overrides laid over a stored brief, for every rendering.

The stored brief keeps the machine's verdicts; the overrides in force (store/overrides.py) are
laid over it when it is shown, so a brief written again later (a re-verification) shows them
too, beside its own machine verdicts.
"""

from __future__ import annotations

from pipeline.brief.compose import Brief, Override

VERDICTS = ("confirmed", "conflicting", "different_basis", "single_source", "unsupported")


def with_overrides(brief: Brief, in_force: dict) -> Brief:
    """A copy of ``brief`` whose claims carry the override in force for their id (``in_force``:
    claim id -> store.overrides.OverrideRow)."""
    brief = brief.model_copy(deep=True)
    for point in brief.points:
        for claim in point.claims:
            row = in_force.get(claim.id)
            if row is not None:
                claim.override = Override(verdict=row.verdict, reason=row.reason, who=row.who, at=row.created_at,
                                          machine_verdict=row.machine_verdict)
    return brief


def find_claim(brief: Brief, claim_id: str):
    """The claim with that id, or None."""
    return next((c for p in brief.points for c in p.claims if c.id == claim_id), None)
