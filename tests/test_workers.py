"""Scale-out acceptance (make test-scale): `newsbrief worker`s as separate processes on a real
redis-server, sharing one real Chroma server and one SQLite file (WAL) in a common data dir.

(1) `digest --distributed` over the digest tests' local feeds equals the in-process digest;
(2) a worker SIGKILLed while it holds a task: the digest completes, each article stored once,
no chunk twice; (3) bad feeds and pages through the distributed path: reported, nothing stuck.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from typer.testing import CliRunner

from digest_fixtures import PAGES_SERVED, assert_bad_feeds_reported, bad_feeds, load_items, of_outlet, write_feeds
from pipeline.apps.cli import app
from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupStore
from workers_cluster import Workers, chroma_run, cluster_env, left_in_broker, newsbrief, newsbrief_command, redis_server

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


def stored_articles(data_dir) -> list[str]:
    with ArticleStore(Settings(data_dir=data_dir).db_path) as store:
        return list(store.ids())


def chunk_rows(env) -> list[tuple]:
    """Every chunk in the shared Chroma collection: (article id, start, end)."""
    from pipeline.index.chroma import VectorIndex, parse_chunk_id

    config = Settings(data_dir=env["NEWSBRIEF_DATA_DIR"], chroma_url=env["NEWSBRIEF_CHROMA_URL"])
    return [parse_chunk_id(i) for i in VectorIndex(config).collection.get(include=[])["ids"]]


def expected_chunks(data_dir) -> list[tuple]:
    """The chunks the originals cut into, each once."""
    from pipeline.index.chunk import chunk_text

    config = Settings(data_dir=data_dir)
    with ArticleStore(config.db_path) as store:
        originals = [r.article_id for r in GroupStore(store.db).rows() if r.original_id == r.article_id]
        return [(a.id, c.start, c.end) for a in store.get_many(originals)
                for c in chunk_text(a.text, config.chunking.max_chars, config.chunking.overlap_sentences)]


def worker_holding(broker_url: str, task_name: str, seconds: float) -> str | None:
    """The worker that runs a task of this name now, asked over the broker's control channel."""
    from pipeline.apps.workers.app import configure

    celery = configure(Settings(celery={"broker_url": broker_url, "task_time_limit_s": 30, "visibility_timeout_s": 40}))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker, running in (celery.control.inspect(timeout=0.5).active() or {}).items():
            if any(task["name"] == task_name for task in running):
                return worker.split("@")[0]
    return None


def test_a_worker_killed_while_it_holds_a_task(tmp_path, http_server, cluster, allow_loopback_fetch):
    """The Evening Courier's pages answer slowly, so the worker reading its feed holds that task
    for seconds: it is SIGKILLed then; Redis hands the task out again after the visibility timeout."""
    items = load_items()
    feeds = write_feeds(tmp_path / "feeds", http_server, items)
    for item in of_outlet(items, PAGES_SERVED):
        status, headers, body, _ = http_server.routes[f"/{item.slug}.html"]
        http_server.routes[f"/{item.slug}.html"] = (status, headers, body, 3)
    env = cluster | {"NEWSBRIEF_CELERY__TASK_TIME_LIMIT_S": "30", "NEWSBRIEF_CELERY__VISIBILITY_TIMEOUT_S": "40"}
    with Workers(env, tmp_path / "logs").start(2) as workers:
        run = subprocess.Popen(newsbrief_command("digest", "--feeds", str(feeds), "--json", "--distributed"),
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        victim = worker_holding(env["NEWSBRIEF_CELERY__BROKER_URL"], "newsbrief.ingest_source", seconds=60)
        assert victim, "no worker took an ingest task within a minute"
        workers.kill(victim)
        killed_at = time.monotonic()
        stdout, stderr = run.communicate(timeout=300)
    print(f"\nkilled {victim}; the digest finished {time.monotonic() - killed_at:.0f} s later")
    assert run.returncode == 0, stderr
    document = json.loads(stdout)
    assert len(document["stories"]) == 8 and document["log"] == []
    stored = stored_articles(env["NEWSBRIEF_DATA_DIR"])
    assert len(stored) == len(set(stored)) == len(items)  # each fixture article once
    chunks = chunk_rows(env)
    assert sorted(chunks) == sorted(expected_chunks(env["NEWSBRIEF_DATA_DIR"]))  # every chunk, none twice
    assert left_in_broker(env["NEWSBRIEF_CELERY__BROKER_URL"]) == {"ingest": 0, "story": 0, "brief": 0, "unacked": 0}


def test_bad_feeds_through_the_workers(tmp_path, http_server, cluster, allow_loopback_fetch):
    """Bad feeds and pages are each reported (a feed that cannot be fetched after its retries
    too), the good ones make the digest, and nothing is left in the queues."""
    items = load_items()
    extra = bad_feeds(tmp_path / "feeds", http_server)
    feeds = write_feeds(tmp_path / "feeds", http_server, items, extra_feeds=extra)
    env = cluster | {"NEWSBRIEF_FETCH__TIMEOUT_S": "1.5"}  # the slow feed takes 3 s; a loaded machine less
    with Workers(env, tmp_path / "logs").start(2):
        document, _ = distributed_digest(feeds, env)
    assert_bad_feeds_reported(document, tmp_path / "feeds", http_server)
    assert len(document["stories"]) == 8 and document["counts"]["failed"] == len(document["log"]) == 3, document["log"]
    assert len(stored_articles(env["NEWSBRIEF_DATA_DIR"])) == len(items)
    assert left_in_broker(env["NEWSBRIEF_CELERY__BROKER_URL"]) == {"ingest": 0, "story": 0, "brief": 0, "unacked": 0}


def test_an_api_job_runs_on_the_workers(tmp_path, cluster):
    """With a broker set, the job layer behind the API queues a job as a Celery task; a worker
    briefs it into the shared store, and the same request again is the same job."""
    from pipeline.apps.jobs import BriefRequest, JobRunner

    story = [i for i in load_items() if i.story == load_items()[0].story][:2]
    request = BriefRequest(sources=[{"text": "\n\n".join(i.paragraphs), "title": i.title, "outlet": i.outlet} for i in story])
    config = Settings(data_dir=cluster["NEWSBRIEF_DATA_DIR"], chroma_url=cluster["NEWSBRIEF_CHROMA_URL"],
                      celery={"broker_url": cluster["NEWSBRIEF_CELERY__BROKER_URL"], **{
                          k.removeprefix("celery__"): v for k, v in LIMITS.items() if k.startswith("celery__")}})
    runner = JobRunner(config)
    runner.start()
    assert not runner.threads  # no in-process workers: the Celery ones run it
    with Workers(cluster, tmp_path / "logs").start(1):
        job, created = runner.submit(request, "desk")
        deadline = time.monotonic() + 120
        while (status := _job(config, job.id).status) not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
    assert created and status == "done", _job(config, job.id)
    assert runner.submit(request, "desk") == (_job(config, job.id), False)
    assert left_in_broker(cluster["NEWSBRIEF_CELERY__BROKER_URL"]) == {"ingest": 0, "story": 0, "brief": 0, "unacked": 0}


def _job(config, job_id):
    from store.jobs import JobStore

    with ArticleStore(config.db_path) as store:
        return JobStore(store.db).get(job_id)


def test_a_second_beat_refuses_to_start(tmp_path, broker):
    """Exactly one `newsbrief beat` per broker: while one holds the beat lock, another exits with
    a clear error and schedules nothing; the lock is free again once the first stops."""
    from pipeline.apps.workers.coordination import AnotherBeat, only_beat

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text('name: Beat\nschedule: "0 7 * * *"\nfeeds:\n  - path: none.rss\n    outlet: Nobody\n')
    settings = Settings(data_dir=tmp_path / "data", celery={"broker_url": broker})
    env = cluster_env(tmp_path / "data", broker, "http://127.0.0.1:9", **LIMITS)
    with only_beat(settings):
        second = newsbrief("beat", "--feeds", str(feeds), "--runs", "1", env=env, timeout=60)
        assert second.returncode != 0 and "exactly one may" in second.stderr, second.stderr
        with pytest.raises(AnotherBeat):
            with only_beat(settings):
                pass
    with only_beat(settings):  # released by the first beat's exit
        pass
