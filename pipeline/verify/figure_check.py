"""Checking figures across independent sources.

Two figures are about the same thing when their entities match (fuzzily: "Alibaba" is
"Alibaba Group", "Deepseek" is "DeepSeek"), their metrics agree, and their units are of a kind.
Then:
- another basis (pre-market against the close, a quarter against a year, % against points)
  is ``different_basis``, not a conflict;
- opposite directions, or values no rounding or approximator can reconcile, are ``conflicting``;
- otherwise they ``confirm`` each other: "more than 2%" is compatible with "2.3%".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pipeline.verify.figures import Figure, extract_figures

ENTITY_MATCH = 85  # rapidfuzz token_set_ratio
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


def interval(figure: Figure) -> tuple[float, float]:
    """The values a figure, as written, allows: '2%' is 1.5-2.5, 'more than 2%' is above 2."""
    value = figure.value
    digits = re.search(r"\d+(?:[.,]\d+)*", figure.quote)  # none in "four people", "third-largest"
    written = digits.group(0).replace(",", "") if digits else str(int(value))
    decimals = len(written.split(".")[1]) if "." in written else 0
    scale = value / float(written) if float(written) else 1.0  # "$22 billion": steps of a billion
    half_step = 0.5 * 10 ** -decimals * scale
    low, high = value - half_step, value + half_step
    if figure.approximator in AT_LEAST:
        return value, _HIGH
    if figure.approximator in AT_MOST:
        return _LOW, value
    if figure.approximator in NEARLY:
        return value * 0.9, value
    if figure.approximator in APPROXIMATE:
        return min(low, value * 0.9), max(high, value * 1.1)
    return low, high


def compare(a: Figure, b: Figure) -> str | None:
    """'confirmed', 'conflicting' or 'different_basis'; None when they are not about the same thing."""
    if not same_entity(a.entity, b.entity) or (a.metric and b.metric and a.metric != b.metric):
        return None
    if {a.unit, b.unit} <= {"%", "pp", "bp"} and a.unit != b.unit:
        return "different_basis"
    if a.unit != b.unit:
        return None
    if a.basis and b.basis and a.basis != b.basis:
        return "different_basis"
    if a.direction and b.direction and a.direction != b.direction:
        return "conflicting"
    (a_low, a_high), (b_low, b_high) = interval(a), interval(b)
    # Rounding's bounds are open: "2%" (1.5-2.5) and "3%" (2.5-3.5) only touch, and are two
    # figures. An approximator's are closed: "at least 2%" and "up to 2%" both allow 2%.
    closed = bool(a.approximator or b.approximator)
    overlap = a_low <= b_high and b_low <= a_high if closed else a_low < b_high and b_low < a_high
    return "confirmed" if overlap else "conflicting"


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
    result.reasons = [f"{relation}: {describe(figure)} against {describe(other)}"
                      for *_, other, relation in result.evidence] or ["no other independent source states this figure"]
    return result


def describe(figure: Figure, with_basis: bool = True) -> str:
    """'Apple share price more than +2% (close)'."""
    sign = {"up": "+", "down": "-"}.get(figure.direction or "", "")
    approx = f"{figure.approximator} " if figure.approximator else ""
    basis = f" ({figure.basis})" if figure.basis and with_basis else ""
    metric = "" if (figure.metric or "").split()[-1:] and figure.metric.split()[-1] in figure.quote.lower() \
        else figure.metric or ""  # "Acme 200 engineers", not "Acme engineers 200 engineers"
    return f"{figure.entity or '?'} {metric} {approx}{sign}{figure.quote}{basis}".replace("  ", " ")
