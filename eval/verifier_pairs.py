"""Write the learned verifier's training pairs as JSONL (step 1 of `make train-verifier`).

SummEdits rows of the six domains that are neither news nor earnings calls, and synthetic pairs
made from the extraction benchmark's article bodies and from those domains' docs
(pipeline.verify.pairs). ../shared/data/verification is never read: it is the test.

    python eval/verifier_pairs.py OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from eval_data import TRAINING, dataset, require

from pipeline.verify.pairs import summedits_pairs, synthetic_pairs

ARTICLES = dataset("extraction/ground-truth.json")


def training_pairs() -> list:
    require(TRAINING, ARTICLES)
    rows = [json.loads(line) for line in TRAINING.read_text().splitlines()]
    bodies = json.loads(ARTICLES.read_text())
    news = [(f"article {sha[:12]}", body["articleBody"]) for sha, body in sorted(bodies.items())]
    by_doc = {row["doc"]: row["domain"] for row in rows}
    other_docs = [(f"{domain} {doc[:200]}", doc) for doc, domain in sorted(by_doc.items())]
    return summedits_pairs(rows) + synthetic_pairs(news, per_doc=12) + synthetic_pairs(other_docs, per_doc=6)


def main(out: str) -> None:
    pairs = training_pairs()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as f:
        for pair in pairs:
            f.write(json.dumps(asdict(pair)) + "\n")
    kinds = Counter(pair.kind for pair in pairs)
    print(f"{len(pairs)} pairs ({sum(p.label for p in pairs)} consistent) -> {out}")
    print(", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items())))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
