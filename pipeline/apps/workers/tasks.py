"""The Celery tasks. Each is idempotent: articles are keyed by their text's hash, chunks by
article and place, briefs by story version, a digest by its run; running one twice changes nothing.

A task returns plain JSON (ids, counts, reasons); the article store and the Chroma server hold
the rest. A failure of one input is that input's outcome, never the task's crash.
"""

from __future__ import annotations

import logging
from functools import cache

from pipeline.apps.storage import open_article_store
from pipeline.apps.workers.app import app
from pipeline.apps.workers.coordination import once, pace_domain, story_stages
from pipeline.models import IngestFailure, RawDocument
from pipeline.settings import Settings

log = logging.getLogger("newsbrief.workers")


_given: list[Settings] = []  # what `newsbrief worker` was started with (its --data-dir, --config)


def use_settings(settings: Settings) -> None:
    """The worker's settings, before its pool starts (its processes inherit them)."""
    _given[:] = [settings]
    worker_settings.cache_clear()


@cache
def worker_settings() -> Settings:
    """This worker's settings, from its command line or its environment; one extraction process
    (the worker's pool is the parallelism)."""
    return (_given[0] if _given else Settings()).model_copy(update={"workers": 1})


@cache
def vector_index():
    """The shared Chroma server's collection, opened once per worker process."""
    from pipeline.index.chroma import VectorIndex

    return VectorIndex(worker_settings())


class SourceUnavailable(Exception):
    """A feed or page could not be fetched at all: worth another try later."""


@app.task(name="newsbrief.ingest_source", bind=True)
def ingest_source(self, source: str | dict, topics: list[str] | None = None, outlet: str | None = None) -> dict:
    """A feed, page or file is read (a URL paced per domain, retried with backoff when it cannot
    be fetched) and each document it holds is queued as a task of its own; a document (a dict)
    is cleaned and stored. ``{"outcomes": [...], "children": [task ids]}``."""
    if isinstance(source, dict):
        return {"outcomes": [_ingest_document(RawDocument.model_validate(source), topics or [])], "children": []}
    from pipeline.apps.digest.run import with_outlet

    config = worker_settings()
    items = _read_or_retry(self, source, config)
    outcomes = [_outcome(i.source, "read_failed", reason=i.reason) for i in items if isinstance(i, IngestFailure)]
    documents = [with_outlet(i, outlet).model_dump(mode="json") for i in items if not isinstance(i, IngestFailure)]
    # Ids from this task's: a re-run after a lost worker queues the same tasks, not new ones.
    children = [ingest_source.apply_async((document, topics), task_id=f"{self.request.id}-{number}").id
                for number, document in enumerate(documents)]
    return {"outcomes": outcomes, "children": children}


def _read_or_retry(task, source: str, config: Settings) -> list:
    """The source's items; a URL that gave nothing but its own failure is retried, the wait doubling."""
    from pipeline.ingest.sources import is_url, read_source

    if is_url(source):
        pace_domain(source, config)
    items = list(read_source(source, config))
    unreadable = len(items) == 1 and isinstance(items[0], IngestFailure) and items[0].source == source
    celery = config.celery
    if unreadable and is_url(source) and task.request.retries < celery.max_retries:
        log.info("source unavailable, retrying", extra={"source": source, "reason": items[0].reason})
        raise task.retry(exc=SourceUnavailable(items[0].reason), max_retries=celery.max_retries,
                         countdown=celery.retry_backoff_s * 2 ** task.request.retries)
    return items


def _ingest_document(document: RawDocument, topics: list[str]) -> dict:
    """The document cleaned, not stored: group_new_articles stores the wave in the feeds' order,
    which is the order grouping sees (the first of two copies is the original), as in-process."""
    from pipeline.apps.digest.run import on_topic
    from pipeline.ingest.batch import extract_documents

    [(_, _, result)] = extract_documents([document], worker_settings())
    if isinstance(result, IngestFailure):
        return _outcome(result.source, "failed", result.reason)
    return _outcome(document.source, "cleaned", article=result.model_dump(mode="json"), kept=on_topic(result, topics))


def _outcome(source: str, status: str, reason: str | None = None, article: dict | None = None,
             kept: bool = False) -> dict:
    return {"source": source, "status": status, "reason": reason, "article": article, "kept": kept}


@app.task(name="newsbrief.group_new_articles")
def group_new_articles(articles: list[dict] = ()) -> dict:
    """Store the cleaned articles in their order and group every article not grouped yet, one
    worker at a time. ``{"stored": [(status, article id)...], "to_index": [originals not indexed]}``."""
    from pipeline.grouping import group_pending
    from pipeline.index.sync import unindexed_originals
    from pipeline.ingest.batch import store_result
    from pipeline.models import Article

    config = worker_settings()
    with story_stages(config), open_article_store(config) as store:
        stored = [store_result(Article.model_validate(a), store) for a in articles]
        group_pending(store, config)
        return {"stored": [(o.status, o.article.id) for o in stored], "to_index": unindexed_originals(store, vector_index())}


@app.task(name="newsbrief.index_article")
def index_article(article_id: str) -> int:
    """(Re)write one article's chunks in the shared collection: its old ones go first, and a
    chunk's id is its article's and place, so a second run leaves the same chunks."""
    config = worker_settings()
    with story_stages(config), open_article_store(config) as store:
        articles = store.get_many([article_id])
        return vector_index().add(articles)


@app.task(name="newsbrief.brief_story")
def brief_story(story_id: str, only_if_briefed: bool = False) -> int | None:
    """The story's stored brief for its current version (written once per version); with
    ``only_if_briefed``, only a story briefed before is briefed again (a living brief)."""
    from pipeline.apps.briefing import Progress, brief_of_version, refresh_briefs

    config = worker_settings()
    with open_article_store(config) as store:
        if only_if_briefed:
            return refresh_briefs(store, config, [story_id], vector_index()).get(story_id)
        return brief_of_version(store, config, story_id, Progress(), vector_index())


@app.task(name="newsbrief.assemble_digest")
def assemble_digest(run_key: str, digest: dict, kept: list[str], since: str | None, top: int | None, now: str,
                    log_lines: list[dict], counts: dict) -> int:
    """Rank the kept articles' stories, compare with the last digest and store this one; a run
    already stored (the task ran before its worker died) is not stored again. The digest's id."""
    from datetime import datetime

    from pipeline.apps.digest.config import DigestConfig
    from pipeline.apps.digest.model import LogLine
    from pipeline.apps.digest.run import assemble, choose_stories

    config = worker_settings()
    with once(config, f"digest:{run_key}") as (stored, keep), open_article_store(config) as store:
        if stored:
            return int(stored)
        plan = DigestConfig.model_validate(digest)
        window, _, ranked = choose_stories(store, plan, kept, since, top, datetime.fromisoformat(now))
        result = assemble(store, config, plan, ranked, window, [LogLine(**line) for line in log_lines], counts,
                          vector_index())
        keep(str(result.id))
        return result.id


@app.task(name="newsbrief.brief_job")
def brief_job(job_id: str) -> None:
    """An API job (pipeline.apps.jobs): its sources ingested, its story grouped and briefed."""
    from pipeline.apps.jobs import run_job

    run_job(job_id, worker_settings())
