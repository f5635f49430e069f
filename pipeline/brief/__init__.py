"""The brief: a story in; key points with citations and verdicts, figures, conflicts out.

Written by the LLM chain when one is configured, else by the offline extractive engine, and
rendered as Markdown, HTML, JSON or Slack blocks.
"""

from pipeline.brief.compose import Brief, extractive_brief, write_brief
from pipeline.brief.render import to_html, to_json, to_markdown, to_slack_messages

__all__ = ["Brief", "extractive_brief", "to_html", "to_json", "to_markdown", "to_slack_messages", "write_brief"]
