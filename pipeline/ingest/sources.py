"""Reading inputs: files, folders, URLs, RSS/Atom feeds and JSONL, into RawDocuments.

Every reader yields either a RawDocument or an IngestFailure, never raises for one bad input,
so that one broken file, line, feed entry or URL is reported and the batch goes on.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ConfigDict, ValidationError

from pipeline.errors import InputError, unexpected
from pipeline.ingest.fetch import Fetched, fetch_url
from pipeline.models import IngestFailure, RawDocument, SourceHints
from pipeline.settings import Settings

HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
KNOWN_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
FEED_FETCHERS = 8  # a feed's linked pages fetched at once

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_FEED_SNIFF = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)

Item = RawDocument | IngestFailure


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


# --- expanding arguments into units ----------------------------------------------------------


@dataclass
class Inputs:
    """Command-line sources as input units, and the files found in folders that are not read."""

    units: list[str] = field(default_factory=list)
    skipped: list[IngestFailure] = field(default_factory=list)


def expand_inputs(args: list[str]) -> Inputs:
    """Turn command-line sources into input units: URLs, and files (folders are walked).

    Missing paths and folders with nothing to read stay in the list; reading them reports the
    error, so that it shows in the summary. A file in a folder that is not read (a .pdf, a .docx)
    is listed in ``skipped`` with its reason rather than left out without a word; sidecars and
    hidden files (.DS_Store, .git) are not inputs and are passed over.
    """
    inputs = Inputs()
    for arg in args:
        path = Path(arg)
        if is_url(arg) or not path.is_dir():
            inputs.units.append(arg)
            continue
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and not _is_hidden(p, path)]
        found = [str(p) for p in files if _is_input_file(p)]
        inputs.skipped += [IngestFailure(source=str(p), reason=reason) for p in files if (reason := _skip_reason(p))]
        inputs.units.extend(found or [arg])
    return inputs


def expand_sources(args: list[str]) -> list[str]:
    """The input units of ``expand_inputs``."""
    return expand_inputs(args).units


def _is_hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _is_input_file(path: Path) -> bool:
    if path.name.endswith(SIDECAR_SUFFIX):
        return False
    suffix = path.suffix.lower()
    if suffix == ".xml":  # in a folder, .xml is often a sitemap or page asset: only feeds count
        with path.open("rb") as handle:
            return _looks_like_feed(handle.read(2048))
    return suffix in KNOWN_SUFFIXES


def _skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not read; None for inputs and sidecars."""
    if path.name.endswith(SIDECAR_SUFFIX) or _is_input_file(path):
        return None
    if path.suffix.lower() == ".xml":
        return "not an RSS/Atom feed (in a folder, an .xml file is read only when it is a feed)"
    return unsupported_type(path.suffix)


def unsupported_type(suffix: str) -> str:
    return f"unsupported file type {suffix.lower() or '(none)'!r}; expected one of {', '.join(sorted(KNOWN_SUFFIXES))}"


# --- decoding ----------------------------------------------------------------------------------


def decode(data: bytes, source: str, *, declared: str | None = None, html: bool = False) -> str:
    """Bytes to text, with a clear reason when they are not usable text."""
    return decode_guessing(data, source, declared=declared, html=html)[0]


def decode_guessing(data: bytes, source: str, *, declared: str | None = None,
                    html: bool = False) -> tuple[str, str | None]:
    """Bytes to text, and the encoding it was guessed to be in when the bytes are not valid in
    the declared one (UTF-8 when none is declared); None when they were."""
    if not data.strip():
        raise InputError("empty input")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared = "utf-16"  # Notepad's "Unicode" is UTF-16 with a byte-order mark, not binary
    elif b"\x00" in data[:8192]:
        raise InputError("binary data, not text or HTML")
    if html and not declared:
        found = _META_CHARSET.search(data[:4096])
        declared = found.group(1).decode("ascii") if found else None
    encoding = _codec_for(declared)
    try:
        return data.decode(encoding), None
    except LookupError:
        raise InputError(f"unknown character encoding {declared!r}") from None
    except UnicodeDecodeError as exc:
        guessed = guess_encoding(data)
        if guessed is None:
            raise InputError(
                f"not valid {encoding.removesuffix('-sig').upper()} (byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start}), nor text in another encoding that could be told; convert it to UTF-8 first, "
                f"e.g. iconv -f ENCODING -t utf-8 {source}") from None
        return data.decode(guessed), guessed


# Browsers read a page labelled Latin-1 as Windows-1252 (the WHATWG encoding standard): pages so
# labelled use its curly quotes, dashes and euro sign, which Latin-1 turns into control characters.
_READ_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819"}


def _codec_for(declared: str | None) -> str:
    label = (declared or "utf-8").lower().replace("_", "-")
    if label in ("utf-8", "utf8"):
        return "utf-8-sig"
    return "cp1252" if label in _READ_AS_CP1252 else declared


def guess_encoding(data: bytes) -> str | None:
    """The encoding of text that is not valid in the one declared, or None when none fits.

    UTF-8 first (a wrong label is common), then Windows-1252, what Word and Notepad save in
    Western Europe and the Americas: charset-normalizer tells it poorly from its neighbours on
    news-length texts (it calls English with curly quotes mac_iceland). Then charset-normalizer.
    """
    for candidate in ("utf-8", "cp1252"):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if candidate == "utf-8" or _reads_as_western(text):
            return candidate
    from charset_normalizer import from_bytes  # lazily: only text that is not UTF-8 needs it

    best = from_bytes(data).best()
    return best.encoding if best else None


# Symbols that another code page's letters turn into inside words when read as Windows-1252:
# Polish 'był', 'już', 'są' read 'by³', 'ju¿', 's¹'.
_CP1252_MOJIBAKE = re.compile(r"[^\W\d_][¦¨¯±´¶¸¹³¼½¾¿¡]|[¦¨¯±´¶¸¹³¼¾][^\W\d_]")
MAX_ACCENTED_SHARE = 0.3  # French, German, Spanish: under a tenth; Russian read as cp1252: nearly all


def _reads_as_western(text: str) -> bool:
    """Whether text decoded as Windows-1252 reads as a Western language: few accented letters
    among plain ones, and no symbol inside a word."""
    letters = [c for c in text if c.isalpha()]
    accented = sum(not c.isascii() for c in letters)
    return bool(letters) and accented <= MAX_ACCENTED_SHARE * len(letters) and not _CP1252_MOJIBAKE.search(text)


def _looks_like_feed(content: bytes, content_type: str = "") -> bool:
    if any(t in content_type for t in ("rss", "atom")):
        return True
    return bool(_FEED_SNIFF.match(content[:2048]))


# --- readers -----------------------------------------------------------------------------------


def read_source(unit: str | RawDocument, settings: Settings) -> Iterator[Item]:
    """Read one unit (a file, a URL, or a document already read). Errors come back as IngestFailures."""
    if isinstance(unit, RawDocument):
        yield _checked_document(unit)
        return
    try:
        if is_url(unit):
            yield from _read_url(unit, SourceHints(url=unit), settings)
        else:
            yield from _read_file(Path(unit), settings)
    except InputError as exc:
        yield IngestFailure(source=unit, reason=str(exc))
    except OSError as exc:
        yield IngestFailure(source=unit, reason=exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - one input's bug must not end the batch; it is reported
        yield IngestFailure(source=unit, reason=unexpected(exc))


def _checked_document(document: RawDocument) -> Item:
    """A document given as text (pasted, or sent to the API) faces the checks a file's bytes do."""
    if not document.content.strip():
        return IngestFailure(source=document.source, reason="empty input")
    if "\x00" in document.content[:8192]:
        return IngestFailure(source=document.source, reason="binary data, not text or HTML")
    return document


def _read_file(path: Path, settings: Settings) -> Iterator[Item]:
    if not path.exists():
        raise InputError("no such file or folder")
    if path.is_dir():
        raise InputError(f"folder has no files to read ({', '.join(sorted(KNOWN_SUFFIXES))})")
    suffix = path.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        raise InputError(unsupported_type(suffix))
    size = path.stat().st_size
    if size > settings.limits.max_file_bytes:
        raise InputError(f"file is {size:,} bytes, over the {settings.limits.max_file_bytes:,} limit (NEWSBRIEF_LIMITS__MAX_FILE_BYTES)")
    data = path.read_bytes()
    source = str(path)
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(*decode_guessing(data, source), source, settings)
    elif suffix in FEED_SUFFIXES:
        yield from _read_feed(data, source, settings)
    else:
        html = suffix in HTML_SUFFIXES
        content, guessed = decode_guessing(data, source, html=html)
        yield RawDocument(source=source, kind="html" if html else "text", content=content, hints=_sidecar_hints(path),
                          encoding=guessed)


def _sidecar_hints(path: Path) -> SourceHints:
    """Metadata beside a file: ``story.txt`` may have ``story.meta.json`` with outlet, url, ..."""
    sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if not sidecar.exists():
        return SourceHints()
    try:
        return SourceHints.model_validate_json(sidecar.read_bytes())
    except ValidationError as exc:
        raise InputError(f"bad metadata file {sidecar.name}: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


class JsonlRecord(SourceHints):
    model_config = ConfigDict(extra="ignore")  # users' JSONL often carries ids and more

    html: str | None = None
    text: str | None = None


def _read_jsonl(content: str, guessed: str | None, source: str, settings: Settings) -> Iterator[Item]:
    lines = [(n, line) for n, line in enumerate(content.splitlines(), start=1) if line.strip()]
    if not lines:
        raise InputError("JSONL file has no records")
    for number, line in lines:
        where = f"{source}:{number}"
        try:
            record = JsonlRecord.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            yield IngestFailure(source=where, reason=f"invalid JSON: {_json_error(exc)}")
            continue
        except ValidationError as exc:
            yield IngestFailure(source=where, reason=f"bad record: {_first_error(exc)}")
            continue
        yield from _jsonl_documents(record, where, settings, guessed)


def _json_error(exc: json.JSONDecodeError) -> str:
    """json's message with its column: 'Unterminated string starting at column 9', not 'at at'."""
    column = f"column {exc.colno}"
    return f"{exc.msg} {column}" if exc.msg.endswith(" at") else f"{exc.msg} at {column}"


def _jsonl_documents(record: JsonlRecord, where: str, settings: Settings, guessed: str | None) -> Iterator[Item]:
    hints = SourceHints.model_validate(record.model_dump(exclude={"html", "text"}))
    if record.html:
        yield RawDocument(source=where, kind="html", content=record.html, hints=hints, encoding=guessed)
    elif record.text:
        yield RawDocument(source=where, kind="text", content=record.text, hints=hints, encoding=guessed)
    elif record.url:
        yield from _follow_link(record.url, hints, where, settings, allow_feed=True)
    else:
        yield IngestFailure(source=where, reason="record has none of 'html', 'text' or 'url'")


def _read_url(url: str, hints: SourceHints, settings: Settings, allow_feed: bool = True) -> Iterator[Item]:
    fetched = fetch_url(url, settings.fetch)
    if _looks_like_feed(fetched.content, fetched.content_type):
        if not allow_feed:
            raise InputError(f"{url} is a feed, not an article page")
        yield from _read_feed(fetched.content, url, settings)
        return
    yield _fetched_document(fetched, hints)


def _follow_link(url: str, hints: SourceHints, where: str, settings: Settings, allow_feed: bool) -> Iterator[Item]:
    """Fetch the page a JSONL record or feed entry points at; a failure is that record's alone."""
    try:
        yield from _read_url(url, hints, settings, allow_feed)
    except InputError as exc:
        yield IngestFailure(source=where, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - the rest of the file or feed must still be read
        yield IngestFailure(source=where, reason=unexpected(exc))


def _fetched_document(fetched: Fetched, hints: SourceHints) -> RawDocument:
    is_text = fetched.content_type == "text/plain"
    content, guessed = decode_guessing(fetched.content, fetched.url, declared=fetched.charset, html=not is_text)
    hints = hints.model_copy(update={"url": hints.url or fetched.url})
    return RawDocument(source=fetched.url, kind="text" if is_text else "html", content=content, hints=hints,
                       encoding=guessed)


# --- feeds -------------------------------------------------------------------------------------


def _read_feed(data: bytes, source: str, settings: Settings) -> Iterator[Item]:
    import feedparser  # lazily: only feeds need it

    feed = feedparser.parse(data)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        raise InputError(f"not an RSS/Atom feed with entries{f': {problem}' if problem else ''}")
    outlet = feed.feed.get("title")
    entries = [(entry, f"{source}#{entry.get('id') or entry.get('link') or index}")
               for index, entry in enumerate(feed.entries[: settings.limits.max_feed_entries])]

    def documents(pair) -> list[Item]:
        return list(_feed_entry_documents(pair[0], pair[1], outlet, settings))

    # An entry's page is fetched while others wait on theirs: a feed of teasers is mostly waiting
    # on the network. map() keeps the feed's order; each failure is its entry's own.
    with ThreadPoolExecutor(FEED_FETCHERS, thread_name_prefix="newsbrief-feed") as pool:
        for items in pool.map(documents, entries):
            yield from items


def _feed_entry_documents(entry, where: str, outlet: str | None, settings: Settings) -> Iterator[Item]:
    hints = SourceHints(
        url=entry.get("link"),
        title=entry.get("title"),
        author=entry.get("author"),
        outlet=outlet,
        published=_feed_date(entry),
    )
    body = _entry_content(entry)
    # A summary is a teaser ("... [...] The post appeared first on ..."): the linked page is the
    # article. Only full content (content:encoded, Atom content) stands in for the page.
    # With no link, short content is all there is: a feed item with its text, stored if it is prose.
    full_text = len(re.sub(r"<[^>]+>", "", body)) >= settings.limits.feed_full_text_chars
    if body.strip() and (full_text or not hints.url):
        yield RawDocument(source=where, kind="html", content=body, hints=hints)
    elif hints.url:
        # Not a feed again: an entry that links to its own feed would never end.
        yield from _follow_link(hints.url, hints, where, settings, allow_feed=False)
    else:
        yield IngestFailure(source=where, reason="feed entry has no full text and no link")


def _entry_content(entry) -> str:
    contents = entry.get("content") or []
    return max((c.get("value", "") for c in contents), key=len, default="")


def _feed_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None
