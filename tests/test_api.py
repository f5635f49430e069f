"""The HTTP API through FastAPI's test client: every endpoint, the limits, the jobs, overrides.

The jobs run on the app's real worker threads against a real SQLite file and embedded Chroma;
the brief of the example story is written once for the module.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, FIXTURES, SEED_FILES
from pipeline.apps.api import create_app
from pipeline.apps.cli import app as cli_app
from pipeline.settings import Settings
from store.articles import ArticleStore
from store.briefs import BriefStore
from store.tokens import TokenStore

TEXTS = [path.read_text() for path in SEED_FILES]
PAGE = sorted((FIXTURES / "html").glob("*.html"))[0].read_text()


def client_for(config: Settings) -> tuple[TestClient, dict]:
    with ArticleStore(config.db_path) as store:
        token = TokenStore(store.db).create("editor")
    return TestClient(create_app(config)), {"Authorization": f"Bearer {token}"}


def wait_done(client: TestClient, auth: dict, url: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while (job := client.get(url, headers=auth).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """A running app with the example story briefed: (client, auth headers, the done job)."""
    config = Settings(data_dir=tmp_path_factory.mktemp("api-data"))
    client, auth = client_for(config)
    with client:
        submitted = client.post("/v1/briefs", headers=auth, json={
            "sources": [{"text": TEXTS[0]}, {"text": TEXTS[1], "outlet": "Reuters"}, {"url": "http://127.0.0.1:9/x"}]})
        assert submitted.status_code == 202
        yield client, auth, wait_done(client, auth, submitted.json()["url"])


def test_health_and_schema_need_no_token(api):
    client, _, _ = api
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/briefs", "/v1/briefs/{job_id}", "/v1/briefs/{job_id}/claims/{claim_id}/override", "/v1/audit",
                 "/v1/stories", "/v1/stories/{story_id}", "/v1/articles/{article_id}", "/healthz"):
        assert path in paths


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nb_wrong"}, {"Authorization": "Basic eDp5"}])
def test_401_without_a_valid_token(api, headers):
    client, _, _ = api
    response = client.get("/v1/stories", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert "newsbrief tokens create" in response.json()["error"]["message"]


def test_a_revoked_token_gets_401(api):
    client, auth, _ = api
    config = client.app.state.config
    with ArticleStore(config.db_path) as store:
        tokens = TokenStore(store.db)
        token = tokens.create("leaver")
        assert client.get("/v1/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        tokens.revoke("leaver")
    assert client.get("/v1/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_413_over_the_body_limit(api):
    client, auth, _ = api
    response = client.post("/v1/briefs", headers=auth, json={"sources": [{"text": "x" * 5_000_001}]})
    assert response.status_code == 413 and "5,000,000-byte limit" in response.json()["error"]["message"]


@pytest.mark.parametrize("body, where", [
    ({"sources": [{"text": "a"}] * 51}, "body.sources"),
    ({"sources": []}, "body.sources"),
    ({"sources": [{"text": "a"}], "story_id": "abcd"}, "body"),
    ({}, "body"),
    ({"sources": [{"url": "ftp://example.invalid/x"}]}, "body.sources.0"),
    ({"sources": [{"txt": "a typo"}]}, "body.sources.0"),
])
def test_422_for_a_malformed_body(api, body, where):
    client, auth, _ = api
    response = client.post("/v1/briefs", headers=auth, json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"].startswith("malformed request: ") and error["details"][0]["where"].startswith(where)


def test_429_over_the_rate_with_retry_after(tmp_path):
    client, auth = client_for(Settings(data_dir=tmp_path, api={"rate_per_minute": 3}))
    with client:
        statuses = [client.get("/v1/stories", headers=auth).status_code for _ in range(4)]
        limited = client.get("/v1/stories", headers=auth)
    assert statuses == [200, 200, 200, 429] and limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1 and "requests a minute" in limited.json()["error"]["message"]


def test_the_job_reports_progress_and_refuses_a_loopback_url(api):
    _, _, job = api
    assert job["status"] == "done" and job["attempts"] == 1
    assert job["progress"] | {"indexed": 1} == {"stage": "done", "fetched": 3, "cleaned": 2, "grouped": 2,
                                               "indexed": 1, "verified": len(job["brief"]["points"])}
    assert job["progress"]["indexed"] > 0
    [failure] = job["failures"]
    assert failure["source"] == "http://127.0.0.1:9/x" and "refusing" in failure["reason"]
    assert "non-public address 127.0.0.1" in failure["reason"]


def test_points_and_claims_carry_stable_ids(api):
    client, auth, job = api
    brief = job["brief"]
    ids = [p["id"] for p in brief["points"]] + [c["id"] for p in brief["points"] for c in p["claims"]]
    assert len(set(ids)) == len(ids) and all(len(i) == 12 for i in ids)
    again = client.get(f"/v1/briefs/{job['id']}", headers=auth).json()["brief"]
    assert [p["id"] for p in again["points"]] == [p["id"] for p in brief["points"]]


def test_identical_requests_share_one_job(api):
    client, auth, job = api
    story = {"story_id": job["story_id"]}
    first, second = (client.post("/v1/briefs", headers=auth, json=story).json() for _ in range(2))
    assert first["id"] == second["id"]
    done = wait_done(client, auth, first["url"])
    assert done["brief_id"] == job["brief_id"]  # the same story version: its stored brief, not a new one


def test_markdown_and_html_renderings(api):
    client, auth, job = api
    markdown = client.get(f"/v1/briefs/{job['id']}?format=md", headers=auth)
    assert markdown.headers["content-type"].startswith("text/markdown") and markdown.text.startswith("# Apple Taps")
    html = client.get(f"/v1/briefs/{job['id']}", params={"format": "html"}, headers=auth)
    assert html.headers["content-type"].startswith("text/html") and "<h2>Key points</h2>" in html.text
    assert client.get("/v1/briefs/0000000000000000", headers=auth).status_code == 404


def test_stories_story_and_article_with_its_cited_spans(api):
    client, auth, job = api
    [listed] = client.get("/v1/stories", headers=auth).json()
    assert listed["id"] == job["story_id"] and listed["latest_brief"] == job["brief_id"]
    story = client.get(f"/v1/stories/{job['story_id'][:8]}", headers=auth).json()
    assert len(story["articles"]) == 2 and len(story["families"]) == 2 and story["brief"]["story_id"] == story["id"]
    assert "Reuters" in story["outlets"]
    article = client.get(f"/v1/articles/{story['articles'][0]['id']}", headers=auth).json()
    assert article["cited_spans"] and {s["kind"] for s in article["cited_spans"]} == {"claim", "figure"}
    for span in article["cited_spans"]:
        assert article["text"][span["start"]:span["end"]] == span["quote"]
    assert client.get("/v1/stories/ffff", headers=auth).status_code == 404
    assert client.get("/v1/articles/zz", headers=auth).status_code == 404


def test_an_override_is_audited_and_survives_a_re_verification(api, monkeypatch):
    client, auth, job = api
    claim = job["brief"]["points"][0]["claims"][0]
    url = f"/v1/briefs/{job['id']}/claims/{claim['id']}/override"
    assert client.post(url, headers=auth, json={"verdict": "conflicting"}).status_code == 422  # the reason is required
    assert client.post(url, headers=auth, json={"verdict": "conflicting", "reason": "  "}).status_code == 422
    assert client.post(url, headers=auth, json={"verdict": "wrong", "reason": "x"}).status_code == 422
    made = client.post(url, headers=auth, json={"verdict": "conflicting", "reason": "the agency denied it by phone"})
    assert made.status_code == 201
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "created_at": "", "story_id": job["story_id"], "claim_id": claim["id"], "claim": claim["text"],
        "machine_verdict": claim["verdict"], "verdict": "conflicting", "reason": "the agency denied it by phone",
        "who": "editor", "brief_id": job["brief_id"]}
    # Re-verify: the CLI writes the story's brief again, a new stored brief of the same story.
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(client.app.state.config.data_dir))
    assert CliRunner().invoke(cli_app, ["brief", job["story_id"]]).exit_code == 0
    with ArticleStore(client.app.state.config.db_path) as store:
        newest = BriefStore(store.db).latest(job["story_id"])
    assert newest != job["brief_id"]
    story = client.get(f"/v1/stories/{job['story_id']}", headers=auth).json()
    [again] = [c for p in story["brief"]["points"] for c in p["claims"] if c["id"] == claim["id"]]
    assert again["verdict"] == claim["verdict"]  # the machine's, beside the editor's
    assert again["override"] | {"at": ""} == {"verdict": "conflicting", "reason": "the agency denied it by phone",
                                             "who": "editor", "at": "", "machine_verdict": claim["verdict"]}
    markdown = client.get(f"/v1/briefs/{job['id']}?format=md", headers=auth).text
    assert "editor: ⚠️ conflicting (editor: the agency denied it by phone)" in markdown
    [row] = client.get("/v1/audit", params={"story": job["story_id"]}, headers=auth).json()
    assert row["claim_id"] == claim["id"] and row["who"] == "editor"
    assert client.post(f"/v1/briefs/{job['id']}/claims/nothere/override", headers=auth,
                       json={"verdict": "confirmed", "reason": "x"}).status_code == 404


def test_the_bad_input_batch_in_one_request(tmp_path, http_server):
    """The ingest tests' bad inputs as one request: the good ones briefed, each bad one a reason.
    (Their one-sentence French text is an article now: a sentence of prose is enough.)"""
    http_server.routes["/slow"] = (200, {}, b"<p>late</p>", 2)
    config = Settings(data_dir=tmp_path, fetch={"allow_private_hosts": True, "timeout_s": 0.3})
    bad = {
        "empty": {"text": ""},
        "binary": {"html": "\x00\x01\x02PNG" * 50},
        "malformed": {"html": "<html><body><div><p>Half a tag <b <i></div></p"},
        "navigation": {"html": "<html><body><nav><a href='/'>Home</a></nav><footer>© 2025</footer></body></html>"},
        "short": {"text": "too short"},
        "not-a-feed": {"html": "<rss><channel>"},
        "slow": {"url": http_server.base + "/slow"},
        "missing": {"url": http_server.base + "/missing"},
    }
    reasons = {"empty": "empty input", "binary": "binary data", "malformed": "no article found",
               "navigation": "no article found", "short": "no article found", "not-a-feed": "no article found",
               "slow": "timed out", "missing": "HTTP 404"}
    client, auth = client_for(config)
    with client:
        sources = [{"text": TEXTS[0]}, {"html": PAGE, "outlet": "Fixture Times"}, *bad.values()]
        job = wait_done(client, auth, client.post("/v1/briefs", headers=auth, json={"sources": sources}).json()["url"])
    assert job["status"] == "done" and job["progress"]["cleaned"] == 2
    assert len(job["failures"]) == len(bad)
    for (name, expected), failure in zip(reasons.items(), job["failures"]):
        assert expected in failure["reason"] and "\n" not in failure["reason"], (name, failure)
    assert [f["source"] for f in job["failures"][:2]] == ["sources[2] (text)", "sources[3] (html)"]
    assert job["brief"]["points"]


def test_a_conflict_comes_with_both_quotes(tmp_path):
    from test_figures import THIRD_OUTLET

    client, auth = client_for(Settings(data_dir=tmp_path))
    sources = [{"text": TEXTS[0]}, {"text": TEXTS[1]}, {"text": THIRD_OUTLET, "outlet": "Invented Daily"}]
    with client:
        job = wait_done(client, auth, client.post("/v1/briefs", headers=auth, json={"sources": sources}).json()["url"])
    pairs = job["brief"]["conflict_pairs"]
    assert pairs and all(len(p["sides"]) == 2 for p in pairs)
    assert any(side["outlet"] == "Invented Daily" for side in pairs[0]["sides"])
    assert job["brief"]["conflicts"][0] == pairs[0]["text"]
