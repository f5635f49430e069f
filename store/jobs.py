"""Jobs: briefs that run outside the request, kept in the article database.

A job is stored before it runs and after every stage, so a restart loses none: jobs left
``running`` by a server that died are put back in the queue when the next one starts.
``key`` identifies the request (the same story and inputs); while a job with that key is not
failed, another identical request gets it instead of a new one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from store.database import Database

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
    def __init__(self, db: Database):
        self.db = db

    def submit(self, key: str, kind: str, request: dict, who: str | None) -> tuple[Job, bool]:
        """The job for this request: an existing one with the same key that has not failed, or a
        new queued one. The second value says whether it is new. One transaction that holds the
        key's lock, so two identical requests at once (in any process) cannot both create one."""
        with self.db:
            self.db.lock(f"job:{key}")
            found = self.db.execute("SELECT id FROM jobs WHERE key = :key AND status != 'failed' ORDER BY created_at DESC"
                                    " LIMIT 1", {"key": key}).scalar()
            if found:
                return self.get(found), False
            job_id = secrets.token_hex(8)
            self.db.execute("INSERT INTO jobs (id, key, kind, request, who, status)"
                            " VALUES (:id, :key, :kind, :request, :who, 'queued')",
                            {"id": job_id, "key": key, "kind": kind, "request": json.dumps(request), "who": who})
        return self.get(job_id), True

    def get(self, job_id: str) -> Job | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = :id", {"id": job_id}).fetchone()
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
        sets = ", ".join(f"{name} = :{name}" for name in columns)
        self.db.execute(f"UPDATE jobs SET {sets}, attempts = attempts + :attempts_plus, updated_at = {self.db.now}"
                        " WHERE id = :job_id", {**columns, "attempts_plus": attempts_plus, "job_id": job_id})


def _job(row) -> Job:
    values = dict(row._mapping)
    for name in ("request", "progress", "failures"):
        values[name] = json.loads(values[name])
    return Job(**values)
