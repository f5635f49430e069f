"""Figure eval: how well `pipeline.verify.figures.extract_figures` reads the figures of real text.

The gold figures are in ``eval/labels/figures.jsonl``, labelled by hand by reading the text (not
by running the extractor): the seeds (``examples/apple-alibaba``), sentences of ECB+ dev articles
(``clustering/ecbplus_dev.jsonl``, by ``id``) and of SummEdits earnings-call transcripts
(``verification/summedits_ectsum_dev.jsonl``, by the ``id`` of a row whose ``doc`` it is). A row
holds no text of the data: the figure's character offsets in its document, a short ``quote`` (the
figure as written, "4.7%", "$2.4 billion") that must be found at those offsets, the span of its
sentence, and the gold fields:

- ``entity``: the organisation, person or place the figure is of (the clause's subject or
  possessor; never a fragment "of X", never the person quoted). An earnings call's "we" is the
  company. null when the sentence names nothing the figure belongs to ("killing 10 people").
- ``metric``, from a small fixed vocabulary (the extractor's names, mapped by `metric_of`):
  share_move (a share or index move, in % or points), share_price, deal_value (a deal's or a
  contract's worth), price_per_share (an offer price), premium, revenue (revenue, sales), profit
  (profit, earnings, net income), eps, margin, dividend, market_share, share_of_sales, shipments,
  count_people, count_things, level (a measured level: a quake's magnitude, a temperature, metres),
  rank, and the generic percentage (a share of a whole: turnout, a poll) and money (an amount with
  no metric above: damage, a loan, capital spending); other for the rest.
- ``value`` (a float: "$2.4 billion" is 2.4e9), ``unit`` ("%", "pp", "bp", a currency code such
  as "USD", "count", "rank", or a measure: "magnitude", "°C"), ``direction`` (up, down or null:
  the move the clause states, for a change, "up 40.6%", and for the level it reached, "EPS was
  $3.50, up 40.6%", "raised to $0.13"; null for the base compared with, "from last year's $2.40"),
  ``basis`` (a trading session: close, pre-market, after-hours, intraday; or the period the
  sentence gives the figure: q3, fy2024, 2021, quarter, prior year, "q2 prior year"; null when the
  sentence gives none) and ``approximator`` (more than, nearly, about, up to ..., compared by kind).

Every figure of a labelled sentence is labelled (years, dates, times, durations and ages are not
figures), so the extractor's figures in those sentences that match no gold figure are false ones.
An extracted figure matches a gold one when their spans overlap (one to one). Per field:

- recall: the share of the gold figures that have the field (not null) found with it right;
- precision: of the matched extracted figures that set the field, the share right.

Entities match by rapidfuzz token_set_ratio >= 85 or containment ("Northbridge" is "Northbridge
Rail Group"); values within rounding error; bases as normalised by `basis_tokens`. Span recall and
precision count the figures found at all. The floors are pinned with the SHA-256 of the datasets
and of the labels, so a new label needs a new floor, written on purpose.

Tuning protocol: the extractor is tuned on the ECB+ labels only (``--show`` lists their errors);
the seeds' and the earnings calls' labels are held out, and their scores are printed and pinned
apart from the whole.

    python eval/figures.py [--show [SOURCE]] [--write-floor]
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

from eval_data import ECB, SUMMEDITS, require
from evalgate import check_or_pin, eval_arguments, file_sha256

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels" / "figures.jsonl"
SEEDS = HERE.parent / "examples" / "apple-alibaba"
ECTSUM = SUMMEDITS[1]
SOURCES = ("seed", "ecb", "ectsum")
FIELDS = ("entity", "metric", "value", "unit", "direction", "basis", "approximator")
METRICS = frozenset("""share_move share_price deal_value price_per_share premium revenue profit eps margin
    dividend market_share share_of_sales shipments count_people count_things level rank percentage money
    other""".split())
MOVE_UNITS = {"%", "pp", "bp"}
SESSIONS = ("close", "pre-market", "after-hours", "intraday")
APPROXIMATORS = {"more than": "at least", "over": "at least", "at least": "at least", "up to": "at most",
                 "less than": "at most", "under": "at most", "nearly": "nearly", "almost": "nearly",
                 "about": "about", "around": "about", "roughly": "about", "approximately": "about",
                 "some": "about"}
ENTITY_MATCH = 85
# The extractor names a count by what it counts ("pirates", "people killed"); these nouns count people.
PEOPLE_NOUNS = frozenset("""people persons residents villagers locals inhabitants civilians citizens individuals
    men women children staff pirates candidates firefighters voters members crewmen officers workers employees
    protesters demonstrators soldiers police""".split())
MEASURE_NOUNS = frozenset("metres meters kilometres kilometers miles degrees feet inches".split())
EXTRACTOR_METRICS = {"price per share": "price_per_share", "premium": "premium", "deal value": "deal_value",
                     "market share": "market_share", "share of sales": "share_of_sales", "revenue": "revenue",
                     "sales": "revenue", "profit": "profit", "shipments": "shipments", "dividend": "dividend",
                     "level": "level", "eps": "eps", "margin": "margin",
                     "vote share": "percentage", "turnout": "percentage"}  # shares of a whole


def load_labels(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def documents(labels: list[dict]) -> dict[tuple[str, str], str]:
    """The text of every (source, doc) the labels point into."""
    wanted = {(row["source"], row["doc"]) for row in labels}
    found = {("seed", name): (SEEDS / name).read_text() for source, name in wanted if source == "seed"}
    for source, path, field in (("ecb", ECB, "text"), ("ectsum", ECTSUM, "doc")):
        for row in map(json.loads, path.read_text().splitlines()):
            if (source, row["id"]) in wanted:
                found[(source, row["id"])] = row[field]
    return found


def misplaced(labels: list[dict], texts: dict) -> list[str]:
    """Labels whose quote is not at their offsets, or whose figure is outside their sentence."""
    wrong = []
    for row in labels:
        text = texts.get((row["source"], row["doc"]), "")
        start, end = row["sentence"]
        if text[row["start"]:row["end"]] != row["quote"] or not start <= row["start"] < row["end"] <= end:
            wrong.append(f"{row['source']} {row['doc']} {row['start']}: {row['quote']!r}")
    return wrong


# --- the extractor's fields in the labels' vocabulary ----------------------------------------


def metric_of(figure) -> str | None:
    """The extractor's metric in the eval's vocabulary: its "share price" is a move when in % or
    points; a count is of people, of things or a measure by what it counts; a figure it names no
    metric for is the generic percentage or money."""
    name = figure.metric
    if figure.unit == "rank":
        return "rank"
    if figure.unit == "count":
        thing = (name or "").split(" ")[0]
        return "count_people" if thing in PEOPLE_NOUNS else "level" if thing in MEASURE_NOUNS else "count_things"
    if name == "share price":
        return "share_move" if figure.unit in MOVE_UNITS else "share_price"
    if name is None:
        return "percentage" if figure.unit in MOVE_UNITS else "money" if figure.unit.isupper() else None
    return EXTRACTOR_METRICS.get(name, "other")


def basis_tokens(basis: str | None) -> frozenset[str]:
    """A basis as a set of tokens, for the extractor's phrases and the labels alike: "third quarter
    of 2023" is {q3, 2023}, "fiscal year 2024" {fy2024}, "Q2 of last year" {q2, prior year}."""
    if not basis:
        return frozenset()
    text, tokens = basis.lower(), set()
    tokens.update(session for session in SESSIONS if session.replace("-", "") in text.replace("-", ""))
    ordinal = re.search(r"\bq([1-4])\b|\b(first|second|third|fourth)[- ]quarter\b", text)
    if ordinal:
        tokens.add(f"q{ordinal.group(1) or ('first', 'second', 'third', 'fourth').index(ordinal.group(2)) + 1}")
    elif re.search(r"\bquarter\b", text) and not re.search(r"\b(?:last|prior|previous) quarter\b", text):
        tokens.add("quarter")
    if re.search(r"\b(?:last|prior|previous) year\b|\byear[- ]ago\b|\bpre-?year\b", text):
        tokens.add("prior year")
    if re.search(r"\b(?:last|prior|previous) quarter\b", text):
        tokens.add("prior quarter")
    fiscal = re.search(r"\bfiscal\b|\bfy\s?\d", text)
    tokens.update(("fy" if fiscal else "") + year for year in re.findall(r"(?:19|20)\d\d", text))
    return frozenset(tokens)


def same_entity(gold: str, found: str) -> bool:
    from rapidfuzz import fuzz

    gold, found = gold.lower(), found.lower()
    return gold in found or found in gold or fuzz.token_set_ratio(gold, found) >= ENTITY_MATCH


def extracted_fields(figure) -> dict:
    return {"entity": figure.entity, "metric": metric_of(figure), "value": figure.value, "unit": figure.unit,
            "direction": figure.direction, "basis": figure.basis, "approximator": figure.approximator}


def right(field: str, gold, found) -> bool:
    if gold is None or found is None:
        return gold is found
    if field == "entity":
        return same_entity(gold, found)
    if field == "value":
        return math.isclose(gold, found, rel_tol=1e-6)
    if field == "basis":
        return basis_tokens(gold) == basis_tokens(found)
    if field == "approximator":
        return APPROXIMATORS.get(gold, gold) == APPROXIMATORS.get(found, found)
    return gold == found


# --- matching and scoring ---------------------------------------------------------------------


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: list[dict], extracted: list) -> tuple[list[tuple[dict, dict | None]], list]:
    """(gold, its extracted fields or None) for every gold figure of one document, and the
    extracted figures of its labelled sentences that match none. Two gold figures may share a span
    ("both Apple and Alibaba ... rose 1%"): each takes the unused overlapping figure that best
    agrees on the entity, then overlaps most."""
    sentences = {tuple(row["sentence"]) for row in gold}
    pool = [f for f in extracted if any(overlap((f.start, f.end), s) for s in sentences)]
    pairs = []
    for row in gold:
        span = (row["start"], row["end"])
        candidates = [f for f in pool if overlap(span, (f.start, f.end))]
        best = max(candidates, default=None,
                   key=lambda f: (right("entity", row["entity"], f.entity), overlap(span, (f.start, f.end))))
        if best is not None:
            pool.remove(best)
        pairs.append((row, extracted_fields(best) if best is not None else None))
    return pairs, pool


def run() -> tuple[list[tuple[dict, dict | None]], list[tuple[dict, object]]]:
    from pipeline.verify.figures import extract_figures

    labels = load_labels()
    texts = documents(labels)
    wrong = misplaced(labels, texts)
    if wrong:
        sys.exit("labels not found at their offsets (a changed dataset?):\n  " + "\n  ".join(wrong))
    by_document = defaultdict(list)
    for row in labels:
        by_document[(row["source"], row["doc"])].append(row)
    pairs, spurious = [], []
    for key, gold in by_document.items():
        matched, extra = match(gold, extract_figures(texts[key]))
        pairs += matched
        spurious += [(gold[0], figure) for figure in extra]
    return pairs, spurious


def scores(pairs, spurious) -> dict[str, float]:
    found = [(row, fields) for row, fields in pairs if fields is not None]
    result = {"span_recall": len(found) / len(pairs), "span_precision": len(found) / (len(found) + len(spurious))}
    for field in FIELDS:
        labelled = [(row, fields) for row, fields in pairs if row[field] is not None]
        hits = sum(fields is not None and right(field, row[field], fields[field]) for row, fields in labelled)
        answered = [(row, fields) for row, fields in found if fields[field] is not None]
        correct = sum(right(field, row[field], fields[field]) for row, fields in answered)
        result[f"{field}_recall"] = hits / len(labelled) if labelled else 0.0
        result[f"{field}_precision"] = correct / len(answered) if answered else 0.0
    return {name: round(value, 4) for name, value in result.items()}


def where(row: dict) -> str:
    return f"{row['source']}:{row['doc']}@{row['start']} {row['quote']!r}"


def show_errors(pairs, spurious) -> None:
    for row, fields in pairs:
        if fields is None:
            print(f"  missed        {where(row)}")
    for row, figure in spurious:
        print(f"  not a figure  {row['source']}:{row['doc']}@{figure.start} {figure.quote!r}")
    for field in FIELDS:
        for row, fields in pairs:
            if fields is not None and not right(field, row[field], fields[field]):
                print(f"  {field:<13} {where(row)}: gold {row[field]!r}, extracted {fields[field]!r}")


def by_source(pairs, spurious) -> dict[str, dict[str, float]]:
    """The scores of each source alone: the extractor is tuned on the ECB+ labels only, so the
    seeds' and the earnings calls' scores are held out, and are read apart."""
    return {source: scores([p for p in pairs if p[0]["source"] == source],
                           [s for s in spurious if s[0]["source"] == source]) for source in SOURCES}


def print_table(pairs, spurious, result: dict, per_source: dict[str, dict[str, float]]) -> None:
    counts = {source: sum(row["source"] == source for row, _ in pairs) for source in SOURCES}
    print(f"{len(pairs)} gold figures ({', '.join(f'{n} {s}' for s, n in counts.items())}); "
          f"{sum(f is not None for _, f in pairs)} found, {len(spurious)} extracted figures match none")
    print("precision/recall; tuned on ecb, held out: seed, ectsum")
    print(f"{'field':<14}{'all':>12}" + "".join(f"{source:>12}" for source in SOURCES) + f"{'labelled':>10}")
    for field in ("span", *FIELDS):
        cells = [f"{scored[f'{field}_precision']:.3f}/{scored[f'{field}_recall']:.3f}"
                 for scored in (result, *per_source.values())]
        labelled = len(pairs) if field == "span" else sum(row[field] is not None for row, _ in pairs)
        print(f"{field:<14}" + "".join(f"{cell:>12}" for cell in cells) + f"{labelled:>10}")
    for source in SOURCES:
        mine = [(row, fields) for row, fields in pairs if row["source"] == source]
        whole = sum(fields is not None and all(right(f, row[f], fields[f]) for f in FIELDS) for row, fields in mine)
        print(f"  {source}: {whole} of {len(mine)} figures with every field right")


def main() -> int:
    parser = eval_arguments(__doc__)
    parser.add_argument("--show", nargs="?", const="ecb", choices=SOURCES, default=None,
                        help="list the missed figures and the errors of each field of one source (ecb, the one "
                             "tuned on, unless named: reading the held-out sources' errors is tuning on them)")
    args = parser.parse_args()
    require(ECB, ECTSUM)
    pairs, spurious = run()
    result, per_source = scores(pairs, spurious), by_source(pairs, spurious)
    if args.show:
        show_errors([p for p in pairs if p[0]["source"] == args.show],
                    [s for s in spurious if s[0]["source"] == args.show])
    print_table(pairs, spurious, result, per_source)
    # Every source's scores are pinned too: a held-out source's fall is a fall, even when the
    # tuned-on source's rise hides it in the whole.
    result |= {f"{source}_{name}": value for source, scored in per_source.items() for name, value in scored.items()}
    data = [ECB, ECTSUM, *sorted(SEEDS.glob("*.txt")), LABELS]
    return check_or_pin("figures", result, {"dataset_sha256": file_sha256(*data), "figures": len(pairs)},
                        write=args.write_floor)


if __name__ == "__main__":
    sys.exit(main())
