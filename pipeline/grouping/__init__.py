"""Grouping: stored articles in; duplicates, source families and stories out.

Copies of one wire story become one family (independence counts families, never reprints), and
articles about one event one story; ``load_story`` reads a story back with its families.
"""

from pipeline.grouping.assign import GroupingReport, group_pending
from pipeline.grouping.story_view import Story, list_stories, load_story, source_families

__all__ = ["GroupingReport", "Story", "group_pending", "list_stories", "load_story", "source_families"]
