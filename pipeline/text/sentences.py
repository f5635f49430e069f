"""Sentence spans over canonical text: ``text[start:end]`` is the sentence, always.

A regex splitter, not a model: sentence ends are a full stop, ! or ? (with any closing quote or
bracket) before a space and a capital, a digit or an opening quote, unless the word before is a
known abbreviation or an initial. A line break always ends a sentence.

Every stage asks for the sentences of the same article texts (claims, figures, retrieval, the
verifier, the extractive engine), so they are split once per text and shared: the result is an
immutable tuple, cached by the text itself. Keyed by text, not kept on the Article, because
stages pass altered copies of an article (without_instructions), which must not inherit its
sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen gov sen rep col lt sgt capt cmdr adm pres rev hon
    inc ltd co corp plc bros llc no nos vs etc approx dept est fig vol jan feb mar apr jun jul aug
    sep sept oct nov dec mon tue wed thu fri sat sun e.g i.e a.m p.m u.s u.k u.n u.s.a""".split()
)
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_LAST_WORD = re.compile(r"([\w.]+)$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


SENTENCE_CACHE_TEXTS = 1024  # a story's articles and the claims checked against them, with room


@lru_cache(maxsize=SENTENCE_CACHE_TEXTS)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text``, split once per text (later calls share the same tuple)."""
    return tuple(_split(text))


def sentences_within(text: str, start: int, end: int) -> tuple[Sentence, ...]:
    """The sentences of ``text`` that lie inside ``text[start:end]`` (a chunk is whole sentences)."""
    sentences = split_sentences(text)
    first = bisect_left(sentences, start, key=lambda s: s.start)
    last = bisect_left(sentences, end + 1, key=lambda s: s.end)
    return sentences[first:last]


def sentence_after(text: str, end: int) -> Sentence | None:
    """The first sentence of ``text`` that starts at or after ``end``."""
    sentences = split_sentences(text)
    following = bisect_left(sentences, end, key=lambda s: s.start)
    return sentences[following] if following < len(sentences) else None


def _split(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        cursor = line.start()
        for match in _END.finditer(text, line.start(), line.end()):
            if _is_abbreviation(text[cursor : match.start() + 1]):
                continue
            _add(sentences, text, cursor, match.end())
            cursor = match.end()
        _add(sentences, text, cursor, line.end())
    return sentences


def _is_abbreviation(before: str) -> bool:
    """'Mr.', 'U.S.', 'Inc.' or an initial ('J.') do not end a sentence."""
    word = _LAST_WORD.search(before)
    if not word:
        return False
    token = word.group(1).rstrip(".").lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))
