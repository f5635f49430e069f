"""What the workers agree on through Redis (the broker's own): locks and pacing.

- ``story_stages``: grouping and index writes change what every story leans on (families, the
  shared Chroma collection), so one worker at a time does them, wherever it runs. The lock
  expires after the task time limit: a worker killed while holding it blocks the others no longer.
- ``pace_domain``: at most one fetch of a domain per ``domain_interval_s`` across all workers.
- ``only_beat``: exactly one `newsbrief beat`; a second one refuses to start.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

from pipeline.errors import NewsbriefError
from pipeline.settings import Settings

PREFIX = "newsbrief:"
# In-process (no broker): the job threads of one server share this instead.
LOCAL_STORY_STAGES = threading.Lock()


@cache
def redis_client(broker_url: str):
    import redis

    return redis.Redis.from_url(broker_url)


def story_stages(settings: Settings):
    """The lock the story stages are run under: Redis's with a broker, this process's without."""
    if not settings.celery.broker_url:
        return LOCAL_STORY_STAGES
    limit = settings.celery.task_time_limit_s
    return redis_client(settings.celery.broker_url).lock(PREFIX + "story-stages", timeout=limit, blocking_timeout=limit)


def pace_domain(url: str, settings: Settings) -> None:
    """Wait until this URL's host may be fetched again: one fetch per ``domain_interval_s``."""
    interval = settings.celery.domain_interval_s
    host = urlsplit(url).hostname
    if not host or interval <= 0 or not settings.celery.broker_url:
        return
    client, key = redis_client(settings.celery.broker_url), f"{PREFIX}domain:{host}"
    while not client.set(key, 1, nx=True, px=int(interval * 1000)):  # the slot is free once the key expires
        time.sleep(max(client.pttl(key), 10) / 1000)


class AnotherBeat(NewsbriefError):
    """A `newsbrief beat` is already running against this broker."""


@contextmanager
def only_beat(settings: Settings, hold_s: float = 120.0):
    """Held while this beat runs; renewed in the background, gone soon after a beat dies."""
    lock = redis_client(settings.celery.broker_url).lock(PREFIX + "beat", timeout=hold_s)
    if not lock.acquire(blocking=False):
        raise AnotherBeat("another `newsbrief beat` runs against this broker: exactly one may")
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(hold_s / 3):
            lock.reacquire()

    renewer = threading.Thread(target=renew, name="newsbrief-beat-lock", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        lock.release()


@contextmanager
def once(settings: Settings, key: str):
    """Run the body once for ``key``: yields the value an earlier run stored (or None), and
    ``store(value)`` to keep this run's, under a lock so that two runs never both do it."""
    client = redis_client(settings.celery.broker_url)
    with client.lock(f"{PREFIX}once-lock:{key}", timeout=settings.celery.task_time_limit_s):
        done = client.get(f"{PREFIX}once:{key}")

        def store(value: str) -> None:
            client.set(f"{PREFIX}once:{key}", value, ex=7 * 24 * 3600)

        yield (done.decode() if done else None), store
