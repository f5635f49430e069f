"""The Celery app, configured from the settings so that a lost worker loses no work.

- ``acks_late`` with ``task_reject_on_worker_lost``: a message is acknowledged when its task is
  done, so a worker that dies mid-task leaves it to another; the tasks are idempotent, so a task
  that ran partly and runs again changes nothing twice.
- ``worker_prefetch_multiplier=1``: a worker holds one message per slot, not a handful that
  would wait behind a long task (or die with it).
- Redis hands an unacknowledged message out again after ``visibility_timeout``: it must exceed
  the longest task (the hard time limit, which every task has), or a slow task would run twice.
"""

from __future__ import annotations

from celery import Celery

from pipeline.errors import NewsbriefError
from pipeline.settings import Settings

# Fetching and cleaning run on any worker side by side; grouping and index writes are one at a
# time (a Redis lock, see coordination.story_stages); briefs and digests read what those wrote.
QUEUES = ("ingest", "story", "brief")
ROUTES = {
    "newsbrief.ingest_source": {"queue": "ingest"},
    "newsbrief.group_new_articles": {"queue": "story"},
    "newsbrief.index_article": {"queue": "story"},
    "newsbrief.brief_story": {"queue": "brief"},
    "newsbrief.assemble_digest": {"queue": "brief"},
    "newsbrief.brief_job": {"queue": "brief"},
}

app = Celery("newsbrief", include=["pipeline.apps.workers.tasks"])


class CeleryNotConfigured(NewsbriefError):
    """The distributed path was asked for without a broker, or with unsafe limits."""


def configure(settings: Settings) -> Celery:
    """The app with this configuration's broker and limits; refused when they are unsafe."""
    celery = settings.celery
    if not celery.broker_url:
        raise CeleryNotConfigured("set NEWSBRIEF_CELERY__BROKER_URL (e.g. redis://127.0.0.1:6379/0) to use workers")
    if celery.visibility_timeout_s <= celery.task_time_limit_s:
        raise CeleryNotConfigured(
            f"NEWSBRIEF_CELERY__VISIBILITY_TIMEOUT_S ({celery.visibility_timeout_s:g}) must exceed the task time "
            f"limit ({celery.task_time_limit_s:g}): else Redis hands a running task to a second worker")
    transport = {"visibility_timeout": celery.visibility_timeout_s}
    app.conf.update(
        broker_url=celery.broker_url,
        result_backend=celery.result_backend or celery.broker_url,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=celery.task_time_limit_s,
        task_soft_time_limit=celery.task_time_limit_s * 0.9,
        task_routes=ROUTES,
        task_default_queue="brief",
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=24 * 3600,
        worker_hijack_root_logger=False,
    )
    return app


def enabled(settings: Settings) -> bool:
    return bool(settings.celery.broker_url)
