"""Worker throughput: articles per minute through `digest --distributed` with 1 and 2 workers.

The 181 pages of the extraction dataset are served by a local HTTP server behind one RSS feed
of teasers (each entry a link to its page); a real redis-server and a real `chroma run` start on
free loopback ports, fresh for each run, and `newsbrief worker`s run as processes of their own.
The runs alternate (1, 2, 1, 2...) in one process, so the ratio holds when the machine's speed
does not. Two figures per run: the ingest wave (the feed read, each page cleaned: the part that
spreads over workers) and the whole digest (grouping and index writes are one at a time).
Nothing is tuned on these pages; they are only timed.

    python eval/bench_workers.py [--rounds 1] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests")]
from eval_data import EXTRACTION, require  # noqa: E402


def serve_pages(data: Path) -> tuple[ThreadingHTTPServer, int]:
    """The pages at /N.html and a teaser feed of them at /feed.rss; the server and the page count."""
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((data / "html").glob("*.html.gz"))]
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(f"<item><title>Page {n}</title><link>{base}/{n}.html</link><guid>page-{n}</guid></item>"
                    for n in range(len(pages)))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Pages</title>{items}</channel></rss>'.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            name = self.path.strip("/")
            body, kind = (feed, "application/rss+xml") if name == "feed.rss" else (
                (pages[int(name.removesuffix(".html"))], "text/html") if name.removesuffix(".html").isdigit() else (None, ""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind or "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server.RequestHandlerClass = Handler
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, len(pages)


def one_run(workers: int, feed_url: str, broker_url: str, scratch: Path) -> dict:
    """A fresh store and Chroma server, ``workers`` workers, one distributed digest, timed."""
    import redis

    from pipeline.apps.digest.config import load_digest_config
    from pipeline.apps.workers.distributed import run_digest_distributed
    from pipeline.settings import Settings
    from pipeline.apps.storage import open_article_store
    from workers_cluster import Workers, chroma_run, cluster_env

    redis.Redis.from_url(broker_url).flushall()
    scratch.mkdir(parents=True)
    feeds = scratch / "feeds.yaml"
    feeds.write_text(f"name: bench\ntop: 3\nsince: 3650d\nfeeds:\n  - url: {feed_url}\n    outlet: Bench\n")
    with chroma_run(scratch / "chroma") as chroma_url:
        env = cluster_env(scratch / "data", broker_url, chroma_url, celery__domain_interval_s="0", workers="1")
        config = Settings(data_dir=scratch / "data", chroma_url=chroma_url, fetch={"allow_private_hosts": True},
                          celery={"broker_url": broker_url, "domain_interval_s": 0})
        stages: dict[str, float] = {}
        with Workers(env, scratch / "logs").start(workers):
            time.sleep(5)  # the workers start (imports, the broker connection) before the clock does
            started = time.perf_counter()
            run_digest_distributed(load_digest_config(feeds), config,
                                   on_stage=lambda line: stages.setdefault(line.split(":")[0], time.perf_counter()))
            total = time.perf_counter() - started
        with open_article_store(config) as store:
            articles = len(list(store.ids()))
    ingest = stages["grouping"] - started
    return {"workers": workers, "articles": articles, "read_feed_s": round(stages["ingesting entries"] - started, 2),
            "ingest_s": round(ingest, 2), "total_s": round(total, 2),
            "ingest_per_min": round(articles / ingest * 60, 1), "total_per_min": round(articles / total * 60, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(EXTRACTION / "html")
    from workers_cluster import redis_server

    server, pages = serve_pages(EXTRACTION)
    feed_url = f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    runs = []
    with tempfile.TemporaryDirectory() as folder, redis_server(Path(folder)) as broker_url:
        for round_ in range(args.rounds):
            for workers in (1, 2):
                runs.append(one_run(workers, feed_url, broker_url, Path(folder) / f"r{round_}-w{workers}"))
                print(json.dumps(runs[-1]), file=sys.stderr)
    server.shutdown()
    median = {n: {k: statistics.median(r[k] for r in runs if r["workers"] == n) for k in ("ingest_per_min", "total_per_min")}
              for n in (1, 2)}
    result = {"pages": pages, "rounds": args.rounds, "runs": runs,
              "ingest_ratio": round(median[2]["ingest_per_min"] / median[1]["ingest_per_min"], 2),
              "total_ratio": round(median[2]["total_per_min"] / median[1]["total_per_min"], 2)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for n in (1, 2):
            print(f"{n} worker{'s' if n > 1 else ''}: {median[n]['ingest_per_min']:.0f} articles/min ingesting, "
                  f"{median[n]['total_per_min']:.0f} articles/min for the whole digest")
        print(f"2 workers / 1 worker: {result['ingest_ratio']:.2f}x ingesting, {result['total_ratio']:.2f}x whole digest "
              f"({pages} pages, {args.rounds} round(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
