"""One run of a digest: pull the feeds, ingest, group, rank, brief (or update) the top stories,
and compare with the last run of the same digest.

The stages are the library's own (ingest, grouping, the index, the stored brief): a digest
computes no brief of its own, so the same story shows the same stored brief in the digest, on
the web page and in Slack. One broken feed, entry or page is a line in the digest's log; the
rest of the digest is produced. Running it again with nothing new stores a digest that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipeline.apps.briefing import Progress, brief_of_version, group_and_index, refresh_briefs, stored_brief
from pipeline.apps.digest.config import DigestConfig, FeedConfig
from pipeline.apps.digest.model import Digest, DigestChange, DigestStory, LogLine
from pipeline.apps.digest.rank import Ranked, rank_stories
from pipeline.models import IngestFailure, RawDocument
from pipeline.settings import Settings
from pipeline.apps.storage import open_article_store
from store.articles import ArticleStore
from store.briefs import BriefStore
from store.digests import DigestStore, Included
from store.groups import GroupStore

AGE = re.compile(r"(\d+)\s*([hdw])")
AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def since_time(value: str | None, now: datetime) -> str | None:
    """An age (24h, 7d, 2w) as the UTC time that long before ``now``; an ISO date as it is."""
    if not value:
        return None
    if age := AGE.fullmatch(value.strip().lower()):
        then = now - timedelta(**{AGE_UNITS[age.group(2)]: int(age.group(1))})
        return then.strftime("%Y-%m-%dT%H:%M:%S")
    return datetime.fromisoformat(value).isoformat()


@dataclass
class Pulled:
    """The feeds' documents, each with the feed it came from, and what could not be read."""

    documents: list[tuple[RawDocument, FeedConfig]] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)


def pull_feeds(feeds: list[FeedConfig], config: Settings) -> Pulled:
    """Read every feed and fetch its entries' pages; a feed's outlet, when set, names its entries."""
    from pipeline.ingest.sources import read_source

    pulled = Pulled()
    for feed in feeds:
        for item in read_source(feed.source, config):
            add_pulled(pulled, item, feed)
    return pulled


def add_pulled(pulled: Pulled, item, feed: FeedConfig) -> None:
    """A feed's item into ``pulled``: a failure as a log line, a document named by the feed's outlet."""
    if isinstance(item, IngestFailure):
        pulled.log.append(LogLine(source=item.source, reason=item.reason))
        return
    pulled.documents.append((with_outlet(item, feed.outlet), feed))


def with_outlet(document: RawDocument, outlet: str | None) -> RawDocument:
    """The document named by its feed's outlet, when the feed sets one."""
    if not outlet:
        return document
    return document.model_copy(update={"hints": document.hints.model_copy(update={"outlet": outlet})})


def on_topic(article, topics: list[str]) -> bool:
    """Whether the article mentions one of the topics as a word, or its plural; no topics, yes."""
    if not topics:
        return True
    text = f"{article.title or ''}\n{article.text}"
    return any(re.search(rf"\b{re.escape(t.strip().rstrip('s'))}s?\b", text, re.IGNORECASE) for t in topics)


def ingest_pulled(pulled: Pulled, store: ArticleStore, config: Settings) -> tuple[list[str], dict]:
    """Store the documents; the ids of the articles on their feed's topics, and the counts."""
    from pipeline.ingest.batch import ingest_units

    report = ingest_units([d for d, _ in pulled.documents], store, config)
    kept = []
    for outcome, (_, feed) in zip(report.outcomes, pulled.documents, strict=True):  # one outcome a document
        if outcome.article is None:
            pulled.log.append(LogLine(source=outcome.source, reason=outcome.reason or "no article"))
        elif on_topic(outcome.article, feed.topics):
            kept.append(outcome.article.id)
    counts = {"entries": len(pulled.documents) + sum(1 for _ in pulled.log), "added": report.count("added"),
              "already_stored": report.count("unchanged"), "failed": len(pulled.log)}
    return list(dict.fromkeys(kept)), counts


def candidate_stories(store: ArticleStore, article_ids: list[str], since: str | None) -> list:
    """The stories of these articles that had news ``since``."""
    from pipeline.grouping import load_story

    groups = GroupStore(store.db)
    recent = set(groups.story_ids(since)) if since else None
    story_ids = dict.fromkeys(r.story_id for r in groups.rows_for(set(article_ids)))
    return [s for story_id in story_ids if (recent is None or story_id in recent) and (s := load_story(store, story_id))]


def run_digest(digest: DigestConfig, config: Settings, *, since: str | None = None, top: int | None = None,
               now: datetime | None = None, on_stage=None) -> Digest:
    """Run the digest once and store it; the stored Digest (with its id and time)."""
    from pipeline.index.chroma import VectorIndex

    now = now or datetime.now(timezone.utc)
    stage = on_stage or (lambda name: None)
    with open_article_store(config) as store:
        stage("pulling feeds")
        pulled = pull_feeds(digest.feeds, config)
        stage(f"ingesting {len(pulled.documents)} entries")
        kept, counts = ingest_pulled(pulled, store, config)
        stage("grouping and indexing")
        index = VectorIndex(config)
        group_and_index(store, config, Progress(), vector_index=index)
        window, stories, ranked = choose_stories(store, digest, kept, since, top, now)
        stage(f"re-checking briefed stories, briefing the top {top or digest.top} of {len(stories)}")
        refresh_briefs(store, config, [s.id for s in stories], index)  # living briefs: new articles re-check them
        return assemble(store, config, digest, ranked, window, pulled.log, counts, index)


def choose_stories(store: ArticleStore, digest: DigestConfig, kept: list[str], since: str | None, top: int | None,
                   now: datetime) -> tuple[str | None, list, list[Ranked]]:
    """The window, the kept articles' stories with news in it, and the top of them, ranked."""
    window = since_time(since or digest.since, now)
    stories = candidate_stories(store, kept, window)
    return window, stories, rank_stories(stories, digest.half_life_hours, now)[: top or digest.top]


def assemble(store: ArticleStore, config: Settings, digest: DigestConfig, ranked: list[Ranked], window: str | None,
             log: list[LogLine], counts: dict, index) -> Digest:
    """The digest of the ranked stories, briefed as they are now, compared with the last run, and stored."""
    result = _compare(store, config, digest.name, ranked, index)
    result.since, result.log = window, log
    result.counts = {"feeds": len(digest.feeds), **counts}
    return store_digest(store, result)


def _compare(store: ArticleStore, config: Settings, name: str, ranked: list[Ranked], index) -> Digest:
    """Each top story briefed as it is now, with its status against the last digest of this name."""
    last = DigestStore(store.db).last(name)
    shown = DigestStore(store.db).included(last.id) if last else {}
    stories = [_story_entry(store, config, r, rank, shown.get(r.story.id), index) for rank, r in enumerate(ranked, 1)]
    return Digest(name=name, previous=last.id if last else None, stories=stories,
                  nothing_new=all(s.status == "unchanged" for s in stories))


def _story_entry(store: ArticleStore, config: Settings, ranked: Ranked, rank: int, before: Included | None,
                 index) -> DigestStory:
    story = ranked.story
    brief_id = brief_of_version(store, config, story.id, Progress(), index)
    briefs = BriefStore(store.db)
    status = "new" if before is None else \
        "unchanged" if before.brief_id and briefs.version_of(before.brief_id) == briefs.version_of(brief_id) else "changed"
    changes = briefs.changes(story.id, after_brief=before.brief_id or 0) if status == "changed" else []
    brief = stored_brief(store, brief_id)
    return DigestStory(story_id=story.id, headline=brief.headline, status=status, rank=rank, families=ranked.families,
                       articles=len(story.articles), outlets=story.outlets, score=ranked.score,
                       latest=ranked.latest.isoformat() if ranked.latest else None, brief_id=brief_id,
                       changes=[DigestChange(kind=c.kind, text=c.text) for c in changes],
                       brief=brief.model_dump(mode="json") if status != "unchanged" else None)


def store_digest(store: ArticleStore, digest: Digest) -> Digest:
    """Store the digest with what it included; the next run compares itself with it."""
    digests = DigestStore(store.db)
    included = [Included(s.story_id, s.brief_id, s.status) for s in digest.stories]
    digest_id = digests.save(digest.name, digest.nothing_new, digest.model_dump_json(), included)
    created = next(r.created_at for r in digests.list(digest.name, limit=1))
    digest = digest.model_copy(update={"id": digest_id, "created": created})
    digests.set_document(digest_id, digest.model_dump_json())
    return digest

