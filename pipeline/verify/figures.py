"""Figures: the numbers a story turns on, with what they belong to and on what basis.

"By the closing bell, Apple had gained more than 2%, while Alibaba's shares rose by 1.3%, with
Baidu sinking 4.7%" is three figures for three entities, all at the close. A sentence is cut
into clauses (", while", ", with", ";"); in each, a figure takes the nearest direction word, an
approximator just before it, and a basis from its clause or, failing that, its sentence. "During the
same period" takes the basis of the figure before it. Its entity comes from a parse of its sentence
(``pipeline.text.syntax``): the subject or possessor its statement names, or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.text import lexicon, syntax
from pipeline.text.lexical import SCALES as WORD_SCALES
from pipeline.text.lexical import SCALE_HYPHEN, STOPWORDS, WRITTEN_NUMBER, plain, scale_of
from pipeline.text.lexicon import key
from pipeline.text.sentences import split_sentences

# "$200MM": a trader's million; "1.2 lakh crore", "20 thousand crore": India's scales, one on another
_SCALE = r"(?:(?:lakh|thousand)\s+crore|trillion|tn|billion|bn|million|mn|mm|m|thousand|k|lakh|crore)\b"
_FIGURE = re.compile(
    rf"(?P<currency>(?<![A-Za-z])(?:HK|NZ|NT|C|A|S)\$|US\$|\$|€|£|¥|₹\s?|(?<![A-Za-z])(?:Rs\.?|INR)\s?|RMB\s?|CNY\s?|USD\s?"
    rf"|EUR\s?|euro\s?)?"
    rf"(?P<number>{WRITTEN_NUMBER})"
    rf"(?:\s|{SCALE_HYPHEN})?"
    rf"(?:(?P<percent>%|percent\b|per cent\b)|(?P<points>percentage points?\b|pp\b|basis points?\b|bps\b)"
    rf"|(?P<metres>metres\b|meters\b)|(?P<scale>{_SCALE}))?"
    # "2.1 billion euros", "54 million dollars"; pounds only of millions ("60 million pounds"), a
    # weight as often as money otherwise ("lost 20 pounds", "60 million pounds of beef")
    r"(?P<currency_after>\s?(?:euros?|dollars?|yen|yuan)\b|(?<=illion)\s(?:pounds?|sterling)\b(?!\s+of\b))?",
    re.IGNORECASE,
)
# A quake's strength, however written: "a 5.6 magnitude earthquake", "magnitude-5.2", "a magnitude
# of 6.1", "6. 1 - magnitude" (ECB+'s tokens split a decimal: "6. 1" is 6.1).
_MAGNITUDE = re.compile(r"(?P<number>\d\.\s?\d)(?=\s?-?\s?(?:magnitude|strength)\b)"
                        r"|(?<=magnitude)(?:-|\sof\s|\s)(?P<after>\d\.\s?\d)\b", re.IGNORECASE)
# the words' scales, and a figure's shorter ones ("$5m", "$200MM", "3tn", "40k")
SCALES = WORD_SCALES | {"tn": 1e12, "mm": 1e6, "m": 1e6, "k": 1e3}
CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "hk$": "HKD", "nz$": "NZD", "nt$": "TWD", "c$": "CAD",
              "a$": "AUD", "s$": "SGD", "€": "EUR", "eur": "EUR", "euro": "EUR", "£": "GBP", "¥": "CNY",
              "rmb": "CNY", "cny": "CNY", "₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR"}
CURRENCY_WORDS = {"euro": "EUR", "dollar": "USD", "yen": "JPY", "yuan": "CNY", "pound": "GBP",
                  "sterling": "GBP"}  # written after the amount
RELATIVE_UNITS = ("%", "pp", "bp")  # a share of something, not an amount of it
BASIS_POINTS = 100  # in a percentage point

_WORD = re.compile(r"[A-Za-z]+")
_UP_TO = re.compile(r"up\s+to\b", re.IGNORECASE)  # "up to 5%" is an approximator, not a rise: see _APPROXIMATOR
# What a count counts: a plural noun right after the number, not a span of time ("35 years" says
# when, and is read as a basis) nor a word of a figure ("2 points", "3 million").
_TIME = r"(?:second|minute|hour|day|week|month|quarter|year|decade|century|centurie)s"
_THINGS = r"[a-z][a-z-]*s|people|men|women|children|staff"
_NOT_THINGS = r"times|thirds|fifths|quarters|halves"  # "three times higher", "two thirds of voters"
_COUNTED = re.compile(rf"\s(?!(?:{_TIME}|{_NOT_THINGS})\b)({_THINGS})\b")
# Words that count people, whoever they are: a count of them is a count of people
PEOPLE = frozenset("people persons residents villagers locals inhabitants civilians citizens individuals".split())
YEAR = syntax.YEAR  # "in 2024 sales rose": a year, not 2,024 sales
NUMBER_WORDS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven twelve thirteen "
                                            "fourteen fifteen sixteen seventeen eighteen nineteen".split(), 2)}
TENS = {w: n for n, w in zip(range(20, 100, 10), "twenty thirty forty fifty sixty seventy eighty ninety".split())}
UNITS_AFTER_TENS = {w: n for n, w in enumerate("one two three four five six seven eight nine".split(), 1)}
# "four people", "Twenty-six people" (not the "six" of it), "thirty one homes"
_NUMBER_IN_WORDS = (rf"(?:{'|'.join(TENS)})(?:[-\s](?:{'|'.join(UNITS_AFTER_TENS)}))?|{'|'.join(NUMBER_WORDS)}")
_COUNT_IN_WORDS = re.compile(rf"(?<![\w-])({_NUMBER_IN_WORDS})(?=\s(?!(?:{_TIME}|{_NOT_THINGS})\b)(?:{_THINGS})\b)",
                             re.I)
_COUNT_OF = re.compile(rf"(?:(?<![\w.,])\d[\d,]*|(?<![\w-])(?:{_NUMBER_IN_WORDS}))\s({_THINGS})\b", re.I)
# Before a number in words, what makes it no count of its own: a window ("their last five games"),
# a share or a whole ("four of five people"), a larger number ("one hundred and twenty people")
_NO_COUNT_BEFORE = re.compile(r"\b(?:last|first|next|past|previous|final|opening|recent|remaining|of|"
                              r"hundred|thousand|million|billion)(?:\s+and)?\s+$", re.I)
_NUMBER_WORD = re.compile(_NUMBER_IN_WORDS, re.I)
# What befalls a count told by the verb before it ("killing 31 people", "injuring about 650"): the
# verbs whose past is the stem and "ed", so that the table can say "people killed"
_DONE_TO = re.compile(r"\b(kill|injur|wound|evacuat|displac|rescu|arrest|strand|hospitalis|hospitaliz|infect|"
                      r"sicken|affect)ing\s+(?:(?:about|around|nearly|almost|some|over|more than|at least)\s+)?$",
                      re.I)
_POINTING = re.compile(r"\b(?:the|these|those|both|all|its|their|his|her|our|your)\s+$", re.I)  # "the two companies"
_AUXILIARIES = re.compile(r"(?:\s+(?:were|was|are|is|have|has|had|been|being))*\s+([a-z]+)\b")
ORDINALS = {w: n for n, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)}
_SUPERLATIVE = r"(?:largest|biggest|smallest|highest|lowest|richest|most[-\s][a-z]+|best-selling)"
_RANK = re.compile(  # "third-largest chipmaker", "2nd-largest bank", "No. 2 carmaker"; not "first time"
    rf"(?<![\w-])(?:(?P<ordinal>{'|'.join(ORDINALS)}|\d+(?:st|nd|rd|th))[-\s](?P<superlative>{_SUPERLATIVE})"
    rf"|(?P<number>No\.\s?\d+|number\s\d+))\s(?P<what>[a-z][a-z-]+)", re.I)
_PART_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+)?\d[\d,]*(?=\s)", re.IGNORECASE)
_OF_A_WHOLE = re.compile(r"\d\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+)?$", re.IGNORECASE)
_APPROXIMATOR = re.compile(
    r"\b(more than|over|nearly|almost|about|around|roughly|approximately|at least|up to|"
    r"less than|under|some)\s+$",
    re.IGNORECASE)
# A money figure for each period is a rate, another unit than a total: "$184 million or $23 million per
# season", "$2 billion a year".
_PER_PERIOD = re.compile(r"\s*(?:per|a|an|each)\s+(year|season|month|week|day|game|quarter)\b"
                         r"(?!\s+(?:earlier|ago|before|later)\b)|\s*(annually)\b", re.IGNORECASE)  # not "a year earlier"
# A value compared with: "rose to $5.2 billion from $4.1 billion a year earlier", "1,200 cars, up
# from 900", "32 million people, compared with 55.3 million a decade ago", "from last year's $2.40".
# It is the earlier value, not the one the clause reports: no move of its own, and no conflict with
# a figure that is not one (figure_check).
# Only determiners, periods and approximators may come between: "revenue from services was $2
# million" names a source, not a value compared with.
_BASE_BEFORE = re.compile(r"\b(?:from|compared\s+(?:with|to)|versus|vs\.?)\s+(?P<between>(?:(?:the|a|an|its|our|their|"
                          r"this|last|prior|previous|year-ago|year's|quarter's|period's|(?:19|20)\d\d's|about|around|"
                          r"nearly|roughly|approximately|some|just|only|over|under|more than|less than)\s+){0,4})"
                          r"(?:[$€£]|US\$)?$", re.IGNORECASE)
_BASE_TO = re.compile(r"\s+to\s+(?:[$€£]|US\$)?\d")  # "from 65 to 125 seats": the first is the base

# "ended the session 2% higher": the close, of the figure after it only ("rose as much as 8% before
# ending the session 2% higher": the 8% is no close)
_SESSION_END = re.compile(r"\b(?:end|finish)(?:ed|ing|e?s)?\s+(?:the\s+)?(?:trading\s+)?(?:session|trading day)\b", re.I)
_BASES = [
    (re.compile(r"\bpre-?market\b|\bbefore the (?:opening )?bell\b", re.I), "pre-market"),
    (re.compile(r"\bafter-?hours\b|\bafter the bell\b", re.I), "after-hours"),
    (re.compile(r"\bintraday\b|\bearlier in the session\b", re.I), "intraday"),
    (re.compile(r"\b(?:at|by) the clos(?:e|ing bell)\b|\bclos(?:ed|ing)\b|"
                r"\bat the end of (?:the\s+)?(?:session|trading(?: day)?)\b", re.I), "close"),
    (_SESSION_END, "close"),
    (re.compile(r"\bquarter ending [A-Z]?\w+(?: \w+)?\b", re.I), None),
    (re.compile(r"\bfiscal (?:year )?\d{4}\b|\bFY\s?\d{2,4}\b", re.I), None),
    (re.compile(r"\b(?:Q[1-4]|(?:first|second|third|fourth) quarter)(?: of)?(?: \d{4})?\b", re.I), None),
    (re.compile(r"\b(?:last|this|next) (?:year|quarter|month|week)\b", re.I), None),
]
BASIS_AFTER_CHARS = 60
# A bare "closed" is the close of trading only where a market is spoken of: "the bridge was
# closed" is not; "at the close", "the closing bell" and "closed down 4.7%" always are.
_SURE_CLOSE = re.compile(r"\b(?:at|by) the clos(?:e|ing bell)\b|\bclosing bell\b|"
                         r"\bclosed (?:up|down|higher|lower|at|flat)\b", re.IGNORECASE)
_MARKET = re.compile(r"\b(?:shares?|stocks?|trad(?:ing|ed|ers?)|markets?|index|Nasdaq|Dow|S&P|FTSE|Nikkei|KOSPI|"
                     r"Hang Seng|exchange|session|investors?|equities)\b", re.IGNORECASE)
_SAME_PERIOD = re.compile(r"\b(?:during|in|over) the same (?:period|time|session)\b", re.I)
_CLAUSES = re.compile(r",\s+(?=(?:while|with|whereas|but)\b)|;\s+")
_NOT_ENTITIES = frozenset(
    """The A An In On At By As But And Or However He She They We It I This That These Those His Her Their Its
    For With From After Before When While If According Also Last Just Initially Ultimately Analysts Yet
    Conversely Though Although During Meanwhile Improvements Shares Stocks Revenue Sales Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
    October November December Q1 Q2 Q3 Q4 CEO One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve
    About Around Nearly Almost Some Over More Roughly Approximately Up Less Under""".split()
)
_ALWAYS_NAMED = frozenset({"price per share", "premium"})
_METRICS = [
    # What a deal is worth, what is offered for each share, and the premium are not share moves
    # Earnings per share is a result, not a price: "EPS of $1.20", "$0.45 per diluted share"
    (re.compile(r"\bEPS\b|\bearnings per (?:diluted |basic )?share\b|\bper (?:diluted|basic) share\b", re.I), "eps"),
    (re.compile(r"(?<!earnings )(?<!diluted )(?<!basic )\b(?:a|per) share\b|\bfor each (?:[A-Z][\w&.-]* )?share\b", re.I),
     "price per share"),
    (re.compile(r"\bpremium\b", re.I), "premium"),
    # A contract, an offer or a bid is what a deal is worth: "an eight-year, $200 million offer"
    (re.compile(r"\b(?:deal|acquisition|takeover|merger|buyout|valued at|valuing|offers?|contracts?|bids?|buys?|bought|acquires?|acquired)\b",
                re.I), "deal value"),
    # an election's shares are no share price: "28.4% of the vote", "Reform's share of the vote"
    (re.compile(r"\b(?:share of (?:the )?votes?|vote share|of (?:the )?(?:votes?|ballots)(?: cast)?)\b", re.I), "vote share"),
    (re.compile(r"\bturnout\b", re.I), "turnout"),
    (re.compile(r"\bshares?\b|\bstocks?\b|\bshare price\b", re.I), "share price"),
    (re.compile(r"\bmarket share\b", re.I), "market share"),
    (re.compile(r"\bof (?:its |total )?sales\b", re.I), "share of sales"),
    (re.compile(r"\brevenues?\b|\bturnover\b", re.I), "revenue"),
    (re.compile(r"\bsales\b", re.I), "sales"),
    (re.compile(r"\bprofits?\b|\bearnings\b|\bnet income\b", re.I), "profit"),
    (re.compile(r"\bshipments?\b", re.I), "shipments"),
    (re.compile(r"\bdividends?\b", re.I), "dividend"),
    (re.compile(r"\bmargins?\b", re.I), "margin"),
]


@dataclass(frozen=True)
class Figure:
    """One figure in canonical text; ``text[start:end] == quote`` (the number as written)."""

    entity: str | None
    metric: str | None
    value: float
    unit: str
    direction: str | None
    approximator: str | None
    basis: str | None
    start: int
    end: int
    quote: str
    sentence: str
    predicate: str | None = None  # the verb of its statement, as a key ("evacuat"), from the parse
    compared_with: bool = False  # the earlier value a change is measured from: "up from 900"


def extract_figures(text: str, owners: bool = True) -> list[Figure]:
    """The figures of a text; with ``owners``, each with its entity and predicate from the parse
    (without, the values alone, at no parse's cost)."""
    figures: list[Figure] = []
    sentences = split_sentences(text)
    for sentence in sentences:
        for figure in _sentence_figures(text, sentence.start, sentence.end):
            figures.append(_with_context(figure, figures))
    return _with_owners(figures, sentences) if figures and owners else figures


@lru_cache(maxsize=1 << 12)
def figures_in(text: str, owners: bool = True) -> tuple:
    """extract_figures, once per text: every claim of a story is checked against the same articles,
    and align reads the values of the same windows again."""
    return tuple(extract_figures(text, owners))


OPENING_SENTENCES = 2  # they name what a text is about ("Welcome to Dolby's second-quarter call")


def _with_owners(figures: list[Figure], sentences) -> list[Figure]:
    """Each figure with the entity its statement names (``syntax.owners``): one figure for each
    when it names several ("Apple and Alibaba were up more than 1%")."""
    parsed = [s for i, s in enumerate(sentences) if i < OPENING_SENTENCES or any(s.start <= f.start < s.end for f in figures)]
    statements = [syntax.statement(s.text) for s in parsed]
    context = syntax.text_context([doc for doc, _ in statements])
    owned = []
    for figure in figures:
        at = next(i for i, s in enumerate(parsed) if s.start <= figure.start < s.end)
        doc, skip = statements[at]
        start, end = figure.start - parsed[at].start - skip, figure.end - parsed[at].start - skip
        gapped = _GAPPED.search(doc.text[:start])
        if gapped and gapped.group(1).split()[-1] in _NOT_ENTITIES:  # "On Saturday and Sunday 300 flights"
            gapped = None
        names = [gapped.group(1)] if gapped else syntax.owners(doc, start, end, context, rank=figure.unit == "rank")
        verb = syntax.predicate(doc, start, end)
        figure = replace(figure, predicate=key(verb) if verb else None)
        owned.extend(replace(figure, entity=name) for name in dict.fromkeys(names or [None]))
    return owned


# A list of results leaves out the verb after the first: "Centre won 11 seats, the Social
# Democrats 9.0 per cent and Isamaa 7": the name right before the figure is its owner.
# Another count of the name's may come between: "the Social Democrats ten (9.0 per cent)", "the
# Centre Party 11 seats with 10.2 percent".
_GAPPED = re.compile(rf"(?:,|\band)\s+(?:the\s+)?((?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*)"
                     rf"(?:\s+(?:\d[\d,.]*|{_NUMBER_IN_WORDS})(?:\s+[a-z]+)?)?\s*(?:(?:on|with)\s+|\()?"
                     r"(?:about\s+|nearly\s+|around\s+)?[$€£]?$")


def clause_around(figure: Figure) -> tuple[str, str]:
    """The figure's clause, before and after the figure: what the figure is a value of."""
    at = figure.sentence.find(figure.quote)
    if at < 0:
        return figure.sentence, ""
    starts = [0] + [m.end() for m in _CLAUSES.finditer(figure.sentence) if m.end() <= at]
    ends = [m.start() for m in _CLAUSES.finditer(figure.sentence) if m.start() >= at + len(figure.quote)]
    return figure.sentence[starts[-1]:at], figure.sentence[at + len(figure.quote):(ends or [None])[0]]


def _with_context(figure: Figure, before: list[Figure]) -> Figure:
    """'During the same period' and a missing metric come from the figure before, if it is
    of the same unit and close by."""
    previous = next((f for f in reversed(before) if f.unit == figure.unit), None)
    if previous is None or figure.start - previous.end > 600:
        return replace(figure, basis=None) if figure.basis == "same period" else figure
    # The metric too; but a price per share and a premium are named by every figure of them (not
    # "savings of $150 million" because an offer of "$31.50 a share" came a paragraph before).
    if figure.metric is None and (previous.sentence == figure.sentence or previous.metric not in _ALWAYS_NAMED):
        figure = replace(figure, metric=previous.metric)
    if figure.basis == "same period":
        figure = replace(figure, basis=previous.basis)
    return figure


def _sentence_figures(text: str, start: int, end: int) -> list[Figure]:
    sentence = text[start:end]
    sentence_basis = _basis(sentence)
    found = []
    cursor = 0
    for clause in _CLAUSES.split(sentence):
        offset = sentence.index(clause, cursor)
        cursor = offset + len(clause)
        found.extend(_clause_figures(text, start + offset, clause, sentence, sentence_basis))
    return found


def _clause_figures(text: str, offset: int, clause: str, sentence: str, sentence_basis: str | None) -> list[Figure]:
    figures = []
    quantities = _quantities(clause)
    for number, (start, end, value, unit, named_metric) in enumerate(quantities):
        before = clause[:start]
        approximator = _APPROXIMATOR.search(before)
        # What comes after the next figure is that figure's: "$31.50 a share, a premium of 27%
        # to the closing price" gives the premium a basis, not the offer; nor are the words that
        # introduce a value compared with ("up 40.6% from last year's $2.40") the figure's own.
        own = clause[: _start_of(clause, quantities[number + 1][0])] if number + 1 < len(quantities) else clause
        basis = _basis_near(own, start, end) or (
            sentence_basis if own is clause else _basis(sentence[: sentence.find(clause) + len(own)]))
        if basis == "close" and not (_SURE_CLOSE.search(sentence) or _MARKET.search(sentence)):
            basis = None
        sentence_before = sentence[: sentence.find(clause) + start] if clause in sentence else before
        metric = named_metric or _metric_near(sentence_before, clause[end:])
        figure = Figure(
            entity=None, metric=metric, value=value, unit=unit, direction=_direction_of(unit, clause, start, end),
            approximator=approximator.group(1).lower() if approximator else None,
            basis=basis, start=offset + start, end=offset + end, quote=text[offset + start: offset + end],
            sentence=sentence,
        )
        figures.append(_as_compared_with(figure, clause, (start, end), figures))
    return figures


_OR_ALSO = re.compile(r",?\s+or\s+(?:[$€£]|US\$)?$")  # "compared to $88.5 million, or $0.86 a share"


def _as_compared_with(figure: Figure, clause: str, span: tuple[int, int], figures: list[Figure]) -> Figure:
    """The figure as a value compared with, when its words make it one: no move of its own, and
    the metric of the figure it pairs with (the first compared with pairs with the first figure of
    its unit: "net income of $76.2 million, or $0.73 a share, compared to $88.5 million, or $0.86")."""
    end, before = span[1], clause[: span[0]]
    heads = [f for f in figures if f.unit == figure.unit and not f.compared_with]
    if not ((_BASE_BEFORE.search(before) and (heads or _BASE_TO.match(clause, end)))
            or (figures and figures[-1].compared_with and _OR_ALSO.search(before))):
        return figure
    paired = heads[sum(f.compared_with and f.unit == figure.unit for f in figures):][:1]
    named_after = _metric_near("", clause[end:])
    metric = named_after or (paired[0].metric if paired and figure.unit != "count" else figure.metric)
    return replace(figure, metric=metric, direction=None, compared_with=True)


def _start_of(clause: str, start: int) -> int:
    """Where the words of the figure at ``start`` begin: at "from" of "from last year's $2.40"."""
    base = _BASE_BEFORE.search(clause[:start])
    return base.start() if base else start


def _quantities(clause: str) -> list[tuple[int, int, float, str, str | None]]:
    """(start, end, value, unit, metric) of each figure in a clause: money, percentages and
    points; counts of things ("200 engineers", "four people"); ranks ("third-largest chipmaker")."""
    found, magnitudes = [], _magnitudes(clause)
    for match in _FIGURE.finditer(clause):
        scale = match.group("scale") or _range_scale(clause, match)
        if match.group("number").count(".") > 1:
            continue  # a date or a version ("08.07.2012", "3.1.4"), no quantity
        value = float(plain(match.group("number"))) * (scale_of(scale, SCALES) if scale else 1)
        if any(start <= match.start() < end for start, end, *_ in magnitudes):
            continue  # the "6" of "6. 1 - magnitude"
        if unit := _unit(match) or _range_unit(clause, match, found):
            end = match.start() + len(match.group(0).rstrip())  # not the space after "$31.50 a share"
            per = _PER_PERIOD.match(clause, end)
            if per and unit not in RELATIVE_UNITS:
                unit = f"{unit} per {(per.group(1) or 'year').lower()}"
            if unit == "pp":  # a percentage point is 100 basis points: "0.25 percentage points" is 25 bp
                value, unit = value * BASIS_POINTS, "bp"
            found.append((match.start(), end, value, unit, "level" if unit == "m" else None))
        elif _OF_A_WHOLE.search(clause[: match.start()]):
            continue  # "34 of the 101 seats": the whole the count before it is a part of
        elif count := _count(clause, match.start(), match.end("scale") if match.group("scale") else match.end("number"),
                             match.group("number")):
            found.append((match.start(), count[0], value, "count", count[1]))
        elif base := _bare_base(clause, match, found):
            found.append((match.start(), match.start() + len(match.group(0).rstrip()), value, *base))
    for match in _COUNT_IN_WORDS.finditer(clause):
        if not _POINTING.search(clause[: match.start()]) and (count := _count(clause, match.start(), match.end(), "")):
            found.append((match.start(), count[0], float(value_in_words(match.group(1))), "count", count[1]))
    return sorted(found + magnitudes + _ranks(clause))


def counts_in_digits(text: str, other: str) -> str:
    """The text with each count it writes in words written in digits where the other text counts
    the same things, for what compares numbers: "Twenty-six people were killed" against "killing
    31 people" or "leaving thirty-one people dead". Beside a "5-2", "ruling five votes to two"
    stays as it is. Not a count: what points back at things named before ("the two companies"),
    a window ("their last five games" is not "61 points from 27 games"), a share or a whole ("four
    of five people"), a part of a larger number ("one hundred and twenty people")."""
    if not _COUNT_IN_WORDS.search(text):  # most sentences: checked for every pair a verdict weighs
        return text
    counted = _counted_nouns(other)

    def in_digits(match: re.Match) -> str:
        noun, before = _COUNTED.match(text, match.end()), text[: match.start()]
        if not noun or noun.group(1).lower() not in counted or _POINTING.search(before) \
                or _NO_COUNT_BEFORE.search(before):
            return match.group(0)
        return str(value_in_words(match.group(1)))

    return _COUNT_IN_WORDS.sub(in_digits, text) if counted else text


@lru_cache(maxsize=1 << 12)
def _counted_nouns(text: str) -> frozenset[str]:
    """What the text counts, in digits or in words (not the "as" of "31 as of noon")."""
    return frozenset(noun.lower() for noun in _COUNT_OF.findall(text)) - STOPWORDS


@lru_cache(maxsize=1 << 12)
def numbers_in_words(text: str) -> frozenset[str]:
    """The numbers of the counts a text writes in words, as numbers() writes numbers: "Four
    players were sent off" says 4."""
    return frozenset(str(value_in_words(match.group(1))) for match in _COUNT_IN_WORDS.finditer(text))


def number_in_words(word: str) -> int | None:
    """The number a word writes ("Twelve", "twenty-six"), or None."""
    return value_in_words(word) if _NUMBER_WORD.fullmatch(word) else None


def value_in_words(words: str) -> int:
    """"six" is 6, "Twenty-six" and "twenty six" 26."""
    tens, _, units = words.lower().replace("-", " ").partition(" ")
    return TENS[tens] + UNITS_AFTER_TENS.get(units, 0) if tens in TENS else NUMBER_WORDS[tens]


def _bare_base(clause: str, match: re.Match, found: list) -> tuple[str, str | None] | None:
    """(unit, metric) of a value compared with that leaves out what it counts, those of the figure
    it is compared with: "32 million people, compared with 55.3 million", "1,200 cars, up from
    900". Not a year ("up from 2019") or a time ("from 10 a.m.")."""
    if not found or found[-1][3] == "rank" or not _BASE_BEFORE.search(clause[: match.start()]) \
            or _BASE_TO.match(clause, match.end("number")) \
            or (not match.group("scale") and YEAR.fullmatch(match.group("number"))) \
            or re.match(r"\s*(?:[ap]\.?m\b|:\d)", clause[match.end():], re.IGNORECASE):
        return None
    return found[-1][3], found[-1][4]


def _magnitudes(clause: str) -> list[tuple[int, int, float, str, str | None]]:
    found = []
    for match in _MAGNITUDE.finditer(clause):
        group = "number" if match.group("number") else "after"
        found.append((match.start(group), match.end(group), float(match.group(group).replace(" ", "")),
                      "magnitude", "level"))
    return found


RANGE_JOINT = r"\s?(?:-|–|to)\s?"  # between a range's two ends: "$140-150 million", "$140 to $150 million"
_RANGE_END = re.compile(rf"{RANGE_JOINT}(?:US\$|\$|€|£)?{WRITTEN_NUMBER}\s?(?P<scale>{_SCALE})", re.IGNORECASE)
# "between $140 and $150 million": "and" joins a range's ends only after "between"
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_BETWEEN_END = re.compile(rf"\s*and\s+(?:US\$|\$|€|£)?{WRITTEN_NUMBER}\s?(?P<scale>{_SCALE})", re.IGNORECASE)


def _range_scale(clause: str, match: re.Match) -> str | None:
    """The scale the end of a range gives its start: "$140-150 million" is $140 million to $150 million,
    and so is "between $140 and $150 million"."""
    if match.group("percent") or match.group("points"):
        return None
    end = _RANGE_END.match(clause, match.end())
    if end is None and _BETWEEN.search(clause, 0, match.start()):
        end = _BETWEEN_END.match(clause, match.end())
    return end.group("scale") if end else None


def _range_unit(clause: str, match: re.Match, found: list) -> str | None:
    """The currency the start of a range gives its end: "$140-150 million"."""
    if not found or found[-1][3] in ("count", "rank", *RELATIVE_UNITS):
        return None
    between = clause[found[-1][1]:match.start()]
    return found[-1][3] if re.fullmatch(RANGE_JOINT, between) else None


def _count(clause: str, start: int, end: int, digits: str) -> tuple[int, str] | None:
    """(end, metric) of a count: what is counted, and what befell it when the clause says so
    ("3 people were hurt": "people hurt", not to be compared with "2 people were killed"). Not a
    year, nor a number inside a name ("Q3 earnings", "S&P 500 futures", "Boeing 737 planes")."""
    part = _PART_OF.match(clause, end)  # "34 of the 101 seats" counts seats
    counted = _COUNTED.match(clause, part.end() if part else end)
    if not counted or counted.group(1).lower() in STOPWORDS or YEAR.fullmatch(digits) \
            or (digits and (_in_a_word(clause, start) or _after_a_name(clause, start))):
        return None
    befell = _AUXILIARIES.match(clause, counted.end())
    what = counted.group(1).lower()
    what = "people" if what in PEOPLE else what  # "45 residents" counts the people "45 people" does
    if befell and befell.group(1) not in STOPWORDS and befell.group(1).endswith(("ed", "en", "t", "d")):
        what = f"{what} {befell.group(1).lower()}"  # as written, for the figures table: "homes evacuated"
    elif done := _DONE_TO.search(clause[:start]):
        what = f"{what} {done.group(1).lower()}ed"  # "killing 31 people": "people killed"
    return counted.end(), what


def _after_a_name(clause: str, at: int) -> bool:
    """Whether the word before ``at`` is a name ("S&P", "Boeing"), not "About" or "The"."""
    before = clause[:at].split()[-1:]
    return bool(before) and (before[0][:1].isupper() and before[0] not in _NOT_ENTITIES or "&" in before[0])


def _ranks(clause: str) -> list[tuple[int, int, float, str, str | None]]:
    """"third-largest chipmaker" (metric "largest chipmaker"), "No. 2 carmaker": never what
    ranks nothing ("No. 1 in sales")."""
    found = []
    for match in _RANK.finditer(clause):
        if match.group("what").lower() in STOPWORDS:
            continue
        rank = match.group("ordinal") or match.group("number")
        value = ORDINALS.get(rank.lower()) or int(re.search(r"\d+", rank).group(0))
        what = f"{match.group('superlative') or ''} {match.group('what')}"
        found.append((match.start(), match.end(), float(value), "rank", " ".join(what.lower().split())))
    return found


def _in_a_word(text: str, at: int) -> bool:
    """"Q3 earnings" and "mRNA-1345 doses" count nothing: the number is part of a name."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] == "-")


def _unit(match: re.Match) -> str | None:
    """Percentages, points and money are figures; a bare number (a year, a date) is not."""
    if match.group("percent"):
        return "%"
    if match.group("metres"):
        return "m"
    if match.group("points"):
        return "bp" if match.group("points").lower().startswith(("basis", "bp")) else "pp"
    if match.group("currency"):
        return CURRENCIES.get(match.group("currency").strip().lower(), "USD")
    if match.group("currency_after"):
        return CURRENCY_WORDS[match.group("currency_after").strip().lower().removesuffix("s")]
    return None


def _basis(text: str, after_a_figure: bool = False) -> str | None:
    if _SAME_PERIOD.search(text):
        return "same period"
    for pattern, name in _BASES:
        if after_a_figure and pattern is _SESSION_END:
            continue
        if found := pattern.search(text):
            return name or found.group(0).lower()
    return None


def _basis_near(clause: str, start: int, end: int) -> str | None:
    """'7.7% in fiscal year 2024 and 2.2% in fiscal year 2023': the phrase right after a figure
    is its own; else the nearest one before it in the clause."""
    after = _basis(clause[end : end + BASIS_AFTER_CHARS].split(" and ")[0], after_a_figure=True)
    if after:
        return after
    found = [(m.end(), name or m.group(0).lower()) for pattern, name in _BASES for m in pattern.finditer(clause[:start])]
    if _SAME_PERIOD.search(clause):
        return "same period"
    return max(found)[1] if found else _basis(clause)


COUNT_DIRECTION_CHARS = 20


def _direction_of(unit: str, clause: str, start: int, end: int) -> str | None:
    """A rank moves nothing; a count moves only when the move is said right before it ("raise the
    number of seats from 65 to 125"), not anywhere in its clause ("evacuated 45 people, and the
    bridge was closed as the water rose")."""
    if unit == "rank":
        return None
    if unit == "count":
        window = clause[max(0, start - COUNT_DIRECTION_CHARS):start]
        return _direction(window, len(window), len(window))
    return _direction(clause, start, end)


def _direction(clause: str, start: int, end: int) -> str | None:
    """The direction word (pipeline.text.lexicon) nearest the figure in its clause, not inside it:
    "200 diplomats" says nothing of a dip."""
    nearest, distance = None, len(clause)
    for word in _WORD.finditer(clause):
        way = lexicon.direction(word.group())
        if way and not start <= word.start() < end and abs(word.start() - start) < distance \
                and not _UP_TO.match(clause, word.start()):
            nearest, distance = way, abs(word.start() - start)
    return nearest


def _metric_near(before: str, after: str) -> str | None:
    """'15% of sales' names its metric right after; else the nearest one before, in the sentence."""
    for pattern, name in _METRICS:
        if pattern.match(after.lstrip()) or (name == "share of sales" and pattern.match(" " + after.lstrip())):
            return name
    # Of two that end at the same word, the one listed first is the narrower: "earnings per share"
    # is also "share".
    found = [(m.end(), -rank, name) for rank, (pattern, name) in enumerate(_METRICS) for m in pattern.finditer(before)]
    return max(found)[2] if found else None
