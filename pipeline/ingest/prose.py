"""Is there an article? The words and sentences of a cleaned text, and whether it holds prose.

A lead, a wire flash or a feed item of one sentence is an article; a menu, a list of links, a
cookie wall or an error page is not. Length cannot tell them apart (a cookie notice is longer
than many flashes); a sentence can: news states who did what in a sentence of several words,
while site furniture is capitalised labels and headlines, or a handful of stock phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.clean import TITLE_MAX_WORDS
from pipeline.models import Article
from pipeline.settings import LimitSettings
from pipeline.text.sentences import split_sentences

# Kana, CJK ideographs and Thai are written without spaces: each character counts as a word, as
# word processors count them, so that a sentence in Chinese is measured like one in English.
_NO_SPACES = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_NO_SPACES}]|[^\W{_NO_SPACES}]+(?:['’.-][^\W{_NO_SPACES}]+)*")
_CLOSING = "\"'”’»)]」』"
_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？")

# Sentences that come with the page, not the news: cookie and consent notices, browser warnings,
# error pages and paywalls. They never count as prose (the cleaner leaves them in an article's text).
_SITE_BOILERPLATE = re.compile(
    r"\b(we|this (web)?site|our (web)?site)s? uses? cookies\b|\bcookie (policy|settings|preferences)\b"
    r"|\b(accept|allow) (all )?cookies\b|\buse of cookies\b"
    r"|\benable javascript\b|\bjavascript (is )?(disabled|required|turned off)\b"
    r"|\b(update|upgrade) your browser\b|\bbrowser (is )?(not supported|out of date)\b"
    r"|\b(page|article|content)( you (are|were|'re) looking for| you requested)? (could not|cannot|can't|was not|"
    r"wasn't|is not|isn't|does not|doesn't|no longer) (be )?(found|exists?|available)\b"
    r"|\b(could not|couldn't|can't|cannot) find (that|this|the) page\b|\berror 404\b|\b404 not found\b"
    r"|\baccess (is )?denied\b|\b(disable|turn off) your ad ?blocker\b"
    r"|\b(subscribe|sign in|log in|register)\b[^.!?]{0,20}\bto (continue|read|keep reading|access|unlock)\b"
    r"|\balready an? (subscriber|member)\b|\bfree articles? (this month|remaining|left)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextLength:
    """What ingest records of an article's size."""

    words: int
    sentences: int


def measure(text: str) -> TextLength:
    return TextLength(len(_WORD.findall(text)), len(split_sentences(text)))


def full_sentences(text: str, min_words: int, enough: int | None = None) -> int:
    """Sentences of prose in ``text`` (see _is_full_sentence), counted up to ``enough`` when it
    is given: whether an article has its few full sentences is known from its first paragraphs,
    and the boilerplate test on every later sentence was a fifth of a JSONL text's extraction."""
    lone = len([p for p in text.split("\n\n") if p.strip()]) == 1
    found = 0
    for sentence in split_sentences(text):
        found += _is_full_sentence(sentence.text, min_words, lone)
        if found == enough:
            break
    return found


def _is_full_sentence(sentence: str, min_words: int, lone: bool) -> bool:
    """Enough words, not every one capitalised (as menus and link titles are), not boilerplate,
    and a sentence's ending; a paragraph that is the whole text, or longer than any headline, is
    prose without its full stop (a dek, a lead cut short)."""
    words = _WORD.findall(sentence)
    if len(words) < min_words or _capitalised(words) or _SITE_BOILERPLATE.search(sentence):
        return False
    return lone or len(words) > TITLE_MAX_WORDS or sentence.rstrip(_CLOSING).endswith(_SENTENCE_ENDS)


def _capitalised(words: list[str]) -> bool:
    """Every word that has a case starts with a capital (scripts without case never are)."""
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    return bool(cased) and not any(w[0].islower() for w in cased)


def no_article_reason(text: str, limits: LimitSettings) -> str | None:
    """Why ``text`` is not an article, in a line a person can act on; None when it is one."""
    needed = limits.min_full_sentences
    found = full_sentences(text, limits.min_sentence_words, enough=needed)
    if found >= needed:
        return None
    words = measure(text).words
    what = f"{words} words" if words else "no text"
    which = "no full sentence" if not found else f"{found} full sentences, fewer than {needed}"
    return (f"no article found: {what} after cleaning, {which} (a full sentence has {limits.min_sentence_words} or "
            "more words and ends with a full stop; cookie, error-page and paywall notices do not count; see "
            "NEWSBRIEF_LIMITS__MIN_SENTENCE_WORDS and NEWSBRIEF_LIMITS__MIN_FULL_SENTENCES)")


def article_length(article: Article) -> TextLength:
    """The length recorded at ingest; measured now for an article stored before lengths were."""
    if article.words is not None and article.sentences is not None:
        return TextLength(article.words, article.sentences)
    return measure(article.text)
