"""Ingest benchmark: pages per second for newsbrief's ingest against raw trafilatura.extract.

Both run in the same process on the same pages (decompressed into a temporary folder), in
alternating rounds, so the ratio holds even when the machine's speed does not.

    python eval/bench_ingest.py [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def unpack(data: Path, folder: Path) -> list[Path]:
    pages = []
    for path in sorted((data / "html").glob("*.html.gz")):
        target = folder / path.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(path.read_bytes()))
        pages.append(target)
    return pages


def time_trafilatura(pages: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_bytes())
    return time.perf_counter() - started


def time_ingest(folder: Path, scratch: Path) -> tuple[float, int]:
    from pipeline.ingest import ingest
    from pipeline.settings import Settings
    from store.articles import ArticleStore

    config = Settings(data_dir=scratch)
    config.db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with ArticleStore(config.db_path) as store:
        report = ingest([str(folder)], store, config)
    return time.perf_counter() - started, report.count("added")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE / "data" / "extraction")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder, scratch = Path(tmp) / "pages", Path(tmp) / "data"
        folder.mkdir()
        pages = unpack(args.data, folder)
        time_ingest(folder, scratch)  # warm-up: imports and language model load
        base, ours, stored = [], [], 0
        for _ in range(args.rounds):
            base.append(time_trafilatura(pages))
            seconds, stored = time_ingest(folder, scratch)
            ours.append(seconds)

    result = {
        "pages": len(pages),
        "stored": stored,
        "rounds": args.rounds,
        "trafilatura_pages_per_s": round(len(pages) / statistics.median(base), 1),
        "newsbrief_pages_per_s": round(len(pages) / statistics.median(ours), 1),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }
    result["ratio_newsbrief_to_trafilatura"] = round(result["newsbrief_pages_per_s"] / result["trafilatura_pages_per_s"], 3)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"ingest of {result['pages']} pages ({stored} stored), median of {args.rounds} rounds:")
        print(f"  raw trafilatura.extract : {result['trafilatura_pages_per_s']:7.1f} pages/s")
        print(f"  newsbrief ingest        : {result['newsbrief_pages_per_s']:7.1f} pages/s")
        print(f"  ratio                   : {result['ratio_newsbrief_to_trafilatura']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
