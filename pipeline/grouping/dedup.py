"""Deduplication and source lineage across outlets.

Two kinds of link make articles one *source family*:
- **duplicate**: the same story as a whole, with the edits syndication makes (another headline,
  boilerplate, paragraphs trimmed or reordered, a reworded paragraph, "with additional editing").
  Candidates come from MinHash LSH over word shingles and are confirmed with rapidfuzz,
  paragraph by paragraph. Each duplicate points at its group's earliest article, its *original*.
- **shared**: different articles that carry the same wire paragraphs, verbatim or nearly. The
  shared spans are recorded.

Only originals are indexed, so a wire story reprinted a thousand times is compared with one
article, not a thousand: the work grows with the number of distinct stories.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.grouping.fingerprints import (
    BandedLSH,
    Paragraph,
    minhash,
    paragraph_fingerprints,
    paragraphs,
    shingle_hashes,
    token_hashes,
    tokens,
)

DUPLICATE_COVERAGE = 0.6     # share of the shorter article's paragraphs found in the other
PARAGRAPH_MATCH = 85         # rapidfuzz ratio for "the same paragraph, lightly edited"
SHARED_PARAGRAPH_MATCH = 90  # stricter for wire copy inside otherwise different articles
# Stock phrasing ("did not immediately respond to a request for comment") is not a shared
# source: a paragraph found in more articles than this is ignored, and two articles must share
# at least this many words of wire copy to be linked.
MAX_ARTICLES_PER_PARAGRAPH = 4
SHARED_MIN_WORDS = 25
COVERAGE_MIN_WORDS = 5
# Copies are trimmed differently, so one indexed article per group misses some of them; a few
# per group catch them, and the bound keeps a wire story reprinted a thousand times cheap.
INDEXED_PER_GROUP = 3


@dataclass
class SharedSpan:
    """A paragraph of article ``a`` that stands, near-verbatim, in article ``b``."""

    a: str
    a_start: int
    a_end: int
    b: str
    b_start: int
    b_end: int
    score: float


@dataclass
class Decision:
    """What dedup found for one article."""

    article_id: str
    original_id: str
    shared: list[SharedSpan] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return self.original_id != self.article_id


class UnionFind:
    """Groups that remember their earliest member by ``order`` (ties broken by id)."""

    def __init__(self, order: dict[str, Any]) -> None:
        self.parent: dict[str, str] = {}
        self.first: dict[str, str] = {}
        self.order = order

    def find(self, x: str) -> str:
        if x not in self.parent:
            self.parent[x] = self.first[x] = x
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.first[ra] = min(self.first[ra], self.first[rb], key=self._when)

    def _when(self, member: str) -> tuple:
        """Time order, then id; an article of unknown time sorts last rather than failing."""
        return (self.order.get(member, (float("inf"), float("inf"))), member)

    def earliest(self, x: str) -> str:
        return self.first[self.find(x)]


@dataclass
class _Indexed:
    """What is kept of an original to compare newcomers with."""

    lines: list[str]
    paragraphs: list[Paragraph]


class Deduper:
    """Incremental: add articles one by one; each is compared with the originals so far."""

    def __init__(self) -> None:
        self.lsh = BandedLSH()
        self.indexed: dict[str, _Indexed] = {}
        self.paragraph_index: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self.order: dict[str, Any] = {}
        self.duplicates = UnionFind(self.order)
        self.families = UnionFind(self.order)
        self.indexed_count: dict[str, int] = defaultdict(int)  # by duplicate-group root

    def add(self, article_id: str, text: str, order_key: Any = 0) -> Decision:
        """Link one article to what came before. ``order_key`` sorts articles in time."""
        self.order[article_id] = order_key
        sketch = _sketch(text)
        lines = _coverage_lines(text)
        match = self._find_duplicate(sketch, lines)
        if match is not None:
            self.link(match, article_id, "duplicate")
            if self.indexed_count[self.duplicates.find(article_id)] < INDEXED_PER_GROUP:
                self._index(article_id, sketch, lines, [], [])
            return Decision(article_id, self.original_of(article_id))
        pars = paragraphs(text)
        fingerprints = paragraph_fingerprints([p.text for p in pars])
        shared = self._find_shared(article_id, pars, fingerprints)
        for span in shared:
            self.link(span.b, article_id, "shared")
        self._index(article_id, sketch, lines, pars, fingerprints)
        return Decision(article_id, article_id, shared)

    def restore(self, article_id: str, text: str, original_id: str, family_id: str, order_key: Any = 0) -> None:
        """Bring back an article grouped in an earlier run, trusting its stored links."""
        self.order[article_id] = order_key
        self.link(original_id, article_id, "duplicate")
        self.link(family_id, article_id, "shared")
        root = self.duplicates.find(article_id)
        if original_id == article_id or self.indexed_count[root] < INDEXED_PER_GROUP:
            pars = paragraphs(text) if original_id == article_id else []
            self._index(article_id, _sketch(text), _coverage_lines(text), pars,
                        paragraph_fingerprints([p.text for p in pars]))

    def link(self, a: str, b: str, kind: str) -> None:
        """Record a link; also how stored links are restored without re-checking them."""
        self.families.union(a, b)
        if kind == "duplicate":
            self.duplicates.union(a, b)

    def original_of(self, article_id: str) -> str:
        return self.duplicates.earliest(article_id)

    def family_of(self, article_id: str) -> str:
        """A stable family id: the family's earliest article."""
        return self.families.earliest(article_id)

    def _find_duplicate(self, sketch, lines: list[str]) -> str | None:
        """The candidate covering the most lines; ties go to the earliest (sets have no order)."""
        scored = [(line_coverage(lines, self.indexed[c].lines), c) for c in self.lsh.query(sketch)]
        passing = [(coverage, c) for coverage, c in scored if coverage >= DUPLICATE_COVERAGE]
        if not passing:
            return None
        return min(passing, key=lambda pc: (-pc[0], self.order[pc[1]], pc[1]))[1]

    def _find_shared(self, article_id: str, pars: list[Paragraph], fingerprints: list[set[int]]) -> list[SharedSpan]:
        from rapidfuzz import fuzz

        by_article: dict[str, list[SharedSpan]] = defaultdict(list)
        for mine, prints in zip(pars, fingerprints):
            candidates = {hit for fp in prints for hit in self.paragraph_index.get(fp, ())}
            if len({other_id for other_id, _ in candidates}) > MAX_ARTICLES_PER_PARAGRAPH:
                continue
            for other_id, other_index in sorted(candidates):
                theirs = self.indexed[other_id].paragraphs[other_index]
                score = fuzz.ratio(mine.text, theirs.text)
                if score >= SHARED_PARAGRAPH_MATCH:
                    by_article[other_id].append(
                        SharedSpan(article_id, mine.start, mine.end, other_id, theirs.start, theirs.end, round(score, 1)))
        return [span for spans in by_article.values() if _shared_words(spans, pars) >= SHARED_MIN_WORDS for span in spans]

    def _index(self, article_id: str, sketch, lines: list[str], pars: list[Paragraph],
               fingerprints: list[set[int]]) -> None:
        self.lsh.insert(article_id, sketch)
        self.indexed[article_id] = _Indexed(lines, pars)
        self.indexed_count[self.duplicates.find(article_id)] += 1
        for index, prints in enumerate(fingerprints):
            for fp in prints:
                self.paragraph_index[fp].append((article_id, index))


def _shared_words(spans: list[SharedSpan], pars: list[Paragraph]) -> int:
    starts = {span.a_start for span in spans}
    return sum(len(p.text.split()) for p in pars if p.start in starts)


def _sketch(text: str):
    return minhash(shingle_hashes(token_hashes(tokens(text))))


def _coverage_lines(text: str) -> list[str]:
    """Lines long enough to count when comparing two whole articles, normalised for case."""
    return [line.casefold() for line in text.splitlines() if len(line.split()) >= COVERAGE_MIN_WORDS]


def line_coverage(a: list[str], b: list[str]) -> float:
    """Share of the shorter list's lines that have a near-verbatim match in the other."""
    from rapidfuzz import fuzz, process

    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if not shorter:
        return 0.0
    found = sum(
        process.extractOne(line, longer, scorer=fuzz.ratio, score_cutoff=PARAGRAPH_MATCH) is not None
        for line in shorter
    )
    return found / len(shorter)
