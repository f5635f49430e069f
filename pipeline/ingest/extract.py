"""Extraction: from an HTML page to cleaned article text and metadata, through trafilatura."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from pipeline.ingest.clean import Cleaned, clean_paragraphs

# trafilatura's comment extraction pulls reader comments into the body; the benchmark and the
# brief both want the article alone (F1 0.953 -> 0.960 on the extraction set). The metadata is
# read by page_metadata: only the fields an Article keeps.
TRAFILATURA_OPTIONS = {"include_comments": False, "with_metadata": False}
# htmldate gives the day alone unless asked for the time: a page's 07:55Z would be stored as midnight.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


_DOCUMENT = re.compile(r"<(html|body|!doctype)\b", re.IGNORECASE)


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def extract_html(html: str | bytes, url: str | None = None) -> tuple[Cleaned, dict]:
    """Extract the main text of a page and clean it. Returns the cleaned text and page metadata.

    The metadata dict has ``title``, ``author``, ``outlet``, ``url`` and ``published``
    (any may be None). A page with no article gives empty text; the caller decides what is
    too short.
    """
    import trafilatura  # heavy: imported only when a page is extracted
    from trafilatura.utils import load_html

    if isinstance(html, str) and not _DOCUMENT.search(html[:2000]):
        html = f"<html><body><article>{html}</article></body></html>"  # a fragment (feed content, JSONL)
    tree = load_html(html)
    if tree is None:
        return Cleaned(text=""), {}
    page = page_metadata(tree, url)  # first: the extraction below works on a copy of the tree
    doc = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    if doc is None or not doc.text:
        return Cleaned(text=""), {}
    cleaned = clean_paragraphs(doc.text.splitlines(), title=page.title)
    meta = {
        "title": cleaned.title,  # not a dateline, and from the text when the page has none
        "author": page.author or cleaned.author,  # the page's own metadata beats a byline guess
        "outlet": page.sitename or outlet_from_url(url or page.url),
        "url": url or page.url,
        "published": parse_date(page.date),
    }
    return cleaned, meta


def page_metadata(tree, url: str | None):
    """The title, author, URL, date and site name of a page, as trafilatura's ``extract_metadata``
    finds them, without the fields it also reads and an Article does not keep (categories, tags,
    licence: a third of the metadata's time)."""
    from trafilatura.metadata import (META_URL, examine_meta, extract_author, extract_meta_json, extract_sitename,
                                      extract_title, extract_url)

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - as trafilatura does: a bug in its JSON-LD reading costs only those fields
        pass
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.date = page_date(tree, meta.url)
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")  # a Twitter handle
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]
    meta.clean_and_trim()  # entities, spaces and control characters
    return meta


def page_date(tree, url: str | None) -> str | None:
    """The page's publication date, by htmldate's fast search first (markup, meta tags, the URL),
    and its extensive search of the text only when that finds none. The extensive search sends
    dates written out in words to dateparser, whose first use in a process compiles every
    locale's patterns: about 1 s of CPU, paid by every extraction worker that meets such a page,
    for a day the fast search gives too. On the 181 pages of ../shared/data's extraction set the
    two orders give the same day on every page; one page keeps its day but loses the hour the
    text gave ("November 20 15:23 2019")."""
    from trafilatura.metadata import find_date
    from trafilatura.settings import set_date_params

    fast = set_date_params(extensive=False) | {"outputformat": DATE_FORMAT, "url": url}
    return find_date(tree, **fast) or find_date(tree, **(fast | {"extensive_search": True}))
