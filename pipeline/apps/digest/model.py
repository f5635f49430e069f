"""The digest as data: what every rendering (Markdown, HTML, JSON, e-mail, Slack) reads.

This is the seam for other doors: a renderer takes a ``Digest`` and walks ``stories`` in rank
order. A story's ``brief`` is the stored brief (the one the web page and Slack show, with the
editors' overrides laid over it), or None when the story did not move since the last digest.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DigestChange(BaseModel):
    kind: str = Field(description="conflicting, correction, confirmation, new_point, withdrawn, new_source, resolved")
    text: str


class DigestStory(BaseModel):
    story_id: str
    headline: str
    status: Literal["new", "changed", "unchanged"]
    rank: int
    families: int = Field(description="Independent source families")
    articles: int
    outlets: list[str]
    score: float = Field(description="log2(families) less the half-lives since its latest news")
    latest: str | None = Field(None, description="Its latest article's time")
    brief_id: int | None
    changes: list[DigestChange] = Field(default_factory=list, description="Since the last digest that showed it")
    brief: dict | None = Field(None, description="The stored brief (schemas/brief.schema.json); None when unchanged")


class LogLine(BaseModel):
    source: str
    reason: str


class Digest(BaseModel):
    id: int | None = None
    name: str
    created: str | None = None
    since: str | None = Field(None, description="Stories with news since then")
    previous: int | None = Field(None, description="The last digest of the same name, compared with")
    nothing_new: bool = Field(description="No story is new or changed since the last digest")
    stories: list[DigestStory]
    counts: dict = Field(default_factory=dict, description="feeds, entries read, articles added and already stored")
    log: list[LogLine] = Field(default_factory=list, description="Each feed, entry or page that gave no article")

    def moved(self) -> list[DigestStory]:
        return [s for s in self.stories if s.status != "unchanged"]

    def still(self) -> list[DigestStory]:
        return [s for s in self.stories if s.status == "unchanged"]
