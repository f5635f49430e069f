"""The grouping stage: duplicates, source families and stories for newly ingested articles.

It runs after ingest on every article that has no group yet, so an interrupted run is finished
by the next one. Earlier articles ingested within the window are brought back as context, so new
articles join their families and stories instead of starting new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipeline.grouping.dedup import Deduper
from pipeline.grouping.stories import StoryClusterer, StoryInput
from pipeline.models import Article
from pipeline.settings import Settings
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
    from pipeline.index.embed import get_embedder

    return get_embedder(settings.embedder, settings).embed


Progress = Callable[[str, int, int], None]  # (step, done, total), for a progress display


def group_pending(store: ArticleStore, settings: Settings, on_progress: Progress | None = None,
                  on_original: Callable[[Article], None] | None = None) -> GroupingReport:
    """Group every article not grouped yet; ``on_progress`` hears of each one deduplicated, then
    of the clustering into stories. ``on_original`` is given each new article that is no
    duplicate as soon as deduplication finds it (indexing needs no more, and can run beside the
    rest). Articles are deduplicated in time order and an original is the earliest of its copies,
    so a later article never makes it a duplicate, except an earlier-dated one from before the
    window's context: the index's own sync takes such a one out afterwards."""
    report = on_progress or (lambda step, done, total: None)
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
    for done, article_id in enumerate(sorted(pending_ids, key=key.__getitem__), start=1):
        decision = deduper.add(article_id, articles[article_id].text, key[article_id])
        spans.extend((s.a, s.a_start, s.a_end, s.b, s.b_start, s.b_end, s.score) for s in decision.shared)
        if on_original and not decision.is_duplicate:
            on_original(articles[article_id])
        report("duplicates", done, len(pending_ids))

    report("stories", len(pending_ids), len(pending_ids))
    stories = _assign_stories(deduper, articles, context, key, story_embedder(settings), groups.decided_stories())
    rows = [GroupRow(a, deduper.original_of(a), deduper.family_of(a), stories[a]) for a in articles]
    groups.save(rows, spans)
    return GroupingReport(
        grouped=len(pending_ids),
        duplicates=sum(deduper.original_of(a) != a for a in pending_ids),
        new_stories=len({stories[a] for a in pending_ids} - {r.story_id for r in context.values()}),
        stories_joined=len({stories[a] for a in pending_ids} & {r.story_id for r in context.values()}),
        rows=rows,
    )


def _assign_stories(deduper: Deduper, articles: dict[str, Article], context: dict, key, embed,
                    decided: dict[str, str]):
    """Originals are clustered; a duplicate belongs to its original's story; an editor's decision
    (``decided``: article -> story) wins over both. Decided articles are settled, as grouped ones
    are: never clustered again, even when a removal regroups them, while new articles may join
    their stories."""
    stories = {a: row.story_id for a, row in context.items()}
    originals = sorted({deduper.original_of(a) for a in articles}, key=key.__getitem__)
    settled = {a: decided.get(a) or stories[a] for a in originals if a in decided or a in stories}
    stories.update(settled)
    inputs = [StoryInput(a, articles[a].title, articles[a].text, articles[a].published) for a in originals]
    stories.update(StoryClusterer(embed=embed).assign(settled, inputs))
    for article_id in articles:
        stories[article_id] = decided.get(article_id) or stories[deduper.original_of(article_id)]
    return stories


def grouping_of(store: ArticleStore, article_ids: list[str], stories_before: set[str]) -> GroupingReport:
    """What became of these articles, whoever grouped them. ``group_pending`` groups every article
    waiting, another ingest's too: two ingests running at once each report their own articles."""
    rows = GroupStore(store.db).rows_for(set(article_ids))
    stories = {r.story_id for r in rows}
    return GroupingReport(grouped=len(rows), duplicates=sum(r.original_id != r.article_id for r in rows),
                          new_stories=len(stories - stories_before), stories_joined=len(stories & stories_before),
                          rows=rows)
