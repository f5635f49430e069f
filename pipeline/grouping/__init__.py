"""Grouping: stored articles in; duplicates, source families and stories out.

Copies of one wire story become one family (independence counts families, never reprints), and
articles about one event one story; ``load_story`` reads a story back with its families, and
``remove_articles`` takes articles out and regroups what leaned on them; ``merge_stories``,
``move_article`` and ``one_story`` record an editor's decisions, which regrouping keeps.
"""

from pipeline.grouping.assign import GroupingReport, group_pending, grouping_of
from pipeline.grouping.manual import StoryDecision, StoryDecisionError, merge_stories, move_article, one_story
from pipeline.grouping.remove import Removal, remove_articles, story_article_ids
from pipeline.grouping.story_view import Story, list_stories, load_story, source_families

__all__ = ["GroupingReport", "Removal", "Story", "StoryDecision", "StoryDecisionError", "group_pending", "grouping_of",
           "list_stories", "load_story", "merge_stories", "move_article", "one_story", "remove_articles",
           "source_families", "story_article_ids"]
