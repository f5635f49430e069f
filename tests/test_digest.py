"""Digests end to end: RSS and Atom files and feeds served by a real local HTTP server, through
the real CLI, into a real SQLite store; then the living brief's changes and the next digests."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from digest_fixtures import Item, assert_bad_feeds_reported, bad_feeds, load_items, serve, write_feeds
from pipeline.apps.cli import app

runner = CliRunner()


@pytest.fixture
def digest_env(monkeypatch, allow_loopback_fetch):
    # The fixture articles are short: their feed content is the article, not a teaser to follow.
    monkeypatch.setenv("NEWSBRIEF_LIMITS__FEED_FULL_TEXT_CHARS", "80")
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")


def digest(feeds, *args):
    result = runner.invoke(app, ["digest", "--feeds", str(feeds), *args])
    assert result.exit_code in (0, 1), result.output
    return result


def expected_order(items: list[Item]) -> list[str]:
    """The fixture's stories by families (an original and its copies are one), then recency."""
    families, latest = {}, {}
    for item in items:
        is_copy = item.paragraphs[-1].startswith("This article first appeared in")
        families.setdefault(item.story, 0)
        families[item.story] += 0 if is_copy else 1
        latest[item.story] = max(latest.get(item.story, item.published), item.published)
    return sorted(families, key=lambda s: (families[s], latest[s]), reverse=True)


def test_digest_ranks_stories_by_families_and_renders_all_three(tmp_path, http_server, digest_env):
    items = load_items()
    feeds = write_feeds(tmp_path / "feeds", http_server, items)
    result = digest(feeds, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    stories = document["stories"]
    assert len(items) >= 30 and len(stories) == 8
    assert {s["status"] for s in stories} == {"new"} and not document["nothing_new"] and document["log"] == []
    families = [s["families"] for s in stories]
    assert families == sorted(families, reverse=True)
    outlets_of = {}  # each fixture story's outlets tell the digest's stories apart
    for item in items:
        outlets_of.setdefault(item.story, set()).add(item.outlet)
    ranked = [next(k for k, outlets in outlets_of.items() if outlets == set(s["outlets"])) for s in stories]
    assert ranked == expected_order(items)
    orvane = stories[0]
    assert orvane["families"] == 5 and orvane["articles"] == 6  # the Daily Ledger's reprint is not a source
    assert orvane["brief"]["points"] and orvane["brief_id"]

    md = runner.invoke(app, ["digests", str(document["id"]), "--format", "md"]).stdout
    contents = md.split("## Contents")[1].split("## 1.")[0]
    assert [line.split(". ", 1)[1].rsplit(" (", 1)[0] for line in contents.strip().splitlines()] == \
        [s["headline"] for s in stories]
    assert "**Key points**" in md and "| entity | metric | figure |" in md
    html = runner.invoke(app, ["digests", str(document["id"]), "--format", "html"]).stdout
    assert html.startswith("<!doctype html>") and html.count("<section id=\"story-") == 8
    assert f'<a href="#story-1">{orvane["headline"]}</a>' in html
    listed = json.loads(runner.invoke(app, ["digests", "--json"]).stdout)
    assert [(d["id"], d["name"], d["stories"]) for d in listed] == [(document["id"], "Test digest", 8)]


CONTRADICTION = Item("s1-courier", "Evening Courier", datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc),
                     "Orvane recall smaller than first reported", [
                         "Orvane Motors is recalling 85,000 electric delivery vans in Europe after finding a fault in "
                         "the battery cooling pump, the carmaker said on Monday.",
                         "Orvane shares rose 2% in Frankfurt on Monday after the announcement, as investors had feared "
                         "a larger recall.",
                         "The vans were built at the Lindholm plant, chief executive Marta Kessling said."])


def test_a_contradicting_article_is_a_change_in_the_brief_and_the_next_digest(tmp_path, http_server, digest_env):
    items = load_items()
    feeds = write_feeds(tmp_path / "feeds", http_server, items)
    first = json.loads(digest(feeds, "--json").stdout)
    orvane = first["stories"][0]
    assert not any(f["verdict"] == "conflicting" for f in orvane["brief"]["figures"])

    overridden = override_every_claim(orvane["brief_id"])
    serve(http_server, items + [CONTRADICTION])  # the Evening Courier's feed now carries it
    second = json.loads(digest(feeds, "--json").stdout)
    story = next(s for s in second["stories"] if s["story_id"] == orvane["story_id"])
    kept = [c for p in story["brief"]["points"] for c in p["claims"] if c["id"] in overridden]
    assert kept and all(c["override"]["who"] == "desk" for c in kept)  # the editor's verdicts carried over
    assert story["status"] == "changed" and story["families"] == 6
    conflicts = [c["text"] for c in story["changes"] if c["kind"] == "conflicting"]
    assert any("-6%" in text and "+2%" in text for text in conflicts), story["changes"]
    assert any(f["verdict"] == "conflicting" for f in story["brief"]["figures"])
    assert {s["status"] for s in second["stories"] if s is not story} == {"unchanged"}
    assert all(s["brief"] is None for s in second["stories"] if s is not story)  # not sent again

    listed = runner.invoke(app, ["changes", orvane["story_id"][:8], "--json"])
    rows = json.loads(listed.stdout)
    assert any(r["kind"] == "conflicting" and "+2%" in r["text"] for r in rows)
    assert {r["brief_id"] for r in rows} == {story["brief_id"]}

    third = digest(feeds)
    assert "Nothing new since the last digest" in third.stdout and "## No change" in third.stdout
    assert "## Contents" not in third.stdout
    api_and_page_show_the_changes(orvane["story_id"], second["id"], rows)


def override_every_claim(brief_id: int) -> set[str]:
    from pipeline.apps.briefing import record_override, stored_brief
    from pipeline.settings import Settings
    from store.articles import ArticleStore

    with ArticleStore(Settings().db_path) as store:
        claims = [c.id for p in stored_brief(store, brief_id).points for c in p.claims]
        for claim_id in claims:
            record_override(store, brief_id, claim_id, "confirmed", "checked by phone", "desk")
    return set(claims)


def api_and_page_show_the_changes(story_id: str, digest_id: int, rows: list[dict]) -> None:
    """The same changes and digest through the HTTP API, and the "what changed" block on the web page."""
    from fastapi.testclient import TestClient

    from pipeline.apps.api import create_app
    from pipeline.settings import Settings
    from store.articles import ArticleStore
    from store.tokens import TokenStore

    config = Settings()
    with ArticleStore(config.db_path) as store:
        token = TokenStore(store.db).create("desk")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(config)) as client:
        assert client.get(f"/v1/stories/{story_id[:8]}/changes", headers=auth).json() == rows
        past = client.get(f"/v1/digests/{digest_id}", headers=auth).json()
        assert past["id"] == digest_id and past["stories"][0]["status"] == "changed"
        assert "**What changed**" in client.get(f"/v1/digests/{digest_id}?format=md", headers=auth).text
        client.cookies.set("newsbrief_token", token)
        page = client.get(f"/stories/{story_id}").text
        block = page.split('id="changes-title"')[1].split("</section>")[0]
        assert "conflicting" in block and "+2%" in block


def test_bad_feeds_are_logged_and_the_rest_is_produced(tmp_path, http_server, digest_env, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_FETCH__TIMEOUT_S", "0.5")
    items = load_items()
    extra = bad_feeds(tmp_path / "feeds", http_server)
    feeds = write_feeds(tmp_path / "feeds", http_server, items, extra_feeds=extra)
    result = digest(feeds, "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert_bad_feeds_reported(document, tmp_path / "feeds", http_server)
    assert len(document["stories"]) == 8  # the rest of the digest is there


def test_feeds_yaml_errors_name_the_key(tmp_path):
    bad = tmp_path / "feeds.yaml"
    bad.write_text('name: Morning\nschedule: "every morning"\nfeeds:\n  - url: ftp://x\n    outlet: X\n  - {}\n')
    result = runner.invoke(app, ["digest", "--feeds", str(bad)])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "schedule: not a crontab line" in message and "feeds.0.url" in message and "feeds.1:" in message


def test_a_bad_since_is_a_usage_error(tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("name: Desk\nfeeds:\n  - path: wire.xml\n")
    result = runner.invoke(app, ["digest", "--feeds", str(feeds), "--since", "yesterday"])
    assert result.exit_code == 2 and "--since takes an age" in result.stderr
    feeds.write_text("name: Desk\nsince: soon\nfeeds:\n  - path: wire.xml\n")
    result = runner.invoke(app, ["digest", "--feeds", str(feeds)])
    assert result.exit_code == 2 and "since: not an age (24h, 7d, 2w) or an ISO date: 'soon'" in " ".join(result.stderr.split())


def write_texts(folder, items: list[Item]):
    """Each item as a .txt file with its sidecar (outlet, title, time)."""
    folder.mkdir(parents=True)
    for item in items:
        (folder / f"{item.key}.txt").write_text("\n".join(item.paragraphs) + "\n")
        (folder / f"{item.key}.meta.json").write_text(json.dumps(
            {"outlet": item.outlet, "title": item.title, "published": item.published.isoformat()}))
    return folder


def test_ingest_rechecks_a_briefed_story_that_a_new_article_joins(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    orvane = [i for i in load_items() if i.story == "s1"]
    briefed = runner.invoke(app, ["brief", "--json", str(write_texts(tmp_path / "first", orvane))])
    assert briefed.exit_code == 0, briefed.output
    story_id = json.loads(briefed.stdout)["story_id"]
    assert json.loads(runner.invoke(app, ["changes", story_id, "--json"]).stdout) == []  # one version, no change

    added = runner.invoke(app, ["ingest", str(write_texts(tmp_path / "later", [CONTRADICTION]))])
    assert added.exit_code == 0 and "re-checked the briefs of 1 story" in added.stderr
    rows = json.loads(runner.invoke(app, ["changes", story_id, "--json", "--since", "1h"]).stdout)
    assert {r["kind"] for r in rows} >= {"conflicting", "new_source"}
    briefs = json.loads(runner.invoke(app, ["briefs", "--json"]).stdout)
    assert len(briefs) == 2 and {r["brief_id"] for r in rows} == {briefs[0]["id"]}  # the new version's
    again = runner.invoke(app, ["ingest", str(tmp_path / "later")])
    assert "re-checked" not in again.stderr  # nothing new joined: no new version
