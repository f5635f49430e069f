"""Rendering a digest: Markdown (also the e-mail's text part), HTML (the e-mail's HTML part), JSON.

A table of contents, then each story that is new or changed: its headline, what changed since
the last digest, its conflicts, key points and figures, read from the stored brief; then a
section "No change" naming the stories that did not move. A run with nothing new says so.
"""

from __future__ import annotations

from html import escape

from pipeline.apps.digest.model import Digest, DigestStory
from pipeline.brief.compose import Brief
from pipeline.brief.render import CSS, html_sections, markdown_figures, markdown_points

STATUS = {"new": "new", "changed": "updated", "unchanged": "no change"}


def to_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2)


def _brief(story: DigestStory) -> Brief | None:
    return Brief.model_validate(story.brief) if story.brief else None


def _sources(families: int) -> str:
    return f"{families} source{'s' if families != 1 else ''}"


def _sources_line(story: DigestStory) -> str:
    outlets = ", ".join(story.outlets[:6]) + (" …" if len(story.outlets) > 6 else "")
    return (f"{story.families} independent source{'s' if story.families != 1 else ''}, "
            f"{story.articles} article{'s' if story.articles != 1 else ''} ({outlets or 'outlets unknown'})")


def _nothing_new_line(digest: Digest) -> str:
    if not digest.stories:
        return "No story had news in this window."
    return f"Nothing new since the last digest (#{digest.previous}): no story is new or changed."


def to_markdown(digest: Digest) -> str:
    lines = [f"# {digest.name}", "", f"_{digest.created or ''} · digest #{digest.id} · {len(digest.moved())} "
             f"new or updated, {len(digest.still())} unchanged_", ""]
    if digest.nothing_new:
        lines += [_nothing_new_line(digest), ""]
    if digest.moved():
        lines += ["## Contents", ""] + [f"{s.rank}. {s.headline} ({STATUS[s.status]}, {_sources(s.families)})"
                                        for s in digest.moved()] + [""]
    for story in digest.moved():
        lines += _story_markdown(story)
    if digest.still():
        lines += ["## No change", ""] + [f"- {s.headline} ({_sources_line(s)})" for s in digest.still()] + [""]
    if digest.log:
        lines += ["## Not read", ""] + [f"- {line.source}: {line.reason}" for line in digest.log] + [""]
    return "\n".join(lines)


def _story_markdown(story: DigestStory) -> list[str]:
    brief = _brief(story)
    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    lines = [f"## {story.rank}. {story.headline}", "", f"_{STATUS[story.status]} · {_sources_line(story)}_", ""]
    if story.changes:
        lines += ["**What changed**", ""] + [f"- {c.text}" for c in story.changes] + [""]
    if brief.conflicts:
        lines += ["**⚠️ Conflicts**", ""] + [f"- {c}" for c in brief.conflicts] + [""]
    lines += ["**Key points**", ""] + markdown_points(brief, families) + [""]
    if brief.figures:
        lines += ["**Figures**", ""] + markdown_figures(brief, families) + [""]
    return lines + ["**Sources** " + "; ".join(f"[{n}] {_family_label(f)}" for n, f in enumerate(brief.sources, 1)), ""]


def _family_label(family) -> str:
    """A family's outlets, its origin first when it names one (a wire and its reprints)."""
    outlets = ", ".join(family.outlets) or "outlet unknown"
    return f"{outlets} (from {family.origin})" if family.origin and family.origin not in family.outlets else outlets


def to_html(digest: Digest) -> str:
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(digest.name)}</title>",
             f"<style>{CSS}</style><h1>{escape(digest.name)}</h1>",
             f"<p><small>{escape(digest.created or '')} · digest #{digest.id} · {len(digest.moved())} new or updated, "
             f"{len(digest.still())} unchanged</small></p>"]
    if digest.nothing_new:
        parts.append(f"<p class=nothing-new>{escape(_nothing_new_line(digest))}</p>")
    if digest.moved():
        items = "".join(f'<li><a href="#story-{s.rank}">{escape(s.headline)}</a> ({STATUS[s.status]}, '
                        f"{_sources(s.families)})</li>" for s in digest.moved())
        parts.append(f"<nav><h2>Contents</h2><ol>{items}</ol></nav>")
    parts += [_story_html(s) for s in digest.moved()]
    if digest.still():
        items = "".join(f"<li>{escape(s.headline)} <small>({escape(_sources_line(s))})</small></li>" for s in digest.still())
        parts.append(f"<h2>No change</h2><ul>{items}</ul>")
    if digest.log:
        items = "".join(f"<li>{escape(line.source)}: {escape(line.reason)}</li>" for line in digest.log)
        parts.append(f"<h2>Not read</h2><ul>{items}</ul>")
    return "\n".join(parts) + "</html>"


def _story_html(story: DigestStory) -> str:
    brief = _brief(story)
    families = {f.id: n for n, f in enumerate(brief.sources, start=1)}
    parts = [f'<section id="story-{story.rank}"><h2>{story.rank}. {escape(story.headline)}</h2>',
             f"<p><small>{escape(STATUS[story.status])} · {escape(_sources_line(story))}</small></p>"]
    if story.changes:
        items = "".join(f'<li class="{escape(c.kind)}">{escape(c.text)}</li>' for c in story.changes)
        parts.append(f"<h3>What changed</h3><ul>{items}</ul>")
    prefix = f"story-{story.rank}-source-"
    parts += html_sections(brief, families, level=3, link_prefix=prefix)
    sources = "".join(f'<li id="{prefix}{n}">{escape(_family_label(f))}</li>' for n, f in enumerate(brief.sources, 1))
    return "".join(parts) + f"<h3>Sources</h3><ol>{sources}</ol></section>"


RENDERERS = {"md": to_markdown, "markdown": to_markdown, "html": to_html, "json": to_json}
