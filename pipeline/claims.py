"""Claims: the checkable statements of a text, each with its span.

Offline, a claim is a sentence, or one side of a sentence that joins two facts with "; " (both
sides long enough to stand alone). Not at ", while": "By the closing bell, Apple gained 2%,
while Alibaba rose 1.3%" would leave the second half without its time. Opinions, speculation and questions are kept
but marked not check-worthy: they are reported, not verified as facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.sentences import split_sentences

MIN_PART_WORDS = 5
HEADING_MAX_WORDS = 10
_JOINS = re.compile(r";\s+")
_OPINION = re.compile(
    r"\b(?:believes?|thinks?|feels?|appears?|seems?|could|might|may|should|speculation|skepticism|"
    r"hopes?|expects?|likely|unlikely|perhaps|arguably|in (?:my|our) view|remains ambiguous)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    text: str
    start: int
    end: int
    check_worthy: bool
    why_not: str | None = None


def extract_claims(text: str) -> list[Claim]:
    claims = []
    for sentence in split_sentences(text):
        parts = _parts(text, sentence.start, sentence.end)
        for start, end in parts:
            claims.append(_claim(text, start, end, whole_line=len(parts) == 1))
    return claims


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split at the joins only when every part keeps enough words to be a statement."""
    cuts = [start] + [start + m.end() for m in _JOINS.finditer(text[start:end])] + [end]
    parts = [(a, b) for a, b in zip(cuts, cuts[1:])]
    if len(parts) > 1 and all(len(text[a:b].split()) >= MIN_PART_WORDS for a, b in parts):
        return [_trim(text, a, b) for a, b in parts]
    return [(start, end)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ;,":
        end -= 1
    return start, end


def _claim(text: str, start: int, end: int, whole_line: bool) -> Claim:
    sentence = text[start:end]
    if sentence.rstrip().endswith("?"):
        return Claim(sentence, start, end, False, "a question")
    if opinion := _OPINION.search(sentence):
        return Claim(sentence, start, end, False, f"opinion or speculation ({opinion.group(0).lower()})")
    if len(sentence.split()) < 4:
        return Claim(sentence, start, end, False, "too short to state a fact")
    unpunctuated = not sentence.rstrip("\"'”’)").endswith((".", "!"))
    if whole_line and unpunctuated and len(sentence.split()) <= HEADING_MAX_WORDS:
        return Claim(sentence, start, end, False, "a heading")
    return Claim(sentence, start, end, True)
