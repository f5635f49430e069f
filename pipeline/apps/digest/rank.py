"""Ranking a digest's stories: by independent source families, weighted by recency.

A story that five independent outlets report outranks one that a single wire and its reprints
carry, however many reprints there are: families count, never copies. Recency weighs each
story's families by half every ``half_life_hours`` since its latest article, so yesterday's
big story gives way to today's as the day goes on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass
class Ranked:
    story: object          # pipeline.grouping.Story
    families: int          # independent source families
    latest: datetime | None
    score: float           # log2(families) less the half-lives since its latest news


def latest_news(story) -> datetime | None:
    """When the story last had news: its latest article with a date."""
    dates = [a.published if a.published.tzinfo else a.published.replace(tzinfo=timezone.utc)
             for a in story.articles if a.published]
    return max(dates, default=None)


def rank_stories(stories: list, half_life_hours: float, now: datetime | None = None) -> list[Ranked]:
    """Best first; ties go to the more recent story, then to the one with more articles."""
    now = now or datetime.now(timezone.utc)
    ranked = []
    for story in stories:
        latest = latest_news(story)
        age_hours = max(0.0, (now - latest).total_seconds() / 3600) if latest else 0.0
        families = len(story.families)
        # families * 0.5 ** half-lives, in log2: the same order, and no underflow for old stories
        ranked.append(Ranked(story, families, latest, round(math.log2(max(families, 1)) - age_hours / half_life_hours, 4)))
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(ranked, key=lambda r: (r.score, r.latest or oldest, len(r.story.articles)), reverse=True)
