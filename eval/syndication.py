"""A synthetic syndication set built from real articles: copies with the edits syndication makes.

Used by the dedup eval and the scale benchmark. Every edit is seeded, so a run is repeatable.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from eval_data import ECB

HERE = Path(__file__).resolve().parent

BOILERPLATE = ["Advertisement", "Share this article", "Follow us on Twitter for the latest updates",
               "Copyright 2013 Example Media Group. All rights reserved.", "Sign up for our newsletter",
               "Story continues below advertisement"]
LOCAL_ADDITIONS = [
    "Local officials said they were following the situation closely and would comment later.",
    "A spokesperson for the regional office did not immediately respond to a request for comment on Tuesday.",
    "The newspaper's correspondent contributed additional reporting from the scene for this version of the story.",
]
SYNONYMS = {"said": "stated", "told": "informed", "after": "following", "before": "prior to", "killed": "slain",
            "big": "large", "police": "officers", "people": "individuals", "began": "started", "also": "additionally"}


@dataclass
class Doc:
    id: str
    text: str
    group: str   # the original it was made from (an original is its own group)
    topic: int
    story: str
    edits: str


def load_originals(path: Path = ECB, min_lines: int = 5, min_chars: int = 600) -> list[dict]:
    """Real articles long enough to edit, and distinct from one another.

    ECB+ itself holds syndicated copies (the same wire story from two outlets). Those are true
    duplicates, not negatives, so of any two articles that share even 30% of their lines
    (rapidfuzz ratio >= 85, half the detector's 60%), only the first is kept.
    """
    from pipeline.grouping.dedup import line_coverage

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    long_enough = [r for r in rows if len(r["text"].splitlines()) >= min_lines and len(r["text"]) >= min_chars]
    kept: list[tuple[dict, list[str]]] = []
    for row in long_enough:
        lines = [line.casefold() for line in row["text"].splitlines() if len(line.split()) >= 5]
        if all(line_coverage(lines, other) < 0.3 for _, other in kept):
            kept.append((row, lines))
    return [row for row, _ in kept]


def reword(line: str, rng: random.Random) -> str:
    words = line.split()
    swapped = [SYNONYMS.get(w, w) for w in words]
    if swapped == words and len(words) > 8:  # nothing to swap: drop a word instead
        del swapped[rng.randrange(1, len(swapped) - 1)]
    return " ".join(swapped)


def make_copy(original: dict, rng: random.Random, index: int) -> Doc:
    """One syndicated copy: always a new headline, then a random mix of the other edits."""
    headline, *body = original["text"].splitlines()
    edits = ["headline"]
    lines = list(body)
    if rng.random() < 0.7:
        drop = max(1, round(len(lines) * rng.uniform(0.1, 0.3)))
        for _ in range(drop):
            lines.pop(rng.randrange(len(lines)))
        edits.append(f"dropped {drop}")
    if rng.random() < 0.5 and len(lines) > 3:
        i, j = rng.sample(range(len(lines)), 2)
        lines[i], lines[j] = lines[j], lines[i]
        edits.append("reordered")
    if rng.random() < 0.5:
        k = rng.randrange(len(lines))
        lines[k] = reword(lines[k], rng)
        edits.append("reworded")
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(BOILERPLATE))
        edits.append("boilerplate")
    if rng.random() < 0.3:
        lines.insert(rng.randrange(1, len(lines) + 1), rng.choice(LOCAL_ADDITIONS))
        lines.append("Reuters, with additional editing by Staff")
        edits.append("additional editing")
    new_headline = f"{rng.choice(['UPDATE:', 'Report:', 'Breaking:', 'Watch:'])} {headline}"
    return Doc(f"{original['id']}#copy{index}", "\n".join([new_headline, *lines]), original["id"],
               original["topic"], original["story"], ", ".join(edits))


def build(originals: list[dict], copies_per_original: tuple[int, int] = (1, 4), seed: int = 7) -> list[Doc]:
    """Originals (the hard negatives of one another) plus their copies, shuffled."""
    rng = random.Random(seed)
    docs = [Doc(o["id"], o["text"], o["id"], o["topic"], o["story"], "original") for o in originals]
    for original in originals:
        for index in range(rng.randint(*copies_per_original)):
            docs.append(make_copy(original, rng, index))
    rng.shuffle(docs)
    return docs
