"""Evidence retrieval: sentences from other source families, with exact quotes."""

from __future__ import annotations

import pytest

from pipeline.index.embed import get_embedder
from pipeline.index.chroma import VectorIndex
from pipeline.text.lexical import BM25, number_agreement
from pipeline.grouping.lineage import describe_family
from pipeline.models import Article
from pipeline.index.retrieve import evidence_for, story_evidence
from pipeline.settings import Settings
from test_index import seed_articles

EMBEDDER = get_embedder()


@pytest.fixture(scope="module")
def seeds():
    return seed_articles()


@pytest.fixture(params=["with index", "without index"])
def index(request, seeds):
    if request.param == "without index":
        return None
    index = VectorIndex(Settings())
    index.add(seeds)
    return index


def test_evidence_comes_from_the_other_family_with_exact_quotes(seeds, index):
    own, other = seeds
    families = [describe_family(own.id, [own]), describe_family(other.id, [other])]
    claim = "Apple had initially chosen Baidu as its partner in China."
    found = story_evidence(claim, families, exclude_families={own.id}, embedder=EMBEDDER, index=index, k=3)
    assert found and {e.article_id for e in found} == {other.id}
    assert "initially selected Baidu as its main partner" in found[0].quote
    for evidence in found:
        assert other.text[evidence.start:evidence.end] == evidence.quote


def test_the_same_figure_outranks_a_neighbouring_one():
    article = Article(id="a", source="t", text=(
        "Baidu fell 4.5% in pre-market trading on Tuesday. By the close Baidu had sunk 4.7%. "
        "Alibaba rose 1.3% by the close."))
    [best, *_] = evidence_for("Baidu closed down 4.7%", [article], EMBEDDER)
    assert best.quote == "By the close Baidu had sunk 4.7%."


def test_no_candidates_no_evidence():
    assert evidence_for("anything", [], EMBEDDER) == []


def test_bm25_prefers_rare_shared_words():
    scores = BM25(["Apple and Alibaba agreed a deal", "Apple reported results", "The weather was fine"]).scores(
        "Alibaba deal")
    assert scores[0] > scores[1] == scores[2] == 0


def test_number_agreement():
    assert number_agreement("rose 2% to $1,200", "up 2% at 1200 dollars") == 1.0
    assert number_agreement("rose 2%", "rose 3%") == 0.0
    assert number_agreement("no figures here", "rose 3%") == 1.0
