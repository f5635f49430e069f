"""Story clustering and source lineage."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import pytest

from conftest import needs_data
from eval_data import ECB
from pipeline.grouping.lineage import describe_family, stated_origin
from pipeline.grouping.linkage import average_link_clusters
from pipeline.grouping.stories import (StoryClusterer, StoryInput, stated_dates, story_terms,
                                      within_window)
from pipeline.models import Article


@lru_cache(maxsize=1)
def ecb_rows() -> list[dict]:
    return [json.loads(line) for line in ECB.read_text().splitlines()]


def inputs(topic: int | None = None) -> tuple[list[StoryInput], list[str]]:
    rows = [r for r in ecb_rows() if topic is None or r["topic"] == topic]
    return [StoryInput(r["id"], None, r["text"]) for r in rows], [r["story"] for r in rows]


def purity(assigned: dict[str, str], articles: list[StoryInput], truth: list[str]) -> float:
    """Share of articles whose story's majority true label is their own."""
    members: dict[str, list[str]] = {}
    for article, label in zip(articles, truth):
        members.setdefault(assigned[article.id], []).append(label)
    return sum(max(labels.count(x) for x in labels) for labels in members.values()) / len(articles)


@needs_data(ECB)
def test_two_events_of_the_same_kind_are_told_apart():
    """Each ECB+ topic holds two real events of one kind (two rehab check-ins, two earthquakes):
    the stories found must not mix them."""
    articles, truth = inputs()
    assigned = StoryClusterer().assign({}, articles)
    assert purity(assigned, articles, truth) > 0.9
    assert len(set(truth)) <= len(set(assigned.values())) <= 2 * len(set(truth))


@needs_data(ECB)
def test_new_articles_join_existing_stories_without_reclustering():
    articles, truth = inputs(1)
    first, later = articles[:20], articles[20:]
    clusterer = StoryClusterer()
    existing = clusterer.assign({}, first)
    joined = clusterer.assign(existing, first + later)
    assert set(joined) == {a.id for a in later}  # the earlier assignments are left as they were
    assert set(joined.values()) & set(existing.values())  # some joined the stories already there
    assert purity(existing | joined, articles, truth) > 0.9


@needs_data(ECB)
def test_when_every_new_article_joins_an_existing_story_none_is_left_over():
    articles, _ = inputs(1)
    clusterer = StoryClusterer()
    existing = clusterer.assign({}, articles[:-1])
    joined = clusterer.assign(existing, articles[:-1] + [StoryInput("copy", None, articles[0].text)])
    assert joined == {"copy": existing[articles[0].id]}


@needs_data(ECB)
def test_story_id_is_its_earliest_article():
    articles, _ = inputs(1)
    assigned = StoryClusterer().assign({}, articles)
    assert assigned[articles[0].id] == articles[0].id


def test_time_window_keeps_months_apart_events_apart():
    now = datetime(2025, 2, 11)
    text = "Apple and Alibaba agreed an AI deal in Hangzhou, Apple said on Tuesday. Alibaba shares rose 3%."
    a = StoryInput("a", "Apple taps Alibaba", text, now)
    b = StoryInput("b", "Apple taps Alibaba", text, now + timedelta(days=90))
    assigned = StoryClusterer().assign({}, [a, b])
    assert assigned["a"] != assigned["b"]
    assert within_window(now, None) and not within_window(now, now + timedelta(days=15))


def test_terms_are_names_years_and_figures():
    terms = story_terms("Baidu falls", "Baidu fell 4.7% in 2025 while Tim Cook visited Beijing.")
    assert {"baidu", "tim cook", "tim", "cook", "beijing", "2025", "#4.7"} <= set(terms)
    assert "falls" not in terms and "fell" not in terms
    assert terms.count("baidu") == 4  # twice from the title, once from the lead, once from the text
    assert story_terms("Baidu falls", "Baidu fell.", lead_chars=0).count("baidu") == 3


def test_the_lead_counts_once_more_than_the_background():
    text = "Klitschko stopped Thompson in Bern. " + "Background filler words here. " * 20 + "Rahman lost in 2008."
    terms = story_terms(None, text, lead_chars=40)
    assert terms.count("thompson") == 2 and terms.count("rahman") == 1


def test_stated_dates_are_terms_and_clock_times_are_not_figures():
    terms = story_terms(None, "Updated: July 7, 2012, 10: 04 PM ET. Klitschko won on 7 July 2012 and on Jul. 8th, 2012.")
    # each statement once: the lead and the headline do not weigh a date again
    assert terms.count("@2012-07-07") == 2 and terms.count("@2012-07") == 3
    assert "@2012-07-08" in terms
    assert "#10" not in terms and "#04" not in terms  # the page's clock, not the event's figures
    assert stated_dates("In May 2013 and on 3 Mayo 2013 nothing is dated.") == []


@pytest.mark.parametrize(
    ("text", "credit", "origin"),
    [
        ("BEIJING (Reuters) - Apple is ...", None, ("Reuters", "dateline")),
        ("WASHINGTON (AP) — The Senate ...", None, ("AP", "dateline")),
        ("Story text.", "Reuters, with additional editing and inputs from Vishakha Saxena", ("Reuters", "credit line")),
        ("Apple (AAPL) - shares rose.", None, None),
    ],
)
def test_stated_origin(text, credit, origin):
    assert stated_origin(Article(id="x", source="s", text=text, credit=credit)) == origin


def test_family_origin_prefers_the_stated_wire_over_the_earliest_outlet():
    early = Article(id="e", source="s", text="Text.", outlet="Portal")
    wire = Article(id="w", source="s", text="Text.", outlet="Asia Financial", credit="Reuters, with additional editing")
    family = describe_family("e", [early, wire])
    assert (family.origin, family.origin_basis, family.outlets) == ("Reuters", "credit line", ["Portal", "Asia Financial"])
    assert describe_family("e", [early]).origin == "Portal"


@pytest.mark.parametrize("n", [1, 2, 3, 40, 300])
@pytest.mark.parametrize("cut", [0.3, 0.8, 0.95])
def test_average_link_clusters_are_scipys_flat_clusters(n, cut):
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(n)
    sims = rng.random((n, n)) * 1.3 - 0.1  # not symmetric, some below 0 and above 1
    sims[: n // 2, : n // 2] += 0.4  # a block of near rows, so that clusters form, with ties at distance 0
    whole = 1.0 - sims
    np.fill_diagonal(whole, 0.0)
    distances = squareform(np.clip((whole + whole.T) / 2, 0.0, None), checks=False)
    expected = fcluster(linkage(distances, "average"), t=cut, criterion="distance") if n > 1 else [1]
    labels = average_link_clusters(sims.copy(), cut)
    assert len(labels) == n
    assert _partition(labels) == _partition(expected)
    assert n == 1 or len(set(labels)) < n or cut < 0.5  # the test clusters something


def _partition(labels) -> set[frozenset[int]]:
    groups: dict = {}
    for row, label in enumerate(labels):
        groups.setdefault(label, set()).add(row)
    return {frozenset(g) for g in groups.values()}


def test_similarities_computed_in_blocks_equal_the_whole_product(monkeypatch):
    import pipeline.grouping.stories as stories

    articles = [StoryInput(f"a{i}", f"Acme Corp plant {i % 3} in Ohio", f"Acme Corp said {i % 5} workers in Ohio "
                           f"and Toledo were hurt in {2010 + i % 2}.") for i in range(9)]
    whole = StoryClusterer().batch_similarities(articles)
    monkeypatch.setattr(stories, "SIMILARITY_ROWS", 2)
    assert np.array_equal(StoryClusterer().batch_similarities(articles), whole)
