"""Extraction eval: article-body F1 over the article-extraction-benchmark pages.

The metric is the benchmark's own: \\w+ tokens, 4-gram shingle counts, per-page tp/fp/fn
normalised by their sum, precision and recall averaged over pages, F1 from the means.

    python eval/extraction.py                 # score, print, compare with the floor
    python eval/extraction.py --write-floor   # also pin the score in eval/baseline.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DEFAULT_DATA = HERE / "data" / "extraction"
BASELINE = HERE / "baseline.json"
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


def dataset_hash(data: Path) -> str:
    digest = hashlib.sha256((data / "ground-truth.json").read_bytes())
    for path in sorted((data / "html").glob("*.html.gz")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(data: Path) -> dict:
    """Score newsbrief's extraction (exactly what `newsbrief extract` does) over every page."""
    from pipeline.extract import extract_html
    from pipeline.sources import decode

    pages = load_pages(data)
    started = time.perf_counter()
    pairs = []
    for sha, (truth, url, raw) in pages.items():
        cleaned, _ = extract_html(decode(raw, sha, html=True), url)
        pairs.append((truth, cleaned.text))
    result = score(pairs)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (ground-truth.json, html/)")
    parser.add_argument("--write-floor", action="store_true", help="pin this score as the floor in baseline.json")
    args = parser.parse_args()

    result = run(args.data)
    print(f"extraction over {result['pages']} pages: F1 {result['f1']:.4f}  "
          f"P {result['precision']:.4f}  R {result['recall']:.4f}  ({result['seconds']}s)")
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    floor = baseline.get("extraction", {})
    if args.write_floor:
        baseline["extraction"] = {
            "f1": round(result["f1"], 4), "precision": round(result["precision"], 4),
            "recall": round(result["recall"], 4), "pages": result["pages"],
            "dataset_sha256": dataset_hash(args.data),
        }
        BASELINE.write_text(json.dumps(baseline, indent=2) + "\n")
        print(f"pinned in {BASELINE}")
        return 0
    if floor and result["f1"] < floor["f1"]:
        print(f"FAIL: F1 {result['f1']:.4f} is below the floor {floor['f1']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
