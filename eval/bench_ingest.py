"""Ingest benchmark: pages per second for newsbrief's ingest against raw trafilatura.extract.

newsbrief's ingest is the whole stage: reading, extraction with metadata, cleaning, language
id and the SQLite store; it runs with one worker and with one per core.

Both run in the same process on the same pages (decompressed into a temporary folder), in
alternating rounds, so the ratio holds even when the machine's speed does not.

    python eval/bench_ingest.py [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from eval_data import EXTRACTION, require  # noqa: E402


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


def time_ingest(folder: Path, scratch: Path, workers: int) -> tuple[float, int]:
    from pipeline.ingest.batch import ingest
    from pipeline.settings import Settings
    from store.articles import ArticleStore

    config = Settings(data_dir=scratch, workers=workers)
    config.db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with ArticleStore(config.db_path) as store:
        report = ingest([str(folder)], store, config)
    return time.perf_counter() - started, report.count("added")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=EXTRACTION)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    require(args.data)

    with tempfile.TemporaryDirectory() as tmp:
        folder, scratch = Path(tmp) / "pages", Path(tmp) / "data"
        folder.mkdir()
        pages = unpack(args.data, folder)
        time_ingest(folder, scratch, 1)  # warm-up: imports and language model load
        times: dict[str, list[float]] = {"trafilatura": [], "ingest_1_worker": [], "ingest_all_cores": []}
        for _ in range(args.rounds):
            times["trafilatura"].append(time_trafilatura(pages))
            times["ingest_1_worker"].append(time_ingest(folder, scratch, 1)[0])
            seconds, stored = time_ingest(folder, scratch, 0)
            times["ingest_all_cores"].append(seconds)

    rates = {name: round(len(pages) / statistics.median(t), 1) for name, t in times.items()}
    result = {
        "pages": len(pages), "stored": stored, "rounds": args.rounds, "cores": os.cpu_count(),
        "pages_per_s": rates,
        "ratio_to_trafilatura": {k: round(v / rates["trafilatura"], 3) for k, v in rates.items() if k != "trafilatura"},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"ingest of {len(pages)} pages ({stored} stored), median of {args.rounds} rounds, {result['machine']}:")
    for name, rate in rates.items():
        ratio = result["ratio_to_trafilatura"].get(name)
        print(f"  {name:18s} {rate:7.1f} pages/s" + (f"   x{ratio:.2f} of raw trafilatura.extract" if ratio else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
