"""Stories read back from the store: each with its articles in time order and its source families."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.grouping.lineage import SourceFamily, describe_family
from pipeline.models import Article
from store.articles import ArticleStore
from store.groups import GroupStore


@dataclass
class Story:
    id: str
    title: str | None
    articles: list[Article]
    families: list[SourceFamily]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet for a in self.articles if a.outlet))


def source_families(store: ArticleStore, story_id: str) -> list[SourceFamily]:
    """The story's source families, each with its originating outlet where it can be told."""
    rows = GroupStore(store.db).story_rows(story_id)
    articles = {a.id: a for a in store.get_many([r.article_id for r in rows])}
    members: dict[str, list[Article]] = {}
    for row in rows:
        members.setdefault(row.family_id, []).append(articles[row.article_id])
    return [describe_family(family_id, _in_time_order(group)) for family_id, group in members.items()]


def load_story(store: ArticleStore, story_id: str) -> Story | None:
    families = source_families(store, story_id)
    if not families:
        return None
    articles = _in_time_order([a for f in families for a in f.articles])
    lead = next((a for a in articles if a.id == story_id), articles[0])
    return Story(story_id, lead.title, articles, families)


def list_stories(store: ArticleStore, since: str | None = None, limit: int | None = None) -> list[Story]:
    """Stories in the order they first appeared: those with news ``since`` an ISO date or time
    (see GroupStore.story_ids), the ``limit`` most recent of them."""
    story_ids = GroupStore(store.db).story_ids(since)
    chosen = story_ids[-limit:] if limit else story_ids
    return [story for story_id in chosen if (story := load_story(store, story_id))]


def _in_time_order(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published is None, a.published.timestamp() if a.published else 0))
