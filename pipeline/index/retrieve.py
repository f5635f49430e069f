"""Evidence retrieval: the sentences of *other* source families that bear on a statement.

Candidates come from two directions: the vector index (chunks near the statement, cut into
their sentences) and BM25 over every sentence of the candidate articles. Each candidate is then
scored on three things, because embeddings blur exactly what a fact check turns on:
the meaning (embedding cosine), the words (BM25, normalised) and the figures it shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.text.lexical import BM25, number_agreement
from pipeline.models import Article
from pipeline.text.sentences import sentences_within, split_sentences

WEIGHTS = {"vector": 0.5, "lexical": 0.35, "figures": 0.15}
VECTOR_CANDIDATES = 20
LEXICAL_CANDIDATES = 20


@dataclass
class Evidence:
    """A sentence of an article: ``article.text[start:end] == quote``."""

    article_id: str
    outlet: str | None
    start: int
    end: int
    quote: str
    score: float
    vector: float
    lexical: float
    figures: float


@dataclass
class _Candidate:
    article: Article
    start: int
    end: int
    quote: str


def evidence_for(text: str, articles: list[Article], embedder, index=None, k: int = 5) -> list[Evidence]:
    """The k sentences of ``articles`` that best support or contradict ``text``.

    ``articles`` are the candidates already: the story's articles outside the excluded source
    families (see ``story_evidence``). With an ``index``, its vector search proposes
    candidates too; without one, every sentence is scored by embedding.
    """
    candidates = _lexical_candidates(text, articles)
    if index is not None:
        candidates |= _vector_candidates(text, articles, index)
    else:
        candidates |= {(a.id, s.start, s.end): _Candidate(a, s.start, s.end, s.text)
                       for a in articles for s in split_sentences(a.text)}
    return _rank(text, list(candidates.values()), embedder)[:k]


def story_evidence(text: str, families, exclude_families: set[str], embedder, index=None, k: int = 5) -> list[Evidence]:
    """``evidence_for`` over a story's source families, leaving out ``exclude_families``
    (the claim's own family: a reprint cannot confirm its original)."""
    articles = [a for family in families if family.id not in exclude_families for a in family.articles]
    return evidence_for(text, articles, embedder, index, k)


def _lexical_candidates(text: str, articles: list[Article]) -> dict:
    sentences = [(a, s) for a in articles for s in split_sentences(a.text)]
    if not sentences:
        return {}
    scores = BM25([s.text for _, s in sentences]).scores(text)
    best = np.argsort(scores)[::-1][:LEXICAL_CANDIDATES]
    return {(sentences[i][0].id, sentences[i][1].start, sentences[i][1].end):
            _Candidate(sentences[i][0], sentences[i][1].start, sentences[i][1].end, sentences[i][1].text)
            for i in best if scores[i] > 0}


def _vector_candidates(text: str, articles: list[Article], index) -> dict:
    by_id = {a.id: a for a in articles}
    found = {}
    for hit in index.search(text, VECTOR_CANDIDATES, articles):
        article = by_id[hit.article_id]
        for sentence in sentences_within(article.text, hit.start, hit.end):
            found[(article.id, sentence.start, sentence.end)] = _Candidate(article, sentence.start, sentence.end,
                                                                           sentence.text)
    return found


def fuse(text: str, passages: list[str], cosine) -> list[tuple[float, float, float, float]]:
    """(score, vector, lexical, figures) per passage: the one scoring of evidence, used by the
    retrieval eval too, so that it measures what the product does."""
    lexical = np.array(BM25(passages).scores(text))
    lexical = lexical / lexical.max() if lexical.max() > 0 else lexical
    fused = []
    for passage, vector_score, lexical_score in zip(passages, cosine, lexical):
        figures = number_agreement(text, passage)
        score = WEIGHTS["vector"] * vector_score + WEIGHTS["lexical"] * lexical_score + WEIGHTS["figures"] * figures
        fused.append((float(score), float(vector_score), float(lexical_score), figures))
    return fused


def _rank(text: str, candidates: list[_Candidate], embedder) -> list[Evidence]:
    if not candidates:
        return []
    vectors = embedder.embed([text] + [c.quote for c in candidates])
    scored = fuse(text, [c.quote for c in candidates], vectors[1:] @ vectors[0])
    ranked = [Evidence(c.article.id, c.article.outlet, c.start, c.end, c.quote, round(score, 4), round(vector, 4),
                       round(lexical, 4), round(figures, 4))
              for c, (score, vector, lexical, figures) in zip(candidates, scored)]
    return sorted(ranked, key=lambda e: (-e.score, e.article_id, e.start))
