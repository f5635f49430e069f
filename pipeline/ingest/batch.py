"""Ingest: read sources, extract and clean each document, store the articles.

The stage is idempotent and resumable: an article's id is a hash of its normalised canonical
text, and each article is committed as soon as it is cleaned, so a batch that crashes half-way
is finished by running it again, with no duplicates and no gaps.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice

from pipeline.ingest.clean import clean_text
from pipeline.errors import InputError, unexpected
from pipeline.ingest.extract import extract_html, outlet_from_url
from pipeline.ingest.language import detect_language, load_language_model
from pipeline.ingest.prose import measure, no_article_reason
from pipeline.models import Article, IngestFailure, RawDocument
from pipeline.settings import Settings
from pipeline.ingest.workers import ordered_map_batched
from pipeline.ingest.sources import Item, expand_inputs, read_source
from store.articles import ArticleStore


# Documents go to the extraction workers in batches of about this many characters: a web page
# (50-200 KB) alone, JSONL texts of a few kilobytes some 20 at a time.
BATCH_CHARS = 50_000


def article_id(text: str) -> str:
    """A stable id from the canonical text: case, accents' encoding and spacing do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"\W+", " ", folded).strip()
    return hashlib.sha256(folded.encode()).hexdigest()[:16]


def release_extraction_stoplist() -> None:
    """Drop this process's extraction stoplist (see _warm_up), some 33 MB. Once the extraction
    workers have forked, each has its own copy and the parent needs it no more; should it extract
    a page again, it is built again. (The language model is mapped from a file, not held: see
    pipeline/ingest/language.py.)"""
    if stoplists := sys.modules.get("trafilatura.external"):  # loaded only when there were pages
        stoplists.JT_STOPLIST = None
        sys.modules["justext.core"].define_stoplist.cache_clear()


def to_article(raw: RawDocument, settings: Settings) -> Article:
    """Extract and clean one document. Raises InputError when no article is found."""
    hints = raw.hints
    if raw.kind == "html":
        cleaned, meta = extract_html(raw.content, hints.url)
    else:
        cleaned, meta = clean_text(raw.content, title=hints.title), {}
    if reason := no_article_reason(cleaned.text, settings.limits):
        raise InputError(reason)
    length = measure(cleaned.text)
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
        words=length.words,
        sentences=length.sentences,
    )


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    status: str  # "added", "unchanged", "failed", or "skipped" (a file in a folder that is not read)
    article: Article | None = None
    reason: str | None = None
    encoding: str | None = None  # the encoding guessed when the input was not valid UTF-8

    def as_json(self) -> dict:
        row = {"source": self.source, "status": self.status}
        if self.article:
            row |= {"id": self.article.id, "title": self.article.title, "outlet": self.article.outlet}
        if self.reason:
            row["reason"] = self.reason
        if self.encoding:
            row["encoding"] = self.encoding
        return row


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def added_ids(self) -> list[str]:
        return [o.article.id for o in self.outcomes if o.status == "added"]


def extract_results(units: list[str], settings: Settings) -> Iterator[tuple[str, Article | IngestFailure]]:
    """Extraction and cleaning exactly as ingest does them, without storing: (unit, result)."""
    for unit, _item, result in extract_documents(units, settings):
        yield unit, result


def extract_documents(units: list[str | RawDocument], settings: Settings) -> Iterator[tuple[str, Item, Article | IngestFailure]]:
    """(unit, what was read, its article or failure), in input order.

    Reading stays in this process; extraction, which is CPU-bound, runs in
    ``settings.effective_workers`` forked processes when there is more than one document: the
    documents of one JSONL file or feed are spread over the workers as a folder's files are.
    """
    pairs = ((unit, item) for unit in units for item in read_source(unit, settings))
    first = list(islice(pairs, 2))  # a single document is not worth forking for
    pairs = chain(first, pairs)
    if settings.effective_workers <= 1 or len(first) <= 1:
        for unit, item in pairs:
            yield unit, item, _article_or_failure(item, settings)
        return
    _warm_up(pages=any(isinstance(item, RawDocument) and item.kind == "html" for _unit, item in first))
    results = ordered_map_batched(partial(_extract_pair, settings=settings), pairs, settings.effective_workers,
                                  on_crash=_crashed, size=_content_chars, batch_size=BATCH_CHARS)
    for (unit, item), result in results:
        yield unit, item, result


def _content_chars(pair: tuple[str, RawDocument | IngestFailure]) -> int:
    return len(pair[1].content) if isinstance(pair[1], RawDocument) else 0


def _extract_pair(pair: tuple[str, RawDocument | IngestFailure], settings: Settings) -> Article | IngestFailure:
    return _article_or_failure(pair[1], settings)


def _crashed(pair: tuple[str, RawDocument | IngestFailure]) -> IngestFailure:
    return IngestFailure(source=pair[1].source,
                         reason="the extraction process died on this input (out of memory, or a crash in a parser)")


WARM_UP_PAGE = ("<html><body><article><p>" + "A sentence of a page that warms the extraction up. " * 3
                + "</p></article></body></html>")


def _warm_up(pages: bool) -> None:
    """Load in this process, before the workers fork, what they will load at their first
    document, so that they share one copy: the language model, and for web pages what
    trafilatura loads at its first one. The largest of those is its fallback stoplist, every
    justext language's words in one set and then lower-cased again: built in each worker, it
    was 34 of the 48 MB a worker added at its first page. Plain texts (JSONL, pasted text) need
    none of trafilatura, whose import and first page take 0.5 s."""
    if pages:
        extract_html(WARM_UP_PAGE)
    load_language_model()


def _article_or_failure(item: RawDocument | IngestFailure, settings: Settings) -> Article | IngestFailure:
    if isinstance(item, IngestFailure):
        return item
    try:
        return to_article(item, settings)
    except InputError as exc:
        return IngestFailure(source=item.source, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - an extractor bug on one page is reported, the batch goes on
        return IngestFailure(source=item.source, reason=unexpected(exc))


def ingest(
    sources: list[str],
    store: ArticleStore,
    settings: Settings,
    on_unit_done: Callable[[str], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestReport:
    """Ingest every source into the store. One bad input never stops the batch."""
    inputs = expand_inputs(sources)
    return ingest_units(inputs.units, store, settings, on_unit_done, on_outcome, skipped=inputs.skipped)


def ingest_units(
    units: list[str | RawDocument],
    store: ArticleStore,
    settings: Settings,
    on_unit_done: Callable[[str | RawDocument], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    skipped: list[IngestFailure] = (),
) -> IngestReport:
    """Ingest input units: files and URLs, or documents already in hand (what an API request
    carries inline), which are cleaned as a file's would be."""
    report = IngestReport()

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    for passed_over in skipped:
        record(Outcome(passed_over.source, "skipped", reason=passed_over.reason))
    current = None
    for unit, item, result in extract_documents(units, settings):
        if on_unit_done and current is not None and current is not unit:  # identity: two documents may be equal
            on_unit_done(current)
        current = unit
        outcome = store_result(result, store)
        outcome.encoding = getattr(item, "encoding", None)
        record(outcome)
    if on_unit_done and current is not None:
        on_unit_done(current)
    return report


def store_result(result: Article | IngestFailure, store: ArticleStore) -> Outcome:
    """An extraction's result stored (keyed by its text's hash: a second time, "unchanged") as an Outcome."""
    if isinstance(result, IngestFailure):
        return Outcome(result.source, "failed", reason=result.reason)
    if store.add(result):
        return Outcome(result.source, "added", article=result)
    [stored] = store.get_many([result.id])  # by the exact id: a prefix search scans the table
    where = f" from {stored.outlet}" if stored.outlet else ""
    return Outcome(result.source, "unchanged", article=stored, reason=f"already stored: same text as {stored.id}{where}")
