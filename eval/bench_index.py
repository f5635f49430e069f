"""Index benchmark: chunk, embed and write the 181 extraction pages; then query latency.

For each embedder available (wordllama always; minilm with the [minilm] extra), into a fresh
embedded Chroma: chunks per second end to end (chunking + embedding + writing), and the p50 and
p95 latency of a search (embedding the query + the Chroma query), over 200 queries taken from
the pages' own sentences.

    python eval/bench_index.py [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from eval_data import EXTRACTION, require
from evalgate import HERE  # noqa: F401 - puts the checkout on sys.path
from retrieval import available_embedders

QUERIES = 200


def load_articles():
    from pipeline.ingest.extract import extract_html
    from pipeline.ingest.batch import article_id
    from pipeline.models import Article
    from pipeline.ingest.sources import decode

    data = EXTRACTION
    truth = json.loads((data / "ground-truth.json").read_text())
    articles = []
    for sha, row in truth.items():
        raw = gzip.decompress((data / "html" / f"{sha}.html.gz").read_bytes())
        cleaned, _ = extract_html(decode(raw, sha, html=True), row["url"])
        if cleaned.text:
            articles.append(Article(id=article_id(cleaned.text), source=sha, text=cleaned.text))
    return articles


def bench(embedder_name: str, articles, queries: list[str]) -> dict:
    from pipeline.index.embed import get_embedder
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings

    embedder = get_embedder(embedder_name)
    embedder.embed(["warm up"])
    with tempfile.TemporaryDirectory() as tmp:
        index = VectorIndex(Settings(data_dir=Path(tmp)), embedder)
        started = time.perf_counter()
        chunks = index.add(articles)
        seconds = time.perf_counter() - started
        latencies = []
        for query in queries:
            started = time.perf_counter()
            index.search(query, k=5)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {"embedder": embedder_name, "chunks": chunks, "seconds": round(seconds, 2),
            "chunks_per_s": round(chunks / seconds), "query_p50_ms": round(statistics.median(latencies), 1),
            "query_p95_ms": round(latencies[int(0.95 * len(latencies)) - 1], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(EXTRACTION)
    from pipeline.text.sentences import split_sentences

    articles = load_articles()
    sentences = [s.text for a in articles for s in split_sentences(a.text) if len(s.text) > 40]
    queries = random.Random(5).sample(sentences, QUERIES)
    results = [bench(name, articles, queries) for name in available_embedders()]
    if args.json:
        print(json.dumps(results))
        return 0
    for r in results:
        print(f"{r['embedder']:10s} {r['chunks']:,} chunks of {len(articles)} pages in {r['seconds']} s: "
              f"{r['chunks_per_s']:,} chunks/s; query p50 {r['query_p50_ms']} ms, p95 {r['query_p95_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
