"""Dedup eval: pair precision and recall of near-duplicate detection on a syndication set.

The set is built from ecbplus_dev.jsonl (eval/syndication.py): each real article plus 1-4 copies
with syndication edits; the other real articles, many on the same topic, are the hard negatives.
Every document goes through the text cleaner first, as ingest does.

    python eval/dedup.py [--write-floor]
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter, defaultdict

from eval_data import ECB, require
from evalgate import eval_arguments, check_or_pin, file_sha256
from syndication import build, load_originals



def pairs_of(groups: dict[str, list[str]]) -> set[frozenset]:
    return {frozenset(p) for members in groups.values() for p in itertools.combinations(members, 2)}


def precision_recall(predicted: set, truth: set) -> tuple[float, float]:
    hits = len(predicted & truth)
    return (hits / len(predicted) if predicted else 1.0), (hits / len(truth) if truth else 1.0)


def run() -> dict:
    from pipeline.ingest.clean import clean_text
    from pipeline.grouping.dedup import Deduper

    docs = build(load_originals())
    deduper = Deduper()
    started = time.perf_counter()
    for position, doc in enumerate(docs):
        deduper.add(doc.id, clean_text(doc.text).text, position)
    seconds = time.perf_counter() - started

    truth_groups, dup_groups, family_groups = defaultdict(list), defaultdict(list), defaultdict(list)
    for doc in docs:
        truth_groups[doc.group].append(doc.id)
        dup_groups[deduper.original_of(doc.id)].append(doc.id)
        family_groups[deduper.family_of(doc.id)].append(doc.id)
    truth = pairs_of(truth_groups)
    p, r = precision_recall(pairs_of(dup_groups), truth)
    fp, fr = precision_recall(pairs_of(family_groups), truth)
    by_id = {d.id: d for d in docs}
    missed = Counter(
        edit for pair in truth - pairs_of(dup_groups) for d in pair if by_id[d].edits != "original"
        for edit in by_id[d].edits.split(", ")
    )
    false_links = [tuple(sorted(pair)) for pair in pairs_of(dup_groups) - truth]
    return {"docs": len(docs), "originals": len(truth_groups), "true_pairs": len(truth),
            "precision": round(p, 4), "recall": round(r, 4),
            "family_precision": round(fp, 4), "family_recall": round(fr, 4),
            "seconds": round(seconds, 2), "missed_by_edit": dict(missed), "false_links": false_links[:10]}


def main() -> int:
    args = eval_arguments(__doc__).parse_args()
    require(ECB)
    result = run()
    print(f"dedup over {result['docs']} docs ({result['originals']} originals, {result['true_pairs']} true pairs): "
          f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  ({result['seconds']}s)")
    print(f"  source families (with shared-paragraph links): precision {result['family_precision']:.4f}  "
          f"recall {result['family_recall']:.4f}")
    if result["missed_by_edit"]:
        print(f"  edits in missed pairs: {result['missed_by_edit']}")
    for pair in result["false_links"]:
        print(f"  false link: {pair}")
    floors = {"precision": result["precision"], "recall": result["recall"]}
    return check_or_pin("dedup", floors, {"dataset_sha256": file_sha256(ECB), "docs": result["docs"]},
                        write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
