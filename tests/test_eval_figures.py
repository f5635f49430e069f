"""The figure eval's labels: well-formed, in the eval's vocabulary, free of the data's text, and
(when ../shared/data is present) pointing at their figures."""

from __future__ import annotations

import re

import pytest

import figures  # eval/figures.py; eval/ is on pytest's path (pyproject.toml)
from conftest import needs_data
from eval_data import ECB, SUMMEDITS

LABELS = figures.load_labels()
KEYS = {"source", "doc", "start", "end", "quote", "sentence", *figures.FIELDS}
MEASURES = {"%", "pp", "bp", "count", "rank", "magnitude", "m", "°C", "°F"}
MOST_QUOTED = 20  # characters: a figure as written, never a sentence of the data


def test_there_are_enough_labels_from_every_source():
    assert len(LABELS) >= 150
    assert {row["source"] for row in LABELS} == set(figures.SOURCES)


@pytest.mark.parametrize("row", LABELS, ids=lambda row: f"{row['doc']}@{row['start']}")
def test_a_label_is_well_formed(row):
    assert set(row) == KEYS
    assert row["source"] in figures.SOURCES
    assert len(row["quote"]) == row["end"] - row["start"] <= MOST_QUOTED
    sentence_start, sentence_end = row["sentence"]
    assert sentence_start <= row["start"] < row["end"] <= sentence_end
    assert row["metric"] in figures.METRICS
    assert isinstance(row["value"], float) and row["value"] >= 0
    assert row["unit"] in MEASURES or re.fullmatch(r"[A-Z]{3}", row["unit"])
    assert row["direction"] in {"up", "down", None}
    assert row["approximator"] is None or row["approximator"] in figures.APPROXIMATORS
    assert row["basis"] is None or figures.basis_tokens(row["basis"])  # a basis the eval can read
    assert row["entity"] is None or not row["entity"].startswith(("of ", "Of "))


def test_each_figure_is_labelled_once_per_entity():
    seen = [(row["doc"], row["start"], row["entity"]) for row in LABELS]
    assert len(seen) == len(set(seen))


def test_bases_are_read_alike_from_the_extractor_and_the_labels():
    assert figures.basis_tokens("third quarter of 2023") == {"q3", "2023"}
    assert figures.basis_tokens("fiscal year 2024") == figures.basis_tokens("fy2024") == {"fy2024"}
    assert figures.basis_tokens("Q2 of last year") == figures.basis_tokens("q2 prior year")
    assert figures.basis_tokens("close") == {"close"}  # the extractor names sessions so
    assert figures.basis_tokens("pre-market") == {"pre-market"}


def test_entities_match_by_containment_or_token_set():
    assert figures.same_entity("Northbridge Rail Group", "Northbridge")
    assert not figures.same_entity("Red Sox", "Teixeira")


@needs_data(ECB, SUMMEDITS[1])
def test_every_quote_is_at_its_offsets_in_the_shared_data():
    assert figures.misplaced(LABELS, figures.documents(LABELS)) == []
