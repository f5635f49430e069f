"""Scale benchmark: dedup and story clustering over 10k, 30k and 100k synthetic articles.

The articles come from the ECB+ dev texts (eval/syndication.py): 5% are new distinct articles
made of lines from several dev texts, the rest are syndicated copies (new headline, trimmed,
reordered, reworded, boilerplate, "with additional editing") of a dev text or of one of those.
Each size runs in its own process, so its peak memory is its own.

    python eval/bench_scale.py [--sizes 10000 30000 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

from eval_data import ECB, require
from syndication import build, load_originals, make_copy

DISTINCT_SHARE = 0.05


def synthetic(n: int, seed: int = 11) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    sources = [{"id": d.id, "text": d.text, "topic": d.topic, "story": d.story} for d in build(load_originals(), (0, 0))]
    lines = [line for s in sources for line in s["text"].splitlines()[1:] if len(line.split()) >= 6]
    for index in range(int(n * DISTINCT_SHARE)):
        body = rng.sample(lines, rng.randint(8, 15))
        sources.append({"id": f"mix{index}", "text": "\n".join([f"Digest {index}", *body]), "topic": 0, "story": ""})
    docs = [(s["id"], s["text"]) for s in sources]
    while len(docs) < n:
        copy = make_copy(rng.choice(sources), rng, len(docs))
        docs.append((copy.id, copy.text))
    rng.shuffle(docs)
    return docs[:n]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(n: int) -> dict:
    from pipeline.grouping.dedup import Deduper
    from pipeline.index.embed import get_embedder
    from pipeline.grouping.stories import StoryClusterer, StoryInput

    docs = synthetic(n)
    texts = dict(docs)
    get_embedder()  # loaded before timing: a server keeps it loaded
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    deduper = Deduper()
    for position, (doc_id, text) in enumerate(docs):
        deduper.add(doc_id, text, position)
    dedup_s = time.perf_counter() - started

    originals = [d for d, _ in docs if deduper.original_of(d) == d]
    started = time.perf_counter()
    inputs = [StoryInput(d, None, texts[d]) for d in originals]
    stories = StoryClusterer(embed=get_embedder().embed).assign({}, inputs)
    cluster_s = time.perf_counter() - started
    return {
        "articles": n, "dedup_s": round(dedup_s, 2), "dedup_articles_per_s": round(n / dedup_s),
        "originals": len(originals), "families": len({deduper.family_of(d) for d, _ in docs}),
        "clustering_s": round(cluster_s, 2), "stories": len(set(stories.values())),
        "peak_rss_mb": round(peak_rss_mb()), "rss_growth_mb": round(peak_rss_mb() - rss_before),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    require(ECB)
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    results = []
    for size in args.sizes:
        child = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        if not args.json:
            r = results[-1]
            print(f"{r['articles']:>7,} articles: dedup {r['dedup_s']:6.1f} s ({r['dedup_articles_per_s']:,}/s), "
                  f"{r['originals']:,} originals, {r['families']:,} families; clustering {r['clustering_s']:5.1f} s, "
                  f"{r['stories']:,} stories; peak RSS {r['peak_rss_mb']:,} MB", flush=True)
    if args.json:
        print(json.dumps(results))
    else:
        base = results[0]
        for r in results[1:]:
            scale = r["articles"] / base["articles"]
            print(f"  x{scale:.0f} articles -> dedup x{r['dedup_s'] / base['dedup_s']:.2f} time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
