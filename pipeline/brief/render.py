"""Rendering a Brief: Markdown for people, JSON for programs (the model's own schema)."""

from __future__ import annotations

import json

from pipeline.brief.compose import Brief

BADGES = {"confirmed": "✅ confirmed", "conflicting": "⚠️ conflicting", "different_basis": "↔️ different basis",
          "single_source": "◻️ single source", "unsupported": "❌ unsupported"}


def verdict_label(claim) -> str:
    """The machine's badge, and the editor's beside it when a claim is overridden."""
    label = BADGES.get(claim.verdict, claim.verdict)
    if claim.override is None:
        return label
    editor = claim.override
    return f"{label} · editor: {BADGES.get(editor.verdict, editor.verdict)} ({editor.who}: {editor.reason})"


def to_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2)


def json_schema() -> str:
    return json.dumps(Brief.model_json_schema(), indent=2)


def to_markdown(brief: Brief) -> str:
    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    lines = [f"# {brief.headline}", ""]
    if brief.conflicts:
        lines += ["## ⚠️ Conflicts", ""] + [f"- {c}" for c in brief.conflicts] + [""]
    lines += ["## Key points", ""] + markdown_points(brief, families)
    if brief.figures:
        lines += ["", "## Figures", ""] + markdown_figures(brief, families)
    lines += ["", "## Sources", ""]
    for family in brief.sources:
        origin = f"from {family.origin} ({family.origin_basis})" if family.origin else "origin not stated"
        titles = "; ".join(f"{a['outlet'] or 'unknown outlet'}: {a['title'] or a['id'][:10]}" for a in family.articles)
        lines.append(f"{families[family.id]}. {origin} — {titles}")
    meta = brief.meta
    lines += ["", f"_Engine: {meta.engine}{f', model {meta.model}' if meta.model else ', no LLM'}; "
              f"config {meta.config_hash}; {meta.seconds:.2f} s._"]
    return "\n".join(lines) + "\n"


def markdown_points(brief: Brief, families: dict[str, int]) -> list[str]:
    """The key points, a line each: citations by family number and the verdict."""
    lines = []
    for point in brief.points:
        claim = point.claims[0]
        cites = " ".join(f"[{families[c.family_id]}]" for c in claim.citations)
        lines.append(f"- {point.text[:1].upper()}{point.text[1:]} {cites} — {verdict_label(claim)}"
                     f"{' (one source)' if point.single_source and claim.verdict != 'single_source' else ''}")
    return lines


def markdown_figures(brief: Brief, families: dict[str, int]) -> list[str]:
    lines = ["| entity | metric | figure | basis | outlet | verdict |", "|---|---|---|---|---|---|"]
    for row in brief.figures:
        lines.append(f"| {row.entity or ''} | {row.metric or ''} | {_value(row)} | {row.basis or ''} | "
                     f"{_reported_by(row, families)} | {BADGES.get(row.verdict, row.verdict)} |")
    return lines


def _value(row) -> str:
    return row.value or row.figure  # a brief stored before rows had their value alone


def _reported_by(row, families: dict[str, int]) -> str:
    """Every outlet that reports the figure (a figure two families state is one row), else the
    families' numbers."""
    return ", ".join(row.outlets) or row.outlet or ", ".join(
        f"[{families[f]}]" for f in (row.families or [row.family_id]) if f in families)


# --- HTML: one self-contained page, readable on screen and on paper ---------------------------

CSS = """
body{font:16px/1.5 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.15rem;border-bottom:1px solid #ddd;margin-top:2rem}
.conflicts{border-left:4px solid #c0392b;background:#fdf0ee;padding:.5rem 1rem}
.badge{font:12px/1 sans-serif;padding:2px 6px;border-radius:3px;white-space:nowrap}
.confirmed{background:#e3f4e8}.conflicting{background:#fbe3e1}.different_basis{background:#fdf3d9}
.single_source{background:#eee}.unsupported{background:#f4d7f0}
table{border-collapse:collapse;width:100%;font:14px/1.4 sans-serif}td,th{border:1px solid #ddd;padding:4px 6px}
footer{color:#777;font-size:13px;margin-top:2rem}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
"""


def to_html(brief: Brief) -> str:
    from html import escape

    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(brief.headline)}</title>",
             f"<style>{CSS}</style><h1>{escape(brief.headline)}</h1>", *html_sections(brief, families)]
    sources = "".join(f'<li id="source-{families[f.id]}">{escape(_origin(f))}: '
                      + "; ".join(_article_html(a) for a in f.articles) + "</li>" for f in brief.sources)
    parts.append(f"<h2>Sources</h2><ol>{sources}</ol>")
    meta = brief.meta
    parts.append(f"<footer>Engine: {escape(meta.engine)}{', model ' + escape(meta.model) if meta.model else ', no LLM'}"
                 f" · config {escape(meta.config_hash)} · {meta.seconds:.2f} s</footer></html>")
    return "\n".join(parts)


def _badge(verdict: str) -> str:
    from html import escape

    return f'<span class="badge {escape(verdict)}">{escape(verdict.replace("_", " "))}</span>'


def _claim_badges(claim) -> str:
    from html import escape

    if claim.override is None:
        return _badge(claim.verdict)
    editor = claim.override
    return (f"{_badge(claim.verdict)} editor: {_badge(editor.verdict)} "
            f"<small>({escape(editor.who)}: {escape(editor.reason)})</small>")


def html_sections(brief: Brief, families: dict[str, int], level: int = 2, link_prefix: str = "source-") -> list[str]:
    """Conflicts (when there are any), key points and figures, under headings of this level."""
    from html import escape

    h = f"h{level}"
    parts = []
    if brief.conflicts:
        items = "".join(f"<li>{escape(c)}</li>" for c in brief.conflicts)
        parts.append(f"<section class=conflicts><{h}>Conflicts</{h}><ul>{items}</ul></section>")
    parts.append(f"<{h}>Key points</{h}>{html_points(brief, families, link_prefix)}")
    if brief.figures:
        parts.append(f"<{h}>Figures</{h}>{html_figures(brief, families)}")
    return parts


def html_points(brief: Brief, families: dict[str, int], link_prefix: str = "source-") -> str:
    """The key points as a list, each with its citations (links to the sources) and badges."""
    from html import escape

    return "<ul>" + "".join(
        f"<li>{escape(p.text[:1].upper() + p.text[1:])} "
        + "".join(f'<sup><a href="#{link_prefix}{families[c.family_id]}">[{families[c.family_id]}]</a></sup>'
                  for c in p.claims[0].citations)
        + f" {_claim_badges(p.claims[0])}</li>" for p in brief.points) + "</ul>"


def html_figures(brief: Brief, families: dict[str, int]) -> str:
    from html import escape

    rows = "".join(f"<tr><td>{escape(r.entity or '')}</td><td>{escape(r.metric or '')}</td><td>{escape(_value(r))}</td>"
                   f"<td>{escape(r.basis or '')}</td><td>{escape(_reported_by(r, families))}</td>"
                   f"<td>{_badge(r.verdict)}</td></tr>" for r in brief.figures)
    return ("<table><tr><th>entity</th><th>metric</th><th>figure</th><th>basis</th>"
            f"<th>outlet</th><th>verdict</th></tr>{rows}</table>")


def _origin(family) -> str:
    return f"from {family.origin} ({family.origin_basis})" if family.origin else "origin not stated"


def _article_html(article: dict) -> str:
    from html import escape

    label = escape(f"{article['outlet'] or 'unknown outlet'}: {article['title'] or article['id'][:10]}")
    url = article.get("url") or ""
    if url.startswith(("http://", "https://")):  # never a javascript: link from an article's metadata
        return f'<a href="{escape(url, quote=True)}">{label}</a>'
    return label


# --- Slack Block Kit: within Slack's limits, split into several messages when needed -----------

SLACK_MAX_BLOCKS = 50
SLACK_MAX_SECTION = 3000
SLACK_MAX_HEADER = 150
SLACK_MAX_FIELDS = 10


def to_slack_messages(brief: Brief, claim_actions=None) -> list[list[dict]]:
    """Lists of blocks, each list one message: at most 50 blocks, 3,000 characters a section.
    ``claim_actions(claim)`` gives the blocks that follow each point (the Slack door's buttons)."""
    return split_messages(slack_blocks(brief, claim_actions))


def slack_blocks(brief: Brief, claim_actions=None) -> list[dict]:
    """The brief in reading order: headline and main point, conflicts with their two quotes, the
    other points with verdict and outlets, figures in a compact section, numbered sources. Only
    the quotes the brief cites are article text."""
    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": brief.headline[:SLACK_MAX_HEADER]}}]
    for index, point in enumerate(brief.points):
        blocks += slack_sections(_slack_point(point, families, lead=index == 0))
        blocks += claim_actions(point.claims[0]) if claim_actions else []
        if index == 0 and brief.conflicts:  # conflicts come straight after the main point
            blocks += slack_sections("*⚠️ Conflicts*\n" + "\n".join(_slack_conflicts(brief)))
    if brief.figures:
        blocks += slack_sections("*Figures*\n" + "\n".join(
            f"• {slack_escape(r.figure)} ({slack_escape(r.basis or 'basis unknown')}) {_emoji(r.verdict)} "
            f"[{', '.join(str(families[f]) for f in (r.families or [r.family_id]) if f in families)}]"
            for r in brief.figures))
    blocks += slack_sections("*Sources*\n" + "\n".join(_slack_source(f, families[f.id]) for f in brief.sources))
    return blocks


def split_messages(blocks: list[dict]) -> list[list[dict]]:
    return [blocks[i : i + SLACK_MAX_BLOCKS] for i in range(0, len(blocks), SLACK_MAX_BLOCKS)]


def _slack_point(point, families: dict[str, int], lead: bool) -> str:
    claim = point.claims[0]
    outlets = sorted({c.outlet or f"[{families[c.family_id]}]" for c in claim.citations})
    cites = " ".join(sorted({f"[{families[c.family_id]}]" for c in claim.citations}))
    text = f"{slack_escape(point.text)} {cites}\n{slack_escape(verdict_label(claim))}"
    text += f" · {slack_escape(', '.join(outlets))}" if outlets else ""
    return f"*Main point:* {text}" if lead else f"• {text}"


def _slack_conflicts(brief: Brief) -> list[str]:
    """Each figure conflict with both sides' quotes; a conflict without sides as its line."""
    if not brief.conflict_pairs:
        return [f"• {slack_escape(c)}" for c in brief.conflicts]
    return [f"• {slack_escape(' against '.join(side.figure for side in pair.sides))}\n" + "\n".join(
        f"    > {slack_escape(side.outlet or 'unknown outlet')}: \u201c{slack_escape(side.sentence)}\u201d"
        for side in pair.sides) for pair in brief.conflict_pairs]


def _slack_source(family, number: int) -> str:
    """A numbered family, then each of its articles on a line of its own, a link when it has an
    http(s) URL: lines this short split cleanly between sections however many articles there are."""
    def label(article: dict) -> str:
        text = slack_escape(f"{article['outlet'] or 'unknown outlet'}: {article['title'] or article['id'][:10]}")
        url = article.get("url") or ""
        return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{text}>" if url.startswith(("http://", "https://")) else text
    return "\n".join([f"{number}. {slack_escape(_origin(family))}", *(f"    – {label(a)}" for a in family.articles)])


def _emoji(verdict: str) -> str:
    return BADGES.get(verdict, verdict).split(" ")[0]


def slack_sections(text: str) -> list[dict]:
    """One section per 3,000 characters, cut at line ends where it can be."""
    chunks, current = [], ""
    for line in text.split("\n"):
        if current and len(current) + len(line) + 1 > SLACK_MAX_SECTION:
            chunks.append(current)  # in order: what came before goes out first
            current = ""
        while len(current) + len(line) > SLACK_MAX_SECTION:  # a line longer than a section is cut
            room = SLACK_MAX_SECTION - len(current) - (1 if current else 0)
            chunks.append(f"{current}\n{line[:room]}" if current else line[:room])
            current, line = "", line[room:]
        current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks if chunk]


def slack_escape(text: str) -> str:
    """Slack's mrkdwn needs only these three escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
