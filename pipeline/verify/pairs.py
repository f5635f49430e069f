"""Claim–evidence pairs for training the learned verifier (eval/train_verifier.py).

Two kinds, both from real text:
- labelled SummEdits rows of the six domains that are neither news nor earnings calls, each doc cut
  down to the sentences that bear on the claim (``premise_for``, the same cut the model sees when
  it runs);
- synthetic pairs, FactCC-style: a sentence of a real article, against the sentences around it,
  either kept true (the sentence, a clause of it, or the sentence without its lead-in) or edited
  to be false (a number, a name or a direction swapped, a predicate negated, a fact inserted).

Nothing here reads ``../shared/data/verification``: those rows are the test. The edits' word
pairs below only make training data; the verifier never consults them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from pipeline.text.lexical import terms
from pipeline.text.sentences import split_sentences

PREMISE_WORDS = 110  # the cross-encoder reads 192 tokens: a claim and about this many words


@dataclass(frozen=True)
class Pair:
    premise: str
    claim: str
    label: int  # 1: the premise states the claim; 0: it does not
    kind: str  # the domain of a SummEdits row, or the edit that made a synthetic one
    group: str  # "<domain or 'article'> <the document's opening>": held-out splits never share one


def premise_for(claim: str, doc: str, budget: int = PREMISE_WORDS) -> str:
    """The doc's sentences that share most words with the claim, in the doc's order, within
    ``budget`` words: a summary sentence draws on a few sentences of a long doc."""
    sentences = [s.text for s in split_sentences(doc)] or [doc]
    wanted = set(terms(claim))
    ranked = sorted(range(len(sentences)), key=lambda i: -len(wanted & set(terms(sentences[i]))))
    chosen, words = [], 0
    for i in ranked:
        length = len(sentences[i].split())
        if chosen and words + length > budget:
            continue
        chosen.append(i)
        words += length
        if words >= budget:
            break
    return " ".join(" ".join(sentences[i] for i in sorted(chosen)).split()[:budget])


def summedits_pairs(rows: list[dict]) -> list[Pair]:
    return [Pair(premise_for(r["claim"], r["doc"]), r["claim"], int(r["label"]), r["domain"],
                 f"{r['domain']} {r['doc'][:200]}")
            for r in rows]


# --- synthetic pairs -------------------------------------------------------------------------

_NAME = re.compile(r"(?<=[a-z,;] )(?:[A-Z][a-z]+(?: [A-Z][a-z]+)*)")
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_AUXILIARY = re.compile(r"\b(is|was|are|were|has|have|had|will|would|can|could|should|did|does|do)\b (?!not\b)")
_NEGATED = re.compile(r"\b(is|was|are|were|has|have|had|will|would|can|could|should|did|does|do) not\b")
_LEAD_IN = re.compile(r"^(?:[A-Z][^,]{2,40}), (?=[a-z])")
_CLAUSE = re.compile(r"(?:, and |; |, but | while | whereas )")
# Only for making false claims; the verifier has no such list.
_FLIPS = dict(pair for a, b in [
    ("rose", "fell"), ("increased", "decreased"), ("gained", "lost"), ("higher", "lower"),
    ("more", "fewer"), ("before", "after"), ("won", "lost"), ("accepted", "rejected"), ("first", "last"),
    ("approved", "denied"), ("largest", "smallest"), ("opened", "closed"), ("up", "down"),
    ("supported", "opposed"), ("early", "late"), ("raised", "cut"), ("strong", "weak")] for pair in ((a, b), (b, a)))
_FLIP = re.compile(r"\b(" + "|".join(_FLIPS) + r")\b")


def synthetic_pairs(docs: list[tuple[str, str]], seed: int = 13, per_doc: int = 8) -> list[Pair]:
    """Up to ``per_doc`` pairs from each (doc id, text), half true and half false."""
    rng = random.Random(seed)
    names_elsewhere = [n for _, text in docs for n in _NAME.findall(text)]
    pairs = []
    for doc_id, text in docs:
        sentences = [s.text for s in split_sentences(text) if 8 <= len(s.text.split()) <= 45 and _english(s.text)]
        for i in rng.sample(range(len(sentences)), min(per_doc, len(sentences))):
            premise = _window(sentences, i, rng)
            make = _true_claim if rng.random() < 0.5 else _false_claim
            made = make(sentences[i], text, names_elsewhere, rng)
            if made:
                claim, kind = made
                pairs.append(Pair(premise, claim, int(make is _true_claim), kind, doc_id))
        if len(sentences) > 8:  # a sentence of the same doc that the premise leaves out: unsupported
            i, j = rng.sample(range(len(sentences)), 2)
            if abs(i - j) > 3:
                pairs.append(Pair(_window(sentences, i, rng), sentences[j], 0, "false: not in the premise", doc_id))
    return pairs


def _english(sentence: str) -> bool:
    """Some pages and transcripts are in other languages; the verifier reads English."""
    return len(set(sentence.lower().split()) & {"the", "and", "of", "to", "a", "in", "is", "was"}) >= 2


def _window(sentences: list[str], i: int, rng: random.Random) -> str:
    """The sentence among one to three of its neighbours: the evidence is rarely one sentence alone."""
    before, after = rng.randint(0, 2), rng.randint(0, 2)
    return " ".join(sentences[max(0, i - before):i + after + 1])


def _true_claim(sentence: str, doc: str, names: list[str], rng) -> tuple[str, str] | None:
    shortened = [(_LEAD_IN.sub("", sentence), "true: without its lead-in")]
    parts = [p for p in _CLAUSE.split(sentence) if len(p.split()) >= 5]
    if len(parts) > 1:
        shortened.append((parts[0].rstrip(".") + ".", "true: one clause"))
    lead_in = _LEAD_IN.match(sentence)
    if lead_in:  # "On Tuesday, the board voted" -> "The board voted on Tuesday"
        rest = sentence[lead_in.end():].rstrip(".")
        shortened.append((f"{rest} {lead_in.group(0)[0].lower()}{lead_in.group(0)[1:-2]}.", "true: lead-in moved"))
    edited = [(claim[0].upper() + claim[1:], kind) for claim, kind in shortened if claim != sentence]
    return rng.choice(edited) if edited and rng.random() < 0.75 else (sentence, "true: the sentence")


def _false_claim(sentence: str, doc: str, names: list[str], rng) -> tuple[str, str] | None:
    edits = [(made, edit) for edit in (_swap_number, _swap_name, _negate, _flip, _insert_name)
             if (made := edit(sentence, doc, names, rng)) and made != sentence]
    if not edits:
        return None
    made, edit = rng.choice(edits)
    return made, "false: " + edit.__name__.strip("_").replace("_", " ")


def _swap_number(sentence, doc, names, rng) -> str | None:
    found = list(_NUMBER.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    value = float(m.group(0))
    other = value * rng.choice([0.5, 0.8, 1.25, 2, 3]) + rng.choice([0, 1])
    shown = f"{other:.1f}" if "." in m.group(0) else str(int(round(other)))
    return sentence[:m.start()] + shown + sentence[m.end():] if shown != m.group(0) else None


def _swap_name(sentence, doc, names, rng) -> str | None:
    found = list(_NAME.finditer(sentence))
    others = sorted(set(_NAME.findall(doc)) - {m.group(0) for m in found})
    if not found or not others:
        return None
    m = rng.choice(found)
    return sentence[:m.start()] + rng.choice(others) + sentence[m.end():]


def _negate(sentence, doc, names, rng) -> str | None:
    if _NEGATED.search(sentence):
        return _NEGATED.sub(r"\1", sentence, count=1)
    m = _AUXILIARY.search(sentence)
    return sentence[:m.end(1)] + " not" + sentence[m.end(1):] if m else None


def _flip(sentence, doc, names, rng) -> str | None:
    m = _FLIP.search(sentence)
    return sentence[:m.start()] + _FLIPS[m.group(1)] + sentence[m.end():] if m else None


def _insert_name(sentence, doc, names, rng) -> str | None:
    """A fact the premise does not hold: a name from another document, joined to the sentence."""
    stranger = rng.choice(names) if names else None
    if not stranger or stranger in doc or not sentence.endswith("."):
        return None
    return sentence[:-1] + rng.choice([f", along with {stranger}.", f" in {stranger}.", f", according to {stranger}."])
