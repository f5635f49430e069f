"""`newsbrief schedule`: digests run on their crontab lines; one missed while the scheduler was
down runs once at start, not once per missed slot. The clock is a test's own; the runs are real."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipeline.apps.digest.config import DigestConfig
from pipeline.apps.digest.schedule import Scheduled, Scheduler

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def config(name: str, schedule: str) -> DigestConfig:
    return DigestConfig(name=name, schedule=schedule, feeds=[{"path": "feed.rss"}])


class Clock:
    """Time that passes only when the scheduler sleeps."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def run_schedule(entries: list[Scheduled], runs: int) -> list[tuple[str, datetime]]:
    clock, ran = Clock(T0), []
    Scheduler(entries, lambda digest: ran.append((digest.name, clock())), clock=clock, sleep=clock.sleep,
              max_runs=runs).start()
    return ran


def test_a_digest_missed_for_days_runs_once_at_start_then_on_its_slots():
    three_days_ago = Scheduled(config("morning", "0 7 * * *"), T0 - timedelta(days=3))
    ran = run_schedule([three_days_ago], runs=3)
    assert ran == [("morning", T0), ("morning", datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)),
                   ("morning", datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc))]


def test_digests_interleave_and_one_run_this_slot_already_waits():
    hourly = Scheduled(config("hourly", "30 * * * *"), T0 - timedelta(minutes=10))  # ran at 11:50, after 11:30
    never = Scheduled(config("evening", "0 18 * * *"), None)  # a new line waits for its first slot
    ran = run_schedule([hourly, never], runs=8)
    assert [name for name, _ in ran] == ["hourly"] * 6 + ["evening", "hourly"]
    assert ran[0][1] == T0.replace(minute=30) and ran[6][1] == T0.replace(hour=18, minute=0)


def test_the_cli_runs_a_missed_digest_once_and_stores_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.apps.cli import app
    from pipeline.settings import Settings
    from store.articles import ArticleStore
    from store.digests import DigestStore

    feed = tmp_path / "wire.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                    "<channel><title>Wire</title><item><title>Storm</title><content:encoded>A storm closed the Ostra "
                    "valley road on Saturday, and 1,200 people spent the night in shelters.</content:encoded></item>"
                    "</channel></rss>")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f'name: Night desk\nschedule: "0 3 * * *"\nsince: 3650d\nfeeds:\n  - path: {feed.name}\n')
    with ArticleStore(Settings().db_path) as store:  # it last ran long ago
        DigestStore(store.db).save("Night desk", False, '{"name": "Night desk", "nothing_new": false, "stories": []}', [])
        store.db.execute("UPDATE digests SET created_at = '2020-01-01T03:00:00.000Z'")
        store.db.commit()
    result = CliRunner().invoke(app, ["schedule", "--feeds", str(feeds), "--runs", "1", "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Storm" in (tmp_path / "out" / "Night desk.md").read_text()
    assert (tmp_path / "out" / "Night desk.html").read_text().startswith("<!doctype html>")
    with ArticleStore(Settings().db_path) as store:
        assert [d.name for d in DigestStore(store.db).list()] == ["Night desk", "Night desk"]
