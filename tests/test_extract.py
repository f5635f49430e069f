"""HTML extraction on the fixture news pages (boilerplate, metadata, wire credits)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from conftest import FIXTURES
from extraction import score
from pipeline.ingest.extract import extract_html, outlet_from_url
from pipeline.ingest.batch import article_id, to_article
from pipeline.models import RawDocument, SourceHints
from pipeline.settings import Settings

TRUTH = json.loads((FIXTURES / "html" / "truth.json").read_text())


@pytest.fixture(scope="module")
def extracted():
    return {
        name: extract_html((FIXTURES / "html" / f"{name}.html").read_text(), row["url"])
        for name, row in TRUTH.items()
    }


def test_fixture_pages_score_like_the_benchmark_says(extracted):
    pairs = [(TRUTH[name]["articleBody"], cleaned.text) for name, (cleaned, _) in extracted.items()]
    result = score(pairs)
    assert result["precision"] > 0.9 and result["recall"] > 0.9, result


def test_reporting_credit_moves_out_of_the_body(extracted):
    cleaned, _ = extracted["harbour-crane-collapse"]
    assert cleaned.credit == "Reporting by Anna Vermeer; Editing by Tom Hale"
    assert "Reporting by" not in cleaned.text


def test_metadata(extracted):
    _, meta = extracted["valley-flood-evacuation"]
    assert meta["title"] == "Hundreds evacuated as River Elm bursts its banks"
    assert meta["outlet"] == "The Valley Herald" and meta["author"] == "Megan Price"
    assert meta["published"].date().isoformat() == "2025-02-11"


def test_boilerplate_stays_out_of_the_body(extracted):
    text = "\n".join(cleaned.text for cleaned, _ in extracted.values())
    for boilerplate in ("cookies", "Advertisement", "Sign up", "Related stories", "Comments", "Share on",
                        "Subscribe", "Donate", "Those cranes are decades old"):
        assert boilerplate not in text, boilerplate


def test_article_from_html_with_hints_prefers_the_hints():
    html = (FIXTURES / "html" / "chipmaker-quarterly-results.html").read_text()
    raw = RawDocument(source="x", kind="html", content=html,
                      hints=SourceHints(outlet="Associated Press", url="https://apnews.example/hanseong-results"))
    article = to_article(raw, Settings())
    assert article.outlet == "Associated Press" and article.url == "https://apnews.example/hanseong-results"
    assert article.language == "en" and article.id == article_id(article.text)


def test_outlet_from_url():
    assert outlet_from_url("https://www.reuters.com/world/x") == "reuters.com"
    assert outlet_from_url(None) is None


def test_article_id_ignores_case_and_spacing():
    assert article_id("Apple rose 2%.\n\nBaidu fell.") == article_id("apple  rose 2% .\nBAIDU fell")
    assert article_id("Apple rose 2%.") != article_id("Apple rose 3%.")


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}<title>Port reopens</title></head><body><article><h1>Port reopens</h1>{body}</article></body></html>"


REOPENED = "<p>" + "The harbour authority reopened the port after the storm. " * 8 + "</p>"


def test_the_time_of_publication_is_kept_not_just_the_day():
    page = _page('<meta property="article:published_time" content="2025-02-13T07:55:00Z">', REOPENED)
    article = to_article(RawDocument(source="x.html", kind="html", content=page), Settings())
    assert article.published == datetime(2025, 2, 13, 7, 55, tzinfo=timezone.utc)


def test_a_date_written_only_in_the_text_is_still_found():
    """The text search runs when the markup gives no date: here only the words give it."""
    page = _page("", f"<p>Published on November 20, 2019 at 15:23</p>{REOPENED}")
    article = to_article(RawDocument(source="x.html", kind="html", content=page), Settings())
    assert article.published is not None and article.published.date() == date(2019, 11, 20)


def test_a_date_in_the_markup_spares_the_text_search(monkeypatch):
    """The extensive search (dateparser's every locale, about 1 s of CPU a process) is not run
    when the markup gives the day."""
    import trafilatura.metadata

    searches = []
    real_find_date = trafilatura.metadata.find_date

    def find_date(tree, **options):
        searches.append(options["extensive_search"])
        return real_find_date(tree, **options)

    monkeypatch.setattr(trafilatura.metadata, "find_date", find_date)
    page = _page('<meta property="article:published_time" content="2025-02-13T07:55:00Z">',
                 f"<p>Published on November 20, 2019 at 15:23</p>{REOPENED}")
    article = to_article(RawDocument(source="x.html", kind="html", content=page), Settings())
    assert article.published == datetime(2025, 2, 13, 7, 55, tzinfo=timezone.utc)
    assert searches == [False]
