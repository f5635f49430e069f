"""Brief speed: the offline brief of a 10-article story from a warm store, and a cold start.

- warm: the largest ECB+ dev story cut to 10 articles is stored, grouped and indexed first; the
  timed part is loading the story and writing its brief (the embedder is loaded, as in a server);
- cold: `newsbrief brief examples/apple-alibaba` in a new process with an empty data directory,
  so it imports everything, ingests, groups, indexes and writes the brief.

    python eval/bench_brief.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval_data import ECB, require
from bench_verify import story_articles
from evalgate import HERE

ROUNDS = 3


def warm_seconds() -> float:
    from pipeline.brief.compose import write_brief
    from pipeline.index.embed import get_embedder
    from pipeline.grouping import group_pending, load_story
    from pipeline.index import index_pending
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings
    from store.articles import ArticleStore
    from store.groups import GroupStore

    _, articles = story_articles()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        embedder = get_embedder()
        with ArticleStore(settings.db_path) as store:
            for article in articles:
                store.add(article)
            group_pending(store, settings)
            index = VectorIndex(settings, embedder)
            index_pending(store, settings, index)
            story_id = max(GroupStore(store.db).story_ids(), key=lambda s: len(GroupStore(store.db).story_rows(s)))
            times = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                write_brief(load_story(store, story_id), settings, embedder, index)
                times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_seconds() -> float:
    command = [str(Path(sys.executable).parent / "newsbrief"), "brief", str(HERE.parent / "examples" / "apple-alibaba")]
    times = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            subprocess.run(command, env=os.environ | {"NEWSBRIEF_DATA_DIR": tmp}, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(ECB)
    result = {"warm_10_article_brief_s": round(warm_seconds(), 2), "cold_example_brief_s": round(cold_seconds(), 2)}
    print(json.dumps(result) if args.json else
          f"offline brief of a 10-article story, warm: {result['warm_10_article_brief_s']} s (median of {ROUNDS}); "
          f"cold start + brief of the example story: {result['cold_example_brief_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
