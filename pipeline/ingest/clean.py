"""Cleaning: turn a page or pasted text into canonical article text.

HTML goes through trafilatura; pasted text and trafilatura's output then go through the same
paragraph-level cleaner, which removes what trafilatura leaves and what copy-paste brings:
ad markers, site chrome, "Also read" lists, share and subscribe prompts, author bios,
obfuscated e-mails, photo captions, and sentences run together when the page was copied.

The result's ``text`` is canonical: paragraphs joined by a blank line, whitespace folded.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# --- line patterns -------------------------------------------------------------------------

# A whole paragraph that is site chrome or an ad marker.
_CHROME = re.compile(
    r"^(advertisements?|advert|ad|sponsored( content)?|type to search|search|menu|fbpx|"
    r"skip to (main )?content|loading\W*|sorry!?|thank you!?|thanks for signing up!?|"
    r"print( article| this)?|order reprints|share( this( article| story)?| on \w+)?|"
    r"(story|article) continues below( advertisement)?|advertisement\W+story continues below|"
    r"(read|see|show|load) more|view comments|comments?|trending( now)?|most (read|popular)|"
    r"recommended( for you)?|you may also like\W*|don'?t miss\W*|related( (articles|stories|coverage))?\W*|"
    r"updated|listen to this article|continue reading\W*)$",
    re.IGNORECASE,
)

# Share, subscribe and housekeeping prompts; only short paragraphs are tested.
_PROMPT = re.compile(
    r"^(sign up|subscribe|follow us|join (us|our)|download (our|the) app|get (our|the latest)|register now|"
    r"click here|share this article)\b"
    r"|\b(our newsletter|(on|in) your inbox|error processing your subscription|an error has occurred|"
    r"this article has been sent to|all rights reserved|for your personal, non-commercial use|"
    r"presentation-ready copies)\b"
    r"|^copyright\s*(©|\(c\)|\d{4})|©\s*\d{4}",
    re.IGNORECASE,
)
PROMPT_MAX_WORDS = 20

# Headers of related-link lists. Inline ("Also on AF: <headline>") or alone, followed by titles.
_LINK_LIST = re.compile(
    r"^(also read|read also|also see|see also|also on [^:]{1,30}|read more|more from [^:]{1,30}|"
    r"related|see more|more on this( story)?|recommended|you may also like|don'?t miss|"
    r"most read|trending)\s*(?::|\.\.\.|…|-)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)

_BARE_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)

# "... Shanghai, China. Photo: Reuters" and friends.
_CAPTION = re.compile(
    r"(^|[.)]\s+|\()(Photo|PHOTO|Image|Picture|Photograph|File photo|Credit|Illustration)s?"
    r"( by| credit)?\s*[:©]\s*(\S+\s*){1,5}\)?\.?$"
)

# Wire credit lines: "• Reuters, with additional editing and inputs from ..." and
# "(Reporting by ...; Editing by ...)".
_CREDIT = re.compile(
    r"^[\s•·*\-–—]*(?P<credit>\(?(?:(?:Additional r|R)eporting|Writing|Editing|Compiled) by [A-Z].{1,200}"
    r"|[A-Z][\w&.' ]{1,40}, with (?:additional )?(?:editing|reporting|inputs).{0,200})$"
)
CREDIT_MAX_WORDS = 30

_OBFUSCATED_EMAIL = re.compile(
    r"\[email(?:\s|&#160;|\xa0)?protected\]|\b\w+\s?[\[(]at[\])]\s?\w+\s?[\[(]dot[\])]\s?\w+",
    re.IGNORECASE,
)
_PLAIN_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")

# "Vishakha Saxena is the Multimedia Editor at ..." near the end of an article.
_BIO_START = re.compile(
    r"^(?P<name>[A-Z][a-z'’.-]+(?: [A-Z][a-z'’.-]+){1,2}) (is|covers|writes|reports) (a|an|the|for|on)\b"
)
_BIO_ROLE = re.compile(
    r"\b(editor|reporter|journalist|correspondent|writer|columnist|contributor|producer)\b", re.IGNORECASE
)
BIO_TAIL_PARAGRAPHS = 3  # a bio closes the article
BIO_ROLE_WITHIN_WORDS = 15
_WRITE_TO = re.compile(r"^(write to|contact|e-?mail) .{1,80}\b(at|:)\s*\S+@\S+$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?i:by) (?P<name>[A-Z][a-z'’.-]+(?: [A-Z][a-z'’.-]+){1,3})(, [^.]*)?$")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# A word with a lower-to-upper case change inside: the only candidates for a repair.
_CAMEL_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Z][a-z][A-Za-z'’]*")

# Capitalised words that start sentences far more often than they end a compound name.
# Used to split "usersThis" and "ChinaThe" without splitting "DeepSeek" or "TikTok".
_SENTENCE_STARTERS = frozenset(
    """The This That These Those It Its By As But And However Meanwhile Yet Still
    Ultimately According He She They We While When After Before For With Last Just Initially
    Analysts Despite Although Though Also There Their If Since Conversely Moreover Furthermore
    Instead Now Then Earlier Later Some Many Most Other Others Such Both Each""".split()
)

TITLE_MAX_WORDS = 20
TITLE_FROM_TEXT_WORDS = 12  # a title taken from the first sentence is cut here, as headlines are short

# The words of a line that only dates the page: 'Friday, November 11, 2011', 'Updated: May 2, 2013
# 12: 50 PM', '9: 53 AM, MON 22 JUL 2013', 'Published time: March 12, 2013 02: 03'.
_MONTHS = frozenset("""jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
    july august september october november december""".split())
_DATE_WORDS = _MONTHS | frozenset("""mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday
    friday saturday sunday st nd rd th am pm a p m hrs gmt utc bst cet cest edt est cdt cst mdt mst pdt pst et pt ist
    uk published updated posted edited last article on at time""".split())
DATELINE_MAX_WORDS = 12

# Names with a case change inside that both halves of could also stand alone.
_KNOWN_CAMEL_CASE = frozenset(
    """LinkedIn JetBlue FedEx BlackRock YouGov YouTube PayPal WhatsApp SoftBank JPMorgan PlayStation
    MasterCard SpaceX GlaxoSmithKline BlackBerry DreamWorks HarperCollins PricewaterhouseCoopers
    SolarWinds CrowdStrike DoorDash GoPro WeChat WeWork AstraZeneca ExxonMobil BioNTech HuffPost
    StubHub SoundCloud TripAdvisor PepsiCo MacBook AirPods PowerPoint OnePlus easyJet iHeartMedia""".split()
)


@dataclass
class Cleaned:
    """What cleaning found: the canonical text and the metadata it could read off the text."""

    text: str
    title: str | None = None
    author: str | None = None
    credit: str | None = None
    removed: list[str] = field(default_factory=list)


# --- helpers -----------------------------------------------------------------------------


def normalize_whitespace(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", line).strip()


def _is_title_like(par: str) -> bool:
    """A headline: short, and not ending like a sentence (a closing quote hides the full stop)."""
    words = par.split()
    ending = par.rstrip().rstrip("\"'”’»)")
    return 0 < len(words) <= TITLE_MAX_WORDS and not ending.endswith((".", ":", ";", ",", "!"))


def is_dateline(par: str) -> bool:
    """A line that only says when: numbers, with a month or a year, and date and time words alone."""
    words = re.findall(r"[a-z]+|\d+", par.lower())
    if not words or len(words) > DATELINE_MAX_WORDS or not all(w.isdigit() or w in _DATE_WORDS for w in words):
        return False
    return any(w in _MONTHS or len(w) == 4 for w in words) or bool(re.search(r"\d+\s*[/.-]\s*\d+\s*[/.-]\s*\d+", par))


def _take_headline(pars: list[str]) -> tuple[str | None, list[str]]:
    """The headline and the rest: the first paragraph, or the one after a leading dateline, when
    it reads as a headline. A dateline is never the headline; it stays in the text."""
    at = 1 if len(pars) > 1 and is_dateline(pars[0]) else 0
    if at < len(pars) and _is_title_like(pars[at]) and not is_dateline(pars[at]):
        return pars[at], pars[:at] + pars[at + 1 :]
    return None, pars


def title_from_text(pars: list[str]) -> str | None:
    """A title for a text with no headline: its first sentence (not a dateline), cut to a dozen words."""
    from pipeline.text.sentences import split_sentences

    body = next((p for p in pars if not is_dateline(p)), None)
    sentences = split_sentences(body) if body else ()
    if not sentences:
        return None
    words = sentences[0].text.split()
    return " ".join(words) if len(words) <= TITLE_FROM_TEXT_WORDS else " ".join(words[:TITLE_FROM_TEXT_WORDS]) + "…"


def _same_text(a: str, b: str) -> bool:
    fold = lambda s: re.sub(r"\W+", " ", s).casefold().strip()  # noqa: E731
    return fold(a) == fold(b)


# --- run-together sentences ------------------------------------------------------------------


def repair_run_together(par: str, vocabulary: Counter[str]) -> str:
    """Split 'usersThis announcement' into 'users. This announcement'.

    Copying a page often drops the break between two blocks. A lower-to-upper case change inside
    a word is a join when the right-hand word usually starts sentences, when the word starts in
    lower case (not 'iPhone', 'eBay'), or when both halves stand alone elsewhere in the article.
    """

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        # Handles (@realDonaldTrump) and words that recur (names do, accidental joins don't).
        if match.start() > 0 and par[match.start() - 1] in "@#" or vocabulary.get(token, 0) > 1:
            return token
        return _split_token(token, vocabulary)

    return _CAMEL_WORD.sub(fix, par)


def _split_token(token: str, vocabulary: Counter[str]) -> str:
    if token in _KNOWN_CAMEL_CASE:
        return token
    for i in range(1, len(token) - 1):
        if not (token[i - 1].islower() and token[i].isupper() and token[i + 1].islower()):
            continue
        left, rest = token[:i], token[i:]
        right_word = re.match(r"[A-Z][a-z'’]*", rest).group(0)
        last_left_word = re.findall(r"[A-Z]?[a-z'’]+$", left)[-1]
        if (
            right_word in _SENTENCE_STARTERS
            or (left[0].islower() and len(left) >= 3)
            or (last_left_word in vocabulary and right_word in vocabulary)
        ):
            return f"{left}. {_split_token(rest, vocabulary)}"
    return token


# --- the paragraph cleaner -------------------------------------------------------------------


class _ParagraphCleaner:
    """One pass over a document's paragraphs; remembers what it removed and found."""

    def __init__(self, paragraphs: list[str]):
        self.pars = [p for p in (normalize_whitespace(p) for p in paragraphs) if p]
        self.removed: list[str] = []
        self.author: str | None = None
        self.credit: str | None = None

    def drop(self, index: int, why: str) -> None:
        self.removed.append(f"{why}: {self.pars[index][:80]}")
        self.pars[index] = ""

    def compact(self) -> None:
        self.pars = [p for p in self.pars if p]

    def run(self) -> list[str]:
        self._drop_bios()
        self.compact()
        self._drop_link_lists()
        self.compact()
        self._drop_lines()
        self.compact()
        self._drop_emails()
        self._drop_repeats()
        self.compact()
        return self.pars

    def _drop_bios(self) -> None:
        start = max(1, len(self.pars) - BIO_TAIL_PARAGRAPHS)
        for i in range(start, len(self.pars)):
            par = self.pars[i]
            bio = _BIO_START.match(par)
            opening = " ".join(par.split()[:BIO_ROLE_WITHIN_WORDS])
            if not bio or not _BIO_ROLE.search(opening):
                continue
            name = bio.group("name")
            self.author = self.author or name
            self.drop(i, "author bio")
            if i > 0 and self.pars[i - 1] == name:
                self.drop(i - 1, "author bio")

    def _drop_link_lists(self) -> None:
        i = 0
        while i < len(self.pars):
            header = _LINK_LIST.match(self.pars[i])
            if not header:
                i += 1
                continue
            self.drop(i, "link list")
            i += 1
            if header.group("rest"):
                continue  # an inline "Also on AF: <headline>"
            while i < len(self.pars) and _is_title_like(self.pars[i].lstrip("-•* ")):
                self.drop(i, "link list")
                i += 1

    def _drop_lines(self) -> None:
        for i, par in enumerate(self.pars):
            if _CHROME.match(par):
                self.drop(i, "chrome")
            elif _BARE_URL.match(par):
                self.drop(i, "bare url")
            elif _WRITE_TO.match(par):
                self.drop(i, "contact line")
            elif len(par.split()) <= PROMPT_MAX_WORDS and _PROMPT.search(par):
                self.drop(i, "prompt")
            elif len(par.split()) <= CREDIT_MAX_WORDS and (credit := _CREDIT.match(par)):
                self.credit = self.credit or credit.group("credit").strip("() ")
                self.drop(i, "credit")
            elif len(par.split()) <= 60 and _CAPTION.search(par):
                self.drop(i, "caption")
            elif (byline := _BYLINE.match(par)) and len(par.split()) <= 8:
                self.author = self.author or byline.group("name")
                self.drop(i, "byline")

    def _drop_emails(self) -> None:
        for i, par in enumerate(self.pars):
            if not _OBFUSCATED_EMAIL.search(par):
                continue
            kept = [s for s in _SENTENCE_END.split(par) if not _OBFUSCATED_EMAIL.search(s)]
            self.removed.append(f"e-mail: {par[:80]}")
            self.pars[i] = " ".join(kept)

    def _drop_repeats(self) -> None:
        """Consecutive repeats, and alt text that repeats the caption after it."""
        for i in range(1, len(self.pars)):
            prev, par = self.pars[i - 1], self.pars[i]
            if prev and (prev == par or (len(prev.split()) >= 5 and par.startswith(prev))):
                self.drop(i - 1 if prev != par else i, "repeat")


def _vocabulary(paragraphs: list[str]) -> Counter[str]:
    return Counter(w for p in paragraphs for w in _WORD.findall(p))


def clean_paragraphs(paragraphs: list[str], *, title: str | None = None, take_title: bool = False) -> Cleaned:
    """Clean a list of paragraphs. With ``take_title`` and no ``title`` given, a leading headline
    becomes the title; a title given separately (page metadata, a feed entry, JSONL, a sidecar)
    leaves every paragraph in the text, so a lone lead without a full stop is not lost as a
    headline. With neither, the title is taken from the text (never from a dateline)."""
    cleaner = _ParagraphCleaner(paragraphs)
    pars = cleaner.run()
    title = None if title and is_dateline(title) else title
    if take_title and title is None:
        title, pars = _take_headline(pars)
    elif pars and title and _same_text(pars[0], title):
        pars = pars[1:]  # the body repeats the headline
    if any(_CAMEL_WORD.search(p) for p in pars):
        vocabulary = _vocabulary(pars)
        pars = [repair_run_together(p, vocabulary) for p in pars]
    return Cleaned(
        text="\n\n".join(pars),
        title=title or title_from_text(pars),
        author=cleaner.author,
        credit=cleaner.credit,
        removed=cleaner.removed,
    )


def clean_text(raw: str, title: str | None = None) -> Cleaned:
    """Clean text pasted from a web page: one paragraph per line, headline first unless the
    ``title`` came separately."""
    return clean_paragraphs(raw.splitlines(), title=title, take_title=True)
