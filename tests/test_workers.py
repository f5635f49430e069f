"""Scale-out acceptance (make test-scale): `newsbrief worker`s as separate processes on a real
redis-server, sharing one real Chroma server and one SQLite file (WAL) in a common data dir.

(1) `digest --distributed` over the digest tests' local feeds equals the in-process digest;
(2) a worker SIGKILLed while it holds a task: the digest completes, each article stored once,
no chunk twice; (3) bad feeds and pages through the distributed path: reported, nothing stuck.
"""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from digest_fixtures import load_items, write_feeds
from pipeline.apps.cli import app
from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupStore
from workers_cluster import Workers, chroma_run, cluster_env, left_in_broker, newsbrief, redis_server

pytestmark = pytest.mark.scale
# Short limits, so that a killed worker's task is handed out again within the test's patience;
# the visibility timeout stays above the time limit, as configure() insists.
LIMITS = {"celery__task_time_limit_s": "60", "celery__visibility_timeout_s": "75", "celery__domain_interval_s": "0",
          "celery__retry_backoff_s": "0.2", "celery__max_retries": "1", "celery__wait_timeout_s": "400",
          "limits__feed_full_text_chars": "80", "workers": "1"}


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def cluster(tmp_path, broker):
    """A fresh Chroma server and an empty broker; the shared environment."""
    import redis

    redis.Redis.from_url(broker).flushall()
    with chroma_run(tmp_path / "chroma") as chroma_url:
        yield cluster_env(tmp_path / "shared", broker, chroma_url, **LIMITS)


def local_digest(feeds, monkeypatch, data_dir) -> dict:
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(data_dir))
    for name, value in LIMITS.items():
        monkeypatch.setenv(f"NEWSBRIEF_{name.upper()}", value)
    result = CliRunner().invoke(app, ["digest", "--feeds", str(feeds), "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def distributed_digest(feeds, env) -> tuple[dict, str]:
    result = newsbrief("digest", "--feeds", str(feeds), "--json", "--distributed", env=env)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result.stderr


def grouping(data_dir) -> list[tuple]:
    """Every article's original, family and story, as stored."""
    with ArticleStore(Settings(data_dir=data_dir).db_path) as store:
        return sorted((r.article_id, r.original_id, r.family_id, r.story_id) for r in GroupStore(store.db).rows())


def comparable(digest: dict) -> list[dict]:
    """The digest's stories with their briefs, less what differs between any two runs (ids, times)."""
    keep = ("story_id", "headline", "status", "rank", "families", "articles", "outlets", "latest")  # score: by the clock
    return [{**{k: s[k] for k in keep}, "brief": {k: v for k, v in s["brief"].items() if k != "meta"}}
            for s in digest["stories"]]


def test_distributed_digest_equals_the_local_one(tmp_path, http_server, cluster, monkeypatch, allow_loopback_fetch):
    feeds = write_feeds(tmp_path / "feeds", http_server, load_items())
    local = local_digest(feeds, monkeypatch, tmp_path / "local")
    with Workers(cluster, tmp_path / "logs").start(2):
        started = time.monotonic()
        distributed, progress = distributed_digest(feeds, cluster)
        seconds = time.monotonic() - started
    print(f"\ndistributed digest on 2 workers: {seconds:.1f} s")
    assert "ingesting entries" in progress and "done" in progress  # it reports as it waits
    assert len(distributed["stories"]) == 8 and distributed["log"] == []
    assert comparable(distributed) == comparable(local)
    assert distributed["counts"] == local["counts"]
    assert grouping(tmp_path / "shared") == grouping(tmp_path / "local")
    assert left_in_broker(cluster["NEWSBRIEF_CELERY__BROKER_URL"]) == {"ingest": 0, "story": 0, "brief": 0, "unacked": 0}
