"""Near-duplicates, shared wire paragraphs and source families."""

from __future__ import annotations

import random

import pytest

from conftest import FIXTURES, SEED_FILES
from pipeline.ingest.clean import clean_text
from pipeline.grouping.dedup import Deduper
from pipeline.ingest.extract import extract_html

SEED = clean_text(SEED_FILES[0].read_text()).text
OTHER_OUTLET = clean_text(SEED_FILES[1].read_text()).text  # same story, written independently
UNRELATED = extract_html((FIXTURES / "html" / "comet-probe-images.html").read_text())[0].text
PARAS = SEED.split("\n\n")


def edited(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


SYNDICATION_EDITS = {
    "identical": edited(PARAS),
    "boilerplate added": edited(["Advertisement", *PARAS[:5], "Share this article", *PARAS[5:], "All rights reserved."]),
    "trimmed 30%": edited([p for i, p in enumerate(PARAS) if i % 3 != 1]),
    "reordered": edited(PARAS[4:8] + PARAS[:4] + PARAS[8:]),
    "reworded paragraph": edited([PARAS[0].replace("revelation", "report").replace("embarking", "working")] + PARAS[1:]),
    "with additional editing": edited(PARAS[:-3] + [
        "Analysts at a Hong Kong brokerage said the deal could lift Alibaba's cloud revenue next year.",
        "Reuters, with additional editing by our desk"]),
    "all of it at once": edited(["Advertisement"] + [p.replace("said", "stated") for p in PARAS[6:] + PARAS[:5]]),
}


@pytest.mark.parametrize("edit", SYNDICATION_EDITS, ids=list(SYNDICATION_EDITS))
def test_syndicated_copy_is_a_duplicate_of_the_original(edit):
    deduper = Deduper()
    deduper.add("original", SEED, 1)
    deduper.add("other-outlet", OTHER_OUTLET, 2)
    decision = deduper.add("copy", SYNDICATION_EDITS[edit], 3)
    assert decision.is_duplicate and decision.original_id == "original"
    assert deduper.family_of("copy") == "original"
    assert deduper.family_of("other-outlet") == "other-outlet"  # the independent rewrite stays apart


def test_independent_articles_on_the_same_story_are_not_duplicates():
    deduper = Deduper()
    deduper.add("a", SEED, 1)
    decision = deduper.add("b", OTHER_OUTLET, 2)
    assert not decision.is_duplicate and decision.shared == []


def test_a_copy_seen_before_its_original_still_points_at_the_earliest():
    deduper = Deduper()
    deduper.add("copy", SYNDICATION_EDITS["trimmed 30%"], order_key=5)  # ingested first, published later
    decision = deduper.add("original", SEED, order_key=1)
    assert not decision.is_duplicate  # it is the original of the group it joined
    assert deduper.original_of("copy") == deduper.original_of("original") == "original"
    assert deduper.family_of("copy") == "original"


def test_shared_wire_paragraphs_make_a_family_and_record_spans():
    rewrite = edited([UNRELATED.split("\n\n")[0], PARAS[0], PARAS[8], "A closing line of local colour."])
    deduper = Deduper()
    deduper.add("wire", SEED, 1)
    decision = deduper.add("rewrite", rewrite, 2)
    assert not decision.is_duplicate
    assert {(s.b, SEED[s.b_start:s.b_end]) for s in decision.shared} == {("wire", PARAS[0]), ("wire", PARAS[8])}
    for span in decision.shared:
        assert rewrite[span.a_start:span.a_end] == SEED[span.b_start:span.b_end]
    assert deduper.family_of("rewrite") == "wire"


def test_a_stock_sentence_does_not_make_a_family():
    stock = "A spokesperson for the company did not immediately respond to a request for comment on Tuesday."
    deduper = Deduper()
    deduper.add("apple", edited([PARAS[0], stock]), 1)
    deduper.add("crash", edited([UNRELATED.split("\n\n")[0], stock]), 2)
    assert deduper.family_of("crash") == "crash"


def test_many_copies_stay_cheap_and_all_find_the_original():
    rng = random.Random(3)
    deduper = Deduper()
    deduper.add("original", SEED, 0)
    for n in range(1, 60):
        kept = [p for p in PARAS if rng.random() > 0.25]
        rng.shuffle(kept)
        deduper.add(f"copy{n}", edited(kept), n)
    assert {deduper.original_of(f"copy{n}") for n in range(1, 60)} == {"original"}
    assert len(deduper.indexed) <= 3  # copies are not all indexed: the cost follows distinct stories


def test_restore_keeps_stored_links_and_matches_new_copies():
    deduper = Deduper()
    deduper.restore("original", SEED, "original", "original", 1)
    deduper.restore("copy", SYNDICATION_EDITS["reordered"], "original", "original", 2)
    decision = deduper.add("late-copy", SYNDICATION_EDITS["trimmed 30%"], 3)
    assert decision.original_id == "original" and deduper.family_of("late-copy") == "original"


def test_banded_lsh_finds_the_candidates_datasketch_finds():
    """The banded LSH replaced datasketch's MinHashLSH (an import and a scipy integration per run):
    over signatures of near and far texts, both return the same candidates."""
    from datasketch import LeanMinHash, MinHashLSH

    from pipeline.grouping.dedup import _sketch
    from pipeline.grouping.fingerprints import LSH_THRESHOLD, NUM_PERM, BandedLSH

    rng = random.Random(7)
    words = [f"w{n}" for n in range(300)]
    base = [rng.choice(words) for _ in range(200)]
    texts = [" ".join(base[: rng.randint(60, 200)] if k % 2 else [rng.choice(words) for _ in range(150)])
             for k in range(60)]
    ours, theirs = BandedLSH(), MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    assert (theirs.b, theirs.r) == (BandedLSH.BANDS, BandedLSH.ROWS)
    found = 0
    for key, text in enumerate(texts):
        signature = _sketch(text)
        lean = LeanMinHash(seed=1, hashvalues=signature, scheme="affine64")
        assert ours.query(signature) == set(theirs.query(lean))
        found += len(ours.query(signature))
        ours.insert(str(key), signature)
        theirs.insert(str(key), lean)
    assert found > 0  # the near copies did find each other
