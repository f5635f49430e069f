"""Reading inputs: decoding, folders, sidecars, JSONL and feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_STORY
from pipeline.errors import InputError
from pipeline.models import IngestFailure, RawDocument
from pipeline.settings import Settings
from pipeline.ingest.sources import decode, decode_guessing, expand_inputs, expand_sources, read_source

ARTICLE = "The council approved the new budget on Monday after a long debate. " * 5


def read(unit) -> list:
    return list(read_source(str(unit), Settings()))


@pytest.mark.parametrize(
    ("data", "kwargs", "reason"),
    [
        (b"", {}, "empty input"),
        (b"  \n\t ", {}, "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", {}, "binary data"),
        (bytes(range(128, 256)) * 3, {}, r"not valid UTF-8 \(byte 0x80 at offset 0\), nor text in another encoding"),
        (b"<html>", {"declared": "no-such-codec"}, "unknown character encoding"),
    ],
)
def test_decode_reasons(data, kwargs, reason):
    with pytest.raises(InputError, match=reason):
        decode(data, "f.txt", **kwargs)


def test_decode_honours_declared_html_charset():
    page = '<html><head><meta charset="iso-8859-1"></head><body>café</body></html>'.encode("latin-1")
    assert "café" in decode(page, "p.html", html=True)


def test_decode_strips_utf8_bom():
    assert decode("\ufeffhello".encode(), "f.txt") == "hello"


def test_folder_is_walked_and_sidecars_are_not_inputs():
    units = expand_sources([str(EXAMPLE_STORY)])
    assert [u.rsplit("/", 1)[1] for u in units] == ["000_37c9d46621587dce.txt", "003_01f4fbdc4084774d.txt"]


def test_sidecar_metadata_is_read():
    [doc] = read(EXAMPLE_STORY / "003_01f4fbdc4084774d.txt")
    assert doc.kind == "text" and doc.hints.outlet == "Asia Financial"


def test_bad_sidecar_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "a.meta.json").write_text('{"outlet": "X", "colour": "red"}')
    [failure] = read(tmp_path / "a.txt")
    assert isinstance(failure, IngestFailure) and "bad metadata file a.meta.json: colour" in failure.reason


def test_jsonl_records_each_stand_alone(tmp_path):
    rows = [
        json.dumps({"text": ARTICLE, "outlet": "Daily", "published": "2025-02-11T08:00:00Z"}),
        "{not json",
        json.dumps({"html": f"<html><body><article><p>{ARTICLE}</p></article></body></html>", "title": "T"}),
        json.dumps({"outlet": "nothing else"}),
        "",
        json.dumps({"text": ARTICLE, "published": "yesterday-ish"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(rows))
    items = read(path)
    assert [type(i).__name__ for i in items] == ["RawDocument", "IngestFailure", "RawDocument", "IngestFailure", "IngestFailure"]
    assert items[0].hints.outlet == "Daily" and items[0].hints.published.year == 2025
    assert items[1].source.endswith("batch.jsonl:2") and "invalid JSON" in items[1].reason
    assert items[3].reason == "record has none of 'html', 'text' or 'url'"
    assert items[4].source.endswith(":6") and "bad record: published" in items[4].reason


def test_jsonl_url_record_is_fetched(tmp_path, http_server, allow_loopback_fetch):
    http_server.routes["/story"] = (200, {"Content-Type": "text/html"}, f"<p>{ARTICLE}</p>".encode(), 0)
    path = tmp_path / "urls.jsonl"
    path.write_text(json.dumps({"url": http_server.base + "/story", "outlet": "Wire"}))
    [doc] = read(path)
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.hints.outlet == "Wire"


RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example Times</title>
<item><title>Full story</title><link>{base}/full</link><pubDate>Tue, 11 Feb 2025 08:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{article}</p>]]></content:encoded></item>
<item><title>Teaser only</title><link>{base}/page</link><description>Short teaser.</description></item>
<item><title>Dead link</title><link>{base}/gone</link><description>Short.</description></item>
</channel></rss>"""


def test_feed_entries_use_full_content_or_fetch_the_link(tmp_path, http_server, allow_loopback_fetch):
    http_server.routes["/page"] = (200, {"Content-Type": "text/html"}, f"<p>{ARTICLE}</p>".encode(), 0)
    feed = tmp_path / "feed.rss"
    feed.write_text(RSS.format(base=http_server.base, article=ARTICLE))
    full, fetched, dead = read(feed)
    assert full.hints.outlet == "Example Times" and full.hints.title == "Full story"
    assert full.hints.published.isoformat() == "2025-02-11T08:00:00+00:00"
    assert fetched.kind == "html" and fetched.hints.title == "Teaser only"
    assert isinstance(dead, IngestFailure) and "HTTP 404" in dead.reason


def test_feed_served_over_http_is_recognised(http_server, allow_loopback_fetch):
    http_server.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"},
                                   RSS.format(base=http_server.base, article=ARTICLE).encode(), 0)
    items = read(http_server.base + "/feed")
    assert items[0].hints.title == "Full story" and len(items) == 3


def test_garbage_feed_is_one_failure(tmp_path):
    feed = tmp_path / "broken.rss"
    feed.write_text("<rss><channel><title>oops")
    [failure] = read(feed)
    assert "not an RSS/Atom feed with entries" in failure.reason


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_LIMITS__MAX_FILE_BYTES", "100")
    path = tmp_path / "big.txt"
    path.write_text("x" * 500)
    [failure] = list(read_source(str(path), Settings()))
    assert "over the 100 limit" in failure.reason


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire Desk</title><id>urn:wire</id>
<entry><title>Atom story</title><id>urn:wire:1</id><link href="https://wire.example/1"/>
<updated>2025-02-12T09:30:00Z</updated><author><name>Ana Ruiz</name></author>
<content type="html">&lt;p&gt;{article}&lt;/p&gt;</content></entry></feed>"""


def test_atom_feed(tmp_path):
    feed = tmp_path / "wire.atom"
    feed.write_text(ATOM.format(article=ARTICLE))
    [doc] = read(feed)
    assert doc.source.endswith("wire.atom#urn:wire:1")
    assert (doc.hints.outlet, doc.hints.author, doc.hints.url) == ("Wire Desk", "Ana Ruiz", "https://wire.example/1")
    assert doc.hints.published.isoformat() == "2025-02-12T09:30:00+00:00"
    assert ARTICLE.strip() in doc.content


def test_feed_entry_linking_back_to_its_feed_does_not_loop(http_server, allow_loopback_fetch):
    loop = RSS.format(base=http_server.base, article=ARTICLE).replace(f"{http_server.base}/page", f"{http_server.base}/feed")
    http_server.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, loop.encode(), 0)
    items = read(http_server.base + "/feed")
    assert len(items) == 3 and "is a feed, not an article page" in items[1].reason


@pytest.mark.parametrize(("text", "encoding"), [
    ("Apple\u2019s shares fell 2% \u2014 \u201cwe are cautious,\u201d said the CFO, after a \u20ac5bn charge.", "cp1252"),
    ("Le café était fermé ce matin-là, à cause de la grève.", "cp1252"),
    ("Привет, как дела? Сегодня хорошая погода, и мы идём гулять в парк.", "cp1251"),
    ("Zażółć gęślą jaźń, był już tam. Się mówi, że są tu ludzie.", "cp1250"),  # not read as cp1252's '¿' and '³'
])
def test_text_that_is_not_utf8_is_decoded_in_the_encoding_it_is_in(text, encoding):
    assert decode_guessing(text.encode(encoding), "f.txt") == (text, encoding)


def test_a_page_labelled_latin1_is_read_as_browsers_read_it():
    page = '<meta charset="iso-8859-1"><p>\u201cQuoted\u201d \u2014 \u20ac5</p>'.encode("cp1252")
    assert decode_guessing(page, "p.html", html=True) == ('<meta charset="iso-8859-1"><p>“Quoted” — €5</p>', None)


def test_a_cp1252_file_is_read_and_the_encoding_reported(tmp_path):
    (tmp_path / "memo.txt").write_bytes(f"Port reopens\n{ARTICLE}\u201cIt\u2019s open \u2014 at last,\u201d she said.".encode("cp1252"))
    [doc] = read(tmp_path / "memo.txt")
    assert doc.encoding == "cp1252" and doc.content.endswith("“It’s open — at last,” she said.")


def test_a_json_error_names_its_column_once(tmp_path):
    (tmp_path / "rows.jsonl").write_text('{"text": "unterminated\n')
    [failure] = read(tmp_path / "rows.jsonl")
    assert failure.reason == "invalid JSON: Unterminated string starting at column 10"


def test_a_file_in_a_folder_that_is_not_read_is_listed_with_its_reason(tmp_path):
    for name in ("story.txt", "scan.pdf", "notes.docx", "blob.bin", ".DS_Store", "story.meta.json"):
        (tmp_path / name).write_text(ARTICLE)
    inputs = expand_inputs([str(tmp_path)])
    assert [Path(u).name for u in inputs.units] == ["story.txt"]
    assert {Path(s.source).name: s.reason.split(";")[0] for s in inputs.skipped} == {
        "scan.pdf": "unsupported file type '.pdf'", "notes.docx": "unsupported file type '.docx'",
        "blob.bin": "unsupported file type '.bin'"}
