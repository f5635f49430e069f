"""Checking figures across independent sources.

Two figures are about the same thing when their entities match (fuzzily: "Alibaba" is
"Alibaba Group", "Deepseek" is "DeepSeek"), their metrics agree, and their units are of a kind.
Then:
- another basis (pre-market against the close, a quarter against a year, % against points)
  is ``different_basis``, not a conflict;
- opposite directions, or values no rounding or approximator can reconcile, are ``conflicting``,
  but only when the two clauses say the same thing around the figure (the same slot): "DiLeo,
  in his 19 seasons with the team" and "DiLeo's 10 seasons as general manager" are two facts,
  and are not compared at all;
- otherwise they ``confirm`` each other: "more than 2%" is compatible with "2.3%".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pipeline.text import lexicon, syntax
from pipeline.text.lexical import WRITTEN_NUMBER, plain
from pipeline.verify.figures import (CURRENCIES, CURRENCY_WORDS, RELATIVE_UNITS, Figure, clause_around,
                                     extract_figures)

ENTITY_MATCH = 85  # rapidfuzz token_set_ratio
_CURRENCY_CODES = frozenset(CURRENCIES.values()) | frozenset(CURRENCY_WORDS.values())
SAME_SLOT = 0.5  # share of the sparser context's words that two conflicting figures' contexts share
CONTEXT_WORDS = 6  # content words each side of a figure, in its clause, that say what it is about
# How figure verdicts are listed to an editor: conflicts first.
VERDICT_ORDER = ["conflicting", "different_basis", "confirmed", "single_source"]

_LOW, _HIGH = -math.inf, math.inf
APPROXIMATE = {"about", "around", "roughly", "approximately", "some"}
AT_LEAST = {"more than", "over", "at least"}
AT_MOST = {"up to", "less than", "under"}
NEARLY = {"nearly", "almost"}


def same_entity(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(a.lower(), b.lower()) >= ENTITY_MATCH


def _same_subject(a: Figure, b: Figure) -> bool:
    """Same entity and metric. Counts often name no entity ("About 300 homes were evacuated"):
    two such counts of the same thing may be compared."""
    counts = a.unit == b.unit == "count"
    if not (counts and a.entity is None and b.entity is None) and not same_entity(a.entity, b.entity):
        return False
    return same_metric(a, b)


def same_metric(a: Figure, b: Figure, verb_fates: bool = False) -> bool:
    """Whether two figures may measure one thing: the same thing counted (and befallen, where
    both say; with ``verb_fates``, only where verbs say it), or no two metrics."""
    if a.unit == b.unit == "count":
        return _same_counted(a.metric or "", b.metric or "", verb_fates)
    return not (a.metric and b.metric and a.metric != b.metric)


def _same_counted(mine: str, theirs: str, verb_fates: bool = False) -> bool:
    """The same thing counted, and what befell it agreeing where both say it: "homes evacuated"
    meets "homes" and "homes evacuating", not "homes destroyed"."""
    (my_thing, _, my_fate), (their_thing, _, their_fate) = mine.partition(" "), theirs.partition(" ")
    alike = _one_spelling(my_thing) == _one_spelling(their_thing) or {my_thing, their_thing} <= lexicon.WORKFORCE
    if verb_fates and not (_a_verb(my_fate) and _a_verb(their_fate)):
        return alike
    return alike and (not my_fate or not their_fate or _fate(my_fate) == _fate(their_fate))


def _a_verb(word: str) -> bool:
    """A fate told by a verb ("injured", "marched", "dead"), not the word that happened to follow
    the noun ("households without water")."""
    return word.endswith(("ed", "ing")) or lexicon.key(word) in _FATES


# A toll's fates told several ways: "31 people killed", "thirty-one people dead", "31 people died";
# "injured", "hurt", "wounded"
_FATES = {"dead": "kill", "died": "kill", "hurt": "injur", "wound": "injur"}


def _fate(word: str) -> str:
    return _FATES.get(lexicon.key(word), lexicon.key(word))


def _one_spelling(word: str) -> str:
    """British and American spellings of a counted unit as one: "32 kilometres" counts what "32
    kilometers" does."""
    return re.sub(r"tres$", "ters", word)


def interval(figure: Figure) -> tuple[float, float]:
    """The values a figure, as written, allows: '2%' is 1.5-2.5, 'more than 2%' is above 2."""
    value = figure.value
    digits = re.search(WRITTEN_NUMBER, figure.quote)  # none in "four people", "third-largest"
    written = plain(digits.group(0)) if digits else str(int(value))
    decimals = len(written.split(".")[1]) if "." in written else 0
    scale = value / float(written) if float(written) else 1.0  # "$22 billion": steps of a billion
    half_step = 0.5 * 10 ** -decimals * scale
    low, high = value - half_step, value + half_step
    if bound := bounded(figure.approximator, value):
        return bound
    if figure.approximator in NEARLY:
        return value * 0.9, value
    if figure.approximator in APPROXIMATE:
        return min(low, value * 0.9), max(high, value * 1.1)
    return low, high


def bounded(approximator: str | None, value: float) -> tuple[float, float] | None:
    """The values a bound allows ('more than 2' is above 2, 'up to 2' below it); None when the
    approximator makes no bound."""
    if approximator in AT_LEAST:
        return value, _HIGH
    if approximator in AT_MOST:
        return _LOW, value
    return None


# A sentence often leaves a figure's entity to its context: a deal's value (whose deal: "the offer
# of $31.50 for each Keller share"), a count ("About 300 homes were evacuated" against "In Elmford,
# around 300 homes ..."), a company's revenue ("Revenue in the quarter dropped 14%"). Such figures
# of one metric may confirm each other, never conflict. But a story's share moves are often
# several companies' ("Apple rose 2%, Baidu fell 4.5%"): a move that names no company is tied to
# no other by the metric alone.
EACH_ENTITY_ITS_OWN = frozenset({"share price"})


def compare(a: Figure, b: Figure) -> str | None:
    """'confirmed', 'conflicting' or 'different_basis'; None when they are not about the same thing.
    Two figures whose entities only the context ties (``_related``) may confirm each other, never
    conflict: a conflict needs the same entity stated."""
    if _same_subject(a, b):
        relation = _relation(a, b)
        # two sums of money conflict only when both say what they measure: "$3 billion of new debt"
        # is no share price (a move is a move: "Acme gained 2%" and "Acme shares fell 1.5%")
        unknown = bool(a.metric) != bool(b.metric) and a.unit[:3] in _CURRENCY_CODES
        return None if relation == "conflicting" and unknown else relation
    if _related(a, b) or _same_amount_unnamed(a, b):
        relation = _relation(a, b)
        return relation if relation != "conflicting" else None
    return None


def _same_amount_unnamed(a: Figure, b: Figure) -> bool:
    """Two sums of money that name nothing that sets them apart: no two entities, no two metrics
    ("$18 a month" against "cost each household $18 per month"). They may confirm each other,
    never conflict. Percentages are left out: a story has many, of many things."""
    return a.unit == b.unit and a.unit[:3] in _CURRENCY_CODES and a.metric not in EACH_ENTITY_ITS_OWN \
        and (not a.entity or not b.entity or same_entity(a.entity, b.entity)) \
        and (not a.metric or not b.metric or a.metric == b.metric)


def _related(a: Figure, b: Figure) -> bool:
    """Of the same metric, one naming no entity or naming one the other's sentence names: "Revenue
    in the quarter dropped 14%" against "Harbor Freight said its revenue fell 14%"."""
    if a.unit == b.unit == "count":
        if not _same_counted(a.metric or "", b.metric or ""):
            return False
    elif not (a.metric and a.metric == b.metric) or a.metric in EACH_ENTITY_ITS_OWN:
        return False
    return not a.entity or not b.entity or a.entity in b.sentence or b.entity in a.sentence


def _relation(a: Figure, b: Figure) -> str | None:
    if {a.unit, b.unit} <= set(RELATIVE_UNITS) and a.unit != b.unit:
        return "different_basis"
    if a.unit != b.unit:
        return None
    if a.basis and b.basis and a.basis != b.basis:
        return "different_basis"
    if a.direction and b.direction and a.direction != b.direction:
        return "conflicting" if same_slot(a, b) else None
    (a_low, a_high), (b_low, b_high) = interval(a), interval(b)
    # Rounding's bounds are open: "2%" (1.5-2.5) and "3%" (2.5-3.5) only touch, and are two
    # figures. An approximator's are closed: "at least 2%" and "up to 2%" both allow 2%.
    closed = bool(a.approximator or b.approximator)
    overlap = a_low <= b_high and b_low <= a_high if closed else a_low < b_high and b_low < a_high
    if overlap:
        return "confirmed"
    if a.compared_with != b.compared_with:  # "up from 900" against "1,200 cars": then, and now
        return None
    if _expected(a) != _expected(b) or _dated(a) != _dated(b):
        return None  # what is forecast against what came, a past year against now: two figures
    # Two counts that name no entity may be of two things ("ten people were killed" against "the
    # 2003 quake killed 26,000 people"): they confirm each other, never conflict. Nor do two counts
    # unless one verb states both: "hit .358 in 54 games" and "playing in a combined 157 games" are
    # two facts, and a count whose verb the parse cannot find leaves it unsure.
    return "conflicting" if same_slot(a, b) and (a.entity or b.entity) and not _other_predicates(a, b) else None


# Words that make a figure what someone expects, not what came: "expects revenue of $6.3 billion",
# "above the $1.91 expected", "a forecast of 3%" (not "an estimated $68 million": a count made)
# ("expects to cut 5,000 jobs" is a plan, as "will cut" is; "100 targets" were struck)
_EXPECTED = re.compile(r"\b(?:expect(?:s|ed|ing|ations?)?(?!\s+to\b)|forecast\w*|guidance|outlook|projected|"
                       r"projections?|predict\w*|anticipat\w*|consensus)\b", re.IGNORECASE)
# A year a figure is told in ("In 2007, a quake killed 500", "won 14 seats in 2023", "last year"):
# a figure of then
_IN_A_YEAR = re.compile(r"\b(?:(?:in|during|of|for)\s+(?:19|20)\d\d\b(?![-–/]\d)|last year|a year (?:ago|earlier)|"
                        r"the (?:previous|prior) year)", re.IGNORECASE)


def _expected(figure: Figure) -> bool:
    return expected_in(" ".join(clause_around(figure)))


def _dated(figure: Figure) -> bool:
    at = figure.sentence.find(figure.quote)
    return at >= 0 and dated(figure.sentence, at, at + len(figure.quote))


def expected_in(clause: str) -> bool:
    """Whether the clause tells what someone expects, not what came."""
    return bool(_EXPECTED.search(clause))


def dated(sentence: str, start: int, end: int) -> bool:
    """Whether the sentence tells the value at ``sentence[start:end]`` of a year, with the verb it
    tells the value with: "In 2007, a quake killed 500 people", not "was picked in 1990 and
    coached for 23 seasons" (parsed only where a year is told)."""
    years = list(_IN_A_YEAR.finditer(sentence))
    verb = syntax.verb_at(sentence, start, end) if years else None
    if verb is not None and any(syntax.verb_at(sentence, year.start(), year.end()) == verb for year in years):
        return True
    return syntax.of_a_dated_thing(sentence, start, end)


def _other_predicates(a: Figure, b: Figure) -> bool:
    """Two counts, or two sums of money that say not what they measure, told with two verbs (or a
    verb the parse cannot find) are two facts: "took $430,000 in bribes" and "was fined $250,000"."""
    unnamed_sums = a.unit[:3] in _CURRENCY_CODES and not a.metric and not b.metric
    return (a.unit == "count" or unnamed_sums) and (not a.predicate or a.predicate != b.predicate)


def same_slot(a: Figure, b: Figure) -> bool:
    """Whether two figures' clauses say the same thing around them: two values in the same slot
    conflict, two values in different statements are two facts. One named owner doing one thing,
    as the parse reads them, is one slot, whatever else the clauses say ("Cheeks, who played for
    the Sixers for 11 seasons and served as..." against "Cheeks ... played for 23 seasons")."""
    if a.predicate and a.predicate == b.predicate and same_entity(a.entity, b.entity):
        return True
    mine, theirs = _context(a), _context(b)
    if not mine or not theirs:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= SAME_SLOT


def _context(figure: Figure) -> frozenset[str]:
    """The words near the figure in its clause, as keys, without numbers and direction words
    (two outlets that disagree on a move use different ones: "gained" against "fell")."""
    from pipeline.text.lexical import STOPWORDS

    before, after = clause_around(figure)
    words = lambda text: [lexicon.key(w) for w in re.findall(r"[A-Za-z][\w'’-]*", text)  # noqa: E731
                          if w.lower() not in STOPWORDS and lexicon.direction(w) is None]
    return frozenset(words(before)[-CONTEXT_WORDS:] + words(after)[:CONTEXT_WORDS])


@dataclass
class FigureVerdict:
    figure: Figure
    article_id: str
    family_id: str
    outlet: str | None
    verdict: str
    confirming_families: list[str] = field(default_factory=list)
    evidence: list[tuple[str, str, Figure, str]] = field(default_factory=list)  # family, article, figure, relation
    reasons: list[str] = field(default_factory=list)


def check_story_figures(families) -> list[FigureVerdict]:
    """Every figure of a story's articles, checked against the figures of the *other* families."""
    found = [(family.id, article, figure) for family in families for article in family.articles
             for figure in extract_figures(article.text)]
    return [_verdict(family_id, article, figure, found) for family_id, article, figure in found]


def _verdict(family_id: str, article, figure: Figure, found) -> FigureVerdict:
    result = FigureVerdict(figure, article.id, family_id, article.outlet, "single_source")
    for other_family, other_article, other in found:
        if other_family == family_id:
            continue  # a reprint cannot confirm its original
        relation = compare(figure, other)
        if relation:
            result.evidence.append((other_family, other_article.id, other, relation))
    relations = {relation for *_, relation in result.evidence}
    result.confirming_families = sorted({f for f, _, _, relation in result.evidence if relation == "confirmed"})
    if "conflicting" in relations:
        result.verdict = "conflicting"
    elif "confirmed" in relations:
        result.verdict = "confirmed"
    elif "different_basis" in relations:
        result.verdict = "different_basis"
    ranked = sorted(result.evidence, key=lambda item: VERDICT_ORDER.index(item[3]))  # the conflict first
    result.reasons = [f"{relation}: {describe(figure)} against {describe(other)}"
                      for *_, other, relation in ranked] or ["no other independent source states this figure"]
    return result


SIGNS = {"up": "+", "down": "-"}


def describe(figure: Figure, with_basis: bool = True) -> str:
    """'Apple share price more than +2% (close)'."""
    basis = f" ({figure.basis})" if figure.basis and with_basis else ""
    metric = "" if (figure.metric or "").split()[-1:] and figure.metric.split()[-1] in figure.quote.lower() \
        else figure.metric or ""  # "Acme 200 engineers", not "Acme engineers 200 engineers"
    return f"{figure.entity or '?'} {metric} {figure_value(figure)}{basis}".replace("  ", " ")


def figure_value(figure: Figure) -> str:
    """The figure itself, as a table's figure column shows it beside the entity and metric
    columns: 'more than +2%', 'about 300 homes'. A move of a percentage is signed; an amount or a
    count that moved says so in a word, since it may be where the move ended ("revenue fell 14% to
    2.1 billion euros" is no revenue of -2.1 billion): '2.1 billion euros (down)'."""
    approx = f"{figure.approximator} " if figure.approximator else ""
    if figure.unit in RELATIVE_UNITS:
        return f"{approx}{SIGNS.get(figure.direction or '', '')}{figure.quote}"
    moved = f" ({figure.direction})" if figure.direction in SIGNS else ""
    return f"{approx}{figure.quote}{moved}"
