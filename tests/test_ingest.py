"""Ingest through the CLI: bad inputs are reported and skipped, re-runs change nothing,
and a batch interrupted half-way finishes on the next run with no duplicates or gaps."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, FIXTURES, SEED_FILES
from pipeline.ingest import batch as ingest_module
from pipeline.apps.cli import app
from pipeline.settings import Settings
from store.articles import ArticleStore

runner = CliRunner()
PAGES = sorted((FIXTURES / "html").glob("*.html"))


def cli(*args: str):
    return runner.invoke(app, list(args))


def stored_ids() -> list[str]:
    with ArticleStore(Settings().db_path) as store:
        return [a.id for a in store.list()]


@pytest.fixture
def bad_batch(tmp_path, http_server, allow_loopback_fetch, monkeypatch):
    """Two good articles and eleven kinds of bad input, in one folder plus URLs.

    The refusal of private addresses is tested in test_fetch; here the server is on loopback."""
    monkeypatch.setenv("NEWSBRIEF_FETCH__TIMEOUT_S", "0.3")
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "good-seed.txt")
    shutil.copy(PAGES[0], folder / "good-page.html")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.html").write_bytes(b"\x00\x01\x02PNG" * 50)
    (folder / "latin1.txt").write_bytes("Le café était fermé ce matin-là, à cause de la grève.".encode("latin-1"))
    (folder / "malformed.html").write_text("<html><body><div><p>Half a tag <b <i></div></p")
    (folder / "navigation-only.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><footer>© 2025</footer></body></html>")
    (folder / "records.jsonl").write_text('{"text": "too short"}\n{broken json\n')
    (folder / "not-a-feed.rss").write_text("<rss><channel>")
    http_server.routes["/slow"] = (200, {}, b"<p>late</p>", 2)
    urls = [http_server.base + "/slow", http_server.base + "/missing"]
    return [str(folder), *urls, str(tmp_path / "does-not-exist.txt")]


def test_bad_inputs_are_reported_and_good_ones_stored(bad_batch):
    result = cli("ingest", "--json", *bad_batch)
    assert result.exit_code == 1, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_status = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    assert len(by_status["added"]) == 3  # the seed, the page, and the one French sentence
    reasons = {row["source"].rsplit("/", 1)[-1]: row["reason"] for row in by_status["failed"]}
    expected = {
        "empty.txt": "empty input",
        "binary.html": "binary data",
        "malformed.html": "no article found",
        "navigation-only.html": "no article found",
        "records.jsonl:1": "no article found",
        "records.jsonl:2": "invalid JSON",
        "not-a-feed.rss": "not an RSS/Atom feed",
        "slow": "timed out",
        "missing": "HTTP 404",
        "does-not-exist.txt": "no such file or folder",
    }
    assert set(reasons) == set(expected)
    for source, reason in expected.items():
        assert reason in reasons[source], (source, reasons[source])
        assert "\n" not in reasons[source]
    latin1 = next(r for r in by_status["added"] if r["source"].endswith("latin1.txt"))
    assert latin1["encoding"] == "cp1252" and latin1["title"].startswith("Le café était fermé")
    assert len(stored_ids()) == 3


def test_summary_table_lists_each_skipped_input(bad_batch):
    result = cli("ingest", *bad_batch)
    assert result.exit_code == 1
    assert "3 added, 0 already stored, 10 failed" in result.stdout
    assert "Skipped inputs" in result.stdout and "empty input" in result.stdout


def test_ingest_twice_changes_nothing():
    first = cli("ingest", str(EXAMPLE_STORY), *map(str, PAGES))
    assert first.exit_code == 0 and "6 added, 0 already stored, 0 failed" in first.stdout
    before = stored_ids()
    second = cli("ingest", str(EXAMPLE_STORY), *map(str, PAGES))
    assert second.exit_code == 0 and "0 added, 6 already stored, 0 failed" in second.stdout
    assert stored_ids() == before


def test_same_text_from_another_file_is_the_same_article(tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_FILES[0].read_text().replace("Advertisements", "ADVERTISEMENT"))
    assert cli("ingest", str(SEED_FILES[0])).exit_code == 0
    result = cli("ingest", "--json", str(copy))
    assert json.loads(result.stdout)["status"] == "unchanged"


def test_crash_mid_batch_resumes_without_duplicates_or_gaps(monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")  # the simulated crash happens in this process
    inputs = [str(p) for p in [*SEED_FILES, *PAGES]]
    real_to_article = ingest_module.to_article
    calls = {"n": 0}

    def crash_on_fourth(raw, settings):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the process dies half-way through the batch
        return real_to_article(raw, settings)

    monkeypatch.setattr(ingest_module, "to_article", crash_on_fourth)
    with pytest.raises(KeyboardInterrupt):
        with ArticleStore(Settings().db_path) as store:
            ingest_module.ingest(inputs, store, Settings())
    assert len(stored_ids()) == 3

    monkeypatch.setattr(ingest_module, "to_article", real_to_article)
    result = cli("ingest", "--json", *inputs)
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["unchanged"] * 3 + ["added"] * 3
    assert len(set(stored_ids())) == len(stored_ids()) == 6


def test_articles_and_show():
    cli("ingest", str(EXAMPLE_STORY))
    listing = json.loads(cli("articles", "--json").stdout)
    assert [a["outlet"] for a in listing] == [None, "Asia Financial"]
    assert all(a["language"] == "en" and a["chars"] > 2000 for a in listing)
    shown = cli("show", listing[1]["id"][:8], "--json")
    article = json.loads(shown.stdout)
    assert article["credit"].startswith("Reuters") and article["author"] == "Vishakha Saxena"
    table = cli("articles")
    assert "Asia Financial" in table.stdout and "2 articles" in table.stdout


def test_show_unknown_id_says_how_to_list():
    result = cli("show", "deadbeef")
    assert result.exit_code == 2 and "newsbrief articles" in result.stderr  # an id that names nothing is a usage error


def test_extract_jsonl_prints_one_line_per_input_and_stores_nothing(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = cli("extract", "--jsonl", *map(str, SEED_FILES), str(tmp_path / "empty.txt"))
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [sorted(line) for line in lines[:2]] == [["outlet", "published", "sentences", "source", "text", "title",
                                                     "words"]] * 2
    assert lines[2] == {"source": str(tmp_path / "empty.txt"), "status": "failed", "reason": "empty input"}
    assert not Settings().db_path.exists()


def test_extract_matches_what_ingest_stores():
    extracted = json.loads(cli("extract", "--jsonl", str(PAGES[0])).stdout)
    cli("ingest", str(PAGES[0]))
    [stored] = json.loads(cli("articles", "--json").stdout)
    shown = json.loads(cli("show", stored["id"], "--json").stdout)
    assert shown["text"] == extracted["text"] and shown["title"] == extracted["title"]


def test_usage_error_exits_2():
    assert cli("ingest").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def test_bad_setting_exits_2_with_the_variable_named(monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_FETCH__TIMEOUT_S", "soon")
    result = cli("ingest", str(SEED_FILES[0]))
    assert result.exit_code == 2 and "timeout_s" in result.stderr


def test_an_extractor_bug_on_one_page_is_reported_and_the_batch_goes_on(monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    real = ingest_module.extract_html

    def buggy(html, url=None):
        if "Orbit Science News" in html[:3000]:
            raise ValueError("lxml exploded")
        return real(html, url)

    monkeypatch.setattr(ingest_module, "extract_html", buggy)
    result = cli("ingest", "--json", *map(str, PAGES))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [r["status"] for r in rows].count("added") == len(PAGES) - 1
    [failed] = [r for r in rows if r["status"] == "failed"]
    assert failed["reason"] == "unexpected error, please report it: ValueError: lxml exploded"


def test_parallel_extraction_gives_the_same_results_in_the_same_order(monkeypatch):
    inputs = [str(EXAMPLE_STORY), *map(str, PAGES)]
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    serial = cli("extract", "--jsonl", *inputs).stdout
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "2")
    parallel = cli("extract", "--jsonl", *inputs).stdout
    assert parallel == serial and len(serial.splitlines()) == 6


def test_one_jsonl_file_is_extracted_in_parallel_with_the_same_articles_in_the_same_order(tmp_path, monkeypatch):
    """The documents of one file are spread over the workers too, and come back in file order."""
    records = [{"html": page.read_text(), "url": f"https://outlet{n}.example/a"} for n, page in enumerate(PAGES)]
    records += [{"text": path.read_text(), "outlet": "wire"} for path in SEED_FILES] + [{"text": "too short"}]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in records))
    forked = []
    real_warm_up = ingest_module._warm_up
    monkeypatch.setattr(ingest_module, "_warm_up", lambda pages: forked.append(pages) or real_warm_up(pages))
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    serial = cli("extract", "--jsonl", str(batch)).stdout
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "2")
    parallel = cli("extract", "--jsonl", str(batch)).stdout
    assert forked == [True] and parallel == serial and len(serial.splitlines()) == len(records)

    first = [json.loads(line) for line in cli("ingest", "--json", str(batch)).stdout.splitlines()]
    again = [json.loads(line) for line in cli("ingest", "--json", str(batch)).stdout.splitlines()]
    assert [r["status"] for r in first].count("added") == len(records) - 1
    assert [r.get("id") for r in again] == [r.get("id") for r in first]
    assert {r["status"] for r in again} == {"unchanged", "failed"} and len(stored_ids()) == len(records) - 1


def test_a_worker_that_dies_is_reported_and_the_batch_goes_on(monkeypatch):
    """A parser that kills its process (out of memory, a segfault) costs one input, not the batch."""
    import os

    real = ingest_module.to_article

    def dies_on_the_comet_page(raw, settings):
        if "Orbit Science News" in raw.content[:3000]:
            os._exit(9)
        return real(raw, settings)

    monkeypatch.setattr(ingest_module, "to_article", dies_on_the_comet_page)
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "2")
    result = cli("ingest", "--json", *map(str, PAGES), *map(str, SEED_FILES))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [r["status"] for r in rows].count("added") == len(PAGES) + len(SEED_FILES) - 1
    [failed] = [r for r in rows if r["status"] == "failed"]
    assert "comet-probe-images" in failed["source"] and "extraction process died" in failed["reason"]


def test_an_exact_reprint_by_another_outlet_is_one_article_seen_twice(tmp_path):
    text = SEED_FILES[1].read_text()
    batch = tmp_path / "reprints.jsonl"
    batch.write_text("\n".join(json.dumps({"text": text, "outlet": o, "url": f"https://{o}.example/a"})
                               for o in ["wire", "portal"]))
    rows = [json.loads(line) for line in cli("ingest", "--json", str(batch)).stdout.splitlines()]
    assert [r["status"] for r in rows] == ["added", "unchanged"]
    assert rows[1]["outlet"] == "wire" and "same text as" in rows[1]["reason"]
    shown = json.loads(cli("show", rows[0]["id"], "--json").stdout)
    assert [s["outlet"] for s in shown["sightings"]] == ["wire", "portal"]


def test_unwritable_data_dir_is_a_usage_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = runner.invoke(app, ["--data-dir", str(blocker / "sub"), "articles"])
    assert result.exit_code == 2 and "NEWSBRIEF_DATA_DIR" in result.stderr


def test_show_needs_four_characters():
    result = cli("show", "abc")
    assert result.exit_code == 2 and "at least 4 characters" in result.stderr


def test_folder_with_nothing_to_read_is_reported(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.md").write_text("# notes")
    (folder / "sitemap.xml").write_text("<urlset></urlset>")
    result = cli("ingest", "--json", str(folder))
    assert result.exit_code == 1
    rows = {Path(row["source"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert "folder has no files to read" in rows["notes"]["reason"] and rows["notes"]["status"] == "failed"
    assert rows["notes.md"]["status"] == rows["sitemap.xml"]["status"] == "skipped"
    assert rows["notes.md"]["reason"].startswith("unsupported file type '.md'")
    assert rows["sitemap.xml"]["reason"].startswith("not an RSS/Atom feed")


def _dies_on_one(n: int) -> int:
    import os

    if n == 1:
        os._exit(1)
    return n * 10


def test_ordered_map_survives_a_worker_dying_between_results():
    import time as clock

    from pipeline.ingest.workers import ordered_map

    results = []
    for item, result in ordered_map(_dies_on_one, range(12), workers=2, on_crash=lambda n: "crashed"):
        clock.sleep(0.05)  # a slow consumer: the pool breaks while items are still being fed
        results.append((item, result))
    assert results == [(n, "crashed" if n == 1 else n * 10) for n in range(12)]


def test_batched_map_keeps_the_order_and_loses_only_the_item_that_kills_its_batch():
    from pipeline.ingest.workers import ordered_map_batched

    sizes = {n: (5 if n == 7 else 1) for n in range(12)}  # 7 is too big to share a batch
    results = list(ordered_map_batched(_dies_on_one, range(12), workers=2, on_crash=lambda n: "crashed",
                                       size=sizes.__getitem__, batch_size=3))
    assert results == [(n, "crashed" if n == 1 else n * 10) for n in range(12)]


def test_the_parent_drops_its_stoplist_once_the_workers_have_forked(monkeypatch):
    import justext.core
    import trafilatura.external

    monkeypatch.setenv("NEWSBRIEF_WORKERS", "2")
    result = cli("ingest", *map(str, [*PAGES, *SEED_FILES]))
    assert result.exit_code == 0, result.output
    assert trafilatura.external.JT_STOPLIST is None and justext.core.define_stoplist.cache_info().currsize == 0
    listing = json.loads(cli("articles", "--json").stdout)
    assert len(listing) == 6 and all(a["language"] == "en" for a in listing)  # the workers had their copy
    assert ingest_module.extract_html(PAGES[0].read_bytes())[0].text  # and it is built again when needed


def test_the_workers_share_the_stoplist_the_parent_built_before_forking(monkeypatch):
    """trafilatura builds its fallback stoplist at its first page; built in the parent before the
    fork, the workers use that copy (a worker that built its own would hold 34 MB more)."""
    import trafilatura.external

    from pipeline.ingest.batch import extract_documents
    from pipeline.models import Article

    monkeypatch.setattr(trafilatura.external, "JT_STOPLIST", None)
    built_in = []
    real = trafilatura.external.jt_stoplist_init
    monkeypatch.setattr(trafilatura.external, "jt_stoplist_init", lambda: built_in.append(os.getpid()) or real())
    results = list(extract_documents([str(p) for p in PAGES], Settings(workers=2)))
    assert all(isinstance(article, Article) for _unit, _item, article in results)
    assert built_in == [os.getpid()]  # once, here: a worker's call would be in its own process, and not seen


def test_ingest_loads_the_language_model_once_in_a_thread_before_the_workers_fork(monkeypatch):
    """The model loads beside the store's opening; the warm-up before the fork and every language
    detected wait for that load instead of making a second copy."""
    import threading

    import py3langid.langid

    from pipeline.ingest import language

    monkeypatch.setattr(py3langid.langid, "IDENTIFIER", None)
    loaded_in = []
    real = language._mapped_identifier
    monkeypatch.setattr(language, "_mapped_identifier",
                        lambda: loaded_in.append(threading.current_thread().name) or real())
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "2")
    result = cli("ingest", *map(str, SEED_FILES))
    assert result.exit_code == 0, result.output
    assert loaded_in == ["newsbrief-preload"]
