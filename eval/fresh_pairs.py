"""Fresh-pairs eval: the verifier on news paragraphs written for this project, none of them from
``../shared/data``: each paragraph with claims that restate it and claims changed on purpose.

Two sets, written by two helpers of the session of 2026-12-06 who saw no code and no other set:

- ``labels/fresh_pairs_dev.jsonl`` (200 pairs, 40 paragraphs): read while the rules of that session
  were written, so its figures flatter the verifier;
- ``labels/fresh_pairs_held_out.jsonl`` (240 pairs, 40 paragraphs): written after, and measured
  on the code before and after; four of its pairs were read to find why a catch was lost (C20c,
  C29c, C29d, C32c), and one in the session of 2026-12-07 to find why a true claim had turned
  conflicting (C11f: "their last five games" read as a count beside "27 games"). Its figures are
  the fairer ones.

Kinds: a, a paraphrase; b, another fact restated; f (held-out only), a true claim that mixes in
another entity's or period's figure the paragraph also gives (all consistent); c, one figure
changed; d, the predicate negated or turned; e, a date, place or person swapped (all conflicts).
Each pair is judged as ``newsbrief verify --pairs`` judges it (``verify_pair``).

And ``labels/fresh_counts_dev.jsonl`` (60 pairs), written by a helper of the session of 2026-12-07
who saw no code, on counts written in words and in digits ("Twenty-six people were killed"
against "killing 31 people"): na, a count restated the other way; nb, the same beside other
counts of the same things; nc, a count the paragraph does not give; nf, a score or vote restated
(all consistent); nd, a count changed, words against digits; ne, a count changed, both in words
(conflicts). Written after the rule that reads a count in words as its number where the other
text counts the same things (align), and read afterwards while the same reading was added to
what a source says (verifier.unsaid): a development set. ``labels/fresh_counts_held_out.jsonl``
(60 pairs), by another helper, written after those rules: ea, a count restated the other way;
eb, beside other counts of the same things that are other facts; ec, a toll beside a bound or a
running figure; ef, a count of something else (consistent); ed, a count changed, words against
digits; ee, both in words (conflicts). No pair of it was read; its totals were measured for three
versions of the reading in align, and the version kept is the one that made no true claim
conflicting (a count read from words states a claim but makes no conflict certain).

And ``labels/fresh_slots_held_out.jsonl`` (120 pairs, 30 paragraphs with several figures and
days of different facts), written by a helper of the session of 2026-12-07 (stop 45) who saw no
code, after the rule that a value is in the other's slot where the sentence states the claim but
for it (align): sa, a fact restated in another word order; sb, a fact restated with many words of
a sentence that gives another figure or day of another fact (consistent); sc, a figure changed;
sd, a day, month or year changed, each in another word order (conflicts). No pair of it was read;
its totals were measured for the code before and several versions of the rule (each choice is in
the README).

And four sets written by two helpers of the session of 2026-12-07 (stop 47) who saw no code, in
the words of another outlet: ``labels/fresh_names_{dev,held_out}.jsonl`` (120 pairs, 30
paragraphs each): ma, a fact restated with its actor named another way (a surname, an acronym, a
role); mb, another fact of another named party (consistent); mc, a name swapped for another the
paragraph names in another role ("Jurors placed 70% of the fault on Hartwell" where the paragraph
put it on Redline); md, a name swapped for one the paragraph never names (conflicts). And
``labels/fresh_reworded_{dev,held_out}.jsonl`` (120 pairs each): ra, a figure's fact in other
words; rb, two figures joined, or a figure with its entity named another way (consistent); rc, a
figure changed in other words; rd, a figure given to another entity or measure of the paragraph
("Burglaries fell 8%" where vehicle thefts rose 8%) (conflicts). The dev sets were read while
trying rules for mc and rd (a name or number the source gives in another place; none kept, see
the README); no pair of the held-out sets was read. They show what the verifier still confirms:
held out, 13 of 30 role swaps and 10 of 30 misattributed figures at stop 47; 10 and 5 since
stop 48, when facts joined from two clauses stopped confirming (read on the dev sets and on
reviewers' own pairs).

And six stories written the same way (``fresh_stories/``, three outlets each, read while writing
the rules): a takeover, an earthquake, a football match, a court ruling, an election, an earnings
report. The outlets agree but for one death toll (26 against 31, in the earthquake; one outlet
writes "Twenty-six people were killed", another "thirty-one people dead"), which no version has
caught yet. Each story is ingested and briefed offline, as a user would; every line of
a brief's conflicts section and every conflicting figure row is counted false unless it names
both tolls, and the share of briefs without a false conflict is pinned, with whether the real
one is shown.

    python eval/fresh_pairs.py [--write-floor]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from evalgate import HERE, check_or_pin, eval_arguments, file_sha256

SETS = {"dev": HERE / "labels" / "fresh_pairs_dev.jsonl", "held_out": HERE / "labels" / "fresh_pairs_held_out.jsonl",
        "counts_dev": HERE / "labels" / "fresh_counts_dev.jsonl",
        "counts_held_out": HERE / "labels" / "fresh_counts_held_out.jsonl",
        "slots_held_out": HERE / "labels" / "fresh_slots_held_out.jsonl",
        **{f"{theme}_{half}": HERE / "labels" / f"fresh_{theme}_{half}.jsonl"
           for theme in ("names", "reworded") for half in ("dev", "held_out")}}
STORIES = HERE / "fresh_stories"
# The one disagreement the outlets were written with (26 against 31 dead), however it is written
REAL_CONFLICT = (re.compile(r"\b(?:26|twenty-six) people", re.I), re.compile(r"\b(?:31|thirty-one) people", re.I))
VERDICTS = ("confirmed", "unsupported", "conflicting")
RECALLS = {"c": "figure", "d": "negation", "e": "swap", "nd": "count_words_digits", "ne": "count_words",
           "ed": "count_words_digits", "ee": "count_words", "sc": "figure", "sd": "date",
           "mc": "role_swap", "md": "name_swap", "rc": "reworded_figure", "rd": "misattributed_figure"}


def judged(path) -> list[tuple[dict, str]]:
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_pair

    embedder = get_embedder()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [(row, verify_pair(row["claim"], row["doc"], embedder).verdict) for row in rows]


def scores(pairs: list[tuple[dict, str]]) -> dict[str, float]:
    """Shares, each the higher the better."""
    def share(rows, verdict):
        return round(sum(v == verdict for _, v in rows) / len(rows), 4) if rows else 0.0

    consistent = [p for p in pairs if p[0]["label"] == "consistent"]
    conflicts = [p for p in pairs if p[0]["label"] == "conflict"]
    result = {"consistent_not_conflicting": round(1 - share(consistent, "conflicting"), 4),
              "consistent_confirmed": share(consistent, "confirmed"),
              "conflicts_caught": share(conflicts, "conflicting"),
              "conflicts_not_confirmed": round(1 - share(conflicts, "confirmed"), 4)}
    for kind, name in RECALLS.items():
        if of_kind := [p for p in pairs if p[0]["kind"] == kind]:
            result[f"{name}_recall"] = share(of_kind, "conflicting")
    return result


def print_table(name: str, pairs: list[tuple[dict, str]]) -> None:
    counts = Counter((row["kind"], verdict) for row, verdict in pairs)
    print(f"{name}: {len(pairs)} pairs")
    for kind in sorted({row["kind"] for row, _ in pairs}):
        print(f"  {kind}  " + "  ".join(f"{v} {counts[kind, v]:3d}" for v in VERDICTS))


def brief_of(story: Path) -> dict:
    """The offline brief of a story's articles, ingested into a store of its own by the CLI of this
    checkout (as the pairs are judged by it; not the installed ``newsbrief``, which may be another
    checkout's when this one is a worktree)."""
    newsbrief = [sys.executable, "-m", "pipeline.apps.cli"]  # run from the checkout: its code comes first
    with tempfile.TemporaryDirectory() as data:
        run = lambda *args: subprocess.run([*newsbrief, "--data-dir", data, *args], cwd=HERE.parent,  # noqa: E731
                                           check=True, capture_output=True, text=True).stdout
        run("ingest", *sorted(str(path) for path in story.glob("*.txt")))
        [listed] = json.loads(run("stories", "--json"))
        return json.loads(run("brief", listed["id"], "--json"))


def alarms_of(brief: dict) -> tuple[list[str], list[str]]:
    """The brief's conflicts and conflicting figure rows: (those that name both tolls, the others)."""
    alarms = [json.dumps(c, ensure_ascii=False) for c in brief.get("conflicts") or []]
    alarms += [json.dumps(f, ensure_ascii=False) for f in brief.get("figures", []) if f.get("verdict") == "conflicting"]
    real = [a for a in alarms if all(toll.search(a) for toll in REAL_CONFLICT)]
    return real, [a for a in alarms if a not in real]


def main() -> int:
    args = eval_arguments(__doc__).parse_args()
    result = {}
    stories = sorted(path for path in STORIES.iterdir() if path.is_dir())
    found = {story.name: alarms_of(brief_of(story)) for story in stories}
    for name, (real, false) in found.items():
        print(f"{name}: {len(false)} false conflicts, {len(real)} naming the real one (26 against 31 dead)"
              + "".join(f"\n    {a[:200]}" for a in false))
    result["briefs_without_false_conflict"] = round(sum(not false for _real, false in found.values()) / len(found), 4)
    result["real_conflict_shown"] = float(any(real for real, _false in found.values()))
    for name, path in SETS.items():
        pairs = judged(path)
        print_table(name, pairs)
        measured = scores(pairs)
        print("  " + ", ".join(f"{metric} {value:.3f}" for metric, value in measured.items()))
        result |= {f"{name}_{metric}": value for metric, value in measured.items()}
    stories_files = sorted(STORIES.rglob("*.*"))
    return check_or_pin("fresh_pairs", result, {"dataset_sha256": file_sha256(*SETS.values(), *stories_files)},
                        write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
