"""The learned verifier's training pairs (pipeline.verify.pairs) and premises."""

from __future__ import annotations

import random
from collections import Counter

from conftest import EXAMPLE_STORY
from pipeline.verify import pairs
from pipeline.verify.pairs import premise_for, summedits_pairs, synthetic_pairs

SEEDS = [(path.name, path.read_text()) for path in sorted(EXAMPLE_STORY.glob("*.txt"))]


def test_a_premise_keeps_the_sentences_that_share_words_with_the_claim_in_the_docs_order():
    doc = ("The weather was mild. Apple chose Alibaba as its partner in China. Tea prices were flat. "
           "Alibaba will supply the AI models for iPhones.")
    premise = premise_for("Apple picked Alibaba to supply AI models", doc, budget=18)
    assert premise == "Apple chose Alibaba as its partner in China. Alibaba will supply the AI models for iPhones."


def test_a_premise_stays_within_its_word_budget():
    doc = " ".join(f"Sentence number {i} talks about the budget of the city council." for i in range(50))
    assert len(premise_for("the city council budget", doc, budget=40).split()) <= 40


def test_synthetic_pairs_are_half_true_and_every_false_one_is_edited():
    made = synthetic_pairs(SEEDS, per_doc=30)
    labels = Counter(p.label for p in made)
    assert labels[0] and labels[1] and abs(labels[0] - labels[1]) <= len(made) // 3
    for pair in made:
        assert pair.kind.startswith("true" if pair.label else "false")
        if pair.kind.startswith("false") and pair.kind != "false: not in the premise":
            assert pair.claim not in pair.premise  # an edit, not a copy of the evidence


def test_synthetic_pairs_are_the_same_on_every_run():
    assert synthetic_pairs(SEEDS, seed=3) == synthetic_pairs(SEEDS, seed=3)


def test_each_edit_changes_what_it_names():
    rng = random.Random(0)
    sentence = "Apple shares rose 2% on Monday, and Baidu was chosen first."
    doc = sentence + " Tencent and Huawei were also considered."
    assert pairs._negate(sentence, doc, [], rng) == "Apple shares rose 2% on Monday, and Baidu was not chosen first."
    assert pairs._flip(sentence, doc, [], rng) == "Apple shares fell 2% on Monday, and Baidu was chosen first."
    assert "2%" not in pairs._swap_number(sentence, doc, [], rng)
    swapped = pairs._swap_name(sentence, doc, [], rng)
    assert swapped != sentence and ("Tencent" in swapped or "Huawei" in swapped)


def test_summedits_rows_become_pairs_grouped_by_domain_and_document():
    row = {"doc": "The team met on Monday. They agreed to ship in May.", "claim": "The team agreed to ship in May.",
           "label": 1, "domain": "qmsumm"}
    [pair] = summedits_pairs([row])
    assert pair.label == 1 and pair.kind == "qmsumm" and pair.group.startswith("qmsumm The team met")
    assert "ship in May" in pair.premise


def test_training_reports_the_summedits_rows_and_the_synthetic_pairs_apart():
    from train_verifier import by_source

    held = [{"kind": "podcast", "label": 1}, {"kind": "podcast", "label": 0},
            {"kind": "true: the sentence", "label": 1}, {"kind": "false: negate", "label": 0}]
    # The rows are told apart right and the synthetic pairs wrong: the figures must not blend.
    figures = by_source(held, [0.9, 0.2, 0.1, 0.8])
    assert figures == {"held_out_balanced_accuracy_summedits": 1.0, "held_out_balanced_accuracy_synthetic": 0.0}
