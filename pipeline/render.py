"""Rendering a Brief: Markdown for people, JSON for programs (the model's own schema)."""

from __future__ import annotations

import json

from pipeline.brief import Brief

BADGES = {"confirmed": "✅ confirmed", "conflicting": "⚠️ conflicting", "different_basis": "↔️ different basis",
          "single_source": "◻️ single source", "unsupported": "❌ unsupported"}


def to_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2)


def json_schema() -> str:
    return json.dumps(Brief.model_json_schema(), indent=2)


def to_markdown(brief: Brief) -> str:
    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    lines = [f"# {brief.headline}", ""]
    if brief.conflicts:
        lines += ["## ⚠️ Conflicts", ""] + [f"- {c}" for c in brief.conflicts] + [""]
    lines += ["## Key points", ""]
    for point in brief.points:
        claim = point.claims[0]
        cites = " ".join(f"[{families[c.family_id]}]" for c in claim.citations)
        lines.append(f"- {point.text[:1].upper()}{point.text[1:]} {cites} — {BADGES.get(claim.verdict, claim.verdict)}"
                     f"{' (one source)' if point.single_source and claim.verdict != 'single_source' else ''}")
    if brief.figures:
        lines += ["", "## Figures", "", "| entity | metric | figure | basis | outlet | verdict |", "|---|---|---|---|---|---|"]
        for row in brief.figures:
            lines.append(f"| {row.entity or ''} | {row.metric or ''} | {row.figure} | {row.basis or ''} | "
                         f"{row.outlet or '[' + str(families[row.family_id]) + ']'} | {BADGES.get(row.verdict, row.verdict)} |")
    lines += ["", "## Sources", ""]
    for family in brief.sources:
        origin = f"from {family.origin} ({family.origin_basis})" if family.origin else "origin not stated"
        titles = "; ".join(f"{a['outlet'] or 'unknown outlet'}: {a['title'] or a['id'][:10]}" for a in family.articles)
        lines.append(f"{families[family.id]}. {origin} — {titles}")
    meta = brief.meta
    lines += ["", f"_Engine: {meta.engine}{f', model {meta.model}' if meta.model else ', no LLM'}; "
              f"config {meta.config_hash}; {meta.seconds:.2f} s._"]
    return "\n".join(lines) + "\n"
