"""Source lineage: which outlet a source family comes from, where the text says so.

The earliest article of a family is its original, but the outlet that published it first is
often not the one that wrote it: a wire story says so in a credit line ("Reuters, with
additional editing") or a dateline ("BEIJING (Reuters) -"). That stated origin wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.models import Article

WIRES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "afp": "AFP",
    "agence france-presse": "AFP", "bloomberg": "Bloomberg", "xinhua": "Xinhua", "dpa": "dpa",
    "upi": "UPI", "pti": "PTI", "ians": "IANS", "ani": "ANI", "kyodo": "Kyodo", "yonhap": "Yonhap",
    "efe": "EFE", "ansa": "ANSA", "cna": "CNA", "bernama": "Bernama", "the canadian press": "The Canadian Press",
}
_WIRE_NAMES = "|".join(sorted((re.escape(k) for k in WIRES), key=len, reverse=True))
_DATELINE = re.compile(rf"^[A-Z][A-Za-z .,'-]{{1,60}}\((?P<wire>{_WIRE_NAMES})\)\s*[-–—]", re.IGNORECASE)
_CREDIT_WIRE = re.compile(rf"^\(?(?P<wire>{_WIRE_NAMES})\b", re.IGNORECASE)


def stated_origin(article: Article) -> tuple[str, str] | None:
    """(wire, how we know) when the article names the agency it comes from."""
    if article.credit and (match := _CREDIT_WIRE.match(article.credit)):
        return WIRES[match.group("wire").lower()], "credit line"
    first = article.text.split("\n", 1)[0]
    if match := _DATELINE.match(first):
        return WIRES[match.group("wire").lower()], "dateline"
    return None


@dataclass
class SourceFamily:
    """Articles that are one source: copies of each other, or sharing wire paragraphs."""

    id: str
    articles: list[Article]
    origin: str | None = None
    origin_basis: str = "earliest article"
    outlets: list[str] = field(default_factory=list)


def describe_family(family_id: str, members: list[Article]) -> SourceFamily:
    """Name the family's originating outlet: the stated wire, else the earliest article's outlet.

    ``members`` come in time order, earliest first.
    """
    outlets = list(dict.fromkeys(a.outlet for a in members if a.outlet))
    for article in members:
        if stated := stated_origin(article):
            return SourceFamily(family_id, members, stated[0], stated[1], outlets)
    return SourceFamily(family_id, members, members[0].outlet, "earliest article", outlets)
