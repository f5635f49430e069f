"""Verification eval: balanced accuracy on SummEdits dev, offline, no LLM.

Each row's doc is the other source and its claim the summary; label 1 means consistent. The
verifier says ``supported`` only for ``confirmed``. Two figures are reported per file:
- the verifier as it is (its score thresholds were set on the seed story, never on these rows);
- a score threshold chosen by leave-one-document-out cross-validation (fit on 3 docs, scored on
  the 4th), to show what tuning could add without tuning on the rows it reports.
The confusion is broken down by edit type, which the data gives.

The word lists of pipeline/text/lexicon.py were extended while reading this eval's errors, so the
first figure is optimistic by what they learnt from these rows. Two checks on that:
- "word lists held out by document": each document's rows are scored with only the list entries
  that some *other* document (of either file) uses, as if the lists had been written without
  seeing it (an opposite pair must occur in one other document; a contrast or place word in any);
- ``--ablate``: the figure with each list emptied in turn.

- ``--model DIR``: the learned verifier in DIR alone (a model not yet shipped, such as one that
  ``eval/train_verifier.py --out DIR`` made), read as verify_pair reads a summary.

    python eval/verification.py [--write-floor] [--ablate] [--model DIR]
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from eval_data import SUMMEDITS, require
from evalgate import check_or_pin, eval_arguments, file_sha256

FILES = SUMMEDITS


def balanced_accuracy(labels: list[int], predicted: list[bool]) -> float:
    labels, predicted = np.array(labels), np.array(predicted)
    return float(0.5 * ((predicted[labels == 1]).mean() + (~predicted[labels == 0]).mean()))


def leave_one_doc_out(rows, scores, verdicts) -> float:
    docs = sorted({r["doc"] for r in rows})
    predicted = np.zeros(len(rows), dtype=bool)
    for held_out in docs:
        fit = [i for i, r in enumerate(rows) if r["doc"] != held_out]
        best = max(np.arange(0.3, 1.0, 0.02), key=lambda t: balanced_accuracy(
            [rows[i]["label"] for i in fit], [scores[i] >= t and verdicts[i] != "conflicting" for i in fit]))
        for i, r in enumerate(rows):
            if r["doc"] == held_out:
                predicted[i] = scores[i] >= best and verdicts[i] != "conflicting"
    return balanced_accuracy([r["label"] for r in rows], list(predicted))


def read_rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def verified(rows: list[dict], embedder, judge=None) -> list:
    """verify_pair on each row, by the default judge (the learned verifier with the deterministic
    checks), or by ``judge``."""
    from pipeline.verify.verifier import judge as default_judge, verify_pair

    return [verify_pair(r["claim"], r["doc"], embedder, judge or default_judge) for r in rows]


def run_file(path) -> dict:
    from pipeline.index.embed import get_embedder
    from pipeline.verify.model import available
    from pipeline.verify.verifier import lexical_judge

    embedder = get_embedder()
    rows = read_rows(path)
    results = verified(rows, embedder)
    labels = [r["label"] for r in rows]
    by_edit: dict[str, Counter] = defaultdict(Counter)
    for row, result in zip(rows, results):
        for edit in row["edit_types"] or (["none (consistent)"] if row["label"] else ["unlabelled"]):
            by_edit[edit]["caught" if result.supported == bool(row["label"]) else "missed"] += 1
    return {
        "rows": len(rows),
        "balanced_accuracy": round(balanced_accuracy(labels, [r.supported for r in results]), 4),
        "cv_threshold_balanced_accuracy": round(leave_one_doc_out(rows, [r.score for r in results],
                                                                  [r.verdict for r in results]), 4),
        "held_out_lists_balanced_accuracy": round(held_out_lists(rows, embedder), 4),
        "deterministic_only_balanced_accuracy": round(balanced_accuracy(labels, [r.supported for r in (
            verified(rows, embedder, lexical_judge) if available() else results)]), 4),  # the same judge without a model
        "verdicts": dict(Counter(r.verdict for r in results)),
        "by_edit_type": {edit: dict(counts) for edit, counts in sorted(by_edit.items())},
    }


def model_alone(rows: list[dict], directory: Path) -> float:
    """Balanced accuracy of the learned model in ``directory`` alone: each sentence of a summary
    against the doc's sentences that bear on it (the premise it was trained on), the summary
    consistent when every sentence is."""
    from pipeline.verify.model import LearnedVerifier
    from pipeline.verify.pairs import premise_for
    from pipeline.verify.verifier import LEARNED_STATES, summary_sentences

    model = LearnedVerifier(directory)
    consistent = []
    for row in rows:
        sentences = summary_sentences(row["claim"]) or [row["claim"]]
        scores = model.consistency([(premise_for(sentence, row["doc"]), sentence) for sentence in sentences])
        consistent.append(min(scores) >= LEARNED_STATES)
    return balanced_accuracy([r["label"] for r in rows], consistent)


@contextmanager
def lexicon_with(**lists):
    """pipeline.text.lexicon with some of its word lists replaced, and the verifier's caches of what it
    made of them emptied on the way in and out."""
    from pipeline.verify import align
    from pipeline.text import lexicon

    kept = {name: getattr(lexicon, name) for name in lists}
    for name, value in lists.items():
        setattr(lexicon, name, value)
    align.forget_word_sets()
    try:
        yield
    finally:
        for name, value in kept.items():
            setattr(lexicon, name, value)
        align.forget_word_sets()


def held_out_lists(rows: list[dict], embedder) -> float:
    """Balanced accuracy on ``rows`` with each document scored by the list entries that the
    other documents of both files use (see the module's doc)."""
    from pipeline.verify import align
    from pipeline.text import lexicon
    from pipeline.text.lexicon import key, stem

    def words(text):  # in both spellings the lists use, with the parts of hyphenated words
        parts = [part for word in align._WORD.findall(text) for part in [word, *word.split("-")] if part]
        return {key(p) for p in parts} | {stem(p) for p in parts}

    vocabulary: dict[str, set[str]] = defaultdict(set)
    for row in (row for path in FILES for row in read_rows(path)):
        vocabulary[row["doc"]] |= words(row["doc"] + " " + row["claim"])
    predicted = {}
    for doc in {r["doc"] for r in rows}:
        others = [v for d, v in vocabulary.items() if d != doc]
        held_out = lexicon_with(
            OPPOSITES={w: {o for o in opposites if any({w, o} <= v for v in others)}
                       for w, opposites in lexicon.OPPOSITES.items()},
            MEANINGS={w: m for w, m in lexicon.MEANINGS.items() if any(w in v for v in others)},
            SAME_AS={w: same for w, same in lexicon.SAME_AS.items() if any(w in v for v in others)})
        with held_out:
            mine = [i for i, row in enumerate(rows) if row["doc"] == doc]
            for i, result in zip(mine, verified([rows[i] for i in mine], embedder)):
                predicted[i] = result.supported
    return balanced_accuracy([r["label"] for r in rows], [predicted[i] for i in range(len(rows))])


def ablations() -> dict[str, dict]:
    """Each word list of pipeline.text.lexicon, and what emptying it means. Numbers and dates stay in
    the contrast sets: they are closed classes, not learnt from these rows."""
    from pipeline.text.lexicon import NUMBER_AND_DATE_SETS, contrast_sets

    numbers_and_dates = dict(zip(("MEANINGS", "CONTRASTS"), contrast_sets(NUMBER_AND_DATE_SETS)))
    return {
        "opposites": {"OPPOSITES": {}},
        "word sets": numbers_and_dates,
        "places named two ways": {"SAME_AS": {}},
        "all three lists above": {"OPPOSITES": {}, "SAME_AS": {}, **numbers_and_dates},
        "direction words": {"direction": lambda word: None},
    }


def scored_with(lists: dict, embedder) -> list[tuple[float, float]]:
    """(balanced accuracy, the same with a threshold cross-validated by document) for each file,
    with some of pipeline.text.lexicon's lists replaced by ``lists``."""
    scored = []
    with lexicon_with(**lists):
        for rows in map(read_rows, FILES):
            results = verified(rows, embedder)
            scored.append((balanced_accuracy([r["label"] for r in rows], [v.supported for v in results]),
                           leave_one_doc_out(rows, [v.score for v in results], [v.verdict for v in results])))
    return scored


def ablate() -> None:
    """Balanced accuracy with each word list emptied in turn."""
    from pipeline.index.embed import get_embedder

    embedder = get_embedder()
    for name, emptied in ablations().items():
        (news, _), (ectsum, _) = scored_with(emptied, embedder)
        print(f"without {name:24s} news {news:.4f}  ectsum {ectsum:.4f}")


def main() -> int:
    parser = eval_arguments(__doc__)
    parser.add_argument("--ablate", action="store_true", help="also report each word list's share")
    parser.add_argument("--model", type=Path, help="also report the learned model in this folder alone")
    args = parser.parse_args()
    require(*SUMMEDITS)
    floors = {}
    for path in FILES:
        name = path.stem.removeprefix("summedits_").removesuffix("_dev")
        result = run_file(path)
        print(f"verification {name} ({result['rows']} rows): balanced accuracy {result['balanced_accuracy']:.4f}; "
              f"word lists held out by document {result['held_out_lists_balanced_accuracy']:.4f}; "
              f"a threshold cross-validated by document {result['cv_threshold_balanced_accuracy']:.4f}; "
              f"the deterministic checks alone {result['deterministic_only_balanced_accuracy']:.4f}")
        print(f"  verdicts {result['verdicts']}")
        for edit, counts in result["by_edit_type"].items():
            print(f"  {edit:32s} caught {counts.get('caught', 0):3d}  missed {counts.get('missed', 0):3d}")
        floors[f"{name}_balanced_accuracy"] = result["balanced_accuracy"]
        if args.model:
            print(f"  the learned model in {args.model} alone: balanced accuracy "
                  f"{model_alone(read_rows(path), args.model):.4f}")
    if args.ablate:
        ablate()
    return check_or_pin("verification", floors, {"dataset_sha256": file_sha256(*FILES)}, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
