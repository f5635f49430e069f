"""Keeping the vector index in step with the article store and its groups."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupRow, GroupStore


def group_metadata(rows: list[GroupRow]) -> dict[str, dict]:
    """What the vector index keeps of each article's groups."""
    return {r.article_id: {"story_id": r.story_id, "family_id": r.family_id} for r in rows}


def index_pending(store: ArticleStore, settings: Settings, index, changed: list[GroupRow] = (),
                  on_progress: Callable[[str, int, int], None] | None = None) -> int:
    """Index every original the collection does not hold yet, and refresh changed groups.

    Duplicates are not indexed: their original stands for them (a reprint is no new evidence, and
    the index stays the size of the distinct news). One that turns out a duplicate later is
    removed. ``on_progress(step, done, total)`` hears of the articles indexed. Returns the number
    of chunks written."""
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
        if on_progress:
            on_progress("articles", min(start + 200, len(missing)), len(missing))
    return written
