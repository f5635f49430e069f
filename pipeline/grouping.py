"""The grouping stage: duplicates, source families and stories for newly ingested articles.

It runs after ingest on every article that has no group yet, so an interrupted run is finished
by the next one. Earlier articles ingested within the window are brought back as context, so new
articles join their families and stories instead of starting new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipeline.dedup import Deduper
from pipeline.lineage import SourceFamily, describe_family
from pipeline.models import Article
from pipeline.settings import Settings
from pipeline.stories import StoryClusterer, StoryInput
from store.articles import ArticleStore
from store.groups import GroupRow, GroupStore


@dataclass
class GroupingReport:
    grouped: int = 0
    duplicates: int = 0
    new_stories: int = 0
    stories_joined: int = 0
    rows: list[GroupRow] = field(default_factory=list)  # every row written, old ones included


def order_key(article: Article, position: int) -> tuple:
    """Time order: publication when known, then the order of ingestion."""
    published = article.published.timestamp() if article.published else float("inf")
    return (published, position)


def story_embedder(settings: Settings):
    """The embedder's ``embed`` for the story veto, or None when switched off."""
    if not settings.grouping.embedding_veto:
        return None
    from pipeline.embed import get_embedder

    return get_embedder(settings.embedder, settings).embed


def group_pending(store: ArticleStore, settings: Settings) -> GroupingReport:
    groups = GroupStore(store.db)
    pending_ids = groups.ungrouped_ids()
    if not pending_ids:
        return GroupingReport()
    since = (datetime.now(timezone.utc) - timedelta(days=settings.grouping.window_days)).strftime("%Y-%m-%dT%H:%M:%S")
    window = groups.rows(since)
    # An article in the window may point at an original, family or story from before it: those
    # rows come too (in ingestion order with the rest), or the links would point at nothing.
    referenced = {i for r in window for i in (r.article_id, r.original_id, r.family_id, r.story_id)}
    context = {row.article_id: row for row in groups.rows_for(referenced)}
    articles = {a.id: a for a in store.get_many([*context, *pending_ids])}
    positions = {article_id: i for i, article_id in enumerate([*context, *pending_ids])}
    key = {a: order_key(articles[a], positions[a]) for a in articles}

    deduper = Deduper()
    deduper.order.update(key)  # every article's place in time is known before any link is restored
    for article_id in sorted(context, key=key.__getitem__):
        row = context[article_id]
        deduper.restore(article_id, articles[article_id].text, row.original_id, row.family_id, key[article_id])
    spans = []
    for article_id in sorted(pending_ids, key=key.__getitem__):
        decision = deduper.add(article_id, articles[article_id].text, key[article_id])
        spans.extend((s.a, s.a_start, s.a_end, s.b, s.b_start, s.b_end, s.score) for s in decision.shared)

    stories = _assign_stories(deduper, articles, context, key, story_embedder(settings))
    rows = [GroupRow(a, deduper.original_of(a), deduper.family_of(a), stories[a]) for a in articles]
    groups.save(rows, spans)
    return GroupingReport(
        grouped=len(pending_ids),
        duplicates=sum(deduper.original_of(a) != a for a in pending_ids),
        new_stories=len({stories[a] for a in pending_ids} - {r.story_id for r in context.values()}),
        stories_joined=len({stories[a] for a in pending_ids} & {r.story_id for r in context.values()}),
        rows=rows,
    )


def _assign_stories(deduper: Deduper, articles: dict[str, Article], context: dict, key, embed):
    """Originals are clustered; a duplicate belongs to its original's story."""
    stories = {a: row.story_id for a, row in context.items()}
    originals = sorted({deduper.original_of(a) for a in articles}, key=key.__getitem__)
    existing = {a: stories[a] for a in originals if a in stories}
    inputs = [StoryInput(a, articles[a].title, articles[a].text, articles[a].published) for a in originals]
    stories.update(StoryClusterer(embed=embed).assign(existing, inputs))
    for article_id in articles:
        stories[article_id] = stories[deduper.original_of(article_id)]
    return stories


# --- reading groups back ----------------------------------------------------------------------


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


def list_stories(store: ArticleStore) -> list[Story]:
    return [story for story_id in GroupStore(store.db).story_ids() if (story := load_story(store, story_id))]


def _in_time_order(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published is None, a.published.timestamp() if a.published else 0))


def group_metadata(rows: list[GroupRow]) -> dict[str, dict]:
    """What the vector index keeps of each article's groups."""
    return {r.article_id: {"story_id": r.story_id, "family_id": r.family_id} for r in rows}


def index_pending(store: ArticleStore, settings: Settings, index, changed: list[GroupRow] = ()) -> int:
    """Index every original the collection does not hold yet, and refresh changed groups.

    Duplicates are not indexed: their original stands for them (a reprint is no new evidence, and
    the index stays the size of the distinct news). One that turns out a duplicate later is
    removed. Returns the number of chunks written."""
    groups = GroupStore(store.db)
    rows = groups.rows()
    indexed = index.indexed_article_ids()
    index.remove([r.article_id for r in rows if r.original_id != r.article_id and r.article_id in indexed])
    index.update_groups({a: g for a, g in group_metadata(list(changed)).items() if a in indexed})
    originals = {r.article_id for r in rows if r.original_id == r.article_id}
    missing = [a for a in store.ids() if a not in indexed and a in originals]
    metadata = group_metadata(rows)
    written = 0
    for start in range(0, len(missing), 200):  # bounded batches: memory stays flat on a big store
        written += index.add(store.get_many(missing[start : start + 200]), metadata)
    return written
