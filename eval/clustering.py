"""Clustering eval: stories found in ecbplus_dev.jsonl against its 36 labelled stories.

The algorithm is not told how many stories there are. Documents go through the text cleaner
as ingest does (so the headline becomes the title). Reported:
- the full method (names, years, figures and dates, the lead's once more, with the embedding
  veto; average-link at the fixed threshold), its adjusted Rand index and V-measure;
- wordllama embeddings alone, average-link, at the threshold chosen by cross-validation;
- the full method with its lead length and threshold chosen together by the same
  cross-validation: picked on half the topics, scored on the other. This is the figure to trust
  (pinned as cv_ari); the shipped constants were chosen on these rows;
- a second view: topics 1-10 scored with the setting chosen on 11-20, and the other way round;
- for both, the share of same-story pairs kept in one story (a split story shows here first);
- incremental mode: the articles arrive in 5 batches, each joining the stories so far.

    python eval/clustering.py [--write-floor]
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
from eval_data import ECB, require
from evalgate import eval_arguments, check_or_pin, file_sha256

THRESHOLDS = np.round(np.arange(0.05, 0.8, 0.025), 3)


def load():
    from pipeline.ingest.clean import clean_text
    from pipeline.grouping.stories import StoryInput

    rows = [json.loads(line) for line in ECB.read_text().splitlines()]
    inputs = []
    for row in rows:
        cleaned = clean_text(row["text"])
        inputs.append(StoryInput(row["id"], cleaned.title, cleaned.text))
    return rows, inputs


def scores(truth, labels) -> dict:
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    return {"ari": round(adjusted_rand_score(truth, labels), 4), "v_measure": round(v_measure_score(truth, labels), 4),
            "stories_found": len(set(labels)), "pairs_kept": round(pairs_kept(truth, labels), 4)}


def pairs_kept(truth, labels) -> float:
    """The share of same-story pairs of articles that are in one story found: how often an
    editor finds a story's coverage together rather than split."""
    kept = total = 0
    for i in range(len(truth)):
        for j in range(i + 1, len(truth)):
            if truth[i] == truth[j]:
                total += 1
                kept += labels[i] == labels[j]
    return kept / total


def average_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """What the clusterer does with a batch's similarities (the matrix is overwritten: a copy)."""
    from pipeline.grouping.linkage import average_link_clusters

    return average_link_clusters(similarity.copy(), 1 - threshold)


def cross_validated(cluster, rows, truth, settings, folds: int = 5) -> dict:
    """Each half of the topics is clustered with the setting (a threshold, or a lead length and a
    threshold) that did best on the other half; the two halves' labels together are scored over
    all rows, so the figure compares with the whole-set one. Five random splits, averaged."""
    from sklearn.metrics import adjusted_rand_score

    topics = np.array([r["topic"] for r in rows])
    truth = np.array(truth)
    results, kept, chosen = [], [], []
    for seed in range(folds):
        order = sorted(set(topics))
        random.Random(seed).shuffle(order)
        half = np.isin(topics, order[: len(order) // 2])
        labels = np.empty(len(rows), dtype=object)
        for fit, test in ((half, ~half), (~half, half)):
            best = best_setting(cluster, np.flatnonzero(fit), truth, settings)
            chosen.append(best)
            labels[test] = [f"{'ab'[int(fit[0])]}{label}" for label in cluster(np.flatnonzero(test), best)]
        results.append(adjusted_rand_score(truth, labels.astype(str)))
        kept.append(pairs_kept(list(truth), list(labels.astype(str))))
    return {"ari": round(float(np.mean(results)), 4), "pairs_kept": round(float(np.mean(kept)), 4),
            "settings": sorted(set(chosen))}


def best_setting(cluster, rows: np.ndarray, truth: np.ndarray, settings):
    """The setting with the best ARI on these rows (the first of equals, in the order given)."""
    from sklearn.metrics import adjusted_rand_score

    return max(settings, key=lambda setting: adjusted_rand_score(truth[rows], cluster(rows, setting)))


def halves(cluster, rows, truth, settings) -> dict:
    """Topics 1-10 against 11-20: each half clustered with the setting the other half chose."""
    from sklearn.metrics import adjusted_rand_score

    topics = np.array([r["topic"] for r in rows])
    truth = np.array(truth)
    low, high = np.flatnonzero(topics <= 10), np.flatnonzero(topics > 10)
    out = {}
    for name, fit, test in (("topics_1_10", high, low), ("topics_11_20", low, high)):
        best = best_setting(cluster, fit, truth, settings)
        out[name] = {"ari": round(adjusted_rand_score(truth[test], cluster(test, best)), 4), "setting": best}
    return out


def full_method_at(inputs, embed):
    """cluster(rows, (lead_chars, threshold)) for the full method: each batch's similarities are
    computed once per lead length (the clusterer's own) and cut at every threshold."""
    from pipeline.grouping.stories import StoryClusterer

    memo: dict[tuple, np.ndarray] = {}

    def cluster(idx, setting):
        lead_chars, threshold = setting
        key = (tuple(idx), lead_chars)
        if key not in memo:
            memo[key] = StoryClusterer(embed=embed, lead_chars=lead_chars).batch_similarities([inputs[i] for i in idx])
        return average_link(memo[key], threshold)

    return cluster


def run() -> dict:
    from pipeline.index.embed import get_embedder
    from pipeline.grouping.stories import LEAD_CHOICES, StoryClusterer

    rows, inputs = load()
    truth = [r["story"] for r in rows]
    embed = cached(get_embedder().embed)
    full = StoryClusterer(embed=embed).assign({}, inputs)
    result = {"full_method": scores(truth, [full[a.id] for a in inputs])}

    embeddings = embed([f"{a.title or ''}\n{a.text[:2000]}" for a in inputs])
    emb_sim = embeddings @ embeddings.T
    result["wordllama_alone_cv"] = cross_validated(
        lambda idx, t: average_link(emb_sim[np.ix_(idx, idx)], t), rows, truth, [float(t) for t in THRESHOLDS])

    full_at = full_method_at(inputs, embed)
    settings = [(lead, float(t)) for lead in LEAD_CHOICES for t in THRESHOLDS]
    result["full_method_cv"] = cross_validated(full_at, rows, truth, settings)
    result["halves"] = halves(full_at, rows, truth, settings)
    result["chosen_on_all_rows"] = best_setting(full_at, np.arange(len(rows)), np.array(truth), settings)
    result["incremental_5_batches"] = scores(truth, incremental(inputs, embed))
    return result


def cached(embed):
    """The CV runs embed the same texts many times; the vectors do not change."""
    memo: dict[str, np.ndarray] = {}

    def embed_cached(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, embed(missing)))
        return np.vstack([memo[t] for t in texts])

    return embed_cached


def incremental(inputs, embed, batches: int = 5) -> list[str]:
    from pipeline.grouping.stories import StoryClusterer

    order = list(inputs)
    random.Random(1).shuffle(order)
    assigned: dict[str, str] = {}
    size = -(-len(order) // batches)
    for start in range(0, len(order), size):
        assigned |= StoryClusterer(embed=embed).assign(assigned, order[: start + size])
    return [assigned[a.id] for a in inputs]


def main() -> int:
    args = eval_arguments(__doc__).parse_args()
    require(ECB)
    result = run()
    full, alone = result["full_method"], result["wordllama_alone_cv"]
    cv = result["full_method_cv"]
    print(f"clustering over {ECB.name}: full method ARI {full['ari']:.4f}  V {full['v_measure']:.4f}  "
          f"({full['stories_found']} stories found, 36 true; same-story pairs kept together {full['pairs_kept']:.1%})")
    print(f"  full method, lead and threshold cross-validated by topic: ARI {cv['ari']:.4f}, same-story pairs "
          f"kept together {cv['pairs_kept']:.1%} (picked: {cv['settings']}; goal ARI 0.85)")
    for name, half in result["halves"].items():
        print(f"  {name.replace('_', ' ', 1).replace('_', '-')} with the setting the other half chose "
              f"{half['setting']}: ARI {half['ari']:.4f}")
    print(f"  chosen on all rows (the shipped LEAD_CHARS, SIMILARITY_THRESHOLD): {result['chosen_on_all_rows']}")
    print(f"  wordllama embeddings alone, cross-validated: ARI {alone['ari']:.4f} (thresholds {alone['settings']})")
    inc = result["incremental_5_batches"]
    print(f"  incremental, 5 batches: ARI {inc['ari']:.4f}  V {inc['v_measure']:.4f}")
    floors = {"ari": full["ari"], "v_measure": full["v_measure"], "incremental_ari": inc["ari"], "cv_ari": cv["ari"]}
    return check_or_pin("clustering", floors, {"dataset_sha256": file_sha256(ECB)}, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
