"""Keeping the vector index in step with the article store and its groups."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupStore


def index_pending(store: ArticleStore, settings: Settings, index,
                  on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Index every original the collection does not hold yet.

    Duplicates are not indexed: their original stands for them (a reprint is no new evidence, and
    the index stays the size of the distinct news). One that turns out a duplicate later is
    removed. ``on_progress(step, done, total)`` hears of the articles indexed. Returns the number
    of chunks written."""
    missing = unindexed_originals(store, index)
    written = 0
    for start in range(0, len(missing), 200):  # bounded batches: memory stays flat on a big store
        written += index.add(store.get_many(missing[start : start + 200]))
        if on_progress:
            on_progress("articles", min(start + 200, len(missing)), len(missing))
    return written


def unindexed_originals(store: ArticleStore, index) -> list[str]:
    """The originals the collection does not hold yet, in the store's order; the duplicates it
    still holds are removed from it first (their original stands for them)."""
    rows = GroupStore(store.db).rows()
    indexed = index.indexed_article_ids()
    index.remove([r.article_id for r in rows if r.original_id != r.article_id and r.article_id in indexed])
    originals = {r.article_id for r in rows if r.original_id == r.article_id}
    return [a for a in store.ids() if a not in indexed and a in originals]
