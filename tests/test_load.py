"""A bounded load on loopback: 200 brief requests for the example story from 8 concurrent
clients against a real `newsbrief serve`. All are answered, and the story is briefed once.
Prints p50 and p95 of the requests and of the finished briefs. (make test-web)"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import SEED_FILES, _free_port
from store.articles import ArticleStore
from store.briefs import BriefStore
from test_serve import create_token, serving

pytestmark = pytest.mark.web
REQUESTS = 200
CLIENTS = 8
DEADLINE_S = 300  # the whole run stops by then, whatever happens


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def one_brief(base: str, auth: dict, body: dict, stop_at: float) -> tuple[float, float, str]:
    """(seconds the POST took, seconds until the brief was done, the job id)."""
    with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
        started = time.perf_counter()
        submitted = client.post("/v1/briefs", json=body)
        answered = time.perf_counter() - started
        assert submitted.status_code == 202, submitted.text
        while (job := client.get(submitted.json()["url"]).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < stop_at, "the load run went over its time limit"
            time.sleep(0.05)
        assert job["status"] == "done", job
        return answered, time.perf_counter() - started, job["id"]


def test_200_requests_from_8_clients_brief_the_story_once(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    auth = create_token(tmp_path)
    body = {"sources": [{"text": path.read_text()} for path in SEED_FILES]}
    stop_at = time.monotonic() + DEADLINE_S
    with serving(tmp_path, port, {"NEWSBRIEF_API__RATE_PER_MINUTE": "100000"}):
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda _: one_brief(base, auth, body, stop_at), range(REQUESTS)))
        stories = httpx.get(base + "/v1/stories", headers=auth).json()
    requests, finished, jobs = zip(*results)
    assert len(results) == REQUESTS and len(set(jobs)) == 1  # every request shared the one job
    [story] = stories
    with ArticleStore(tmp_path / "articles.sqlite3") as store:
        assert len(BriefStore(store.db).list(story["id"])) == 1  # briefed once
    print(f"\nload: {REQUESTS} requests, {CLIENTS} clients; POST p50 {percentile(requests, .5) * 1000:.1f} ms, "
          f"p95 {percentile(requests, .95) * 1000:.1f} ms; finished brief p50 {percentile(finished, .5):.2f} s, "
          f"p95 {percentile(finished, .95):.2f} s, slowest {max(finished):.2f} s (the one that computed it)")
