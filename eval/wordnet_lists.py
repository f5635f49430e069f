"""Would an independent thesaurus do the job of the hand-written word lists?

The opposites, word sets and place names of pipeline/text/lexicon.py were extended while reading the
SummEdits errors, so their share of the verification figure is optimistic. This experiment puts
lists drawn from WordNet 3.0 (Princeton; Debian's wordnet-base) in their place, and scores
SummEdits dev with them. Nothing here was tuned on those rows beyond the variants printed.
- opposites: WordNet's direct antonyms ("rise/fall", "acquit/convict");
- word sets: nouns under one hypernym are a set, each synset one meaning ("murder" and
  "manslaughter" under "homicide"), for the senses WordNet's own corpus counts (tagged senses),
  each word's most frequent sense only, or all senses;
- places named two ways: a proper adjective with the place it pertains to ("Ukrainian/Ukraine"),
  and in a second run the places that are part of it ("London" states "U.K.").
Numbers and dates stay in every run: they are closed classes, not learnt from the rows.

    make eval-wordnet          # fetches wordnet-base with apt-get download (no root needed)
    python eval/wordnet_lists.py /path/to/wordnet/dict
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import evalgate  # noqa: F401  puts the checkout on sys.path
from eval_data import SUMMEDITS, require
from verification import ablations, scored_with

PARTS_OF_SPEECH = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def read_synsets(folder: Path) -> dict[str, dict]:
    """Synset id -> its words, pointers (symbol, target id, source word, target word) and type,
    from WordNet's data.* files (format: wndb(5WN))."""
    synsets = {}
    for name, pos in PARTS_OF_SPEECH.items():
        for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if not line[:1].isdigit():  # the licence at the top of each file
                continue
            fields = line.split("|")[0].split()
            count = int(fields[3], 16)
            words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]) for i in range(count)]
            at = 4 + 2 * count
            pointers = []
            for i in range(int(fields[at])):
                symbol, target, target_pos, source_target = fields[at + 1 + 4 * i: at + 5 + 4 * i]
                pointers.append((symbol, target + ("a" if target_pos == "s" else target_pos),
                                 int(source_target[:2], 16), int(source_target[2:], 16)))
            synsets[fields[0] + pos] = {"words": words, "pointers": pointers}
    return synsets


def senses(folder: Path, which: str) -> set[tuple[str, str]]:
    """(word, synset id) for each word's senses that WordNet's tagged corpus saw ("tagged": the
    first tagsense_cnt synsets of its index.* entry), or for its most frequent sense ("first")."""
    seen = set()
    for name, pos in PARTS_OF_SPEECH.items():
        for line in (folder / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or not line:
                continue
            fields = line.split()
            pointer_count = int(fields[3])
            kept = 1 if which == "first" else int(fields[5 + pointer_count])
            seen |= {(fields[0], offset + pos) for offset in fields[6 + pointer_count:][:kept]}
    return seen


def _plain(word: str) -> bool:
    """One word, no phrase ("break_even") and no digits."""
    return word.isascii() and word.replace("-", "").isalpha()


def opposites(synsets: dict) -> dict[str, set[str]]:
    from pipeline.text.lexicon import key

    found: dict[str, set[str]] = defaultdict(set)
    for synset in synsets.values():
        for symbol, target, source, other in synset["pointers"]:
            a, b = synset["words"][source - 1].lower(), synsets[target]["words"][other - 1].lower()
            if symbol == "!" and _plain(a) and _plain(b) and key(a) != key(b):
                found[key(a)].add(key(b))
                found[key(b)].add(key(a))
    return dict(found)


def word_sets(synsets: dict, tagged: set | None) -> tuple[dict, dict]:
    """MEANINGS and CONTRASTS (see pipeline.text.lexicon.contrast_sets) from noun hypernyms, numbers
    and dates added."""
    from pipeline.text.lexicon import NUMBER_AND_DATE_SETS, contrast_sets, key

    children = defaultdict(set)
    for synset_id, synset in synsets.items():
        for symbol, target, _, _ in synset["pointers"]:
            if symbol == "@" and synset_id.endswith("n"):
                children[target].add(synset_id)
    meanings, contrasts = (defaultdict(set, {k: set(v) for k, v in table.items()})
                           for table in contrast_sets(NUMBER_AND_DATE_SETS))
    for kin in (kin for kin in children.values() if len(kin) > 1):
        for synset_id in kin:
            contrasts[synset_id] |= kin - {synset_id}
            for word in synsets[synset_id]["words"]:
                if _plain(word) and (tagged is None or (word.lower(), synset_id) in tagged):
                    meanings[key(word)].add(synset_id)
    return dict(meanings), dict(contrasts)


def places(synsets: dict, within: bool = False) -> dict[str, frozenset[str]]:
    """A place's one-word names and the proper adjectives that pertain to it ("Ukrainian"), each
    stated by the others; ``within``: also by the names of the places that are part of it,
    transitively ("London" states "U.K.", as WordNet has London part of England, part of the UK)."""
    from pipeline.text.lexicon import stem

    def names(synset_id):
        return {stem(w) for w in synsets[synset_id]["words"] if w[0].isupper() and "_" not in w}

    parts, adjectives = defaultdict(set), defaultdict(set)
    for synset_id, synset in synsets.items():
        for symbol, target, source, _ in synset["pointers"]:
            if symbol == "%p" and within:
                parts[synset_id].add(target)
            elif symbol == "\\" and source and synset["words"][source - 1][:1].isupper() and target.endswith("n"):
                adjectives[target].add(stem(synset["words"][source - 1]))
    same: dict[str, set[str]] = defaultdict(set)
    for place in set(parts) | set(adjectives):
        stated_by = names(place) | adjectives[place] | {n for part in _all_parts(place, parts) for n in names(part)}
        for name in names(place) | adjectives[place]:
            same[name] |= stated_by
    return {name: frozenset(found) for name, found in same.items()}


def _all_parts(place: str, parts: dict, depth: int = 4) -> set[str]:
    found, frontier = set(), {place}
    for _ in range(depth):
        frontier = {part for p in frontier for part in parts.get(p, ())} - found
        found |= frontier
    return found


def score(lists: dict) -> str:
    from pipeline.index.embed import get_embedder

    (news, news_cv), (ectsum, ectsum_cv) = scored_with(lists, get_embedder())
    return (f"news {news:.4f} (threshold cross-validated {news_cv:.4f})  "
            f"ectsum {ectsum:.4f} (threshold cross-validated {ectsum_cv:.4f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wordnet", type=Path, help="WordNet 3.0's dict folder (data.noun, index.noun, ...)")
    folder = parser.parse_args().wordnet
    require(*SUMMEDITS)
    if not (folder / "data.noun").is_file():
        sys.exit(f"no WordNet in {folder}: run `make eval-wordnet`, or give the folder that holds data.noun")
    synsets = read_synsets(folder)
    none = ablations()["all three lists above"]  # numbers and dates only

    def with_sets(which):
        return {**none, **dict(zip(("MEANINGS", "CONTRASTS"), word_sets(synsets, which and senses(folder, which))))}

    runs = {
        "no lists (numbers and dates only)": none,
        "WordNet opposites": {**none, "OPPOSITES": opposites(synsets)},
        "WordNet places": {**none, "SAME_AS": places(synsets)},
        "WordNet places, and places within": {**none, "SAME_AS": places(synsets, within=True)},
        "WordNet word sets, tagged senses": with_sets("tagged"),
        "WordNet word sets, first senses": with_sets("first"),
        "WordNet word sets, all senses": with_sets(None),
        "the hand lists (as shipped)": {},
    }
    for name, lists in runs.items():
        print(f"{name:36s} {score(lists)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
