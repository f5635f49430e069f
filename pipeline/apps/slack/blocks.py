"""Block Kit for the Slack door: the brief (pipeline.brief.render's blocks, with a pair of
buttons under each point), the modal that asks an editor why, a checked claim, and help."""

from __future__ import annotations

import json

from pipeline.brief.render import BADGES, slack_escape, slack_sections, to_slack_messages

VERDICT_OF_ACTION = {"mark_confirmed": "confirmed", "mark_wrong": "unsupported"}
REASON_VIEW = "override_reason"
MAX_TEXT = 3000  # a message's plain-text fallback is shown in notifications: keep it short

HELP = """*newsbrief* writes a brief of a story from several outlets, every claim cross-checked.
• `/brief URL URL ...`: brief these articles as one story
• `/brief` followed by pasted articles, separated by a line `---` (a first line `outlet: NAME` names its outlet)
• `/brief story ID`: the brief of a stored story (an id or a prefix of 4 or more characters)
• `/brief help`: this
• Mention the bot with links to brief them in a thread; the message shortcut *Check this claim* checks a message
• Under each point, *Mark confirmed* and *Mark wrong* record your verdict, with a reason, in the audit trail"""


def brief_messages(brief, brief_id: int) -> list[list[dict]]:
    """The brief as messages within Slack's limits, each point followed by its two buttons."""
    return to_slack_messages(brief, claim_actions=lambda claim: [claim_buttons(brief_id, claim.id)])


def claim_buttons(brief_id: int, claim_id: str) -> dict:
    value = json.dumps({"brief": brief_id, "claim": claim_id})
    return {"type": "actions", "elements": [
        {"type": "button", "action_id": "mark_confirmed", "text": {"type": "plain_text", "text": "Mark confirmed"},
         "value": value},
        {"type": "button", "action_id": "mark_wrong", "text": {"type": "plain_text", "text": "Mark wrong"},
         "value": value, "style": "danger"}]}


def message_of_claim(messages: list[list[dict]], claim_id: str) -> int:
    """Which of the brief's messages holds the claim's buttons (0 when none does)."""
    for number, blocks in enumerate(messages):
        if any(claim_id in e.get("value", "") for b in blocks if b["type"] == "actions" for e in b["elements"]):
            return number
    return 0


def reason_modal(metadata: dict, verdict: str, claim_text: str) -> dict:
    """The modal asking why; what the submission needs to find the claim and the message rides
    in private_metadata (Slack hands it back untouched)."""
    return {"type": "modal", "callback_id": REASON_VIEW, "private_metadata": json.dumps(metadata),
            "title": {"type": "plain_text", "text": "Override the verdict"},
            "submit": {"type": "plain_text", "text": "Save"}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [
                *slack_sections(f"Mark as *{BADGES.get(verdict, verdict)}*:\n>{slack_escape(claim_text)[:2500]}"),
                {"type": "input", "block_id": "reason", "label": {"type": "plain_text", "text": "Why?"},
                 "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                             "max_length": 2000}}]}


def checked_claim(claim: str, verdict, evidence: list, story_title: str | None) -> list[dict]:
    """A checked message: the verdict, its reasons, and at most three quotes (cited evidence)."""
    lines = [f"{BADGES.get(verdict.verdict, verdict.verdict)} against the story "
             f"*{slack_escape(story_title or 'untitled')}*", "; ".join(verdict.reasons)[:1000]]
    lines += [f"> {slack_escape(e.outlet or e.article_id[:10])}: \u201c{slack_escape(' '.join(e.quote.split()))}\u201d"
              for e in evidence[:3]]
    return slack_sections("\n".join(lines))
