"""Verification speed: every check-worthy claim of a 10-article story, offline, warm index.

The story is the largest in ecbplus_dev.jsonl, cut to its first 10 articles. The index holds
them already and the embedder is loaded (a running service is warm); the timed part is claim
extraction, evidence retrieval and the verifier for every claim against the other families.

    python eval/bench_verify.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from eval_data import ECB, require
from evalgate import HERE  # noqa: F401 - puts the checkout on sys.path

ARTICLES = 10


def story_articles():
    from pipeline.ingest.clean import clean_text
    from pipeline.ingest.batch import article_id
    from pipeline.models import Article

    rows = [json.loads(line) for line in ECB.read_text().splitlines()]
    largest = Counter(r["story"] for r in rows).most_common(1)[0][0]
    articles = []
    for row in [r for r in rows if r["story"] == largest][:ARTICLES]:
        cleaned = clean_text(row["text"])
        articles.append(Article(id=article_id(cleaned.text), source=row["id"], title=cleaned.title, text=cleaned.text))
    return largest, articles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(ECB)
    from pipeline.index.embed import get_embedder
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings
    from pipeline.text import syntax
    from pipeline.verify.verifier import families_of, verify_story

    story, articles = story_articles()
    embedder = get_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        index = VectorIndex(Settings(data_dir=Path(tmp)), embedder)
        index.add(articles)
        families = families_of(articles)
        verify_story(families[:2], embedder, index)  # warm-up: first calls compile regexes, load BM25 code
        syntax.parser()  # and a running service has loaded the figures' parser (about 1 s), whether or not the warm-up did
        started = time.perf_counter()
        results = verify_story(families, embedder, index)
        seconds = time.perf_counter() - started
    result = {"story": story, "articles": len(articles), "families": len(families), "claims": len(results),
              "seconds": round(seconds, 2), "verdicts": dict(Counter(v.verdict for _, _, v in results))}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"story {story}: {result['articles']} articles, {result['families']} families, {result['claims']} "
              f"check-worthy claims verified in {result['seconds']} s  {result['verdicts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
