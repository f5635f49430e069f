"""The digest's and the living brief's pure parts: topic filters, ranking, feeds.yaml paths, and
the changes between two versions of a brief."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipeline.apps.digest.config import load_digest_config
from pipeline.apps.digest.rank import rank_stories
from pipeline.apps.digest.run import on_topic
from pipeline.brief.changes import brief_changes
from pipeline.brief.compose import Brief, BriefClaim, BriefMeta, Citation, FamilyOut, FigureRow, KeyPoint
from pipeline.grouping.story_view import Story
from pipeline.models import Article

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def article(text: str, title: str = "", hours_ago: float = 0) -> Article:
    return Article(id=text[:8], source="x", title=title, text=text, published=NOW - timedelta(hours=hours_ago))


def test_topics_match_a_word_or_its_plural_in_title_or_text():
    item = article("Shares slid as the market opened in Shanghai.", title="China stocks")
    assert on_topic(item, []) and on_topic(item, ["markets"]) and on_topic(item, ["china"])
    assert not on_topic(item, ["sport", "chin"])


class Family:
    def __init__(self, n: int):
        self.id = f"family{n}"


def story(name: str, families: int, hours_ago: float) -> Story:
    return Story(name, name, [article(f"{name} text", hours_ago=hours_ago)], [Family(n) for n in range(families)])


def test_families_rank_first_and_a_day_of_age_halves_a_story():
    ranked = rank_stories([story("old-big", 4, 30), story("fresh", 2, 1), story("tie-old", 2, 5), story("one", 1, 0)],
                          half_life_hours=24, now=NOW)
    # old-big: 4 families at 30 h is 4 * 0.5**1.25 = 1.68, below fresh's 2 * 0.5**(1/24) = 1.94
    assert [r.story.id for r in ranked] == ["fresh", "tie-old", "old-big", "one"]


def test_a_feed_path_is_relative_to_the_feeds_file(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "feeds.yaml").write_text("name: Desk\nfeeds:\n  - path: wire.xml\n    topics: [markets]\n")
    config = load_digest_config(tmp_path / "conf" / "feeds.yaml")
    assert config.feeds[0].path == tmp_path / "conf" / "wire.xml" and config.top == 10 and config.since == "24h"


def cite(article_id: str, family: str, start: int = 0) -> Citation:
    return Citation(article_id=article_id, outlet=family.title(), family_id=family, start=start, end=start + 4, quote="text")


def claim_point(text: str, verdict: str, families: int) -> KeyPoint:
    claim = BriefClaim(id=f"c-{text}", text=text, verdict=verdict, confirming_families=families, reasons=["why"],
                       citations=[cite("a1", "wire")])
    return KeyPoint(id=f"p-{text}", text=text, families=families, single_source=families <= 1, claims=[claim])


def figure(value: str, article_id: str, family: str, verdict: str = "confirmed", start: int = 0) -> FigureRow:
    return FigureRow(entity="Baidu", metric="share price", figure=value, basis="pre-market", outlet=family.title(),
                     family_id=family, verdict=verdict, reasons=["r"], citation=cite(article_id, family, start))


def brief(points, figures, families) -> Brief:
    return Brief(story_id="s", headline="h", conflicts=[], points=points, figures=figures,
                 sources=[FamilyOut(id=f, origin=None, origin_basis="earliest", outlets=[f.title()], articles=[])
                          for f in families], meta=BriefMeta(engine="extractive", config_hash="x", seconds=0))


def test_the_changes_between_two_versions_of_a_brief():
    old = brief([claim_point("Baidu fell 4.5% before the open.", "single_source", 1),
                 claim_point("Baidu named a new chief.", "confirmed", 2)],
                [figure("-4.5%", "a1", "wire"), figure("-4.5%", "a2", "times", start=9)], ["wire", "times"])
    new = brief([claim_point("Baidu fell 4.5% before the open.", "confirmed", 2),
                 claim_point("Baidu plans a robotaxi fleet.", "single_source", 1)],
                [figure("-4.5%", "a1", "wire", "conflicting"), figure("-4.5%", "a2", "times", start=9),
                 figure("-4.9%", "a3", "wire", start=20)], ["wire", "times", "post"])
    found = [(c.kind, c.text) for c in brief_changes(old, new)]
    kinds = [k for k, _ in found]
    assert kinds == ["conflicting", "correction", "confirmation", "new_point", "withdrawn", "new_source"], found
    assert found[1][1] == "Wire now reports -4.9% (pre-market) (was -4.5%)"
    assert found[4][1].startswith("withdrawn: Baidu named a new chief.") and found[5][1] == "new source: Post"
    assert brief_changes(new, new) == []
