"""Posting a digest to a Slack channel: a top message with the digest's contents, then each new
or changed story's stored brief in its thread, rendered as the Slack bot renders briefs (buttons
included, so an editor can override a verdict from the digest too)."""

from __future__ import annotations

from pipeline.apps.digest.deliver import Delivery
from pipeline.brief.render import slack_escape, slack_sections


def contents_blocks(digest) -> list[dict]:
    moved = digest.moved()
    head = f"{digest.name}: {'nothing new' if digest.nothing_new else f'{len(moved)} new or changed'}"
    lines = [f"{s.rank}. {slack_escape(s.headline)} ({s.status}, {s.families} sources)" for s in moved]
    return [{"type": "header", "text": {"type": "plain_text", "text": head[:150]}}, *slack_sections("\n".join(lines))]


def slack_digest(digest, channel: str, settings) -> list[Delivery]:
    """One Delivery for the channel; a story's brief that fails to post is its reason."""
    from pipeline.apps.slack.app import web_client
    from pipeline.apps.slack.config import required
    from pipeline.apps.slack.work import Reply, post_brief
    from pipeline.brief.compose import Brief
    from slack_sdk.errors import SlackApiError

    client = web_client(required("SLACK_BOT_TOKEN"), settings)  # posting needs no signing secret
    try:
        top = client.chat_postMessage(channel=channel, blocks=contents_blocks(digest)[:50],
                                      text=f"{digest.name} digest", unfurl_links=False)
        for story in (s for s in digest.moved() if s.brief):
            post_brief(client, Reply(channel, thread_ts=top["ts"]), Brief.model_validate(story.brief), story.brief_id)
    except SlackApiError as exc:
        return [Delivery(channel, False, f"Slack said {exc.response.get('error', exc)}")]
    return [Delivery(channel, True)]
