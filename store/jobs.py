"""Jobs: briefs that run outside the request, kept in the article database.

A job is stored before it runs and after every stage, so a restart loses none: jobs left
``running`` by a server that died are put back in the queue when the next one starts.
``key`` identifies the request (the same story and inputs); while a job with that key is not
failed, another identical request gets it instead of a new one.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL,      -- a hash of the request: identical requests share a job
    kind       TEXT NOT NULL,      -- 'brief'
    request    TEXT NOT NULL,      -- the request's JSON, as validated
    who        TEXT,               -- the token's name that asked for it
    status     TEXT NOT NULL,      -- queued | running | done | failed
    progress   TEXT NOT NULL DEFAULT '{}',
    failures   TEXT NOT NULL DEFAULT '[]',
    story_id   TEXT,
    brief_id   INTEGER,
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs (key, status);
"""
UNFINISHED = ("queued", "running")


@dataclass
class Job:
    id: str
    key: str
    kind: str
    request: dict
    who: str | None
    status: str
    progress: dict = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    story_id: str | None = None
    brief_id: int | None = None
    error: str | None = None
    attempts: int = 0
    created_at: str = ""
    updated_at: str = ""


class JobStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def submit(self, key: str, kind: str, request: dict, who: str | None) -> tuple[Job, bool]:
        """The job for this request: an existing one with the same key that has not failed, or a
        new queued one. The second value says whether it is new. One transaction (BEGIN
        IMMEDIATE), so two identical requests at once cannot both create one."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT id FROM jobs WHERE key = ? AND status != 'failed' ORDER BY created_at DESC"
                                  " LIMIT 1", (key,)).fetchone()
            if row:
                return self.get(row[0]), False
            job_id = secrets.token_hex(8)
            self.db.execute("INSERT INTO jobs (id, key, kind, request, who, status) VALUES (?, ?, ?, ?, ?, 'queued')",
                            (job_id, key, kind, json.dumps(request), who))
        return self.get(job_id), True

    def get(self, job_id: str) -> Job | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def unfinished(self) -> list[Job]:
        """Queued and running jobs, oldest first: what a starting server must (re-)run."""
        rows = self.db.execute("SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at")
        return [_job(r) for r in rows]

    def start(self, job_id: str) -> None:
        self._update(job_id, status="running", error=None, attempts_plus=1)

    def report(self, job_id: str, progress: dict) -> None:
        self._update(job_id, progress=json.dumps(progress))

    def finish(self, job_id: str, story_id: str, brief_id: int, failures: list[dict], progress: dict) -> None:
        self._update(job_id, status="done", story_id=story_id, brief_id=brief_id, failures=json.dumps(failures),
                     progress=json.dumps(progress))

    def fail(self, job_id: str, error: str, failures: list[dict]) -> None:
        self._update(job_id, status="failed", error=error, failures=json.dumps(failures))

    def _update(self, job_id: str, attempts_plus: int = 0, **columns) -> None:
        sets = ", ".join(f"{name} = ?" for name in columns)
        with self.db:
            self.db.execute(f"UPDATE jobs SET {sets}, attempts = attempts + ?, "
                            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                            [*columns.values(), attempts_plus, job_id])


def _job(row) -> Job:
    values = dict(row)  # the store's connections return sqlite3.Row
    for name in ("request", "progress", "failures"):
        values[name] = json.loads(values[name])
    return Job(**values)
