"""Conflict eval: false alarms on untouched stories, and injected conflicts caught.

`conflicting` is the costliest verdict to get wrong: it leads the brief. Over the ECB+ dev
stories (different outlets on the same event):

- untouched: each story's offline brief; every entry of its conflicts section is counted and
  printed (--show) for a person to read. ECB+ outlets rarely disagree, but some do: the conflicts
  read and found real are in ``eval/labels/conflicts.jsonl`` (a label matches an entry of its
  story that holds all of its ``contains`` strings). Every other entry counts as false, a new one
  too, until someone reads it and labels it. Both are reported; the goal is at most one false
  conflict in 20 briefs, and the share of briefs without a false conflict is pinned with the
  share without any.
- injected: one outlet's copy (the first article of each family in turn) is changed in a
  sentence that another family also states, one change at a time: a figure on the same basis (doubled), a negated predicate, a swapped date
  word (weekday, month or year), a named entity swapped for one from the topic's other event.
  The changed sentence is verified as a claim of its family against the others; recall is the
  share marked `conflicting` (goal: 95% of the figure changes).
- untouched claims: each sentence an injection starts from, verified as it stands against the
  other families, as `newsbrief verify --claim` would: briefs quote few sentences, and a false
  `conflicting` here is the alarm an editor would see on any other. Labels apply as for briefs
  (a label matches the sentence and its reasons); the share of sentences without a false
  conflict is pinned.

Tuning protocol: the rules were developed reading errors of ECB+ topics 1-10 only (the
development half); topics 11-20 are the held-out half. Both halves are reported apart, and
--show prints the development half's errors only.

    python eval/conflicts.py [--show] [--write-floor]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict

from eval_data import ECB, require
from evalgate import HERE, check_or_pin, eval_arguments, file_sha256
from summary import stories

KINDS = ("figure", "negation", "date", "entity")
DEVELOPMENT_TOPICS = range(1, 11)  # errors read while writing the rules; 11-20 are held out
HALVES = ("dev", "held_out")
CASES_PER_KIND = 3  # changes of each kind tried in a story, at different sentences
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()
_AUXILIARY = re.compile(r"\b(was|were|is|are|has|have|had|will|would|could|did)\b(?! not\b)")
_NEGATED = re.compile(r"\b(?:not|never|no longer)\s+")
_DATE = re.compile(rf"\b(?:{'|'.join(WEEKDAYS + MONTHS)}|(?:19|20)\d\d)\b")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
LABELS = HERE / "labels" / "conflicts.jsonl"
_RANGE_AFTER = re.compile(r"\s*(?:to|and|-|–)\s*[$€£]?\d")
_RANGE_BEFORE = re.compile(r"(?:\bbetween|\bfrom|\d(?:\s*(?:million|billion|thousand|bn|m))?\s*(?:to|and|-|–))\s*[$€£]?$")


def topics() -> dict[str, int]:
    return {row["story"]: row["topic"] for row in map(json.loads, ECB.read_text().splitlines())}


def half_of(story_id: str, topic_of: dict[str, int]) -> str:
    return "dev" if topic_of[story_id] in DEVELOPMENT_TOPICS else "held_out"


def load_labels(path=LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def is_real(story_id: str, conflict: str, labels: list[dict]) -> bool:
    """Whether a person read this conflict and found the outlets do disagree."""
    return any(label["real"] and label["story"] == story_id and all(part in conflict for part in label["contains"])
               for label in labels)


def untouched_conflicts(grouped, embedder) -> list[tuple[str, list[str]]]:
    from pipeline.brief.compose import extractive_brief
    from pipeline.grouping import Story
    from pipeline.verify.verifier import families_of

    found = []
    for story_id, articles in sorted(grouped.items()):
        families = families_of(articles)
        brief = extractive_brief(Story(story_id, articles[0].title, articles, families), embedder, "eval")
        found.append((story_id, brief.conflicts))
    return found


# --- injected conflicts -----------------------------------------------------------------------


def doubled_figure(sentence: str) -> str | None:
    from pipeline.verify.figure_check import bounded
    from pipeline.verify.figures import extract_figures

    for figure in extract_figures(sentence):
        if bounded(figure.approximator, figure.value) or _a_range_end(sentence, figure):
            continue  # "more than 50" doubled is "more than 101": a bound that still agrees, no conflict
        if figure.unit != "rank" and re.fullmatch(r"[\d,]*\d(?:\.\d+)?", figure.quote.split()[0].lstrip("$€£")):
            number = re.search(r"\d[\d,]*(?:\.\d+)?", figure.quote).group(0)
            if re.match(r"0\d", number):
                continue  # "000" of a tokenised "20, 000": no number of its own
            value = float(number.replace(",", "")) * 2 + 1
            written = f"{value:,.0f}" if "." not in number else f"{value:.{len(number.split('.')[1])}f}"
            start = figure.start + figure.quote.index(number)
            return sentence[:start] + written + sentence[start + len(number):]
    return None


def _a_range_end(sentence: str, figure) -> bool:
    """"$140 million to $160 million", "between 140 and 150": doubling one end leaves a range
    that may still hold the other outlet's value, or no range at all."""
    before, after = sentence[:figure.start], sentence[figure.end:]
    return bool(_RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before))


def negated(sentence: str) -> str | None:
    if _NEGATED.search(sentence):
        return _NEGATED.sub("", sentence, count=1)
    match = _AUXILIARY.search(sentence)
    return sentence[:match.end()] + " not" + sentence[match.end():] if match else None


def swapped_date(sentence: str) -> str | None:
    match = _DATE.search(sentence)
    if not match:
        return None
    word = match.group(0)
    if word in WEEKDAYS:
        other = WEEKDAYS[(WEEKDAYS.index(word) + 3) % 7]
    elif word in MONTHS:
        other = MONTHS[(MONTHS.index(word) + 5) % 12]
    else:
        other = str(int(word) - 3)
    return sentence[:match.start()] + other + sentence[match.end():]


def swapped_entity(sentence: str, other_names: list[str]) -> str | None:
    match = _NAME.search(sentence)
    candidates = [n for n in other_names if n not in sentence]
    if not match or not candidates:
        return None
    return sentence[:match.start()] + candidates[0] + sentence[match.end():]


def names_of(articles) -> list[str]:
    counts = Counter(n for a in articles for n in _NAME.findall(a.text))
    return [name for name, _ in counts.most_common(20)]


def injection_cases(grouped):
    """(kind, story, article, original sentence, changed sentence): up to CASES_PER_KIND cases of
    each kind in the first article of each family of a story, at the first sentences the change
    applies to. (Until stop 37, only the second family's: 10 figure cases in all, too few to
    tell 95% from 80%.)"""
    from pipeline.verify.claims import extract_claims
    from pipeline.verify.verifier import families_of

    topic_of = topics()
    by_topic = defaultdict(list)
    for story_id in grouped:
        by_topic[topic_of[story_id]].append(story_id)
    for story_id, articles in sorted(grouped.items()):
        families = families_of(articles)
        if len(families) < 2:
            continue
        sibling = [a for s in by_topic[topic_of[story_id]] if s != story_id for a in grouped[s]]
        own_names = set(names_of(articles))
        other_names = [n for n in names_of(sibling) if n not in own_names]
        changes = {"figure": doubled_figure, "negation": negated, "date": swapped_date,
                   "entity": lambda s: swapped_entity(s, other_names)}
        for target in (family.articles[0] for family in families):
            sentences = [c.text for c in extract_claims(target.text) if c.check_worthy]
            for kind, change in changes.items():
                applied = [(sentence, changed) for sentence in sentences
                           if (changed := change(sentence)) and changed != sentence]
                for sentence, changed in applied[:CASES_PER_KIND]:
                    yield kind, story_id, target, sentence, changed


def injected_recall(grouped, embedder, show: bool = False) -> tuple[dict, dict]:
    """Per (half, kind): [caught, cases], counting only cases whose original sentence another
    family confirms, so that the change is checkable at all; and the verdict on each original
    sentence, untouched, by (half, story, sentence): a conflict there is an alarm on real text."""
    from pipeline.verify.verifier import families_of, verify_claim

    topic_of = topics()
    tally = {(half, kind): [0, 0] for half in HALVES for kind in KINDS}
    originals = {}
    for kind, story_id, target, sentence, changed in injection_cases(grouped):
        articles = grouped[story_id]
        families = families_of(articles)
        own = next(f.id for f in families if target in f.articles)
        key = (half_of(story_id, topic_of), story_id, sentence)
        if key not in originals:
            originals[key] = verify_claim(sentence, families, own, embedder)
        if originals[key].verdict != "confirmed":
            continue
        altered = [a.model_copy(update={"text": a.text.replace(sentence, changed)}) if a.id == target.id else a
                   for a in articles]
        families = families_of(altered)
        own = next(f.id for f in families if any(a.id == target.id for a in f.articles))
        result = verify_claim(changed, families, own, embedder)
        half = half_of(story_id, topic_of)
        tally[half, kind][1] += 1
        tally[half, kind][0] += result.verdict == "conflicting"
        if show and half == "dev" and result.verdict != "conflicting":
            print(f"  missed {kind} [{story_id}] {result.verdict}: {changed}\n      {result.reasons[:2]}")
    return tally, originals


def claim_conflicts(originals, labels: list[dict], halves) -> tuple[int, int, int]:
    """(claims, claims marked conflicting, of those not labelled real) among untouched sentences."""
    conflicting = [(story_id, said_of(sentence, r)) for (half, story_id, sentence), r in originals.items()
                   if half in halves and r.verdict == "conflicting"]
    false = [c for c in conflicting if not is_real(*c, labels)]
    return sum(half in halves for half, _, _ in originals), len(conflicting), len(false)


def said_of(sentence: str, result) -> str:
    """A claim's sentence with its reasons, as a label's ``contains`` strings are matched."""
    return f"{sentence} {' '.join(result.reasons)}"


def _figures(untouched, recall, originals, halves, labels: list[dict]) -> dict:
    briefs = [c for half, _, c in untouched if half in halves]
    false = [[c for c in conflicts if not is_real(story_id, c, labels)]
             for half, story_id, conflicts in untouched if half in halves]
    result = {"briefs": len(briefs), "conflicts": sum(map(len, briefs)), "briefs_with_conflicts": sum(map(bool, briefs)),
              "false_conflicts": sum(map(len, false)), "briefs_with_false_conflicts": sum(map(bool, false))}
    result["conflicts_per_brief"] = round(result["conflicts"] / max(result["briefs"], 1), 4)
    result["false_conflicts_per_brief"] = round(result["false_conflicts"] / max(result["briefs"], 1), 4)
    result["claims"], result["claims_conflicting"], result["claims_false_conflicts"] = \
        claim_conflicts(originals, labels, halves)
    for kind in KINDS:
        caught = sum(recall[half, kind][0] for half in halves)
        cases = sum(recall[half, kind][1] for half in halves)
        result[f"{kind}_cases"] = cases
        result[f"{kind}_recall"] = round(caught / cases, 4) if cases else 0.0
    return result


def run(show: bool = False) -> dict[str, dict]:
    """The figures of each half and of all stories: {"dev": ..., "held_out": ..., "all": ...}."""
    from pipeline.index.embed import get_embedder

    embedder = get_embedder()
    grouped = stories()
    topic_of = topics()
    untouched = [(half_of(story_id, topic_of), story_id, conflicts)
                 for story_id, conflicts in untouched_conflicts(grouped, embedder)]
    labels = load_labels()
    if show:
        for half, story_id, conflicts in untouched:
            for conflict in conflicts if half == "dev" else []:
                print(f"  [{story_id}] {'real' if is_real(story_id, conflict, labels) else 'FALSE'}: {conflict}")
    recall, originals = injected_recall(grouped, embedder, show)
    if show:
        for (half, story_id, sentence), result in originals.items():
            if half == "dev" and result.verdict == "conflicting":
                real = is_real(story_id, said_of(sentence, result), labels)
                print(f"  claim [{story_id}] {'real' if real else 'FALSE'}: {sentence}\n      {result.reasons[:2]}")
    return {half: _figures(untouched, recall, originals, halves, labels)
            for half, halves in (("dev", ("dev",)), ("held_out", ("held_out",)), ("all", HALVES))}


def main() -> int:
    parser = eval_arguments(__doc__)
    parser.add_argument("--show", action="store_true", help="print every conflict of the untouched briefs")
    args = parser.parse_args()
    require(ECB)
    results = run(args.show)
    names = {"dev": "development half (topics 1-10)", "held_out": "held-out half (topics 11-20)", "all": "all"}
    for half, r in results.items():
        print(f"{names[half]}: conflicts over {r['briefs']} untouched briefs: {r['conflicts']} in "
              f"{r['briefs_with_conflicts']} briefs ({r['conflicts_per_brief']:.2f} a brief); false (not labelled "
              f"real): {r['false_conflicts']} in {r['briefs_with_false_conflicts']} briefs "
              f"({r['false_conflicts_per_brief']:.2f} a brief; goal at most 0.05)")
        print(f"  untouched sentences verified as claims: {r['claims_conflicting']} of {r['claims']} conflicting, "
              f"{r['claims_false_conflicts']} not labelled real")
        print("  injected, caught as conflicting: " + "; ".join(
            f"{kind} {r[f'{kind}_recall']:.0%} of {r[f'{kind}_cases']}" for kind in KINDS))
    # Fewer false alarms is better: the gate pins the share of briefs free of them.
    floors = {}
    for half, r in results.items():
        prefix = "" if half == "all" else f"{half}_"
        floors |= {f"{prefix}briefs_without_conflicts": round(1 - r["briefs_with_conflicts"] / r["briefs"], 4),
                   f"{prefix}briefs_without_false_conflicts": round(1 - r["briefs_with_false_conflicts"] / r["briefs"], 4)}
        floors |= {f"{prefix}{kind}_recall": r[f"{kind}_recall"] for kind in KINDS}
        floors[f"{prefix}claims_without_false_conflicts"] = round(1 - r["claims_false_conflicts"] / r["claims"], 4)
    identity = {"dataset_sha256": file_sha256(ECB), "labels_sha256": file_sha256(LABELS)}  # new labels, a new floor
    return check_or_pin("conflicts", floors, identity, write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
