"""Typed records passed between stages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SourceHints(BaseModel):
    """Metadata an input carries beside its content (JSONL fields, a sidecar, a feed entry)."""

    model_config = ConfigDict(extra="forbid")  # a typo in a sidecar should say so

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


class RawDocument(BaseModel):
    """One input read from a source, before cleaning."""

    source: str = Field(description="Where it came from: a path, a URL, or 'file.jsonl:LINE'.")
    kind: Literal["html", "text"]
    content: str
    hints: SourceHints = Field(default_factory=SourceHints)
    encoding: str | None = Field(None, description="The encoding the bytes were guessed to be in (e.g. 'cp1252') "
                                 "when they were not valid in the declared one, UTF-8 if none; None when they were.")


class Article(BaseModel):
    """A cleaned article. ``text`` is canonical: every later span points into it."""

    id: str
    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    credit: str | None = Field(None, description="Wire credit line, e.g. 'Reuters, with additional editing'.")
    text: str
    words: int | None = Field(None, description="Words in the text, counted at ingest; None if stored before.")
    sentences: int | None = Field(None, description="Sentences in the text, counted at ingest; None if stored before.")


class IngestFailure(BaseModel):
    """One input that was skipped, with a one-line reason a person can act on."""

    source: str
    reason: str
