"""Ingest: read sources, extract and clean each document, store the articles.

The stage is idempotent and resumable: an article's id is a hash of its normalised canonical
text, and each article is committed as soon as it is cleaned, so a batch that crashes half-way
is finished by running it again, with no duplicates and no gaps.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline.clean import clean_text
from pipeline.errors import InputError
from pipeline.extract import extract_html, outlet_from_url
from pipeline.models import Article, IngestFailure, RawDocument
from pipeline.settings import Settings
from pipeline.sources import expand_sources, read_source
from store.articles import ArticleStore


def article_id(text: str) -> str:
    """A stable id from the canonical text: case, accents' encoding and spacing do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"\W+", " ", folded).strip()
    return hashlib.sha256(folded.encode()).hexdigest()[:16]


def detect_language(text: str) -> str | None:
    import py3langid  # lazily: loading its model takes a moment

    return py3langid.classify(text[:5000])[0] if text else None


def to_article(raw: RawDocument, settings: Settings) -> Article:
    """Extract and clean one document. Raises InputError when no article is found."""
    hints = raw.hints
    if raw.kind == "html":
        cleaned, meta = extract_html(raw.content, hints.url)
    else:
        cleaned, meta = clean_text(raw.content), {}
    minimum = settings.limits.min_article_chars
    if len(cleaned.text) < minimum:
        raise InputError(
            f"no article found: {len(cleaned.text)} characters of text after cleaning, fewer than {minimum} "
            "(NEWSBRIEF_LIMITS__MIN_ARTICLE_CHARS)"
        )
    # What the input says about itself (JSONL fields, a sidecar) wins over what was inferred.
    return Article(
        id=article_id(cleaned.text),
        source=raw.source,
        url=hints.url or meta.get("url"),
        outlet=hints.outlet or meta.get("outlet") or outlet_from_url(hints.url),
        title=hints.title or cleaned.title or meta.get("title"),
        author=hints.author or meta.get("author") or cleaned.author,
        published=hints.published or meta.get("published"),
        language=detect_language(cleaned.text),
        credit=cleaned.credit,
        text=cleaned.text,
    )


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    status: str  # "added", "unchanged" or "failed"
    article: Article | None = None
    reason: str | None = None

    def as_json(self) -> dict:
        row = {"source": self.source, "status": self.status}
        if self.article:
            row |= {"id": self.article.id, "title": self.article.title, "outlet": self.article.outlet}
        if self.reason:
            row["reason"] = self.reason
        return row


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def extract_unit(unit: str, settings: Settings) -> Iterator[Article | IngestFailure]:
    """Extraction and cleaning of one input unit exactly as ingest does them, without storing."""
    for item in read_source(unit, settings):
        yield _article_or_failure(item, settings)


def _article_or_failure(item: RawDocument | IngestFailure, settings: Settings) -> Article | IngestFailure:
    if isinstance(item, IngestFailure):
        return item
    try:
        return to_article(item, settings)
    except InputError as exc:
        return IngestFailure(source=item.source, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - an extractor bug on one page is reported, the batch goes on
        return IngestFailure(source=item.source, reason=f"unexpected error, please report it: {type(exc).__name__}: {exc}")


def ingest(
    sources: list[str],
    store: ArticleStore,
    settings: Settings,
    on_unit_done: Callable[[str], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestReport:
    """Ingest every source into the store. One bad input never stops the batch."""
    report = IngestReport()
    for unit in expand_sources(sources):
        for result in extract_unit(unit, settings):
            outcome = _store(result, store)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        if on_unit_done:
            on_unit_done(unit)
    return report


def _store(result: Article | IngestFailure, store: ArticleStore) -> Outcome:
    if isinstance(result, IngestFailure):
        return Outcome(result.source, "failed", reason=result.reason)
    added = store.add(result)
    return Outcome(result.source, "added" if added else "unchanged", article=result,
                   reason=None if added else "already stored")
