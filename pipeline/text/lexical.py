"""Lexical matching: BM25 over small sets of passages, and the figures two texts share.

Embeddings blur names and numbers ("rose 2%" sits near "rose 4%"); these do not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

_TOKEN = re.compile(r"\w+(?:[.,]\d+)*%?")
# Not the 2 of Q2 or of SARS-CoV-2 (labels, not figures, as figures._in_a_word reads them too); a
# time is one number ("5:30", not 5 and 30); so is "20 000", thousands set apart by spaces as much
# of Europe writes them.
# (a plain space only before "000": "On June 30 150 workers" is a day and a count)
_SPACED = r"\d{1,3}(?:[\u00a0\u202f]\d{3}| 000)+(?!\d|[.,]\d)"
WRITTEN_NUMBER = rf"(?:{_SPACED}|\d+(?:[.,]\d+)*)"  # plain() reads it
# A decimal after a word's hyphen is a value ("magnitude-8.0"), and no number starts within one
# ("8.0" holds no "0").
_NUMBER = re.compile(rf"(?<![A-Za-z\d:])(?<!\d\.)(?:(?<![A-Za-z]-)|(?=\d+\.\d))(?:{WRITTEN_NUMBER}(?::\d+)?)")
# The words that scale an amount: "$1.2 billion" is "$1,200 million" (not "m", often metres)
# India's lakh (100,000) and crore (10 million): "Rs 500 crore" is Rs 5 billion, "1.2 lakh crore" 1.2e12
SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12,
          "lakh": 1e5, "crore": 1e7}
SCALE_WORDS = frozenset(SCALES)
# "a $2-billion deal", "the 1.2-million-year-old star": a scale word joined by a hyphen is the
# amount's own (only a word: "a 20-m yacht" is metres)
SCALE_HYPHEN = rf"-(?=(?:{'|'.join(SCALES)})\b)"
# "12k people" (only joined: "a 5 k" is no amount)
_SCALE_AFTER = re.compile(rf"(?:\s|{SCALE_HYPHEN})?((?:{'|'.join(SCALES)})\b(?:\scrore\b)?)|(k)\b", re.IGNORECASE)
# Points of a rate, in basis points: "0.25 percentage points" is "25 basis points"
_POINTS_AFTER = re.compile(r"\s?(?:(percentage)\s+points?|basis\s+points?|bps?)\b", re.IGNORECASE)
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being it its this that
    these those he she they we you i his her their our your has have had do does did not no so than then
    there here which who whom what when where why how also after before over under into about up down out
    said says will would could should may might can because however while although though since until
    unless whether both each other such very just only even still yet into onto upon""".split()
)


def terms(text: str) -> list[str]:
    return [t for t in (m.group(0).lower() for m in _TOKEN.finditer(text)) if t not in STOPWORDS]


def numbers(text: str, as_in: str | None = None) -> set[str]:
    """The numbers a text writes, without separators ("20,000" is "20000"). With ``as_in``, a
    number that writes the amount a number of that text writes otherwise is written as it is
    there: beside "$1.2 billion", "$1,200 million" gives "1.2", and "4,500,000" beside "4.5 million"
    gives "4.5"."""
    found = {plain(n) for n in _NUMBER.findall(text)}
    if as_in is None:
        return found
    other, mine = amounts_of(as_in), amounts_of(text)
    spelt = {amount: number for number, written in other.items() for amount in written}
    return {n if n in other else next((spelt[a] for a in sorted(mine.get(n, ()))
                                       if a in spelt and _scaled(n, mine) | _scaled(spelt[a], other)), n)
            for n in found}


def _scaled(number: str, amounts: dict[str, frozenset[tuple]]) -> bool:
    """Whether a scale word follows the number somewhere ("1.2 billion"): only then is another
    spelling the same amount ("5.0" and "5" stay two numbers, as they were)."""
    return any(value != float(number) for _, value in amounts[number])


def same_amounts(claim: str, text: str) -> bool:
    """Whether the text writes every amount that the claim writes with a scale word, however it
    scales it: "$1,200 million" writes "$1.2 billion"."""
    written, claimed = set().union(*amounts_of(text).values()), amounts_of(claim)
    return all(amount in written for number, amounts in claimed.items() if _scaled(number, claimed) for amount in amounts)


def unspaced(text: str) -> str:
    """The text with each number's spaces taken out, for what reads it word by word: "20 000
    people" is "20000 people"."""
    return re.sub(rf"(?<![\d.,]){_SPACED}", lambda match: plain(match.group(0)), text)


def plain(number: str) -> str:
    """A number as numbers() writes it: "20,000" and "20 000" are "20000"."""
    return re.sub(r"[,\s]", "", number)


def scale_of(words: str, scales: dict[str, float] = SCALES) -> float:
    """What scale words multiply by, each word's in turn: "million", "lakh crore"."""
    return math.prod(scales[word] for word in words.lower().split())


@lru_cache(maxsize=1 << 12)
def amounts_of(text: str) -> dict[str, frozenset[tuple]]:
    """Each number of numbers() with the amounts the text writes with it, each with its currency
    sign ("$1.2 billion": ("$", 1.2e9)): "$1.5 billion" is not "1,500 million downloads"."""
    found: dict[str, set[tuple]] = {}
    for match in _NUMBER.finditer(text):
        number = plain(match.group(0))
        if ":" in number or number.count(".") > 1:  # a time, or a date such as "08.07.2012"
            continue
        scale, points = _SCALE_AFTER.match(text, match.end()), _POINTS_AFTER.match(text, match.end())
        value = float(number) * (scale_of(scale.group(1) or "thousand") if scale else 1)
        sign = text[match.start() - 1] if match.start() and text[match.start() - 1] in "$€£" else ""
        if points:  # a unit of its own, as a currency is
            value, sign = value * (100 if points.group(1) else 1), "points"
        found.setdefault(number, set()).add((sign, value))
    return {number: frozenset(amounts) for number, amounts in found.items()}


class BM25:
    """Okapi BM25 (k1 1.5, b 0.75) over a list of passages."""

    def __init__(self, passages: list[str], k1: float = 1.5, b: float = 0.75):
        self.docs = [_term_counts(p) for p in passages]
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


@lru_cache(maxsize=1 << 14)  # a story's sentences are indexed again for each of its claims
def _term_counts(passage: str) -> Counter:
    return Counter(terms(passage))


def number_agreement(query: str, passage: str) -> float:
    """Share of the query's figures that the passage also states (1.0 when it has none)."""
    wanted = numbers(query)
    return len(wanted & numbers(passage)) / len(wanted) if wanted else 1.0
