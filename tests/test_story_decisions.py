"""An editor's story decisions (issue 14): `stories merge`, `stories move`, and `brief SOURCES...`
briefing what it is given as one story. Each decision is stored and outlives regrouping."""

from __future__ import annotations

import json
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, FIXTURES, SEED_FILES
from pipeline.apps.cli import app
from pipeline.ingest.batch import article_id

runner = CliRunner()
PAGES = sorted((FIXTURES / "html").glob("*.html"))
CHIPS_PAGE = FIXTURES / "html" / "chipmaker-quarterly-results.html"
REUTERS_SEED = EXAMPLE_STORY / "003_01f4fbdc4084774d.txt"  # the Asia Financial article


def cli(*args: str):
    return runner.invoke(app, list(args))


def stories() -> list[dict]:
    return json.loads(cli("stories", "--json").stdout)


def story_titled(start: str) -> dict:
    return next(s for s in stories() if s["title"].startswith(start))


def members(story: dict) -> set[str]:
    return {a["id"] for f in story["families"] for a in f["articles"]}


def story_of(article: str) -> dict:
    return next(s for s in stories() if article in members(s))


def searched_article_ids(query: str, story_id: str) -> set[str]:
    result = cli("search", query, "--story", story_id[:10], "--k", "20", "--json")
    assert result.exit_code == 0, result.output
    return {hit["article_id"] for hit in json.loads(result.stdout)}


def write_article(path, text: str, **fields) -> str:
    path.write_text(json.dumps({"text": text, **fields}))
    return str(path)


NEW_EVENT = ("Firefighters in Tarnow contained a blaze at a paper mill on Sunday after six hours. "
             "No one was hurt, the regional fire service said, and production will resume next week.")


def test_merge_two_stories_and_the_merge_outlives_new_articles_and_a_regroup(tmp_path):
    cli("ingest", str(EXAMPLE_STORY), *map(str, PAGES))
    apple, chips = story_titled("Apple Taps Alibaba for AI"), story_titled("Hanseong")
    result = cli("stories", "merge", apple["id"][:6], chips["id"][:6])
    assert result.exit_code == 0, result.output
    assert f"merged story {chips['id'][:10]} into story {apple['id'][:10]}: 1 article moved" in result.stdout
    merged = next(s for s in stories() if s["id"] == apple["id"])
    assert members(merged) == members(apple) | members(chips) and chips["id"] not in {s["id"] for s in stories()}
    # a search of the merged story finds the chips article (the index keeps no story ids: the
    # store says which articles a story holds)
    assert members(chips) <= searched_article_ids("Hanseong chips", apple["id"])

    cli("ingest", write_article(tmp_path / "new.jsonl", NEW_EVENT, outlet="Krakow Post"))  # grouping runs again
    assert members(story_of(next(iter(members(chips))))) == members(merged)
    # A removal regroups every article of the story from scratch: the decision still holds them together.
    seed = next(a for a in members(apple) if a != apple["id"])
    assert cli("remove", seed[:8]).exit_code == 0
    assert members(story_of(apple["id"])) == members(merged) - {seed}


def test_a_reprint_moved_to_another_story_stays_there_when_new_articles_arrive(tmp_path):
    paragraphs = SEED_FILES[0].read_text().split("\n\n")
    copy = "\n\n".join(["Apple and Alibaba team up on AI, report says", *paragraphs[1:-4]])
    cli("ingest", str(EXAMPLE_STORY), *map(str, PAGES), write_article(tmp_path / "copy.jsonl", copy, outlet="Copycat"))
    apple, chips = story_titled("Apple Taps Alibaba for AI"), story_titled("Hanseong")
    reprint = next(a["id"] for f in apple["families"] for a in f["articles"] if a["outlet"] == "Copycat")

    result = cli("stories", "move", reprint[:8], chips["id"][:8], "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"article_id": reprint, "story_id": chips["id"], "moved": [reprint]}
    # Grouping again would put a reprint back with its original; the decision keeps it where it was put.
    cli("ingest", write_article(tmp_path / "new.jsonl", NEW_EVENT, outlet="Krakow Post"))
    assert story_of(reprint)["id"] == chips["id"] and story_of(apple["id"])["id"] == apple["id"]  # its original stays
    again = cli("stories", "move", reprint[:8], chips["id"][:8])
    assert again.exit_code == 0 and "is in story" in again.stdout and "already" in again.stdout


def test_moving_an_original_takes_its_reprints_along(tmp_path):
    paragraphs = SEED_FILES[0].read_text().split("\n\n")
    copy = "\n\n".join(["Apple and Alibaba team up on AI, report says", *paragraphs[1:-4]])
    cli("ingest", str(EXAMPLE_STORY), str(CHIPS_PAGE), write_article(tmp_path / "copy.jsonl", copy, outlet="Copycat"))
    apple, chips = story_titled("Apple Taps Alibaba for AI"), story_titled("Hanseong")
    result = cli("stories", "move", apple["id"][:8], chips["id"][:8])
    assert result.exit_code == 0 and "with 1 reprint of it" in result.stdout
    assert len(members(story_of(apple["id"]))) == 3 and story_of(apple["id"])["id"] == chips["id"]


def test_brief_of_sources_that_grouping_splits_briefs_them_as_one_story():
    sources = [str(REUTERS_SEED), str(CHIPS_PAGE)]
    cli("ingest", *sources)
    assert len(stories()) == 2  # grouping keeps them apart
    result = cli("brief", *sources, "--json")
    assert result.exit_code == 0, result.output
    assert "grouping had split the inputs; they are briefed as one story" in result.stderr
    assert "1 article moved into it" in result.stderr
    brief = json.loads(result.stdout)
    [story] = stories()
    assert {s["id"] for s in brief["sources"]} == members(story) and len(members(story)) == 2
    assert brief["story_id"] == story["id"]
    assert [b["story_id"] for b in json.loads(cli("briefs", "--json").stdout)] == [story["id"]]


def test_sources_grouping_keeps_together_are_briefed_without_a_decision():
    from pipeline.settings import Settings
    from store.articles import ArticleStore
    from store.groups import GroupStore

    result = cli("brief", str(EXAMPLE_STORY), "--json")
    assert result.exit_code == 0 and "grouping had split" not in result.stderr
    with ArticleStore(Settings().db_path) as store:
        assert GroupStore(store.db).decided_stories() == {}


def two_texts_whose_ids_share_a_prefix() -> tuple[str, str]:
    """Two unrelated one-sentence reports whose article ids start alike, for an ambiguous prefix."""
    concerts = {}
    for number in range(2000):
        text = f"tickets for the charity concert sold out within {number} minutes, organisers said."
        concerts.setdefault(article_id(text)[:4], text)
    for number in range(2000):
        text = f"heavy rain flooded {number} streets overnight and closed two schools, officials said."
        if article_id(text)[:4] in concerts:
            return concerts[article_id(text)[:4]], text
    raise AssertionError("no shared prefix found")


def test_unknown_ambiguous_and_same_story_ids_are_usage_errors(tmp_path):
    concert, flood = two_texts_whose_ids_share_a_prefix()
    cli("ingest", str(CHIPS_PAGE), write_article(tmp_path / "a.jsonl", concert), write_article(tmp_path / "b.jsonl", flood))
    chips = story_titled("Hanseong")["id"]
    shared = article_id(concert)[:4]
    assert len(stories()) == 3

    for args, message in [
        (("stories", "merge", chips[:8], "deadbeef"), "no story matches 'deadbeef'; list them with `newsbrief stories`"),
        (("stories", "merge", chips[:8], shared), f"more than one story matches '{shared}'"),
        (("stories", "merge", chips[:8], chips[:6]), "cannot be merged into itself"),
        (("stories", "move", "deadbeef", chips[:8]), "no article with id 'deadbeef'; list them with `newsbrief articles`"),
        (("stories", "move", shared, chips[:8]), f"'{shared}' matches more than one article"),
        (("stories", "move", "abc", chips[:8]), "give at least 4 characters of the id"),
        (("stories", "move", chips[:8], "deadbeef"), "no story matches 'deadbeef'"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
    assert len(stories()) == 3  # nothing was decided
