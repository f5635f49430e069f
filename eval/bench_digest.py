"""Digest benchmark: the 181 pages of the extraction benchmark served as one local RSS feed.

A real HTTP server on 127.0.0.1 serves the pages (decompressed in memory) and a feed of teasers
linking to them; `run_digest` pulls the feed, fetches every page, ingests, groups, indexes,
ranks and briefs the top stories into a fresh data directory, and the digest is rendered to
Markdown and HTML. Reports articles per second (articles stored over the time to the stored
digest) and the time to the rendered digest, with the time of each stage.

    python eval/bench_digest.py [--top 10] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from eval_data import EXTRACTION, require  # noqa: E402


def pages(data: Path) -> dict[str, bytes]:
    return {f"/{p.name.removesuffix('.html.gz')}.html": gzip.decompress(p.read_bytes())
            for p in sorted((data / "html").glob("*.html.gz"))}


def feed(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>page {n}</title><link>{base}{path}</link><guid>{path}</guid>"
                    f"<pubDate>{formatdate(usegmt=True)}</pubDate></item>" for n, path in enumerate(paths))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title><link>{base}/</link>'
            f"<description>bench</description>{items}</channel></rss>").encode()


def serve(routes: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = routes.get(self.path)
            self.send_response(200 if body else 404)
            kind = "application/rss+xml" if self.path.endswith(".rss") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(EXTRACTION)
    routes = pages(EXTRACTION)
    server = serve(routes)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    routes["/bench.rss"] = feed(base, sorted(routes))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["NEWSBRIEF_DATA_DIR"] = folder
        os.environ["NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS"] = "true"
        os.environ["NEWSBRIEF_LIMITS__MAX_FEED_ENTRIES"] = "1000"
        result = run(base, args.top, folder)
    server.shutdown()
    if args.json:
        print(json.dumps(result))
        return
    print(f"digest over {result['entries']} feed entries ({result['articles']} articles stored, "
          f"{result['stories']} stories, top {args.top} briefed) on {result['machine']}")
    for stage, seconds in result["stages"].items():
        print(f"  {stage:<45} {seconds:7.1f} s")
    print(f"articles per second (to the stored digest): {result['articles_per_second']:.1f}")
    print(f"time to the rendered digest: {result['seconds_to_rendered']:.1f} s")
    print(f"articles per second through pull and ingest alone: {result['ingest_articles_per_second']:.1f}")
    print(f"the same digest again (nothing new: {result['second_run_nothing_new']}): {result['second_run_seconds']:.1f} s")


def run(base: str, top: int, folder: str) -> dict:
    from pipeline.apps.digest.config import DigestConfig
    from pipeline.apps.digest.render import to_html, to_markdown
    from pipeline.apps.digest.run import run_digest
    from pipeline.settings import Settings

    config = DigestConfig(name="bench", top=top, since="3650d", feeds=[{"url": f"{base}/bench.rss", "outlet": "Bench"}])
    stages, marks = {}, [("start", time.perf_counter())]

    def on_stage(name: str) -> None:
        now = time.perf_counter()
        stages[marks[-1][0]] = now - marks[-1][1]
        marks.append((name, now))
        print(f"[{now - marks[0][1]:6.1f} s] {name}", file=sys.stderr, flush=True)

    started = marks[0][1]
    digest = run_digest(config, Settings(), on_stage=on_stage)
    stored = time.perf_counter()
    stages[marks[-1][0]] = stored - marks[-1][1]
    stages.pop("start", None)
    text, page = to_markdown(digest), to_html(digest)
    rendered = time.perf_counter()
    stages["rendering (md + html)"] = rendered - stored
    articles = digest.counts["added"] + digest.counts["already_stored"]
    read_in = stages.get("pulling feeds", 0) + stages.get(f"ingesting {digest.counts['entries']} entries", 0)
    again = time.perf_counter()
    second = run_digest(config, Settings())  # the same feed again: nothing new, nothing briefed
    return {"ingest_articles_per_second": round(articles / read_in, 2) if read_in else None,
            "second_run_seconds": round(time.perf_counter() - again, 2), "second_run_nothing_new": second.nothing_new,
            "entries": digest.counts["entries"], "articles": articles, "failed": digest.counts["failed"],
            "stories": len(digest.stories), "stages": {k: round(v, 2) for k, v in stages.items()},
            "articles_per_second": round(articles / (stored - started), 2),
            "seconds_to_rendered": round(rendered - started, 2), "markdown_chars": len(text), "html_chars": len(page),
            "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}"}


if __name__ == "__main__":
    main()
