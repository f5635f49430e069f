"""The Chroma index, against the embedded client and a real `chroma run` server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from conftest import SEED_FILES
from pipeline.index.chunk import chunk_text
from pipeline.ingest.clean import clean_text
from pipeline.index.chroma import VectorIndex, collection_name, open_client, parse_chunk_id, with_passages
from pipeline.ingest.batch import article_id
from pipeline.models import Article
from pipeline.text.sentences import split_sentences
from pipeline.settings import Settings


def seed_articles() -> list[Article]:
    articles = []
    for path, outlet in zip(SEED_FILES, [None, "Asia Financial"]):
        cleaned = clean_text(path.read_text())
        articles.append(Article(id=article_id(cleaned.text), source=str(path), outlet=outlet,
                                title=cleaned.title, text=cleaned.text))
    return articles


@pytest.fixture(params=["embedded", "server"])
def settings(request, monkeypatch):
    """Each test runs against the embedded store and against the session's `chroma run` server,
    which starts every test empty."""
    if request.param == "server":
        monkeypatch.setenv("NEWSBRIEF_CHROMA_URL", request.getfixturevalue("chroma_server"))
        client = open_client(Settings())
        for collection in client.list_collections():
            client.delete_collection(collection.name)
    return Settings()


def test_index_and_search_the_example_story(settings):
    index = VectorIndex(settings)
    articles = seed_articles()
    written = index.add(articles)
    assert written == index.count() > 20
    [hit, *_] = with_passages(index.search("Baidu shares sank at the close", k=3), {a.id: a for a in articles})
    source = next(a for a in articles if a.id == hit.article_id)
    assert source.text[hit.start:hit.end] == hit.text and "Baidu sinking 4.7%" in hit.text
    assert hit.outlet == source.outlet and 0 < hit.score <= 1


def test_rows_are_slim_and_the_text_comes_from_the_articles(settings):
    """Chroma keeps no chunk text and no metadata at all: the id says where each chunk stands."""
    index = VectorIndex(settings)
    articles = seed_articles()
    index.add(articles)
    rows = index.collection.get(include=["documents", "metadatas"])
    assert set(rows["documents"]) == {None} and set(map(bool, rows["metadatas"])) == {False}
    assert {parse_chunk_id(i)[0] for i in rows["ids"]} == {a.id for a in articles}
    by_id = {a.id: a for a in articles}
    hits = with_passages(index.search("Baidu", k=10), by_id)
    chunks = {(a.id, c.start, c.end): c.text for a in articles for c in chunk_text(a.text)}
    assert hits and all(chunks[(h.article_id, h.start, h.end)] == h.text for h in hits)
    assert with_passages(hits, {articles[1].id: articles[1]}) == [h for h in hits if h.article_id == articles[1].id]


def test_reindexing_replaces_chunks_and_removing_deletes_them(settings):
    index = VectorIndex(settings)
    articles = seed_articles()
    first = index.add(articles)
    assert index.add(articles) == first and index.count() == first
    index.remove([articles[0].id])
    assert index.indexed_article_ids() == {articles[1].id}


def test_search_within_some_articles(settings):
    index = VectorIndex(settings)
    articles = seed_articles()
    index.add(articles)
    hits = index.search("Baidu", k=5, within=[articles[1]])
    assert hits and {h.article_id for h in hits} == {articles[1].id}
    assert index.search("Baidu", k=5, within=[]) == []
    everything = index.search("Baidu", k=500, within=articles)  # more asked for than there are chunks
    assert len(everything) == index.count()


def test_changing_embedder_or_chunking_makes_a_new_collection(monkeypatch):
    base = collection_name("wordllama", Settings())
    assert base.startswith("newsbrief-wordllama-")
    assert collection_name("minilm", Settings()) != base
    monkeypatch.setenv("NEWSBRIEF_CHUNKING__MAX_CHARS", "800")
    assert collection_name("wordllama", Settings()) != base


def test_a_new_chunk_size_never_mixes_with_the_old_collection():
    articles = seed_articles()
    small = VectorIndex(Settings(chunking={"max_chars": 300}))
    small.add(articles)
    large = VectorIndex(Settings(chunking={"max_chars": 900}), client=small.client)
    large.add(articles)
    assert small.name != large.name and small.count() > large.count() > 0


def test_chunks_are_whole_sentences_with_exact_spans():
    text = seed_articles()[0].text
    chunks = chunk_text(text, max_chars=300, overlap_sentences=1)
    sentence_bounds = {(s.start, s.end) for s in split_sentences(text)}
    starts = {s for s, _ in sentence_bounds}
    ends = {e for _, e in sentence_bounds}
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert chunk.start in starts and chunk.end in ends
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())


def test_sentences_respect_abbreviations_and_decimals():
    text = 'Mr. Cook met U.S. officials on Jan. 5. Apple rose 2.5% at the close. "It is great," he said.\nNext line'
    assert [s.text for s in split_sentences(text)] == [
        "Mr. Cook met U.S. officials on Jan. 5.", "Apple rose 2.5% at the close.", '"It is great," he said.', "Next line"]


def test_cli_ingest_indexes_and_search_finds_exact_passages():
    import json

    from typer.testing import CliRunner

    from conftest import EXAMPLE_STORY, FIXTURES
    from pipeline.apps.cli import app

    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(EXAMPLE_STORY), str(FIXTURES / "html")])
    assert "indexed" in ingested.stdout
    [story] = [s for s in json.loads(runner.invoke(app, ["stories", "--json"]).stdout) if s["title"].startswith("Apple")]
    hits = json.loads(runner.invoke(app, ["search", "Baidu fell", "--story", story["id"][:8], "--k", "4", "--json"]).stdout)
    texts = {a["id"]: json.loads(runner.invoke(app, ["show", a["id"], "--json"]).stdout)["text"]
             for f in story["families"] for a in f["articles"]}
    assert len(hits) == 4 and {h["article_id"] for h in hits} <= set(texts)
    assert all(texts[h["article_id"]][h["start"]:h["end"]] == h["text"] for h in hits)
    before = runner.invoke(app, ["index"]).stdout
    assert "indexed 0 chunks" in before  # nothing new to index
    rebuilt = runner.invoke(app, ["index", "--rebuild"]).stdout
    assert int(rebuilt.split()[1]) > 50


def test_a_dead_chroma_server_is_a_clear_error(monkeypatch):
    from typer.testing import CliRunner

    from pipeline.apps.cli import app

    monkeypatch.setenv("NEWSBRIEF_CHROMA_URL", "http://127.0.0.1:9")
    result = CliRunner().invoke(app, ["search", "anything"])
    assert result.exit_code == 2 and "chroma run" in result.stderr


def test_loading_the_embedder_leaves_logging_alone():
    """wordllama configures the root logger at INFO when imported; ours must not inherit that, or
    the LLM client's every request is printed. A fresh process, since the import happens once."""
    probe = ("import logging; from pipeline.index.embed import get_embedder; get_embedder(); "
             "root = logging.getLogger(); print(root.level, len(root.handlers))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [str(logging.WARNING), "0"]


# A fresh `newsbrief ingest` process indexes from a forked process while it groups
# (pipeline/index/beside.py); a process that has imported Chroma, as this one has, indexes after
# grouping instead. This records which way the ingest went and what the forked process wrote.
RECORDING_INGEST = """
import json, sys
from pipeline.apps import cli
from pipeline.index.beside import IndexingBeside

seen = []
real_result = IndexingBeside.result
def result(self, on_progress=None):
    written = real_result(self, on_progress)
    seen.append({"forked": self._process is not None, "written": written})
    return written
IndexingBeside.result = result
try:
    cli.app(["ingest", "--json", *sys.argv[1:]], prog_name="newsbrief")
finally:
    print(json.dumps(seen), file=sys.stderr)
"""


def test_a_fresh_ingest_indexes_every_original_once_from_beside_its_grouping(data_dir, tmp_path):
    reprint = tmp_path / "reprint.txt"  # a copy with a credit line: a duplicate, never indexed
    reprint.write_text(SEED_FILES[0].read_text() + "\nReprinted with permission of the wire service.\n")
    inputs = [*map(str, SEED_FILES), str(reprint)]

    def ingest() -> dict:
        done = subprocess.run([sys.executable, "-c", RECORDING_INGEST, *inputs], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stderr.strip().splitlines()[-1])[0]

    first = ingest()
    from store.articles import ArticleStore
    from store.groups import GroupStore

    config = Settings(data_dir=data_dir)
    with ArticleStore(config.db_path) as store:
        rows = GroupStore(store.db).rows()
        originals = store.get_many([r.article_id for r in rows if r.original_id == r.article_id])
    assert len(rows) == 3 and len(originals) == 2  # the reprint is grouped as a duplicate
    expected = {(a.id, c.start, c.end) for a in originals for c in chunk_text(a.text)}
    index = VectorIndex(config)
    held = [parse_chunk_id(i) for i in index.collection.get(include=[])["ids"]]
    assert first == {"forked": True, "written": len(expected)}
    assert sorted(held) == sorted(expected)

    again = ingest()
    assert again["written"] == 0 and index.count() == len(expected)
