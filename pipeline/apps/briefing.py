"""The core every door calls to brief: inputs in, a stored brief of their story out.

The CLI's ``brief`` and the jobs behind the API run the same steps: ingest the inputs, group and
index what is new, pick the inputs' story, write its brief and store it. ``Progress`` hears each
step, so a door can show it (a bar on a terminal, counts in a job's status).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.settings import Settings
from store.articles import ArticleStore
from store.briefs import BriefStore
from store.groups import GroupStore
from store.overrides import OverrideStore


@dataclass
class Progress:
    """The stage a brief is at, and the counts so far; ``on_change`` hears every change."""

    stage: str = "queued"
    fetched: int = 0   # inputs read (a feed counts its entries)
    cleaned: int = 0   # articles cleaned out of them, new or already stored
    grouped: int = 0   # of those, articles grouped into the story's families
    indexed: int = 0   # chunks newly indexed
    verified: int = 0  # claims of the brief checked against the other families
    on_change: Callable[[dict], None] | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in ("stage", "fetched", "cleaned", "grouped", "indexed", "verified")}

    def update(self, **counts) -> None:
        for name, value in counts.items():
            setattr(self, name, value)
        if self.on_change:
            self.on_change(self.as_json())


class NothingToBrief(LookupError):
    """No input gave an article, and so there is no story to brief."""


def ingest_inputs(units: list, store: ArticleStore, config: Settings, progress: Progress):
    """Read, clean and store the inputs; each outcome counts as it comes."""
    from pipeline.ingest.batch import ingest_units

    progress.update(stage="fetching")

    def counted(outcome) -> None:
        progress.update(fetched=progress.fetched + 1, cleaned=progress.cleaned + (outcome.article is not None))

    return ingest_units(units, store, config, on_outcome=counted)


def group_and_index(store: ArticleStore, config: Settings, progress: Progress, group_progress=None,
                    index_progress=None, vector_index=None) -> int:
    """Group what is not grouped yet and index what is not indexed; the chunks indexed."""
    from pipeline.grouping import group_pending
    from pipeline.index import index_pending
    from pipeline.index.chroma import VectorIndex

    progress.update(stage="grouping")
    group_pending(store, config, on_progress=group_progress)
    progress.update(stage="indexing")
    vector_index = vector_index or VectorIndex(config)
    chunks = index_pending(store, config, vector_index, on_progress=index_progress)
    progress.update(indexed=chunks)
    return chunks


def inputs_story(store: ArticleStore, article_ids: list[str]):
    """The story of sources given together, as one story: whoever sent them together says they
    belong together, so grouping that split them is overruled (``pipeline.grouping.one_story``).
    The StoryDecision. (The index keeps no story ids: nothing there to refresh.)"""
    from pipeline.grouping import one_story

    if not article_ids:
        raise NothingToBrief("no article could be read from the inputs")
    return one_story(store, list(article_ids))


def story_version(store: ArticleStore, config: Settings, story_id: str) -> str:
    """The version of a story: its articles and the configuration. A new article makes a new one."""
    article_ids = sorted(r.article_id for r in GroupStore(store.db).story_rows(story_id))
    return hashlib.sha256(" ".join([config.config_hash(), *article_ids]).encode()).hexdigest()[:16]


def write_stored_brief(store: ArticleStore, config: Settings, story_id: str, vector_index=None):
    """Write the story's brief and store it: (the Brief with the overrides in force laid over
    it, its stored id). The stored JSON keeps the machine's verdicts alone."""
    from pipeline.brief.compose import write_brief
    from pipeline.brief.overrides import with_overrides
    from pipeline.brief.render import to_json
    from pipeline.grouping import load_story
    from pipeline.index.chroma import VectorIndex
    from pipeline.index.embed import get_embedder

    story = load_story(store, story_id)
    vector_index = vector_index or VectorIndex(config)
    result = write_brief(story, config, get_embedder(config.embedder, config), vector_index)
    briefs = BriefStore(store.db)
    previous = briefs.latest(story_id)
    version = story_version(store, config, story_id)
    with store.db:  # the new version and what changed in it land together, or neither does
        brief_id = briefs.save(result.story_id, result.meta.engine, result.meta.model, result.headline,
                               to_json(result), version)
        result = with_overrides(result, OverrideStore(store.db).in_force(story_id))
        if previous is not None and briefs.version_of(previous) != version:
            record_changes(store, previous, brief_id, result)
    return result, brief_id


def record_changes(store: ArticleStore, previous_id: int, brief_id: int, brief) -> list:
    """Store what changed from the story's previous brief to this new version of it. Both are
    compared with the overrides in force laid over them, so a change says when an editor's
    verdict still stands."""
    from pipeline.brief.changes import brief_changes

    changes = brief_changes(stored_brief(store, previous_id), brief)
    BriefStore(store.db).save_changes(brief.story_id, brief_id, previous_id, [c.as_row() for c in changes])
    return changes


def refresh_briefs(store: ArticleStore, config: Settings, story_ids, vector_index=None) -> dict[str, int]:
    """Living briefs: every one of these stories that has a brief, and whose version moved since
    (a new article joined it), is briefed again: its points re-selected, its claims and figures
    re-verified against the new family, the changes stored. story id -> its current brief id."""
    briefs, current = BriefStore(store.db), {}
    for story_id in dict.fromkeys(story_ids):
        latest = briefs.latest(story_id)
        if latest is None:
            continue
        if briefs.version_of(latest) != story_version(store, config, story_id):
            _, latest = write_stored_brief(store, config, story_id, vector_index)
        current[story_id] = latest
    return current


def brief_of_version(store: ArticleStore, config: Settings, story_id: str, progress: Progress,
                     vector_index=None) -> int:
    """The stored brief of the story as it is now: the one already written for this version, or
    a new one. One stored brief per story version, so a story is briefed once however often it is asked for."""
    progress.update(stage="verifying")
    brief_id = BriefStore(store.db).of_version(story_id, story_version(store, config, story_id))
    if brief_id is None:
        brief, brief_id = write_stored_brief(store, config, story_id, vector_index)
    else:
        brief = stored_brief(store, brief_id)
    progress.update(verified=sum(len(p.claims) for p in brief.points))
    return brief_id


def stored_brief(store: ArticleStore, brief_id: int):
    """A stored brief as the model, with the overrides in force for its story laid over it."""
    from pipeline.brief.compose import Brief
    from pipeline.brief.overrides import with_overrides

    brief = Brief.model_validate_json(BriefStore(store.db).brief_json(brief_id))
    return with_overrides(brief, OverrideStore(store.db).in_force(brief.story_id))


def record_override(store: ArticleStore, brief_id: int, claim_id: str, verdict: str, reason: str, who: str):
    """Store an editor's verdict on a claim of a stored brief, beside the machine's; None when the
    brief has no such claim. It holds for the story's later briefs too (claim ids are stable)."""
    from pipeline.brief.overrides import find_claim

    brief = stored_brief(store, brief_id)
    claim = find_claim(brief, claim_id)
    if claim is None:
        return None
    return OverrideStore(store.db).add(brief.story_id, claim.id, claim.text, claim.verdict, verdict, reason.strip(),
                                       who, brief_id)
