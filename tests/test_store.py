"""The store on both engines: every test runs on a SQLite file and on a real PostgreSQL server
(tests/postgres_server.py; those are marked ``scale`` and run in `make test-scale`).

Then what only one engine has: SQLite's WAL file and its upgrade from a file written before the
migrations; PostgreSQL's refusal of a schema that is behind, and workers racing to store the
same articles."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys

import pytest
from postgres_server import postgres_server, postgres_url  # noqa: F401  fixtures

from conftest import write_news_pages
from pipeline.models import Article
from store.articles import AmbiguousId, ArticleStore
from store.briefs import BriefStore
from store.database import HEAD, StoreNotReady, current_revision, head_revision, sqlite_url
from store.digests import DigestStore, Included
from store.groups import GroupRow, GroupStore
from store.jobs import JobStore
from store.overrides import OverrideStore
from store.slack_events import SlackEventStore
from store.tokens import TokenExists, TokenStore


def make(id_: str, text: str = "Some text.", source: str = "test") -> Article:
    return Article(id=id_, source=source, text=text, outlet="Daily")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.scale)])
def url(request, tmp_path):
    if request.param == "sqlite":
        return tmp_path / "deep" / "articles.sqlite3"  # a path: the folder is made on opening
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url):
    with ArticleStore(url) as s:
        yield s


def test_add_is_idempotent(store):
    assert store.add(make("abcd1234")) is True
    assert store.add(make("abcd1234", text="different text, same id")) is False
    assert store.count() == 1
    assert store.get("abcd1234").text == "Some text."


def test_a_reprint_is_one_article_seen_twice(store):
    store.add(make("abcd1234", source="first.html"))
    store.add(make("abcd1234", source="reprint.html"))
    store.add(make("abcd1234", source="first.html"))  # the same input again: no second sighting
    assert [s["source"] for s in store.sightings("abcd1234")] == ["first.html", "reprint.html"]


def test_get_by_prefix(store):
    store.add(make("abcd1234"))
    store.add(make("abce9999"))
    assert store.get("abcd").id == "abcd1234"
    assert store.get("abc") is None  # too short to be a prefix
    assert store.get("ffff") is None
    with pytest.raises(AmbiguousId, match="more than one"):
        store.get("abc%")  # the % is dropped, not used as a pattern: "abc" matches two


def test_list_round_trips_every_field(store):
    article = Article(id="feed0001", source="s.html", url="https://x.example/a", outlet="X", title="T",
                      author="A", published="2025-02-11T08:00:00+00:00", language="en", credit="Reuters", text="Body.",
                      words=1, sentences=1)
    store.add(article)
    assert store.list() == [article]


def test_insertion_order_and_deletion(store):
    for id_ in ("ffff0001", "aaaa0002", "cccc0003"):
        store.add(make(id_))
    assert store.ids() == ["ffff0001", "aaaa0002", "cccc0003"]  # stored order, not id order
    assert [a.id for a in store.list(limit=2)] == ["ffff0001", "aaaa0002"]
    assert [a.id for a in store.get_many(["cccc0003", "nope", "ffff0001"])] == ["cccc0003", "ffff0001"]
    store.delete(["aaaa0002"])
    assert store.ids() == ["ffff0001", "cccc0003"] and store.sightings("aaaa0002") == []


def test_survives_reopening(url):
    with ArticleStore(url) as first:
        first.add(make("abcd1234"))
    with ArticleStore(url) as second:
        assert second.count() == 1


def test_groups_are_replaced_when_written_again(store):
    for id_ in ("a0000001", "b0000002", "c0000003"):
        store.add(make(id_))
    groups = GroupStore(store.db)
    assert groups.ungrouped_ids() == ["a0000001", "b0000002", "c0000003"]
    groups.save([GroupRow("a0000001", "a0000001", "a0000001", "a0000001"),
                 GroupRow("b0000002", "a0000001", "b0000002", "a0000001")], [("b0000002", 0, 10, "a0000001", 5, 15, 0.9)])
    groups.save([GroupRow("b0000002", "b0000002", "b0000002", "a0000001")],  # a rerun's answer replaces the row
                [("b0000002", 0, 10, "a0000001", 5, 15, 0.9)])                 # and a span is kept once
    assert groups.rows_for({"b0000002"}) == [GroupRow("b0000002", "b0000002", "b0000002", "a0000001")]
    assert groups.ungrouped_ids() == ["c0000003"]
    assert groups.story_ids() == ["a0000001"]
    assert groups.shared_spans(["b0000002"]) == [("b0000002", 0, 10, "a0000001", 5, 15, 0.9)]
    assert groups.linked({"a0000001"}) == {"a0000001", "b0000002"}
    groups.decide(["b0000002"], "b0000002", "move", [GroupRow("b0000002", "b0000002", "b0000002", "b0000002")])
    groups.decide(["b0000002"], "b0000002", "merge", [])  # decided again: one decision, the latest
    assert groups.decided_stories() == {"b0000002": "b0000002"}
    assert [r.story_id for r in groups.rows()] == ["a0000001", "b0000002"]
    groups.forget({"b0000002"})
    assert groups.shared_spans(["b0000002"]) == [] and groups.ungrouped_ids() == ["b0000002", "c0000003"]


def test_briefs_their_versions_and_changes(store):
    briefs = BriefStore(store.db)
    first = briefs.save("story0001", "extractive", None, "Headline", '{"v": 1}', version="v1")
    second = briefs.save("story0001", "llm", "m", "Headline 2", '{"v": 2}', version="v2")
    assert second > first
    assert briefs.latest("story0001") == second and briefs.of_version("story0001", "v1") == first
    assert briefs.version_of(first) == "v1" and briefs.brief_json(second) == '{"v": 2}'
    assert [b.id for b in briefs.list("story")] == [second, first]
    briefs.save_changes("story0001", second, first, [("new_point", "A new point.", None), ("correction", "Fixed.", "c1")])
    changes = briefs.changes("story0001", after_brief=first)
    assert [(c.kind, c.subject, c.previous) for c in changes] == [("new_point", None, first), ("correction", "c1", first)]
    assert briefs.changes("story0001", since=changes[0].created_at) == changes
    briefs.forget_stories(["story0001"])
    assert briefs.latest("story0001") is None and briefs.changes("story0001") == []


def test_digests_keep_what_they_included(store):
    digests = DigestStore(store.db)
    first = digests.save("morning", False, "{}", [Included("s1", 1, "new"), Included("s2", None, "new")])
    digests.set_document(first, '{"id": 1}')
    second = digests.save("morning", True, "{}", [])
    assert digests.last("morning").id == second and digests.last("morning").nothing_new is True
    assert [(d.id, d.stories) for d in digests.list("morning")] == [(second, 0), (first, 2)]
    assert digests.included(first) == {"s1": Included("s1", 1, "new"), "s2": Included("s2", None, "new")}
    assert digests.document(first) == '{"id": 1}'


def test_jobs_are_shared_until_they_fail(store):
    jobs = JobStore(store.db)
    job, created = jobs.submit("key1", "brief", {"a": 1}, "editor")
    again, created_again = jobs.submit("key1", "brief", {"a": 1}, "editor")
    assert created and not created_again and again.id == job.id
    jobs.start(job.id)
    jobs.report(job.id, {"stage": "grouping"})
    assert jobs.get(job.id).status == "running" and jobs.get(job.id).attempts == 1
    assert [j.id for j in jobs.unfinished()] == [job.id]
    jobs.fail(job.id, "boom", [{"source": "x", "reason": "bad"}])
    retry, created = jobs.submit("key1", "brief", {"a": 1}, "editor")
    assert created and retry.id != job.id
    jobs.finish(retry.id, "story0001", 7, [], {"stage": "done"})
    assert (jobs.get(retry.id).status, jobs.get(retry.id).brief_id) == ("done", 7)
    assert jobs.get(job.id).failures == [{"source": "x", "reason": "bad"}]


def test_overrides_latest_in_force(store):
    overrides = OverrideStore(store.db)
    first = overrides.add("s1", "c1", "Claim.", "unsupported", "confirmed", "Called them.", "editor", 3)
    overrides.add("s1", "c1", "Claim.", "unsupported", "disputed", "Second look.", "chief", 3)
    assert first.who == "editor" and first.created_at
    assert overrides.in_force("s1")["c1"].verdict == "disputed"
    assert [o.reason for o in overrides.audit("s1")] == ["Called them.", "Second look."]


def test_slack_events_and_tokens(store):
    events = SlackEventStore(store.db)
    assert events.first_time("Ev1") is True and events.first_time("Ev1") is False
    tokens = TokenStore(store.db)
    token = tokens.create("editor")
    with pytest.raises(TokenExists):
        tokens.create("editor")
    assert tokens.who(token) == "editor"  # the failed insert left the connection usable
    assert tokens.revoke("editor") is True and tokens.revoke("editor") is False
    assert tokens.who(token) is None and tokens.list()[0].revoked_at


# --- SQLite only ------------------------------------------------------------------------------


def test_creates_a_wal_database_file(tmp_path):
    with ArticleStore(tmp_path / "deep" / "articles.sqlite3") as store:
        assert store.path.exists()
        mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


# The first release's tables, as `CREATE TABLE IF NOT EXISTS` made them before the migrations.
BEFORE_MIGRATIONS = """
CREATE TABLE articles (id TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, outlet TEXT, title TEXT, author TEXT,
    published TEXT, language TEXT, credit TEXT, text TEXT NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE briefs (id INTEGER PRIMARY KEY, story_id TEXT NOT NULL, engine TEXT NOT NULL, model TEXT, headline TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), brief TEXT NOT NULL);
INSERT INTO articles (id, source, text) VALUES ('old00001', 'old.html', 'Stored long ago.');
INSERT INTO briefs (story_id, engine, brief) VALUES ('old00001', 'extractive', '{}');
"""


def test_a_store_from_before_the_migrations_is_upgraded(tmp_path):
    path = tmp_path / "articles.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(BEFORE_MIGRATIONS)
    with ArticleStore(path) as store:
        assert store.get("old00001").text == "Stored long ago." and store.get("old00001").words is None
        store.add(make("new00002"))
        assert store.ids() == ["old00001", "new00002"]
        assert BriefStore(store.db).version_of(1) is None  # the column added, empty for the old brief
        assert GroupStore(store.db).ungrouped_ids() == ["old00001", "new00002"]  # the missing tables made
    assert current_revision(sqlite_url(path)) == head_revision() == HEAD


# --- PostgreSQL only --------------------------------------------------------------------------


def newsbrief(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.apps.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.mark.scale
def test_postgres_behind_the_schema_says_to_upgrade(postgres_server, tmp_path):  # noqa: F811
    env = {"NEWSBRIEF_DATABASE_URL": postgres_server.new_database(), "NEWSBRIEF_DATA_DIR": str(tmp_path)}
    with pytest.raises(StoreNotReady, match="newsbrief db upgrade"):
        ArticleStore(env["NEWSBRIEF_DATABASE_URL"])
    refused = newsbrief("articles", env=env)
    assert refused.returncode == 2 and "run `newsbrief db upgrade` once" in refused.stderr
    assert newsbrief("db", "upgrade", env=env).returncode == 0
    assert newsbrief("db", "current", env=env).stdout.strip() == f"{HEAD} (newest: {HEAD})"
    with ArticleStore(env["NEWSBRIEF_DATABASE_URL"]) as store:
        assert store.count() == 0


ARTICLES_RACED = 300


def _add_all(url: str, reverse: bool, start, added) -> None:
    articles = [make(f"{n:08x}", text=f"Article {n}.") for n in range(ARTICLES_RACED)]
    with ArticleStore(url) as store:
        start.wait()
        added.put(sum(store.add(a) for a in (reversed(articles) if reverse else articles)))


@pytest.mark.scale
def test_two_processes_adding_the_same_articles_store_each_once(postgres_url):  # noqa: F811
    spawn = multiprocessing.get_context("spawn")
    start, added = spawn.Barrier(2), spawn.Queue()
    workers = [spawn.Process(target=_add_all, args=(postgres_url, reverse, start, added)) for reverse in (False, True)]
    for worker in workers:
        worker.start()
    counts = [added.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sum(counts) == ARTICLES_RACED and all(counts)  # each added once, and both did some of the adding
    with ArticleStore(postgres_url) as store:
        assert store.count() == ARTICLES_RACED
        assert store.db.execute("SELECT COUNT(*) FROM sightings").scalar() == ARTICLES_RACED


PAGES_RACED = 24


@pytest.mark.scale
def test_two_ingests_of_the_same_files_store_each_article_once(postgres_url, tmp_path):  # noqa: F811
    """`newsbrief ingest` twice at once, as two workers would, on the same pages, one from the
    first page and one from the last: each stores what it extracts as it goes, so they meet."""
    pages = [str(p) for p in write_news_pages(tmp_path / "pages", PAGES_RACED)]
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline.apps.cli", "ingest", "--no-index", "--json",
                              *(pages if n == 1 else reversed(pages))],
                             env={**os.environ, "NEWSBRIEF_DATABASE_URL": postgres_url, "NEWSBRIEF_WORKERS": "1",
                                  "NEWSBRIEF_DATA_DIR": str(tmp_path / f"worker{n}")},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    statuses = [json.loads(line)["status"] for out, _ in outputs for line in out.splitlines()]
    assert all('"added"' in out for out, _ in outputs)  # both stored some: they did race
    with ArticleStore(postgres_url) as store:
        stored = store.count()
        assert stored == statuses.count("added") and statuses.count("failed") == 0
        assert statuses.count("added") + statuses.count("unchanged") == 2 * PAGES_RACED
        assert store.db.execute("SELECT COUNT(*) FROM sightings").scalar() == PAGES_RACED  # one per page, not per run
        assert len(GroupStore(store.db).rows()) == stored  # every article grouped, once
