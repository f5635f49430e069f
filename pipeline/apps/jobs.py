"""The job layer: briefs run outside the request, on in-process worker threads.

A request is validated (``BriefRequest``), stored as a job (store/jobs.py) and queued; a worker
runs it through the same core as the CLI (pipeline.apps.briefing) and stores its progress after
every step. Identical requests share one job, and a story is briefed once per version, so a
story is never computed twice at once. With ``NEWSBRIEF_CELERY__BROKER_URL`` set, ``submit``
queues the job as a Celery task (pipeline.apps.workers.tasks.brief_job) for the `newsbrief
worker`s instead, and the story stages take the workers' Redis lock instead of this process's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.apps.workers.coordination import story_stages
from pipeline.apps.briefing import NothingToBrief, Progress, brief_of_version, group_and_index, ingest_inputs, \
    inputs_story, story_version
from pipeline.errors import NewsbriefError, unexpected
from pipeline.models import RawDocument, SourceHints
from pipeline.settings import Settings
from pipeline.apps.storage import open_article_store
from store.articles import ArticleStore
from store.jobs import Job, JobStore

log = logging.getLogger("newsbrief.jobs")
MAX_SOURCES = 50

# Grouping, indexing and writing a brief read and change what other stories lean on (families,
# the embedded Chroma), so one job at a time does them (coordination.story_stages: this process's
# lock, or the workers' Redis lock); fetching and cleaning run side by side.


class UrlSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://", max_length=2048, description="An http(s) URL to fetch")


class HtmlSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    html: str = Field(description="A saved page (an empty or unusable one is a failure of the job, not of the request)")
    outlet: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2048, description="Where the page was, for its outlet and the brief's link")


class TextSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="An article's plain text")
    title: str | None = Field(None, max_length=500)
    outlet: str | None = Field(None, max_length=200)


class BriefRequest(BaseModel):
    """Sources to ingest and brief, or a stored story to brief as it is now."""

    model_config = ConfigDict(extra="forbid")
    sources: list[UrlSource | HtmlSource | TextSource] | None = Field(None, min_length=1, max_length=MAX_SOURCES)
    story_id: str | None = Field(None, min_length=4, max_length=64, pattern=r"^[0-9a-f]+$")
    format: Literal["json", "md", "html"] = Field("json", description="The rendering the job's url returns")

    @model_validator(mode="after")
    def _one_of(self) -> BriefRequest:
        if (self.sources is None) == (self.story_id is None):
            raise ValueError("give either 'sources' or 'story_id', not both or neither")
        return self


def request_key(request: BriefRequest, version: str | None = None) -> str:
    """What makes two requests the same: their sources, or their story at its current version
    (a new article makes a new version, and so a new job). The format only changes the view."""
    what = {"story_id": request.story_id, "version": version} if request.story_id else \
        {"sources": [s.model_dump(exclude_none=True) for s in request.sources]}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def units_of(sources: list[dict]) -> list[str | RawDocument]:
    """A request's sources as ingest units: a URL as it is, pasted text and HTML as documents,
    named by their place in the request so that a failure says which one it was."""
    units: list[str | RawDocument] = []
    for number, source in enumerate(sources):
        if "url" in source and len(source) == 1:
            units.append(source["url"])
            continue
        kind = "html" if "html" in source else "text"
        outlet = source.get("outlet")
        label = f"sources[{number}] ({kind}{', ' + outlet if outlet else ''})"
        hints = SourceHints(url=source.get("url"), outlet=outlet, title=source.get("title"))
        units.append(RawDocument(source=label, kind=kind, content=source[kind], hints=hints))
    return units


def run_job(job_id: str, config: Settings) -> None:
    """Run one job to done or failed; a bug is that job's failure, never the worker's end."""
    with open_article_store(config) as store:
        jobs = JobStore(store.db)
        job = jobs.get(job_id)
        jobs.start(job_id)
        progress = Progress(on_change=lambda counts: jobs.report(job_id, counts))
        failures: list[dict] = []
        try:
            story_id = _story_of(job, store, config, progress, failures)
            with story_stages(config):
                brief_id = brief_of_version(store, config, story_id, progress)
            progress.update(stage="done")
            jobs.finish(job_id, story_id, brief_id, failures, progress.as_json())
            log.info("job done", extra={"job": job_id, "story": story_id, "brief": brief_id})
        except (NothingToBrief, NewsbriefError) as exc:
            jobs.fail(job_id, str(exc), failures)
            log.info("job failed", extra={"job": job_id, "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - reported in the job; the worker takes the next
            log.exception("job crashed", extra={"job": job_id})
            jobs.fail(job_id, unexpected(exc), failures)


def _story_of(job: Job, store: ArticleStore, config: Settings, progress: Progress, failures: list[dict]) -> str:
    """The job's story: the one named, or its sources' once ingested, as one story.
    ``failures`` gets a line for each source that gave no article."""
    if job.request.get("story_id"):
        with story_stages(config):
            group_and_index(store, config, progress)
        return job.request["story_id"]
    report = ingest_inputs(units_of(job.request["sources"]), store, config, progress)
    failures += [{"source": o.source, "reason": o.reason} for o in report.outcomes if o.status in ("failed", "skipped")]
    ids = list(dict.fromkeys(o.article.id for o in report.outcomes if o.article))
    with story_stages(config):
        group_and_index(store, config, progress)
        story_id = inputs_story(store, ids).story_id
    progress.update(grouped=sum(r.story_id == story_id for r in _rows_of(store, set(ids))))
    return story_id


def _rows_of(store: ArticleStore, ids: set[str]):
    from store.groups import GroupStore

    return GroupStore(store.db).rows_for(ids)


class JobRunner:
    """Worker threads over a queue of job ids, or the Celery workers when a broker is set; jobs
    live in the article database."""

    def __init__(self, config: Settings, threads: int = 2):
        # One process for extraction: forking a process that runs threads can copy a lock another
        # thread holds, and an API request is small (at most 50 sources).
        self.config = config.model_copy(update={"workers": 1})
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.celery = bool(config.celery.broker_url)
        self.threads = [] if self.celery else [
            threading.Thread(target=self._work, name=f"newsbrief-job-{n}", daemon=True) for n in range(threads)]
        if self.celery:
            from pipeline.apps.workers.app import configure

            configure(config)  # refused here, at start, when the limits are unsafe

    def start(self) -> None:
        """Queue what a previous server left unfinished (a job running when it died runs again), then work.
        (The broker keeps the Celery workers' queue: a job lost with a worker is handed out again.)"""
        if self.celery:
            return
        with open_article_store(self.config) as store:
            for job in JobStore(store.db).unfinished():
                if job.status == "running":
                    log.warning("re-running a job left running", extra={"job": job.id, "attempts": job.attempts})
                self.queue.put(job.id)
        for thread in self.threads:
            thread.start()

    def submit(self, request: BriefRequest, who: str | None) -> tuple[Job, bool]:
        """The job for this request (an identical one's, if it has not failed), and whether it is new."""
        with open_article_store(self.config) as store:
            version = story_version(store, self.config, request.story_id) if request.story_id else None
            job, created = JobStore(store.db).submit(request_key(request, version), "brief",
                                                     request.model_dump(exclude_none=True), who)
        if created:
            self._queue(job.id)
        return job, created

    def _queue(self, job_id: str) -> None:
        if self.celery:
            from pipeline.apps.workers.tasks import brief_job

            brief_job.apply_async((job_id,), task_id=f"job-{job_id}")  # one task per job, however often queued
        else:
            self.queue.put(job_id)

    def stop(self, timeout: float = 5.0) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join(timeout)

    def _work(self) -> None:
        while (job_id := self.queue.get()) is not None:
            run_job(job_id, self.config)
