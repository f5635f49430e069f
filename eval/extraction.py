"""Extraction eval: article-body F1 over the article-extraction-benchmark pages.

The metric is the benchmark's own: \\w+ tokens, 4-gram shingle counts, per-page tp/fp/fn
normalised by their sum, precision and recall averaged over pages, F1 from the means.

    python eval/extraction.py                 # score, print, compare with the floor
    python eval/extraction.py --write-floor   # also pin the score in eval/baseline.json
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from eval_data import EXTRACTION, require
from evalgate import check_or_pin, eval_arguments, file_sha256

DEFAULT_DATA = EXTRACTION
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    words = _TOKEN.findall(text)
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """tp, fp, fn for one page, normalised by their sum."""
    t, p = shingles(truth), shingles(predicted)
    tp = sum(min(c, p[k]) for k, c in t.items())
    fp = sum(c - t[k] for k, c in p.items() if c > t[k])
    fn = sum(c - p[k] for k, c in t.items() if c > p[k])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pairs: list[tuple[str, str]]) -> dict:
    """Benchmark precision, recall and F1 over (truth, predicted) pairs."""
    precisions, recalls = [], []
    for truth, predicted in pairs:
        tp, fp, fn = page_counts(truth, predicted)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return {"f1": 2 * p * r / (p + r), "precision": p, "recall": r, "pages": len(pairs)}


def load_pages(data: Path) -> dict[str, tuple[str, str, bytes]]:
    truth = json.loads((data / "ground-truth.json").read_text())
    return {
        sha: (row["articleBody"], row["url"], gzip.decompress((data / "html" / f"{sha}.html.gz").read_bytes()))
        for sha, row in truth.items()
    }


def run(data: Path, plain: bool = False) -> dict:
    """Score newsbrief's extraction (exactly what `newsbrief extract` does) over every page,
    or, with ``plain``, trafilatura.extract() with its defaults, for reference."""
    import trafilatura

    from pipeline.ingest.extract import extract_html
    from pipeline.ingest.sources import decode

    pages = load_pages(data)
    started = time.perf_counter()
    pairs = []
    for sha, (truth, url, raw) in pages.items():
        text = (trafilatura.extract(raw) or "") if plain else extract_html(decode(raw, sha, html=True), url)[0].text
        pairs.append((truth, text))
    result = score(pairs)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main() -> int:
    parser = eval_arguments(__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (ground-truth.json, html/)")
    parser.add_argument("--plain", action="store_true", help="score plain trafilatura.extract() instead, for reference")
    args = parser.parse_args()
    require(args.data)

    result = run(args.data, plain=args.plain)
    if args.plain:
        print(f"plain trafilatura.extract() over {result['pages']} pages: F1 {result['f1']:.4f}  "
              f"P {result['precision']:.4f}  R {result['recall']:.4f}")
        return 0
    print(f"extraction over {result['pages']} pages: F1 {result['f1']:.4f}  "
          f"P {result['precision']:.4f}  R {result['recall']:.4f}  ({result['seconds']}s)")
    paths = [args.data / "ground-truth.json", *sorted((args.data / "html").glob("*.html.gz"))]
    floors = {k: result[k] for k in ("f1", "precision", "recall")}
    return check_or_pin("extraction", floors, {"pages": result["pages"], "dataset_sha256": file_sha256(*paths)},
                        write=args.write_floor)

if __name__ == "__main__":
    sys.exit(main())
