"""Prompt templates, versioned in their file names (``brief.v1.system.txt``). A released version
is never edited: a change is a new version. Templates use ``$name`` placeholders (string.Template),
so JSON examples in them need no escaping."""

from __future__ import annotations

import string
from pathlib import Path

HERE = Path(__file__).resolve().parent

# What each stage provides: a template may use these variables and no others.
VARIABLES = {
    "brief.v1.system": {"min_points", "max_points"},
    "brief.v1.user": {"title", "articles"},
    "brief.v2.system": {"min_points", "max_points", "words"},
    "brief.v2.user": {"title", "headlines", "articles"},
    "judge.v1.system": set(),
    "judge.v1.user": {"claim", "passages"},
    "claims.v1.system": set(),
    "claims.v1.user": {"article"},
}


class PromptError(ValueError):
    pass


def load(name: str) -> string.Template:
    """A template by its versioned name; refuses variables its stage does not provide."""
    template = string.Template((HERE / f"{name}.txt").read_text())
    used = {m.group("named") or m.group("braced") for m in template.pattern.finditer(template.template)} - {None}
    unknown = used - VARIABLES.get(name, set())
    if unknown:
        raise PromptError(f"prompt {name} uses variables its stage does not provide: {', '.join(sorted(unknown))}")
    return template


def render(name: str, **values) -> str:
    return load(name).substitute(values)
