"""Removing articles: they leave the store, and every article whose grouping leaned on them (a
duplicate of one, a family or story named after one, the rest of their stories) is grouped again,
as if new, against what remains."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.grouping.assign import GroupingReport, Progress, group_pending
from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupStore


@dataclass
class Removal:
    removed: list[str]
    regrouped: list[str]  # the articles that were grouped again
    grouping: GroupingReport  # its rows are every group row written: the index refreshes them


def remove_articles(store: ArticleStore, settings: Settings, article_ids: list[str],
                    on_progress: Progress | None = None) -> Removal:
    """Forget the articles and regroup what depended on them. The groups go first: a run cut short
    leaves the dependents ungrouped, and the next ingest or ``stories`` groups them."""
    groups = GroupStore(store.db)
    linked = groups.linked(set(article_ids))
    groups.forget(linked)
    groups.forget_decisions(set(article_ids))
    store.delete(article_ids)
    regrouped = sorted(linked - set(article_ids))
    return Removal(list(article_ids), regrouped, group_pending(store, settings, on_progress))


def story_article_ids(store: ArticleStore, story_id: str) -> list[str]:
    return [r.article_id for r in GroupStore(store.db).story_rows(story_id)]
