"""`newsbrief digest --distributed`: the digest's stages fanned out to the workers, waited on.

The same stages as pipeline.apps.digest.run, in the same order, each a wave of tasks: every
feed read (its documents queued as tasks of their own), then grouping (one task, serialised),
then each new original indexed, then each candidate story briefed, then the digest assembled
and stored. This process only waits and reports progress; the workers do the work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from pipeline.apps.digest.config import DigestConfig
from pipeline.apps.digest.model import Digest, LogLine
from pipeline.errors import NewsbriefError
from pipeline.settings import Settings

Report = Callable[[str], None]


class DistributedRunFailed(NewsbriefError):
    """The workers did not finish the digest: a task failed, or the wait ran out."""


def run_digest_distributed(digest: DigestConfig, config: Settings, *, since: str | None = None,
                           top: int | None = None, now: datetime | None = None, on_stage: Report | None = None) -> Digest:
    """Run the digest on the workers and return the stored Digest, as run_digest does in-process."""
    from pipeline.apps.workers import tasks
    from pipeline.apps.workers.app import CeleryNotConfigured, configure

    if not config.chroma_url:
        raise CeleryNotConfigured("--distributed needs NEWSBRIEF_CHROMA_URL: the workers share one Chroma server "
                                  "(an embedded one is not safe across processes)")
    configure(config)
    now = now or datetime.now(timezone.utc)
    waiter = Waiter(config.celery.wait_timeout_s, on_stage or (lambda line: None))
    read_failed, outcomes = _ingest(digest, waiter)
    cleaned = [o for o in outcomes if o["status"] == "cleaned"]
    grouped = waiter.wait("grouping", [tasks.group_new_articles.delay([o["article"] for o in cleaned])])[0]
    for outcome, (status, article_id) in zip(cleaned, grouped["stored"], strict=True):
        outcome.update(status=status, article_id=article_id)
    waiter.wait("indexing", [tasks.index_article.delay(article_id) for article_id in grouped["to_index"]])
    kept = list(dict.fromkeys(o["article_id"] for o in cleaned if o["kept"]))
    stories, ranked = _candidates(digest, config, kept, since, top, now)
    waiter.wait("briefing", [tasks.brief_story.delay(story_id, story_id not in ranked) for story_id in stories])
    log = [LogLine(source=o["source"], reason=o["reason"] or "no article") for o in read_failed + outcomes
           if o["status"] in ("read_failed", "failed")]
    counts = {"entries": sum(o["status"] != "read_failed" for o in outcomes) + len(log),
              "added": _count(outcomes, "added"), "already_stored": _count(outcomes, "unchanged"), "failed": len(log)}
    run_key = f"{digest.name}@{now.isoformat()}"
    digest_id = waiter.wait("assembling", [tasks.assemble_digest.delay(
        run_key, digest.model_dump(mode="json"), kept, since, top, now.isoformat(),
        [line.model_dump(mode="json") for line in log], counts)])[0]
    return _stored_digest(config, digest_id)


def _ingest(digest: DigestConfig, waiter: Waiter) -> tuple[list[dict], list[dict]]:
    """Every feed read, then every document it held cleaned: (the feeds' read failures,
    the documents' outcomes: cleaned or failed), both in the feeds' order, as in-process."""
    from pipeline.apps.workers import tasks

    feeds = waiter.wait("reading feeds", [tasks.ingest_source.delay(_shared_path(f.source), f.topics, f.outlet)
                                          for f in digest.feeds])
    read_failed = [o for feed in feeds for o in feed["outcomes"]]
    children = [tasks.ingest_source.AsyncResult(task_id) for feed in feeds for task_id in feed["children"]]
    documents = waiter.wait("ingesting entries", children)
    return read_failed, [o for document in documents for o in document["outcomes"]]


def _shared_path(source: str) -> str:
    """A file feed by its absolute path: the workers resolve it from their own folder otherwise."""
    return source if "://" in source else str(Path(source).resolve())


def _candidates(digest: DigestConfig, config: Settings, kept: list[str], since, top, now) -> tuple[list[str], set[str]]:
    """The candidate stories' ids (each is re-checked if briefed) and the top ones' (briefed)."""
    from pipeline.apps.digest.run import choose_stories
    from pipeline.apps.storage import open_article_store

    with open_article_store(config) as store:
        _, stories, ranked = choose_stories(store, digest, kept, since, top, now)
    return [s.id for s in stories], {r.story.id for r in ranked}


def _count(outcomes: list[dict], status: str) -> int:
    return sum(o["status"] == status for o in outcomes)


def _stored_digest(config: Settings, digest_id: int) -> Digest:
    from pipeline.apps.storage import open_article_store
    from store.digests import DigestStore

    with open_article_store(config) as store:
        return Digest.model_validate_json(DigestStore(store.db).document(digest_id))


class Waiter:
    """Waits for a wave of tasks, reporting how many are done; a failed task or the deadline
    ends the run with the reason."""

    def __init__(self, timeout_s: float, report: Report):
        self.deadline = time.monotonic() + timeout_s
        self.report = report

    def wait(self, stage: str, results: list) -> list:
        from celery.result import ResultSet

        self.report(f"{stage}: {len(results)} task{'s' if len(results) != 1 else ''}")
        pending, last = ResultSet(results), -1
        while not pending.ready():
            if (done := pending.completed_count()) != last:
                self.report(f"{stage}: {done}/{len(results)} done")
                last = done
            if time.monotonic() > self.deadline:
                raise DistributedRunFailed(f"{stage}: {len(results) - done} tasks not done in time; "
                                           "are `newsbrief worker`s running against this broker?")
            time.sleep(0.2)
        if failed := [r for r in results if r.failed()]:
            raise DistributedRunFailed(f"{stage}: {len(failed)} task(s) failed, the first: {failed[0].result!r}")
        return [r.result for r in results]
