"""Lexical matching: BM25 over small sets of passages, and the figures two texts share.

Embeddings blur names and numbers ("rose 2%" sits near "rose 4%"); these do not.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_TOKEN = re.compile(r"\w+(?:[.,]\d+)*%?")
# Not the 2 of Q2 or of SARS-CoV-2 (labels, not figures, as figures._in_a_word reads them too); a
# time is one number ("5:30", not 5 and 30).
_NUMBER = re.compile(r"(?<![A-Za-z\d:])(?<![A-Za-z]-)\d+(?:[.,]\d+)*(?::\d+)?")
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being it its this that
    these those he she they we you i his her their our your has have had do does did not no so than then
    there here which who whom what when where why how also after before over under into about up down out
    said says will would could should may might can because however while although though since until
    unless whether both each other such very just only even still yet into onto upon""".split()
)


def terms(text: str) -> list[str]:
    return [t for t in (m.group(0).lower() for m in _TOKEN.finditer(text)) if t not in STOPWORDS]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


class BM25:
    """Okapi BM25 (k1 1.5, b 0.75) over a list of passages."""

    def __init__(self, passages: list[str], k1: float = 1.5, b: float = 0.75):
        self.docs = [Counter(terms(p)) for p in passages]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = (sum(self.lengths) / len(self.docs)) if self.docs else 0.0
        df = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.k1, self.b = k1, b

    def scores(self, query: str) -> list[float]:
        wanted = set(terms(query))
        return [self._score(doc, length, wanted) for doc, length in zip(self.docs, self.lengths)]

    def _score(self, doc: Counter, length: int, wanted: set[str]) -> float:
        norm = self.k1 * (1 - self.b + self.b * length / (self.average or 1))
        return sum(self.idf[t] * doc[t] * (self.k1 + 1) / (doc[t] + norm) for t in wanted if t in doc)


def number_agreement(query: str, passage: str) -> float:
    """Share of the query's figures that the passage also states (1.0 when it has none)."""
    wanted = numbers(query)
    return len(wanted & numbers(passage)) / len(wanted) if wanted else 1.0
