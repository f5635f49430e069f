"""Where the evals' datasets live.

They are public data brought in from other projects (see ../shared/data/README.md and the
licences beside each file), so this repository carries no copy of them. They are read from
``../shared/data`` beside the checkout, or from the folder ``NEWSBRIEF_EVAL_DATA`` names (with
the same layout: ``extraction/``, ``clustering/``, ``verification/``, ``training/``).
``eval/baseline.json`` pins each file's SHA-256, so a different copy is refused, not scored.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DATA_ENV = "NEWSBRIEF_EVAL_DATA"
CHECKOUT = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    return Path(os.environ.get(DATA_ENV) or CHECKOUT.parent / "shared" / "data")


def dataset(relative: str) -> Path:
    """The path of a dataset file or folder (not checked here: importing an eval stays cheap)."""
    return data_root() / relative


def missing(*paths: Path) -> list[Path]:
    return [path for path in paths if not path.exists()]


def require(*paths: Path) -> None:
    """Stop with a message that says how to get the data, when any of ``paths`` is missing."""
    absent = missing(*paths)
    if absent:
        sys.exit(f"eval data not found: {', '.join(map(str, absent))}\n"
                 f"The datasets are not in this repository. Put the shared data folder beside the checkout "
                 f"(../shared/data, with extraction/, clustering/, verification/), or point {DATA_ENV} at a "
                 f"copy of it: {DATA_ENV}=/path/to/data make eval")


EXTRACTION = dataset("extraction")  # ground-truth.json and html/<sha>.html.gz
ECB = dataset("clustering/ecbplus_dev.jsonl")
SUMMEDITS = [dataset(f"verification/summedits_{name}_dev.jsonl") for name in ("news", "ectsum")]
TRAINING = dataset("training/summedits_other_domains.jsonl")  # SummEdits' six other domains: never the test

# ECB+ keeps a tokenizer's spaces inside numbers and quotes ("$27. 5 million", "20, 000 people",
# "1: 41 PM", "a 90 - day stay", "`` ... ''"): as published, and as newsbrief reads articles, they
# are "$27.5 million", "20,000", "1:41", "90-day" and plain quotes. Hyphens between words stay
# spaced: some of them are dashes ("for a while - at least").
_HYPHENED = (re.compile(r"(\d(?:-[a-z]+)?) - (?=\w)"), r"\1-")  # "90 - day"; twice for "29 - year - old"
_TOKENIZED = [
    (re.compile(r"(\d), (\d{3})(?!\d)"), r"\1,\2"),
    (re.compile(r"(?<!\d{3})(\d)(?:\. | \.)(\d)"), r"\1.\2"),  # not a year's full stop: "in 2010. 5 people"
    (re.compile(r"(\d): (\d\d)(?!\d)"), r"\1:\2"),
    (re.compile(r"(\d) / (?=\d)"), r"\1/"),
    (re.compile(r"\b([ap])\. m\."), r"\1.m."),
    _HYPHENED,
    _HYPHENED,
    (re.compile(r"(?<=\w) - (?=\d)"), "-"),
    (re.compile(r"``\s?|\s?''"), '"'),
]


def untokenized(text: str) -> str:
    """An ECB+ text with its tokenizer's spaces taken out of numbers and quotes."""
    for pattern, replacement in _TOKENIZED:
        text = pattern.sub(replacement, text)
    return text
