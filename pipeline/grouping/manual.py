"""Stories decided by hand: an editor merges two stories, moves an article to another story, or
gives articles together to be briefed as one story.

Each decision is stored beside the groups: every article of the story joined, and every article
brought into it, is recorded as belonging to that story. Grouping takes recorded articles as
settled, so the decision survives new articles and the regrouping that follows a removal. The
story keeps the id of the story joined, so its stored briefs and links stay its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from pipeline.errors import NewsbriefError
from store.articles import ArticleStore
from store.groups import GroupRow, GroupStore


class StoryDecisionError(NewsbriefError):
    """A decision that cannot be made: an article or a story that is not grouped, or a story merged
    into itself."""


@dataclass
class StoryDecision:
    story_id: str
    moved: list[str] = field(default_factory=list)  # articles that changed story, their reprints included
    rows: list[GroupRow] = field(default_factory=list)  # the rows rewritten: the index refreshes them


def join_story(store: ArticleStore, story_id: str, article_ids: list[str], decision: str) -> StoryDecision:
    """Put these articles into the story, for good. Reprints of an article moved follow it (the
    next grouping would move them anyway), unless an editor placed them elsewhere."""
    groups = GroupStore(store.db)
    members = [r.article_id for r in groups.story_rows(story_id)]
    if not members:
        raise StoryDecisionError(f"no story {story_id!r} to join")
    decided = list(dict.fromkeys(members + article_ids))
    placed_elsewhere = {a for a, s in groups.decided_stories().items() if s != story_id}
    followers = groups.duplicates_of(set(article_ids)) - placed_elsewhere
    moved = [replace(r, story_id=story_id) for r in groups.rows_for(set(decided) | followers) if r.story_id != story_id]
    groups.decide(decided, story_id, decision, moved)
    return StoryDecision(story_id, [r.article_id for r in moved], moved)


def merge_stories(store: ArticleStore, story_id: str, other_id: str) -> StoryDecision:
    """``other_id``'s articles join ``story_id``, which keeps its id."""
    if story_id == other_id:
        raise StoryDecisionError(f"story {story_id} cannot be merged into itself")
    others = [r.article_id for r in GroupStore(store.db).story_rows(other_id)]
    return join_story(store, story_id, others, "merge")


def move_article(store: ArticleStore, article_id: str, story_id: str) -> StoryDecision:
    if not GroupStore(store.db).rows_for({article_id}):
        raise StoryDecisionError(f"article {article_id} is not grouped yet")
    return join_story(store, story_id, [article_id], "move")


def one_story(store: ArticleStore, article_ids: list[str]) -> StoryDecision:
    """These articles as one story, as an editor who gives them together means. Grouping may have
    split them: the story most of them are in (the earliest on a tie) takes in the rest."""
    rows = GroupStore(store.db).rows_for(set(article_ids))
    if not rows:
        raise StoryDecisionError("none of these articles is grouped yet")
    parts = Counter(r.story_id for r in rows)  # rows come in ingestion order: ties go to the earliest
    largest = parts.most_common(1)[0][0]
    if len(parts) == 1:
        return StoryDecision(largest)  # already one story: nothing to decide
    return join_story(store, largest, article_ids, "brief")
