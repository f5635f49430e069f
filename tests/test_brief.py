"""The offline extractive brief of the example story, its rendering and its schema."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, ROOT
from pipeline.apps.cli import app
from pipeline.brief import select
from pipeline.brief.compose import extractive_brief
from pipeline.grouping import Story
from pipeline.index.embed import get_embedder
from pipeline.models import Article
from pipeline.verify.verifier import families_of
from pipeline.brief.render import json_schema
from test_figures import THIRD_OUTLET

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_brief(tmp_path_factory):
    """One brief for the module's tests, in a data directory of its own."""
    result = runner.invoke(app, ["brief", str(EXAMPLE_STORY), "--format", "json"],
                           env={"NEWSBRIEF_DATA_DIR": str(tmp_path_factory.mktemp("brief-data"))})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_shared_claims_are_confirmed_and_cite_both_outlets(demo_brief):
    families = {f["id"] for f in demo_brief["sources"]}
    assert len(families) == 2 and 3 <= len(demo_brief["points"]) <= 8
    confirmed = [p for p in demo_brief["points"] if p["claims"][0]["verdict"] == "confirmed"]
    assert len(confirmed) >= 3
    for point in confirmed:
        assert {c["family_id"] for c in point["claims"][0]["citations"]} == families
    assert any("Baidu was selected" in p["text"] for p in confirmed)


def test_the_first_point_is_the_news_both_headlines_name(demo_brief):
    first = demo_brief["points"][0]
    assert all(word in first["text"] for word in ("Apple", "Alibaba", "iPhone", "China")), first["text"]
    assert first["claims"][0]["verdict"] == "confirmed" and first["families"] == 2


def test_the_brief_is_as_long_as_a_person_reads(demo_brief):
    words = sum(len(p["text"].split()) for p in demo_brief["points"])
    assert 4 <= len(demo_brief["points"]) <= 6 and words <= select.WORD_BUDGET


def test_a_sentence_that_points_back_or_quotes_does_not_stand_alone():
    assert select.stands_alone("Apple is partnering with Alibaba on AI for iPhones in China.")
    for leaning in ("The other is the presidency of Donald Trump.", "This announcement sent ripples through markets.",
                    "“We are thrilled,” the chief executive said.", 'He called it "a deal of the century for all of us".'):
        assert not select.stands_alone(leaning), leaning


def test_headlines_leave_out_titles_taken_from_the_text_and_repeats():
    own = Article(id="a", source="a", title="Apple and Alibaba team up on AI for…", text="Apple and Alibaba team up on AI for "
                  "iPhones sold in China, a report said on Tuesday.")
    headed = Article(id="b", source="b", title="Apple taps Alibaba for AI in China", text="Apple has picked Alibaba.")
    reprint = Article(id="c", source="c", title="Apple Taps Alibaba for AI in China", text="Apple has chosen Alibaba.")
    heads = select.headlines(Story("s", None, [own, headed, reprint], []))
    assert heads == [select.content_words("Apple taps Alibaba for AI in China")]


NORTHBRIDGE = {
    "f1": "Northbridge agreed to buy Calder Rail for $2.4 billion on Monday. The deal needs approval. "
          "Calder Rail was founded in 1901 in Leeds.",
    "f2": "Northbridge will buy Calder Rail for $2.4 billion, the companies said on Monday. "
          "Shares rose in early trade. Calder Rail was founded in 1901 in Leeds.",
    "f3": "Regulators will review many rail deals this year. Analysts were divided. "
          "Calder Rail was founded in 1901 in Leeds.",
}


def northbridge_brief():
    articles = [Article(id=k, source=k, title="Northbridge to buy Calder Rail for $2.4 billion" if k == "f1" else None,
                        outlet=k, text=t) for k, t in NORTHBRIDGE.items()]
    return extractive_brief(Story("s", None, articles, families_of(articles)), get_embedder(), "test")


def test_the_news_leads_over_a_fact_more_families_repeat():
    """A late detail that three families repeat does not lead over the news that two open with
    and that the headlines name."""
    brief = northbridge_brief()
    assert "buy Calder Rail for $2.4 billion" in brief.points[0].text
    assert any("founded in 1901" in p.text for p in brief.points[1:])


def test_a_figure_two_families_report_is_one_confirmed_row():
    rows = [r for r in northbridge_brief().figures if "$2.4 billion" in r.figure]
    assert len(rows) == 1, rows
    assert rows[0].verdict == "confirmed" and rows[0].outlets == ["f1", "f2"] and len(rows[0].families) == 2


def test_stock_figures_are_in_the_table_as_single_source(demo_brief):
    rows = {(r["entity"], r["citation"]["quote"], r["basis"]): r["verdict"] for r in demo_brief["figures"]}
    for key in [("Apple", "2%", "close"), ("Alibaba", "1.3%", "close"), ("Baidu", "4.7%", "close"),
                ("Baidu", "4.5%", "pre-market"), ("Apple", "1%", "pre-market"), ("Alibaba", "1%", "pre-market")]:
        assert rows[key] == "single_source", key
    assert demo_brief["conflicts"] == []


def test_metadata_says_no_llm_ran(demo_brief):
    assert demo_brief["meta"]["engine"] == "extractive" and demo_brief["meta"]["model"] is None
    assert demo_brief["meta"]["config_hash"]


def test_markdown_lists_points_figures_and_sources(tmp_path):
    out = tmp_path / "brief.md"
    assert runner.invoke(app, ["brief", str(EXAMPLE_STORY), "--out", str(out)]).exit_code == 0
    text = out.read_text()
    assert text.startswith("# Apple Taps Alibaba for AI in China")
    for heading in ("## Key points", "## Figures", "## Sources"):
        assert heading in text
    assert "from Reuters (credit line)" in text and "no LLM" in text


def test_conflicts_come_first(tmp_path):
    (tmp_path / "third.jsonl").write_text(json.dumps({"text": THIRD_OUTLET, "outlet": "Invented Daily"}))
    runner.invoke(app, ["ingest", "--no-index", str(EXAMPLE_STORY), str(tmp_path / "third.jsonl")])
    [story] = json.loads(runner.invoke(app, ["stories", "--json"]).stdout)
    text = runner.invoke(app, ["brief", story["id"][:8]]).stdout
    assert text.index("## ⚠️ Conflicts") < text.index("## Key points")
    assert "Apple share price more than +2%" in text.split("## Key points")[0]


def test_the_schema_in_the_repo_is_the_models():
    assert json.loads((ROOT / "schemas" / "brief.schema.json").read_text()) == json.loads(json_schema())


def brief_model(tmp_path):
    from pipeline.brief.compose import Brief

    out = tmp_path / "b.json"
    runner.invoke(app, ["brief", str(EXAMPLE_STORY), "--format", "json", "--out", str(out)])
    return Brief.model_validate_json(out.read_text())


def test_html_is_self_contained_and_escapes_article_text(tmp_path):
    from pipeline.brief.render import to_html

    brief = brief_model(tmp_path)
    brief.points[0].text = '<script>alert("x")</script> Apple'
    brief.sources[0].articles[0]["url"] = "javascript:alert(1)"
    page = to_html(brief)
    assert "<script>" not in page and "&lt;script&gt;" in page and "javascript:" not in page
    assert "<style>" in page and "@media print" in page and "http" not in page.split("<style>")[0]


def test_slack_messages_stay_within_limits(tmp_path):
    from pipeline.brief.render import SLACK_MAX_BLOCKS, SLACK_MAX_SECTION, to_slack_messages

    brief = brief_model(tmp_path)
    brief.points = brief.points * 40  # far more than one message holds
    brief.conflicts = ["x" * 5000]
    messages = to_slack_messages(brief)
    assert len(messages) > 1
    for blocks in messages:
        assert len(blocks) <= SLACK_MAX_BLOCKS
        assert all(len(b["text"]["text"]) <= SLACK_MAX_SECTION for b in blocks if b["type"] == "section")
    assert messages[0][0]["type"] == "header" and "Main point" in messages[0][1]["text"]["text"]
    assert "Conflicts" in messages[0][2]["text"]["text"]  # straight after the main point
