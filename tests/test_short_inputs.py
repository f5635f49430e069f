"""Short inputs (issue 14): an article of a sentence or two is stored with its length; a page with
no article is still rejected; a title given beside the text never costs the text its lead."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from pipeline.apps.cli import app
from pipeline.ingest.batch import ingest
from pipeline.ingest.clean import clean_text
from pipeline.ingest.prose import full_sentences
from pipeline.settings import Settings
from store.articles import ArticleStore

runner = CliRunner()
TWO_SENTENCES = "Apple shares rose 2% on Tuesday. The company will report its quarterly results next week."
LONE_LEAD = "Apple is working with Alibaba to bring AI features to iPhones sold in China"  # no full stop


def cli(*args: str):
    return runner.invoke(app, list(args))


def ingest_into_store(*sources: str):
    """The real ingest path into the real SQLite store; (report, stored articles read back)."""
    settings = Settings()
    with ArticleStore(settings.db_path) as store:
        report = ingest(list(sources), store, settings)
    with ArticleStore(settings.db_path) as store:  # read back from the file, not from memory
        return report, store.list()


def test_a_two_sentence_article_is_stored_with_its_length(tmp_path):
    path = tmp_path / "flash.jsonl"
    path.write_text(json.dumps({"text": TWO_SENTENCES, "title": "Apple rises", "outlet": "Wire"}))
    report, [article] = ingest_into_store(str(path))
    assert report.count("added") == 1 and not report.failures
    assert article.text == TWO_SENTENCES and article.title == "Apple rises"
    assert (article.words, article.sentences) == (15, 2)

    [listed] = json.loads(cli("articles", "--json").stdout)
    assert (listed["words"], listed["sentences"], listed["chars"]) == (15, 2, len(TWO_SENTENCES))
    assert "length: 15 words, 2 sentences" in cli("show", article.id[:8]).stdout


def test_a_one_sentence_wire_flash_is_stored(tmp_path):
    path = tmp_path / "flash.txt"
    path.write_text("Fed raises rates by a quarter point.\n")
    _, [article] = ingest_into_store(str(path))
    assert article.text == "Fed raises rates by a quarter point." and article.sentences == 1


@pytest.mark.parametrize("how", ["jsonl", "sidecar"])
def test_a_lone_unpunctuated_paragraph_is_kept_when_the_title_is_given(tmp_path, how):
    if how == "jsonl":
        source = tmp_path / "lead.jsonl"
        source.write_text(json.dumps({"text": LONE_LEAD, "title": "Apple, Alibaba team up"}))
    else:
        source = tmp_path / "lead.txt"
        source.write_text(LONE_LEAD + "\n")
        (tmp_path / "lead.meta.json").write_text(json.dumps({"title": "Apple, Alibaba team up"}))
    report, [article] = ingest_into_store(str(source))
    assert article.text == LONE_LEAD and article.title == "Apple, Alibaba team up", report.outcomes


def test_the_cleaner_takes_a_headline_only_when_no_title_came_with_the_text():
    pasted = f"Apple, Alibaba team up\n{TWO_SENTENCES}"
    assert clean_text(pasted).title == "Apple, Alibaba team up"  # pasted text: headline first
    assert clean_text(pasted).text == TWO_SENTENCES
    given = clean_text(LONE_LEAD, title="Apple, Alibaba team up")
    assert given.text == LONE_LEAD and given.title == "Apple, Alibaba team up"
    repeated = clean_text(f"Apple, Alibaba team up\n{LONE_LEAD}", title="Apple, Alibaba team up")
    assert repeated.text == LONE_LEAD  # the body repeating the given title is still a repeat


PAGES_WITHOUT_AN_ARTICLE = {
    "cookie-wall": "<p>We use cookies to improve your experience on our website.</p>"
                   "<p>By continuing to browse, you agree to our use of cookies.</p><button>Accept all cookies</button>",
    "error-page": "<h1>404</h1><p>Sorry, the page you are looking for could not be found.</p>"
                  "<p><a href='/'>Return to the home page</a></p>",
    "link-list": "<ul><li><a href='/1'>Apple shares fall after report of delay in AI features</a></li>"
                 "<li><a href='/2'>Fed officials signal patience on interest rate cuts</a></li>"
                 "<li><a href='/3'>Oil prices climb as Middle East tensions mount again</a></li></ul>",
    "menu": "<nav><a>Home</a> <a>News</a> <a>World</a></nav><main><p>Home News World Business Markets "
            "Technology Opinion Sport Culture</p></main>",
    "paywall": "<article><h1>Big story</h1><p>Subscribe to continue reading this article.</p>"
               "<p>Already a subscriber? Sign in here to read on.</p></article>",
    "javascript": "<noscript><p>Please enable JavaScript in your browser to view this site.</p></noscript>",
}


@pytest.mark.parametrize("name", sorted(PAGES_WITHOUT_AN_ARTICLE))
def test_a_page_with_no_article_is_still_rejected_with_a_reason(tmp_path, name):
    page = tmp_path / f"{name}.html"
    page.write_text(f"<html><head><title>{name}</title></head><body>{PAGES_WITHOUT_AN_ARTICLE[name]}</body></html>")
    report, stored = ingest_into_store(str(page))
    [failure] = report.failures
    assert stored == [] and failure.reason.startswith("no article found:") and "no full sentence" in failure.reason
    assert "NEWSBRIEF_LIMITS__MIN_SENTENCE_WORDS" in failure.reason


def test_full_sentences_need_words_in_lower_case_and_a_sentence_ending():
    assert full_sentences("The parliament election is over in Turkmenistan.", 6) == 1
    assert full_sentences("Markets\n\nWorld News Business Technology Opinion Sport Culture", 6) == 0
    assert full_sentences("A headline of eight words without its stop\n\nAnother headline that runs for eight words", 6) == 0
    assert full_sentences("Page not found.", 3) == 1 and full_sentences("Page not found.", 6) == 0
    assert full_sentences(" ".join(["the words of a long lead cut short"] * 3), 6) == 1  # longer than a headline


@pytest.mark.parametrize("text", [
    "苹果公司正与阿里巴巴合作，为在中国销售的iPhone提供人工智能功能。",  # no spaces: a character counts as a word
    "Apple работает с Alibaba над функциями ИИ для iPhone в Китае. Об этом сообщили во вторник.",
])
def test_a_short_article_in_another_script_is_stored(tmp_path, text):
    path = tmp_path / "flash.jsonl"
    path.write_text(json.dumps({"text": text, "title": "Apple, Alibaba"}, ensure_ascii=False))
    report, [article] = ingest_into_store(str(path))
    assert article.text == text and article.words >= 15, report.outcomes
    assert full_sentences("页面未找到", 6) == 0  # 'page not found': five characters


def test_the_minimum_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_LIMITS__MIN_FULL_SENTENCES", "3")
    path = tmp_path / "flash.jsonl"
    path.write_text(json.dumps({"text": TWO_SENTENCES}))
    report, stored = ingest_into_store(str(path))
    assert stored == [] and "2 full sentences, fewer than 3" in report.failures[0].reason


def test_a_feed_item_with_its_text_and_no_link_is_stored(tmp_path):
    feed = tmp_path / "wire.rss"
    feed.write_text(f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire Desk</title>
<item><title>Fed raises rates</title><guid isPermaLink="false">flash-1</guid>
<content:encoded><![CDATA[<p>Fed raises rates by a quarter point.</p>]]></content:encoded></item>
<item><title>Nothing</title><guid isPermaLink="false">empty-1</guid></item>
</channel></rss>""")
    report, [article] = ingest_into_store(str(feed))
    assert article.text == "Fed raises rates by a quarter point." and article.title == "Fed raises rates"
    assert article.outlet == "Wire Desk"
    assert [f.reason for f in report.failures] == ["feed entry has no full text and no link"]


def test_a_store_from_before_lengths_were_recorded_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, outlet TEXT, title TEXT,"
                " author TEXT, published TEXT, language TEXT, credit TEXT, text TEXT NOT NULL,"
                " ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")
    old.execute("INSERT INTO articles (id, source, text) VALUES ('abcd1234', 'old.txt', ?)", (TWO_SENTENCES,))
    old.commit()
    old.close()
    from pipeline.ingest.prose import article_length

    with ArticleStore(path) as store:
        article = store.get("abcd1234")
    assert article.words is None and article_length(article).sentences == 2
