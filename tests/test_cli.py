"""The CLI as a newcomer meets it: flags, exit codes, messages and listings (issue 20)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, FIXTURES, _free_port
from pipeline.apps.cli import app

runner = CliRunner()
PAGES = sorted((FIXTURES / "html").glob("*.html"))


def cli(*args: str, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


def test_an_unreachable_llm_is_named_on_stderr_and_the_brief_still_written(monkeypatch):
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "qwen2.5")
    monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", url)
    monkeypatch.setenv("NEWSBRIEF_LLM__MAX_RETRIES", "0")
    result = cli("brief", str(EXAMPLE_STORY), "--format", "json")
    assert result.exit_code == 0
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == f"warning: LLM at {url}: connection refused; wrote the brief with the extractive engine"
    assert json.loads(result.stdout)["meta"]["engine"] == "extractive"


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """The example story and the fixture pages, ingested once for the read-only tests here."""
    data = tmp_path_factory.mktemp("shared-data")
    result = runner.invoke(app, ["ingest", str(EXAMPLE_STORY), *map(str, PAGES)], env={"NEWSBRIEF_DATA_DIR": str(data)})
    assert result.exit_code == 0, result.output
    return data


def in_shared(store, *args: str):
    return runner.invoke(app, list(args), env={"NEWSBRIEF_DATA_DIR": str(store)})


def apple_story(store) -> str:
    listing = json.loads(in_shared(store, "stories", "--json").stdout)
    return next(s["id"] for s in listing if s["title"].startswith("Apple Taps Alibaba for AI"))


# --- 1. --json wherever data is printed ---------------------------------------------------------


def test_brief_takes_json_and_markdown(shared_store):
    story = apple_story(shared_store)[:8]
    as_json = in_shared(shared_store, "brief", story, "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["story_id"].startswith(story)
    markdown = in_shared(shared_store, "brief", story, "--format", "markdown")
    assert markdown.stdout.startswith("# Apple Taps Alibaba for AI in China")
    assert in_shared(shared_store, "brief", story, "--json", "--format", "html").exit_code == 2


def test_brief_out_makes_the_folder_it_names(shared_store, tmp_path):
    out = tmp_path / "briefs" / "today.md"
    result = in_shared(shared_store, "brief", apple_story(shared_store)[:8], "--out", str(out))
    assert result.exit_code == 0 and out.read_text().startswith("# Apple Taps Alibaba for AI in China")


def test_index_takes_json(shared_store):
    result = in_shared(shared_store, "index", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == {"chunks": 0, "rebuilt": False}


# --- 2. verify against a stored story -----------------------------------------------------------


def test_verify_takes_a_story_id_and_an_unknown_one_is_a_usage_error(shared_store):
    story = apple_story(shared_store)[:6]
    result = in_shared(shared_store, "verify", "--claim", "Apple shares fell 1.5% by the close", story, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["verdict"] == "conflicting"
    unknown = in_shared(shared_store, "verify", "--claim", "Apple shares fell", "deadbeef")
    assert unknown.exit_code == 2 and "no file, URL or story matches 'deadbeef'" in unknown.stderr


# --- 3, 7. what the ingest summary says of encodings and of files it does not read --------------


def test_the_summary_names_a_guessed_encoding_and_lists_files_skipped(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = (EXAMPLE_STORY / "000_37c9d46621587dce.txt").read_text().replace("Apple's", "Apple\u2019s")
    (folder / "memo.txt").write_bytes(text.encode("cp1252"))
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7")
    result = cli("ingest", str(folder))
    summary = " ".join(result.stdout.split())
    assert result.exit_code == 0  # a file passed over is no failure
    assert "1 added, 0 already stored, 0 failed, 1 skipped" in summary and "unsupported file type '.pdf'" in summary
    assert f"read as cp1252, not UTF-8: {folder / 'memo.txt'}" in summary
    [article] = json.loads(cli("articles", "--json").stdout)
    assert "Apple’s" in json.loads(cli("show", article["id"], "--json").stdout)["text"]


# --- 5, 13. usage errors, and one exit code for an id that names nothing -----------------------


def test_an_empty_query_is_a_usage_error(shared_store):
    result = in_shared(shared_store, "search", "  ")
    assert result.exit_code == 2 and "the query is empty" in result.stderr and not result.stdout


@pytest.mark.parametrize("args", [("show", "deadbeef"), ("figures", "deadbeef"), ("search", "Baidu", "--story", "deadbeef"),
                                  ("remove", "deadbeef"), ("stories", "remove", "deadbeef"), ("brief", "deadbeef")])
def test_an_id_that_names_nothing_is_a_usage_error(shared_store, args):
    result = in_shared(shared_store, *args)
    assert result.exit_code == 2, result.output
    assert "`newsbrief stories`" in result.stderr or "`newsbrief articles`" in result.stderr or "no article" in result.stderr


# --- 8, 9. messages -----------------------------------------------------------------------------


def test_the_skipped_table_wraps_a_setting_name_instead_of_cutting_it():
    result = cli("ingest", "http://127.0.0.1:9/story.html")  # a private address: refused before any connection
    assert result.exit_code == 1
    assert "NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS=true" in result.stdout and "…" not in result.stdout


def test_counts_agree_with_their_nouns(shared_store):
    story = json.loads(in_shared(shared_store, "stories", "--json").stdout)[-1]["id"]
    listing = in_shared(shared_store, "stories", "--limit", "1").stdout
    assert "1 article ·" in listing and "1 independent source" in listing and listing.rstrip().endswith("1 story")
    assert story[:10] in listing
    assert in_shared(shared_store, "articles", "--limit", "1").stdout.splitlines()[0].strip() == "1 article"


def test_help_shows_no_type_for_flags_and_no_break_inside_a_paragraph():
    import inspect

    from typer.main import get_command

    group = get_command(app)
    groups = ("stories", "tokens", "db")
    commands = [((name,), command) for name, command in group.commands.items() if name not in groups]
    commands += [((g, name), command) for g in groups for name, command in group.commands[g].commands.items()]
    for path, command in [((), group), *[((g,), group.commands[g]) for g in groups], *commands]:
        assert "<bool>" not in cli(*path, "--help").stdout, path
        for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
            assert "\n" not in paragraph, (path, paragraph)
    assert len(commands) == 28  # every command (worker and beat too), stories remove, merge and move, tokens create, list and revoke, db upgrade and current


# --- 11. sizes in words and characters ----------------------------------------------------------


def test_articles_give_both_words_and_characters(shared_store):
    rows = json.loads(in_shared(shared_store, "articles", "--json").stdout)
    assert all(r["words"] > 100 and r["chars"] > 5 * r["words"] for r in rows)
    table = in_shared(shared_store, "articles").stdout
    assert all(r["sentences"] > 5 for r in rows)
    assert "size: words/sentences/characters" in table and f"{rows[0]['words']}/{rows[0]['sentences']}/{rows[0]['chars']}" in table


# --- 12. evidence spans -------------------------------------------------------------------------


def test_overlapping_evidence_spans_are_merged_into_one():
    from pipeline.apps.cli import merged_evidence
    from pipeline.index.retrieve import Evidence
    from pipeline.models import Article

    text = "Apple rose 2%. Baidu fell 4.7%. Alibaba rose 1.3%."
    article = Article(id="a", source="s", text=text)
    sentence, window, other = (Evidence("a", None, start, end, text[start:end], score, 0, 0, 0)
                               for start, end, score in ((15, 31, 0.9), (15, 50, 0.7), (0, 14, 0.5)))
    merged = merged_evidence([window, other, sentence], [article])
    assert [(e.start, e.end, e.quote, e.score) for e in merged] == [(15, 50, text[15:50], 0.9), (0, 14, text[:14], 0.5)]


def test_verify_lists_no_span_twice(shared_store):
    result = in_shared(shared_store, "verify", "--claim", "Baidu was initially chosen as Apple's partner",
                       str(EXAMPLE_STORY), "--json")
    evidence = json.loads(result.stdout)["evidence"]
    spans = sorted((e["article_id"], e["start"], e["end"]) for e in evidence)
    assert evidence and all(a[0] != b[0] or a[2] <= b[1] for a, b in zip(spans, spans[1:]))


# --- 14. two ingests at once: each reports its own articles -------------------------------------


def test_an_ingest_reports_the_grouping_of_its_own_articles_not_another_ingests():
    from pipeline.ingest.batch import ingest
    from pipeline.settings import Settings
    from store.articles import ArticleStore

    with ArticleStore(Settings().db_path) as store:  # another ingest stored these, and has not grouped them yet
        assert len(ingest([str(p) for p in PAGES], store, Settings()).added_ids) == 4
    result = cli("ingest", str(EXAMPLE_STORY))
    summary = " ".join(result.stdout.split())
    assert "grouped 2 new articles: 0 duplicates, 1 new story, 0 existing stories joined" in summary
    assert len(json.loads(cli("stories", "--json").stdout)) == 5  # the other's were grouped all the same


# --- 15. progress on stderr for every stage, stdout pure JSON -----------------------------------


def test_progress_lines_for_every_stage_when_stderr_is_not_a_terminal(monkeypatch):
    from pipeline.apps import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)  # a line on every step, not every few seconds
    result = cli("ingest", "--json", str(EXAMPLE_STORY), *map(str, PAGES))
    assert result.exit_code == 0
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == ["added"] * 6
    lines = result.stderr.splitlines()
    for stage in ("extracting: 6/6 done in", "grouping (duplicates): 1/6 after", "grouping (stories): 6/6",
                  "indexing (articles): 6/6"):
        assert any(line.startswith(stage) for line in lines), (stage, lines)


def test_a_quick_stage_prints_no_progress():
    result = cli("ingest", "--json", str(EXAMPLE_STORY))
    assert result.exit_code == 0 and "extracting" not in result.stderr


# --- Add: version, completion, remove, briefs, stories --limit/--since ---------------------------


def test_version_and_shell_completion():
    from importlib.metadata import version

    assert cli("--version").stdout == f"newsbrief {version('newsbrief')}\n"
    assert "--install-completion" in cli("--help").stdout


def indexed_ids() -> set[str]:
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings

    return VectorIndex(Settings()).indexed_article_ids()


def test_removing_an_original_regroups_its_copy_and_indexes_it_in_its_place(tmp_path):
    cli("ingest", str(EXAMPLE_STORY))
    paragraphs = (EXAMPLE_STORY / "000_37c9d46621587dce.txt").read_text().split("\n\n")
    copy = "\n\n".join(["Apple and Alibaba team up on AI, report says", "Advertisement", *paragraphs[1:-4]])
    (tmp_path / "copy.jsonl").write_text(json.dumps({"text": copy, "outlet": "Copycat Daily"}))
    cli("ingest", str(tmp_path / "copy.jsonl"))
    [story] = json.loads(cli("stories", "--json").stdout)
    original = story["id"]
    copy_id = next(a["id"] for f in story["families"] for a in f["articles"] if a["outlet"] == "Copycat Daily")
    assert copy_id not in indexed_ids()  # a duplicate is not indexed: its original stands for it

    result = cli("remove", original[:8], "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["removed"] == [original]
    [story] = json.loads(cli("stories", "--json").stdout)
    assert copy_id in {f["id"] for f in story["families"]} and len(story["families"]) == 2  # its own family now
    assert original not in indexed_ids() and copy_id in indexed_ids()
    assert cli("show", original).exit_code == 2


def test_removing_a_story_removes_its_articles_chunks_and_briefs():
    cli("ingest", str(EXAMPLE_STORY), *map(str, PAGES))
    stories = json.loads(cli("stories", "--json").stdout)
    apple = next(s for s in stories if s["title"].startswith("Apple Taps"))
    cli("brief", apple["id"][:8])
    cli("brief", stories[-1]["id"][:8])
    assert [b["story_id"] for b in json.loads(cli("briefs", "--json").stdout)] == [stories[-1]["id"], apple["id"]]

    result = cli("stories", "remove", apple["id"][:8])
    assert result.exit_code == 0 and "removed 2 articles" in result.stdout
    assert [s["id"] for s in json.loads(cli("stories", "--json").stdout)] == [s["id"] for s in stories if s != apple]
    members = {a["id"] for f in apple["families"] for a in f["articles"]}
    assert not members & indexed_ids() and len(indexed_ids()) == 4
    assert [b["story_id"] for b in json.loads(cli("briefs", "--json").stdout)] == [stories[-1]["id"]]


def test_briefs_lists_story_time_and_engine():
    cli("brief", str(EXAMPLE_STORY))
    [row] = json.loads(cli("briefs", "--json").stdout)
    assert row["engine"] == "extractive" and row["model"] is None and row["created_at"].startswith("20")
    table = cli("briefs").stdout
    assert "1 brief" in table and row["story_id"][:10] in table and "extractive" in table


def test_stories_limit_and_since(shared_store):
    everything = json.loads(in_shared(shared_store, "stories", "--json").stdout)
    titles = [s["title"] for s in everything]

    def listed(*args) -> list[str]:
        return [s["title"] for s in json.loads(in_shared(shared_store, "stories", "--json", *args).stdout)]

    assert listed("--limit", "2") == titles[-2:]
    assert set(listed("--since", "2025-04-01")) == {t for t in titles if not t.startswith(("Hundreds", "Crane"))}
    assert listed("--since", "7d") == [titles[0]]  # the example story has no date: it is as new as its ingestion
    assert in_shared(shared_store, "stories", "--since", "last week").exit_code == 2


# --- Add: the settings file and `newsbrief config` ----------------------------------------------


def test_config_prints_the_effective_settings_with_secrets_masked(data_dir, monkeypatch):
    data_dir.mkdir()
    (data_dir / "newsbrief.toml").write_text('[llm]\nmodel = "qwen2.5"\nbase_url = "http://ed:pw@llm.local/v1"\n')
    monkeypatch.setenv("NEWSBRIEF_LLM_API_KEY", "sk-very-secret")
    result = cli("config", "--json")
    shown = json.loads(result.stdout)
    rows = {row["name"]: row for row in shown["settings"]}
    assert shown["settings_file"] == {"path": str(data_dir / "newsbrief.toml"), "found": True}
    assert rows["llm.model"]["value"] == "qwen2.5" and rows["llm.model"]["origin"] == "file"
    assert rows["llm.base_url"]["value"] == "http://ed:********@llm.local/v1"
    assert shown["secrets"]["NEWSBRIEF_LLM_API_KEY"] == "********"
    table = cli("config").stdout
    assert "sk-very-secret" not in table + result.stdout and "pw@" not in table + result.stdout
    assert "llm.model" in table and "qwen2.5" in table


def test_a_config_file_given_on_the_command_line_is_read_and_a_bad_one_is_a_usage_error(tmp_path):
    named = tmp_path / "team.toml"
    named.write_text('[grouping]\nwindow_days = 7\n')
    rows = json.loads(cli("--config", str(named), "config", "--json").stdout)["settings"]
    window = next(r for r in rows if r["name"] == "grouping.window_days")
    assert (window["value"], window["origin"]) == (7, "file")
    assert next(r for r in rows if r["name"] == "config_file")["origin"] == "argument"
    named.write_text('[grouping]\ncolour = "red"\n')
    bad = cli("--config", str(named), "articles")
    assert bad.exit_code == 2 and "colour" in bad.stderr
    missing = cli("--config", str(tmp_path / "none.toml"), "articles")
    assert missing.exit_code == 2 and "not found" in missing.stderr


def test_briefing_a_stored_story_indexes_its_articles_first():
    """A story the index lacks (ingested with --no-index, or a new collection after an upgrade
    changed the row layout) is indexed before it is briefed: the evidence search needs it."""
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings

    assert cli("ingest", "--no-index", str(EXAMPLE_STORY)).exit_code == 0
    [story] = json.loads(cli("stories", "--json").stdout)
    assert VectorIndex(Settings()).count() == 0
    assert cli("brief", story["id"][:8], "--json").exit_code == 0
    assert VectorIndex(Settings()).count() > 0
