"""The digest tests' news: tests/fixtures/digest/articles.txt made into eight outlets' feeds.

Three outlets are RSS files, three Atom files, and two are served by a real local HTTP server:
one an RSS feed with each article's full text, one a feed of teasers linking to article pages.
A syndicated copy is its original's text less its last paragraph, with a reprint line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "digest" / "articles.txt"
RSS_FILES = ("Harbor Wire", "Daily Ledger", "Metro Times")
ATOM_FILES = ("Coastal Post", "Valley Herald", "Capital Review")
FULL_TEXT_SERVED = "Northern Star"
PAGES_SERVED = "Evening Courier"


@dataclass
class Item:
    key: str
    outlet: str
    published: datetime
    title: str
    paragraphs: list[str]

    @property
    def story(self) -> str:
        return self.key.split("-")[0]

    @property
    def slug(self) -> str:
        return self.key


def load_items(path: Path = ARTICLES) -> list[Item]:
    items: list[Item] = []
    copies: list[tuple[Item, str]] = []
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            fields = [f.strip() for f in line[3:].split("|")]
            item = Item(fields[0], fields[1], datetime.fromisoformat(fields[2] + "+00:00"), fields[3], [])
            items.append(item)
            if len(fields) > 4:
                copies.append((item, fields[4].removeprefix("copy of ").strip()))
        elif line.strip() and not line.startswith("#") and items:
            items[-1].paragraphs.append(line.strip())
    by_key = {i.key: i for i in items}
    for copy, original_key in copies:  # a reprint: the original less its last paragraph
        original = by_key[original_key]
        kept = original.paragraphs[:-1] if len(original.paragraphs) > 2 else original.paragraphs
        copy.paragraphs = kept + [f"This article first appeared in {original.outlet}."]
    return items


def body_html(item: Item) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in item.paragraphs)


def rss(outlet: str, items: list[Item], link_base: str | None = None) -> str:
    """RSS 2.0: each item's full text in content:encoded, or (``link_base``) a teaser and a link."""
    entries = []
    for item in items:
        link = f"{link_base}/{item.slug}.html" if link_base else f"https://{outlet.lower().replace(' ', '')}.example/{item.slug}"
        content = "" if link_base else f"<content:encoded><![CDATA[{body_html(item)}]]></content:encoded>"
        entries.append(f"<item><title>{html.escape(item.title)}</title><link>{link}</link><guid isPermaLink='false'>{item.key}</guid>"
                       f"<pubDate>{format_datetime(item.published)}</pubDate>"
                       f"<description>{html.escape(item.paragraphs[0][:80])}…</description>{content}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{html.escape(outlet)}</title><link>https://example.invalid/</link><description>news</description>"
            + "".join(entries) + "</channel></rss>")


def atom(outlet: str, items: list[Item]) -> str:
    entries = "".join(
        f"<entry><title>{html.escape(i.title)}</title><id>urn:{i.key}</id>"
        f'<link href="https://{outlet.lower().replace(" ", "")}.example/{i.slug}"/>'
        f"<updated>{i.published.isoformat()}</updated><published>{i.published.isoformat()}</published>"
        f'<content type="html">{html.escape(body_html(i))}</content></entry>' for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html.escape(outlet)}</title><id>urn:{outlet}</id><updated>2026-11-30T12:00:00Z</updated>"
            + entries + "</feed>")


def page(item: Item) -> str:
    return (f"<!doctype html><html><head><title>{html.escape(item.title)}</title>"
            f'<meta property="article:published_time" content="{item.published.isoformat()}"></head>'
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{html.escape(item.title)}</h1>"
            f"{body_html(item)}</article><footer>© Evening Courier</footer></body></html>")


def of_outlet(items: list[Item], outlet: str) -> list[Item]:
    return [i for i in items if i.outlet == outlet]


def write_feeds(folder: Path, server, items: list[Item], extra_feeds: str = "", name: str = "Test digest") -> Path:
    """The feed files, the served feeds and pages, and a feeds.yaml naming them all."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"name: {name}", 'schedule: "0 7 * * *"', "top: 10", "since: 3650d", "feeds:"]
    for outlet in RSS_FILES + ATOM_FILES:
        file = folder / f"{outlet.lower().replace(' ', '-')}.{'rss' if outlet in RSS_FILES else 'atom'}"
        file.write_text(rss(outlet, of_outlet(items, outlet)) if outlet in RSS_FILES else atom(outlet, of_outlet(items, outlet)))
        lines += [f"  - path: {file.name}", f"    outlet: {outlet}"]
    serve(server, items)
    lines += [f"  - url: {server.base}/star.rss", f"    outlet: {FULL_TEXT_SERVED}",
              f"  - url: {server.base}/courier.rss", f"    outlet: {PAGES_SERVED}"]
    config = folder / "feeds.yaml"
    config.write_text("\n".join(lines) + "\n" + extra_feeds)
    return config


def serve(server, items: list[Item]) -> None:
    """The two served outlets' feeds (and pages) on the test's HTTP server; called again after
    items are added, the feeds carry the new ones."""
    xml = {"Content-Type": "application/rss+xml"}
    server.routes["/star.rss"] = (200, xml, rss(FULL_TEXT_SERVED, of_outlet(items, FULL_TEXT_SERVED)).encode(), 0)
    server.routes["/courier.rss"] = (200, xml, rss(PAGES_SERVED, of_outlet(items, PAGES_SERVED), server.base).encode(), 0)
    for item in of_outlet(items, PAGES_SERVED):
        server.routes[f"/{item.slug}.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(item).encode(), 0)


def bad_feeds(folder: Path, server) -> str:
    """Three feeds that fail three ways, as feeds.yaml lines: a file that is not XML, a feed that
    answers too slowly (given a short NEWSBRIEF_FETCH__TIMEOUT_S), a feed whose page is a menu."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.xml").write_text("this is not XML at all, just words")
    server.routes["/slow.rss"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss/>", 3)
    server.routes["/menu.html"] = (200, {"Content-Type": "text/html"},
                                   b"<html><body><nav><a href='/a'>Home</a> <a href='/b'>Sport</a></nav></body></html>", 0)
    teaser = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Menus</title><item><title>Menu</title>'
              f"<link>{server.base}/menu.html</link></item></channel></rss>")
    server.routes["/menus.rss"] = (200, {"Content-Type": "application/rss+xml"}, teaser.encode(), 0)
    return f"  - path: broken.xml\n  - url: {server.base}/slow.rss\n  - url: {server.base}/menus.rss\n"


def assert_bad_feeds_reported(document: dict, folder: Path, server) -> None:
    """The three bad feeds of ``bad_feeds`` each a line of the digest's log, with its reason."""
    reasons = {line["source"]: line["reason"] for line in document["log"]}
    assert "not an RSS/Atom feed" in reasons[str(folder / "broken.xml")]
    assert "timed out" in reasons[f"{server.base}/slow.rss"]
    assert "no article found" in reasons[f"{server.base}/menu.html"]
