"""The eval gate: floors with dataset hashes, refusals, and a fast subset of the evals."""

from __future__ import annotations

import json

import pytest

import evalgate
from conftest import needs_data
from eval_data import ECB, EXTRACTION, SUMMEDITS
from evalgate import check_or_pin


@pytest.fixture
def baseline(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"demo": {"f1": 0.9, "dataset_sha256": "abc"}}))
    return path


def test_passes_at_or_above_the_floor_and_fails_below(baseline):
    assert check_or_pin("demo", {"f1": 0.9}, {"dataset_sha256": "abc"}, write=False, baseline_path=baseline) == 0
    assert check_or_pin("demo", {"f1": 0.95}, {"dataset_sha256": "abc"}, write=False, baseline_path=baseline) == 0
    assert check_or_pin("demo", {"f1": 0.89}, {"dataset_sha256": "abc"}, write=False, baseline_path=baseline) == 1


def test_a_changed_dataset_is_refused(baseline):
    assert check_or_pin("demo", {"f1": 0.99}, {"dataset_sha256": "other"}, write=False, baseline_path=baseline) == 1


def test_a_missing_floor_fails(baseline):
    assert check_or_pin("nothing", {"f1": 1.0}, {}, write=False, baseline_path=baseline) == 1


def test_pinning_never_lowers_a_floor_without_allow_regression(baseline):
    meta = {"dataset_sha256": "abc"}
    assert check_or_pin("demo", {"f1": 0.8}, meta, write=True, allow_regression=False, baseline_path=baseline) == 1
    assert json.loads(baseline.read_text())["demo"]["f1"] == 0.9
    assert check_or_pin("demo", {"f1": 0.8}, meta, write=True, allow_regression=True, baseline_path=baseline) == 0
    assert json.loads(baseline.read_text())["demo"]["f1"] == 0.8
    assert check_or_pin("demo", {"f1": 0.91234}, meta, write=True, allow_regression=False, baseline_path=baseline) == 0
    assert json.loads(baseline.read_text())["demo"]["f1"] == 0.9123  # rounded down: the pinning run passes


def pinned(name: str) -> dict:
    return json.loads(evalgate.BASELINE.read_text())[name]


@needs_data(ECB, *SUMMEDITS)
def test_fast_evals_meet_their_floors():
    """The quick evals run in `make test`; `make eval` runs them all."""
    import dedup
    import verification

    result = dedup.run()
    floors = pinned("dedup")
    assert result["precision"] >= floors["precision"] and result["recall"] >= floors["recall"]
    for path in verification.FILES:
        name = path.stem.removeprefix("summedits_").removesuffix("_dev")
        assert verification.run_file(path)["balanced_accuracy"] >= pinned("verification")[f"{name}_balanced_accuracy"]


@needs_data(EXTRACTION)
def test_turning_the_cleaner_off_fails_the_extraction_gate(monkeypatch):
    import extraction
    import pipeline.ingest.extract
    from pipeline.ingest.clean import Cleaned

    monkeypatch.setattr(pipeline.ingest.extract, "clean_paragraphs",
                        lambda paragraphs, title=None, **_: Cleaned(text="\n\n".join(paragraphs), title=title))
    result = extraction.run(extraction.DEFAULT_DATA)
    floors = {k: result[k] for k in ("f1", "precision", "recall")}
    assert check_or_pin("extraction", floors, {"dataset_sha256": pinned("extraction")["dataset_sha256"]},
                        write=False) == 1


def test_ecb_texts_are_read_as_published_without_the_tokenizer_spaces():
    from eval_data import untokenized

    assert untokenized("`` It cost $27. 5 million,'' he said of the 90 - day, 20, 000 - seat deal at 1: 41 p. m.") \
        == '"It cost $27.5 million," he said of the 90-day, 20,000-seat deal at 1:41 p.m.'
    assert untokenized("for a while - at least; in 2010. 5 people") == "for a while - at least; in 2010. 5 people"
