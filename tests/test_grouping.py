"""The grouping stage through the CLI: seeds, late copies, and an interrupted run."""

from __future__ import annotations

import json

from pipeline.settings import Settings
from store.articles import ArticleStore
from store.groups import GroupStore
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, FIXTURES, SEED_FILES
from pipeline.apps.cli import app

runner = CliRunner()


def cli(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result


def stories() -> list[dict]:
    return json.loads(cli("stories", "--json").stdout)


def test_seeds_are_one_story_of_two_independent_families():
    cli("ingest", str(EXAMPLE_STORY))
    [story] = stories()
    assert len(story["families"]) == 2
    origins = {f["origin"]: f["origin_basis"] for f in story["families"]}
    assert origins == {None: "earliest article", "Reuters": "credit line"}


def test_a_later_edited_copy_joins_its_originals_family_and_story(tmp_path):
    cli("ingest", str(EXAMPLE_STORY), str(FIXTURES / "html"))
    paragraphs = SEED_FILES[0].read_text().split("\n\n")
    copy = "\n\n".join(["Apple and Alibaba team up on AI, report says", "Advertisement", *paragraphs[1:-4]])
    (tmp_path / "copy.jsonl").write_text(json.dumps({"text": copy, "outlet": "Copycat Daily"}))
    result = cli("ingest", str(tmp_path / "copy.jsonl"))
    assert "1 duplicate, 0 new stories, 1 existing story joined" in result.stdout.replace("\n", " ")
    apple = next(s for s in stories() if s["title"].startswith("Apple Taps Alibaba for AI"))
    assert len(apple["families"]) == 2  # the copy adds an outlet, not an independent source
    family = next(f for f in apple["families"] if len(f["articles"]) == 2)
    assert family["outlets"] == ["Copycat Daily"] and family["id"] == apple["id"]


def test_unrelated_pages_are_stories_of_their_own():
    cli("ingest", str(EXAMPLE_STORY), str(FIXTURES / "html"))
    found = stories()
    assert len(found) == 1 + len(list((FIXTURES / "html").glob("*.html")))
    assert sum(len(s["families"]) for s in found) == len(found) + 1


def test_grouping_interrupted_after_ingest_is_finished_by_the_next_command(monkeypatch):
    import pipeline.grouping

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # undo only this patch, not the test's data directory
        patch.setattr(pipeline.grouping, "group_pending", crash)
        interrupted = runner.invoke(app, ["ingest", str(EXAMPLE_STORY)])
    assert interrupted.exit_code == 130
    with ArticleStore(Settings().db_path) as store:
        assert len(GroupStore(store.db).ungrouped_ids()) == 2  # stored, not yet grouped
    [story] = stories()
    assert len(story["families"]) == 2


def test_ingesting_again_changes_no_group():
    cli("ingest", str(EXAMPLE_STORY), str(FIXTURES / "html"))
    before = stories()
    again = cli("ingest", str(EXAMPLE_STORY), str(FIXTURES / "html"))
    assert "grouped" not in again.stdout
    assert stories() == before


def test_duplicates_are_not_indexed_their_original_stands_for_them(tmp_path):
    from pipeline.index.chroma import VectorIndex

    cli("ingest", str(EXAMPLE_STORY))
    paragraphs = SEED_FILES[0].read_text().split("\n\n")
    copy = "\n\n".join(["Apple and Alibaba team up on AI, report says", *paragraphs[1:-4]])
    (tmp_path / "copy.jsonl").write_text(json.dumps({"text": copy, "outlet": "Copycat Daily"}))
    copy_id = json.loads(cli("ingest", "--json", str(tmp_path / "copy.jsonl")).stdout)["id"]
    indexed = VectorIndex(Settings()).indexed_article_ids()
    assert copy_id not in indexed and len(indexed) == 2


def test_an_original_older_than_the_window_still_anchors_its_copies(monkeypatch):
    """A copy inside the window points at an original ingested before it; grouping goes on."""
    from pipeline.grouping import group_pending
    from pipeline.models import Article

    monkeypatch.setenv("NEWSBRIEF_GROUPING__EMBEDDING_VETO", "false")
    settings = Settings()
    body = "\n".join(f"Paragraph {i} says the company reported strong quarterly results in many markets today."
                     for i in range(8))
    with ArticleStore(settings.db_path) as store:
        store.add(Article(id="orig", source="x", text=body))
        store.add(Article(id="copy", source="y", text=body + "\nAn extra line here for the copy of it all."))
        group_pending(store, settings)
        store.db.execute("UPDATE articles SET ingested_at = '2000-01-01T00:00:00.000Z' WHERE id = 'orig'")
        store.db.commit()
        store.add(Article(id="new", source="z", text="Something else entirely: rain falls on Oslo all week long."))
        report = group_pending(store, settings)
        rows = {r.article_id: r for r in GroupStore(store.db).rows()}
    assert report.grouped == 1
    assert rows["copy"].original_id == "orig" and rows["new"].story_id == "new"
