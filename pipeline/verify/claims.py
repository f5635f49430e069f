"""Claims: the checkable statements of a text, each with its span.

Offline, a claim is a sentence, or one side of a sentence that joins two facts with "; " (both
sides long enough to stand alone). Not at ", while": "By the closing bell, Apple gained 2%,
while Alibaba rose 1.3%" would leave the second half without its time. Opinions, speculation,
questions and calls to action ("Join us as we dig through the numbers") are kept but marked not
check-worthy: they are reported, not verified as facts.

With an LLM (``extract_claims_llm``), the model picks the claims and their check-worthiness
through the claims.v1 prompt; each claim's span is still exact source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel

from pipeline.text import lexicon
from pipeline.text.sentences import split_sentences

MIN_PART_WORDS = 5
HEADING_MAX_WORDS = 10
_JOINS = re.compile(r";\s+")
# "may" only in lower case: "on May 3" is a day, not speculation.
_OPINION = re.compile(
    r"\b(?:believes?|thinks?|feels?|appears?|seems?|could|might|(?-i:may)|should|speculation|skepticism|"
    r"hopes?|expects?|likely|unlikely|perhaps|arguably|in (?:my|our) view|remains ambiguous)\b",
    re.IGNORECASE)
# A sentence that opens with an imperative addressed to the reader is the site talking, not news.
_CALL_TO_ACTION = re.compile(
    r"^\W*(?:join|subscribe|sign up|sign in|log in|register|click|tap|follow|read|watch|listen|download|"
    r"share|learn more|find out|don't miss|do not miss|stay tuned|get (?:the|our|your)|check out|see also)\b(?!-)",
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


# What a timestamp is written with besides its numbers ("on Tuesday, 16 December 2008 13:45",
# "Updated: Dec. 15, 2008 at 1:00pm CST", "Tue, 16 Dec 2008 13:45 GMT"): no verb, no pronoun.
_TIME_WORDS = frozenset(lexicon.WEEKDAYS + lexicon.MONTHS) | {"march", "may", "sept"} \
    | {word[:3] for word in lexicon.WEEKDAYS + lexicon.MONTHS} | {"tues", "thurs"} \
    | {"am", "pm", "a.m", "p.m", "gmt", "utc", "et", "est", "edt", "ct", "cst", "cdt", "pt", "pst", "pdt", "bst", "cet"} \
    | {"updated", "published", "posted", "on", "at", "of", "the", "in"}


def _only_a_time(sentence: str) -> bool:
    """Whether a sentence is a timestamp: its words a date's or a time's, its numbers no amount."""
    words = [w.lower().rstrip(".") for w in re.findall(r"[A-Za-z][A-Za-z.]*", sentence)]
    return bool(words) and "%" not in sentence and all(w in _TIME_WORDS for w in words)


def _claim(text: str, start: int, end: int, whole_line: bool) -> Claim:
    sentence = text[start:end]
    if sentence.rstrip().endswith("?"):
        return Claim(sentence, start, end, False, "a question")
    if _CALL_TO_ACTION.match(sentence):
        return Claim(sentence, start, end, False, "a call to action")
    if opinion := _OPINION.search(sentence):
        return Claim(sentence, start, end, False, f"opinion or speculation ({opinion.group(0).lower()})")
    if len(sentence.split()) < 4:
        return Claim(sentence, start, end, False, "too short to state a fact")
    if _only_a_time(sentence):
        return Claim(sentence, start, end, False, "a date or time alone (a timestamp)")
    unpunctuated = not sentence.rstrip("\"'”’)").endswith((".", "!"))
    if whole_line and unpunctuated and len(sentence.split()) <= HEADING_MAX_WORDS:
        return Claim(sentence, start, end, False, "a heading")
    return Claim(sentence, start, end, True)


# --- with an LLM ---------------------------------------------------------------------------------


class LLMClaim(BaseModel):
    quote: str = ""  # a truncated reply may lose it; an empty quote is reported as not found
    check_worthy: bool = True
    why_not: str | None = None


class LLMClaimList(BaseModel):
    what: ClassVar[str] = "a list of claims"

    claims: list[LLMClaim]


@dataclass
class ClaimExtraction:
    claims: list[Claim]
    engine: str  # "llm" (prompt claims.v1) or "offline"
    notes: list[str] = field(default_factory=list)  # quotes the text does not hold; why the LLM was not used


def claims_messages(text: str) -> list[tuple[str, str]]:
    import prompts
    from pipeline.llm import tagged

    user = prompts.render("claims.v1.user", article=tagged("article", text))
    return [("system", prompts.render("claims.v1.system")), ("user", user)]


def extract_claims_llm(text: str, chat_model, settings) -> ClaimExtraction:
    """The claims a chat model finds through the claims.v1 prompt, each located in ``text`` so
    that its span is exact source text; a quote the text does not hold is dropped and noted. With
    no usable reply, the offline extraction, noted."""
    from pipeline.llm import model_name, run_llm

    readable = text[:settings.llm.max_article_chars]
    run = run_llm(chat_model, claims_messages(readable), settings, LLMClaimList)
    if run.parsed is None:
        return ClaimExtraction(extract_claims(text), "offline", [
            f"the LLM ({model_name(chat_model)}) gave no usable claims: {run.error}; the offline extraction was used"])
    claims, notes = _located(readable, run.parsed.claims)
    if len(readable) < len(text):
        notes.append(f"the LLM read the first {len(readable)} of {len(text)} characters")
    return ClaimExtraction(claims, "llm", notes)


def _located(text: str, found: list[LLMClaim]) -> tuple[list[Claim], list[str]]:
    """Each quote's span in the text, looked for after the one before first (claims come in the
    text's order, and a sentence may be repeated); one claim a span."""
    from pipeline.llm import locate_quote

    claims: dict[tuple[int, int], Claim] = {}
    notes, position = [], 0
    for item in found:
        span = locate_quote(text, item.quote, position) or locate_quote(text, item.quote)
        if span is None:
            notes.append(f"quote not found in the text: {item.quote[:100]!r}")
            continue
        position = span[1]
        # verify() checks a claim exactly when why_not is None: keep the two in step
        why_not = None if item.check_worthy else (item.why_not or "not a checkable fact, the LLM says")
        claims.setdefault(span, Claim(text[span[0]:span[1]], *span, item.check_worthy, why_not))
    return sorted(claims.values(), key=lambda claim: claim.start), notes
