"""`newsbrief schedule`: run digests on their crontab lines, in one process.

At start, a digest whose last slot passed since its last stored run (it was missed while the
scheduler was down) runs once, not once per missed slot. Then each digest runs at its next
slot; a run that overran later slots runs again once, at the next slot after it ends. (The
scale-out issue moves this to Celery beat.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from pipeline.apps.digest.config import DigestConfig


@dataclass
class Scheduled:
    digest: DigestConfig
    last_run: datetime | None  # when it last ran (stored), or None


def previous_slot(schedule: str, now: datetime) -> datetime:
    from croniter import croniter

    return croniter(schedule, now).get_prev(datetime)


def next_slot(schedule: str, after: datetime) -> datetime:
    from croniter import croniter

    return croniter(schedule, after).get_next(datetime)


def missed(entry: Scheduled, now: datetime) -> bool:
    """Whether a slot passed since the digest last ran: it is due once now. A digest never run
    before waits for its first slot, like a new crontab line."""
    return entry.last_run is not None and entry.last_run < previous_slot(entry.digest.schedule, now)


def utc(moment: str) -> datetime:
    """A stored time ('2025-02-11T07:00:00.000Z') as an aware datetime."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(timezone.utc)


class Scheduler:
    """Runs ``run(digest)`` at each digest's slots. ``clock`` and ``sleep`` are the real ones
    unless a test gives others; ``max_runs`` stops it after that many runs (tests, `--runs`)."""

    def __init__(self, entries: list[Scheduled], run: Callable[[DigestConfig], None],
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sleep: Callable[[float], None] = time.sleep, max_runs: int | None = None):
        self.entries, self.run, self.clock, self.sleep = entries, run, clock, sleep
        self.max_runs, self.runs = max_runs, 0

    def start(self) -> None:
        now = self.clock()
        due = {id(e): (now if missed(e, now) else next_slot(e.digest.schedule, now)) for e in self.entries}
        while self.entries and not self._done():
            entry = min(self.entries, key=lambda e: due[id(e)])
            wait = (due[id(entry)] - self.clock()).total_seconds()
            if wait > 0:
                self.sleep(min(wait, 60))  # wake each minute: a changed clock is noticed
                continue
            self.run(entry.digest)
            self.runs += 1
            due[id(entry)] = next_slot(entry.digest.schedule, self.clock())  # overran slots: once

    def _done(self) -> bool:
        return self.max_runs is not None and self.runs >= self.max_runs
