"""Sentence spans over canonical text: ``text[start:end]`` is the sentence, always.

A regex splitter, not a model: sentence ends are a full stop, ! or ? (with any closing quote or
bracket) before a space and a capital, a digit or an opening quote, unless the word before is a
known abbreviation or an initial. A line break always ends a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def split_sentences(text: str) -> list[Sentence]:
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
