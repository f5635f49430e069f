"""What changed between two versions of a story's brief.

A story's brief is re-written when a new article joins it (a new story version): its points are
re-selected and every claim and figure re-verified against all the families, the new one
included. Comparing the two versions tells an editor what moved: a figure or claim that became
conflicting, a new confirmation, a correction (an outlet now reports another value of the same
figure), a new point, a withdrawn one, a new source family, a conflict resolved. Points and
claims keep their ids across versions (``compose.stable_id``), so they are matched by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.brief.compose import Brief, FigureRow

KINDS = ("conflicting", "correction", "confirmation", "new_point", "withdrawn", "new_source", "resolved")


@dataclass
class Change:
    kind: str
    text: str
    subject: str | None = None  # the claim, point or figure it is about

    def as_row(self) -> tuple[str, str, str | None]:
        return self.kind, self.text, self.subject


def brief_changes(old: Brief, new: Brief) -> list[Change]:
    """The changes from ``old`` to ``new``, the most pressing first (conflicts, corrections)."""
    found = _claim_changes(old, new) + _point_changes(old, new) + _figure_changes(old, new) + _source_changes(old, new)
    return sorted(found, key=lambda c: KINDS.index(c.kind))


def _claims(brief: Brief) -> dict:
    return {c.id: c for p in brief.points for c in p.claims}


def _claim_changes(old: Brief, new: Brief) -> list[Change]:
    """Claims in both versions whose verdict or count of confirming families moved."""
    before, changes = _claims(old), []
    for claim_id, claim in _claims(new).items():
        was = before.get(claim_id)
        if was is None:
            continue
        if claim.verdict == "conflicting" and was.verdict != "conflicting":
            why = claim.reasons[0] if claim.reasons else "another source states it otherwise"
            changes.append(Change("conflicting", f"now conflicting (was {was.verdict}): {claim.text} — {why}"
                                  + _editor_note(claim), claim_id))
        elif claim.confirming_families > was.confirming_families:
            changes.append(Change("confirmation", f"confirmed by {claim.confirming_families} families "
                                  f"(was {was.confirming_families}): {claim.text}" + _editor_note(claim), claim_id))
        elif was.verdict == "conflicting" and claim.verdict != "conflicting":
            changes.append(Change("resolved", f"no longer conflicting (now {claim.verdict}): {claim.text}", claim_id))
    return changes


def _editor_note(claim) -> str:
    """An editor's verdict carries over to the new version; the change says it still stands."""
    if claim.override is None:
        return ""
    return f" (the editor's verdict, {claim.override.verdict} by {claim.override.who}, still stands)"


def _point_changes(old: Brief, new: Brief) -> list[Change]:
    before = {p.id: p for p in old.points}
    after = {p.id: p for p in new.points}
    changes = [Change("new_point", f"new point: {p.text}", p.id) for i, p in after.items() if i not in before]
    changes += [Change("withdrawn", f"withdrawn: {p.text}{_why_withdrawn(p, new)}", p.id)
                for i, p in before.items() if i not in after]
    return changes


def _why_withdrawn(point, new: Brief) -> str:
    """A point that left the brief: a conflict now names it, or the news moved on."""
    if any(point.text in line for line in new.conflicts):
        return " (a source now contradicts it)"
    return " (no longer among the key points)"


def _figure_key(row: FigureRow) -> tuple:
    return row.citation.article_id, row.citation.start, row.citation.end


def _slot(row: FigureRow) -> tuple:
    """What a figure is a value of: the same entity, metric and basis, as one outlet reports it."""
    return (row.outlet or row.family_id), (row.entity or "").casefold(), (row.metric or "").casefold(), row.basis


def _figure_changes(old: Brief, new: Brief) -> list[Change]:
    before = {_figure_key(r): r for r in old.figures}
    old_slots = {_slot(r): r for r in old.figures}
    changes, seen = [], set()
    for row in new.figures:
        if (row.family_id, row.figure, row.basis) in seen:  # a reprint says what its original says
            continue
        seen.add((row.family_id, row.figure, row.basis))
        was = before.get(_figure_key(row))
        if was is not None:
            if row.verdict == "conflicting" and was.verdict != "conflicting":
                changes.append(Change("conflicting", f"figure now conflicting (was {was.verdict}): {_figure_text(row)}"
                                      + (f" — {row.reasons[0]}" if row.reasons else ""), _figure_subject(row)))
            continue
        earlier = old_slots.get(_slot(row))
        if earlier is not None and earlier.figure != row.figure:
            basis = f" ({row.basis})" if row.basis else ""
            changes.append(Change("correction", f"{row.outlet or 'a source'} now reports {row.figure}{basis} "
                                  f"(was {earlier.figure})", _figure_subject(row)))
    return changes


def _figure_text(row: FigureRow) -> str:
    basis = f" ({row.basis})" if row.basis else ""
    return f"{row.figure}{basis}, {row.outlet or 'family ' + row.family_id[:8]}"


def _figure_subject(row: FigureRow) -> str:
    return f"figure:{row.citation.article_id}:{row.citation.start}"


def _source_changes(old: Brief, new: Brief) -> list[Change]:
    before = {f.id for f in old.sources}
    return [Change("new_source", f"new source: {', '.join(f.outlets) or 'an unnamed outlet'}"
                   f"{f' (from {f.origin})' if f.origin and f.origin not in f.outlets else ''}", f.id)
            for f in new.sources if f.id not in before]
