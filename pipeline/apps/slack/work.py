"""What the Slack door's requests do: parse them, submit brief jobs and wait for them, post the
stored brief, record overrides, check a claim. Every failure becomes one short message to the
user (``errors_to``), never a stack trace."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import dataclass

from pipeline.apps.jobs import BriefRequest, JobRunner, TextSource, UrlSource
from pipeline.apps.slack.blocks import MAX_TEXT, brief_messages, checked_claim, message_of_claim
from pipeline.errors import NewsbriefError, unexpected
from pipeline.settings import Settings
from pipeline.apps.storage import open_article_store
from store.articles import ArticleStore
from store.jobs import JobStore

log = logging.getLogger("newsbrief.slack")
LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(https?://\S+)")  # Slack wraps links as <url|label>
SEPARATOR = re.compile(r"^\s*---+\s*$", re.M)
OUTLET_LINE = re.compile(r"^(?:outlet|source):\s*(.+)$", re.I)


class DoorError(NewsbriefError):
    """What the user asked cannot be done; the message says why, in a line."""


@dataclass(frozen=True)
class Reply:
    """Where answers go: a channel, a thread in it, and the user for ephemeral ones."""

    channel: str
    user: str | None = None
    thread_ts: str | None = None


# --- requests -------------------------------------------------------------------------------------


def links_in(text: str) -> list[str]:
    return [a or b for a, b in LINK.findall(text)]


def sources_of(text: str) -> list[UrlSource | TextSource]:
    """A /brief's text as sources: pieces separated by `---` lines; a piece of links alone is
    those URLs, any other piece is a pasted article (an `outlet: NAME` first line names its outlet)."""
    sources: list[UrlSource | TextSource] = []
    for piece in (p.strip() for p in SEPARATOR.split(text)):
        links = links_in(piece)
        if links and not LINK.sub("", piece).strip():
            sources += [UrlSource(url=url) for url in links]
        elif piece:
            first, _, rest = piece.partition("\n")
            outlet = OUTLET_LINE.match(first.strip())
            sources.append(TextSource(text=rest, outlet=outlet.group(1).strip()) if outlet and rest.strip()
                           else TextSource(text=piece))
    return sources


def brief_request(text: str, config: Settings) -> BriefRequest:
    """`story ID` or sources, validated as the API validates them."""
    words = text.split()
    if len(words) == 2 and words[0].lower() == "story":
        with open_article_store(config) as store:
            return BriefRequest(story_id=story_id(store, words[1]))
    sources = sources_of(text)
    if not sources:
        raise DoorError("nothing to brief: give links, pasted articles or `story ID` (see `/brief help`)")
    try:
        return BriefRequest(sources=sources)
    except ValueError as exc:
        raise DoorError(f"that request cannot be briefed: {str(exc).splitlines()[-1][:200]}") from None


def story_id(store: ArticleStore, prefix: str) -> str:
    from fastapi import HTTPException

    from pipeline.apps.api import story_id_of

    try:
        return story_id_of(store, prefix.lower())
    except HTTPException as exc:
        raise DoorError(str(exc.detail)) from None


# --- briefs ---------------------------------------------------------------------------------------


def run_brief(request: BriefRequest, who: str, runner: JobRunner, config: Settings):
    """Submit the job and wait for it: (the brief with its overrides, its stored id)."""
    from pipeline.apps.briefing import stored_brief

    job, _ = runner.submit(request, who)
    deadline = time.monotonic() + config.slack.job_timeout_s
    with open_article_store(config) as store:
        while (job := JobStore(store.db).get(job.id)).status not in ("done", "failed"):
            if time.monotonic() > deadline:
                raise DoorError(f"the brief is taking over {config.slack.job_timeout_s:g} s; job {job.id} goes on")
            time.sleep(0.2)
        if job.status == "failed":
            raise DoorError(f"no brief: {job.error}")
        return stored_brief(store, job.brief_id), job.brief_id


def post_brief(client, reply: Reply, brief, brief_id: int) -> str:
    """The first message where the reply goes, the rest in its thread; the first message's ts."""
    messages = brief_messages(brief, brief_id)
    first = client.chat_postMessage(channel=reply.channel, thread_ts=reply.thread_ts, blocks=messages[0],
                                    text=brief.headline[:MAX_TEXT], unfurl_links=False)
    thread = reply.thread_ts or first["ts"]
    for number, blocks in enumerate(messages[1:], start=2):
        client.chat_postMessage(channel=reply.channel, thread_ts=thread, blocks=blocks, unfurl_links=False,
                                text=f"{brief.headline[:200]} ({number} of {len(messages)})")
    return first["ts"]


def record_and_update(client, metadata: dict, reason: str, who: str, config: Settings) -> None:
    """Store the editor's verdict through the audit trail, then show it in the message."""
    from pipeline.apps.briefing import record_override, stored_brief

    with open_article_store(config) as store:
        row = record_override(store, metadata["brief"], metadata["claim"], metadata["verdict"], reason, who)
        if row is None:
            raise DoorError("that claim is no longer in the brief")
        brief = stored_brief(store, metadata["brief"])
    messages = brief_messages(brief, metadata["brief"])
    blocks = messages[message_of_claim(messages, metadata["claim"])]
    client.chat_update(channel=metadata["channel"], ts=metadata["ts"], blocks=blocks, text=brief.headline[:MAX_TEXT])
    log.info("slack override", extra={"claim": metadata["claim"], "who": who, "verdict": metadata["verdict"]})


def claim_text(config: Settings, brief_id: int, claim_id: str) -> str:
    from pipeline.apps.briefing import stored_brief
    from pipeline.brief.overrides import find_claim

    with open_article_store(config) as store:
        claim = find_claim(stored_brief(store, brief_id), claim_id)
    if claim is None:
        raise DoorError("that claim is no longer in the brief")
    return claim.text


# --- checking a claim -----------------------------------------------------------------------------


def check_claim(text: str, config: Settings) -> list[dict]:
    """The message's text against the stored story nearest it, as blocks."""
    from pipeline.apps.cli import merged_evidence
    from pipeline.apps.workers.coordination import story_stages
    from pipeline.grouping import load_story
    from pipeline.index.chroma import VectorIndex
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_against_sources
    from store.groups import GroupStore

    if not text.strip():
        raise DoorError("that message has no text to check")
    with story_stages(config), open_article_store(config) as store:  # the embedded index is one process's, one user at a time
        hits = VectorIndex(config).search(text, 1, None)
        rows = GroupStore(store.db).rows_for({hits[0].article_id}) if hits else []
        if not rows:
            raise DoorError("no stored story to check it against: brief one first with `/brief`")
        story = load_story(store, rows[0].story_id)
        articles = [a for f in story.families for a in f.articles]
        verdict = verify_against_sources(text, articles, get_embedder(config.embedder, config), families=story.families)
    return checked_claim(text, verdict, merged_evidence(verdict.evidence, articles), story.title)


# --- errors ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def errors_to(client, reply: Reply):
    """Any failure inside becomes one short message: in the thread when there is one, else
    ephemeral to the user. A bug is logged with its trace, never shown."""
    try:
        yield
    except (DoorError, NewsbriefError) as exc:
        tell(client, reply, f":warning: {exc}")
    except Exception as exc:  # noqa: BLE001 - the user gets a line, the log the trace
        log.exception("slack request failed")
        tell(client, reply, f":warning: {unexpected(exc)[:300]}")


def tell(client, reply: Reply, text: str) -> None:
    if reply.thread_ts or not reply.user:
        client.chat_postMessage(channel=reply.channel, thread_ts=reply.thread_ts, text=text[:MAX_TEXT])
    else:
        client.chat_postEphemeral(channel=reply.channel, user=reply.user, text=text[:MAX_TEXT])
