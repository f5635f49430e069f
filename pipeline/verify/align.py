"""Alignment: how well a sentence states a claim, and what in it turns against the claim.

It compares what a fact check turns on:
- how many of the claim's content words the sentence covers (stems, and near spellings:
  "Deepseek" is "DeepSeek"), whether the claim's names are there, whether the figures agree;
- turns: a negation, an opposite word ("excluding" for "including"), one word of a contrast set
  for another ("third" for "second quarter"), a quantity moved the other way ("increasing net
  debt" against "net debt to fall", or against "$94.8 million, compared to $106.6 million").
The word lists are in pipeline.text.lexicon, read through the module so that an eval can swap them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

from pipeline.text import lexicon, places, syntax
from pipeline.text.lexical import SCALE_WORDS, STOPWORDS, WRITTEN_NUMBER, numbers, plain, same_amounts, unspaced
from pipeline.text.lexicon import key, stem, verb_forms
from pipeline.verify.figures import (CURRENCY_WORDS, NUMBER_WORDS, ORDINALS, RANGE_JOINT, SCALES, YEAR,
                                     counts_in_digits, figures_in)

SUPPORTED = 0.6      # alignment score from which a sentence states the claim
RELATED = 0.45       # from which a contradiction in it is a conflict, not noise
FUZZY_WORD = 88      # rapidfuzz ratio for two spellings of one word

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z][\w'’-]*|\d+(?:[.,]\d+)*%?")  # U.S. is one word
# "failed to detect", "refused to concede" deny the verb after them, as "did not" does (not "failed
# to a low", nor "declined to $5": "declined" is as often a fall)
_DENYING = rf"(?:{'|'.join(syntax.DENYING_VERBS)})(?:e|es|ed|ing|s)?"  # "failed", "refuses"
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|nowhere|nor|without|n't|cannot|neither|excluding"
                       r"|except)\b|n't\b"
                       rf"|\b{_DENYING}(?=\s+to\s+(?!(?:a|an|the)\b)[a-z])"
                       r"|(?:(?<=\bhas )|(?<=\bhave )|(?<=\bhad )|(?<=\bis )|(?<=\bare )|(?<=\bwas )|(?<=\bwere ))"
                       r"yet(?=\s+to\s+[a-z])",  # "has yet to sign": not signed
                       re.IGNORECASE)
# "cannot help but notice" is one clause; "asked for help but no one came" is two.
_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:and|while|whereas)\s+|(?<!n't help)(?<!not help)(?<!cannot help)\s+but\s+")
NEGATED = "one negates what the other states"
NEGATED_OPPOSITE = "one negates the opposite of what the other states"
OTHER_FIGURES = "other figures"
MIN_CLAUSE_WORDS = 3
DIRECTION_REACH = 4  # content words after a direction word that it may move ("cut its net debt")


@dataclass
class Alignment:
    score: float
    coverage: float
    names: float
    figures: float
    turns: list[str] = field(default_factory=list)  # what turns the sentence against the claim
    unstated: list[str] = field(default_factory=list)  # the claim's direction words the sentence lacks
    certain: list[str] = field(default_factory=list)  # the turns that can make a conflict (see _turns)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS]


def align(claim: str, sentence: str, whole_claim: str | None = None) -> Alignment:
    """How well ``sentence`` states ``claim``, and what in it turns against the claim.
    ``whole_claim`` is the sentence a claim part comes from: a word the sentence uses is no
    swap for another word of the same claim.

    A count in words is read as its number where the other text counts the same things, so that
    "Twelve jurors" states "12 jurors"; but what is certain stays what the texts as written make
    certain. Counts read from words that differ are reasons, not a conflict: beside other counts
    of the same things a count in words was too often another fact, and the figures table, which
    knows what each count counts and who did it, may still find the conflict."""
    read = counts_in_digits(claim, sentence), counts_in_digits(sentence, claim)
    if read == (claim, sentence):
        return _align(claim, sentence, whole_claim)
    as_written = _align(claim, sentence, whole_claim)
    alignment = _align(*read, whole_claim and counts_in_digits(whole_claim, sentence))
    return replace(alignment, turns=alignment.turns + [t for t in as_written.certain if t not in alignment.turns],
                   certain=as_written.certain)


def _align(claim: str, sentence: str, whole_claim: str | None) -> Alignment:
    wanted, present = content_stems(claim), content_stems(sentence)
    if not wanted:
        return Alignment(0.0, 0.0, 0.0, 1.0)
    found = partial(_found_in, present=present)
    coverage = sum(map(found, wanted)) / len(wanted)
    names = _names(claim)
    name_cover = sum(map(found, names)) / len(names) if names else 1.0
    claim_numbers, sentence_numbers = numbers(claim), numbers(sentence, as_in=claim)
    figures = len(_stated_numbers(claim, sentence, claim_numbers & sentence_numbers)) / len(claim_numbers) \
        if claim_numbers else 1.0
    score = 0.6 * coverage + 0.25 * name_cover + 0.15 * figures
    turns, certain = _turns(claim, sentence, claim_numbers, sentence_numbers, whole_claim or claim)
    if score < SUPPORTED:  # a "no one was hurt" only turns a sentence that states the claim otherwise
        turns = [t for t in turns if t != NEGATED]
    # A value swapped in the same slot costs the claim the very words it swaps, so it conflicts
    # from RELATED; any other certain turn needs a sentence that states the claim otherwise.
    certain = [t for t in certain if t in turns and score >= (RELATED if t.startswith(_VALUE_TURNS) else SUPPORTED)]
    return Alignment(round(score, 4), coverage, name_cover, figures, turns, _unstated(claim, sentence, present),
                     certain)


def _found_in(word: str, present: frozenset[str]) -> bool:
    """Whether a word's stem is among ``present``, or one spelt nearly alike: a spelling variant
    or a typo, for words of five letters or more (shorter ones differ by a letter and mean another)."""
    from rapidfuzz import fuzz, process

    return word in present or (len(word) >= 5 and process.extractOne(
        word, present, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD) is not None)


def _in_one_slot(claim: str, word: str, sentence: str, other: str, opposites: bool) -> bool:
    """Whether two words of claim and sentence (keys), a swap or ``opposites``, fill one slot:
    words of an open class by a closer match of the words around them, or as one statement of
    the same parties."""
    closed = _closed_class(word) and _closed_class(other)
    return same_slot(claim, word, sentence, other, SAME_SLOT if closed else SAME_SLOT_OPEN) \
        or (opposites and _one_statement(claim, word, sentence, other))


def _one_statement(claim: str, word: str, sentence: str, other: str) -> bool:
    """Whether two opposite words state one thing of the same two parties, as the parse reads
    them, however many words stand between: "A court in Paris acquitted Fillon" and "A court in
    Paris on Thursday convicted former prime minister Francois Fillon" (parsed only for opposites
    whose neighbouring words do not place them in one slot)."""
    def parties(text: str, wanted: str) -> list[set[str]]:
        return [{stem(p.word) for p in said.parties}
                for said in syntax.statements_of(text, lambda w: key(w) == wanted)]

    return any(len(mine & theirs) >= 2 for mine in parties(claim, word) for theirs in parties(sentence, other))


def _unstated(claim: str, sentence: str, present: frozenset[str]) -> list[str]:
    """The claim's direction words that the sentence neither uses nor says another way: "Acme's
    sales doubled" is not stated by "Acme reported flat sales", though it has two words of three.
    ("Upping the dividend" is stated by "an increase in the dividend".)"""
    ways = {way for way, _, _ in _moves(sentence)}
    return [w for w in _WORD.findall(claim)
            if lexicon.direction(w) and stem(w) not in present and lexicon.direction(w) not in ways]


def _turns(claim: str, sentence: str, claim_numbers: set[str], sentence_numbers: set[str],
           whole_claim: str) -> tuple[list[str], list[str]]:
    """(every turn, the certain ones). Certain turns are those a conflict may rest on, in a
    sentence that states the claim otherwise: another figure, another number or date word, a
    quantity moved the other way, a negation of the very clause, a word of a contrast set or an
    opposite in the very same slot ("pink paint outside the embassy"). Elsewhere a swap only says
    the sentence is not the claim: "to start the second" against "ended in the 11th round"."""
    turns, certain = [], []
    negation = _negation_turns(claim, sentence)
    if negation:
        turns.append(NEGATED)
        if negation == STRONG_NEGATION:
            certain.append(NEGATED)
    claim_stems, whole_stems, sentence_stems = _keys(claim), _keys(whole_claim), _keys(sentence)
    # Direction words (rose/fell) are left to _direction_turns, which checks they move the same
    # thing: "cutting net debt" is not turned by "raising the dividend" in the same sentence.
    flipped = [(w, o) for w in sorted(claim_stems - sentence_stems)
               for o in sorted(lexicon.OPPOSITES.get(w, set()) & sentence_stems - whole_stems)
               if not (lexicon.direction(w) and lexicon.direction(o))
               and not _only_in_names(claim, w) and not _only_in_names(sentence, o)]
    # "$1.2 billion" against "$1,200 million" is one amount: its scale words are no swap
    swapped = [(w, o) for w, o in _swaps(claim_stems, sentence_stems, whole_stems, _in_digits(sentence))
               if not ({w, o} <= SCALE_WORDS and same_amounts(claim, sentence))]
    # "did not fall" against "rose", "will not open" against "closed": a negated word against its
    # opposite states what the other does. Neither the opposite nor the negation is a conflict.
    cancelled = [(w, o) for w, o in flipped if _negated_on_one_side(claim, w, sentence, o)]
    flipped = [pair for pair in flipped if pair not in cancelled]
    moved, cancelled_moves = _direction_turns(claim, sentence)
    # said in words, not keys: "revenue/income", not "revenu/incom"
    spelt = {_key_at(text, m): m.group(0).lower() for text in (claim, sentence) for m in _WORD.finditer(text)} \
        if cancelled or flipped or swapped else {}
    if cancelled or cancelled_moves:
        pairs = [f"{spelt[w]}/{spelt[o]}" for w, o in cancelled] + cancelled_moves
        turns = [turn for turn in turns if turn != NEGATED] + [f"{NEGATED_OPPOSITE}: {', '.join(pairs)}"]
        certain = [turn for turn in certain if turn != NEGATED]
    if flipped or swapped:
        for name, pairs in (("opposite words", flipped), ("one word for another", swapped)):
            if pairs:
                turns.append(f"{name}: {', '.join(f'{spelt[w]}/{spelt[o]}' for w, o in pairs)}")
                if any(_in_one_slot(claim, w, sentence, o, pairs is flipped)
                       and _counted_alike(claim, w, sentence, o) and _one_verb(claim, w, sentence, o)
                       and _rank_alike(claim, w, sentence, o) for w, o in pairs):
                    certain.append(turns[-1])
    in_slot = _numbers_in_slot(claim, sentence, claim_numbers, sentence_numbers)
    if claim_numbers and sentence_numbers and not claim_numbers & sentence_numbers:
        turns.append(f"{OTHER_FIGURES}: {', '.join(sorted(claim_numbers))} against {', '.join(sorted(sentence_numbers))}")
        # A line of values each, none in common, is another account, not values changed: a
        # season's line against a game's ("157 games, 33 homers, 121 RBIs" against "13 homers and
        # 43 RBIs in 54 games"), a round's punches against the fight's. (Two values may both
        # change: "180 passengers and 6 crew" against "150 passengers and 7 crew".)
        if any(min(_values(claim, claim_numbers, m), _values(sentence, sentence_numbers, t)) < LINE_OF_VALUES
               for m, t in in_slot):
            certain.append(turns[-1])
    elif in_slot:  # "577 candidates for the 125 seats" against "288 candidates for the 125 seats"
        turns.append(f"{OTHER_FIGURES}: {', '.join(f'{m} against {t}' for m, t in in_slot)}")
        certain.append(turns[-1])
    for mine, theirs, doubt in _name_swaps(claim, sentence, whole_claim):
        turns.append(f"{ANOTHER_NAME}: {mine}/{theirs}{f', but {doubt}' if doubt else ''}")
        if not doubt:
            certain.append(turns[-1])
    return turns + moved, certain + moved


def _negated_on_one_side(claim: str, word: str, sentence: str, other: str) -> bool:
    """Whether one text negates ``word`` (``_negated_holding``) and the other does not negate
    ``other`` (both are keys), or the other way round."""
    return _negated_holding(claim, word) != _negated_holding(sentence, other)


def _negated_holding(text: str, word_key: str) -> bool:
    """Whether a negation before the word negates it or a verb it depends on, as the parse reads
    them ("will not open", "did not vote to keep it open"; not "released him without charges",
    "no-frills carrier Ryanair rose"), by another word: "excluding" is an opposite of "including",
    not the negation of one. Parsed only where such a negation stands before the word."""
    words = [m for m in _WORD.finditer(text) if _key_at(text, m) == word_key]
    cues = [cue for cue in _NEGATION.finditer(text) if key(cue.group(0)) != word_key]
    return any(syntax.negation_governs(text, cue.span(), word.span())
               for word in words for cue in cues if cue.start() < word.start())


LINE_OF_VALUES = 3  # values of a kind and role, each side, that make a line of figures


def _values(text: str, text_numbers: set[str], like: str) -> int:
    """How many values of the kind and role of ``like`` (amounts of money, percentages, plain
    numbers; no days or ages beside counts) the numbers of a text are: a score or vote is one."""
    kind, role = _number_kind(text, like), _number_role(text, like)
    roles = {n: _number_role(text, n) for n in text_numbers if _number_kind(text, n) == kind}
    values = sum(found == role != "record" for found in roles.values())
    return values + ("record" in roles.values())


_KIND = re.compile(rf"(?P<currency>[$€£]?)(?P<number>{WRITTEN_NUMBER})(?P<percent>\s*(?:%|per\s?cent\b))?", re.IGNORECASE)


_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_ROLES = [  # what a number is by the words before or after it: no two roles are one slot
    ("record", re.compile(r"\d\s?[-–]\s?(?:of\s?[-–]\s?)?$|^\s?[-–]\s?(?:of\s?[-–]\s?)?\d")),  # 45-7-2, 1-of-16
    ("day", re.compile(rf"\b{_MONTH_WORD}\s$|^(?:st|nd|rd|th)?\s{_MONTH_WORD}(?:\s|,|$)")),
    ("age", re.compile(r"\b(?:aged|age of|who(?:['’]s|\s+is|\s+was|\s+will\s+be|\s+turn(?:s|ed))(?:\s+now)?)\s$"
                       r"|^[-\s]years?[-\s]old\b")),
    ("time", re.compile(r"^\s?(?:[ap]\.?m\b|:\d)", re.IGNORECASE)),
]


def _number_role(text: str, number: str) -> str | None:
    """A record or score ("45-7-2"), a day of a month ("March 11"), an age ("Comeaux, 49,"), a
    time ("9 a.m."), a year, or None: "retired in 1993" and "122-147 as head coach" are no two
    values of one slot, nor "the Nov. 30 escape" and "Comeaux, 49"."""
    match = _first_written(text, number)
    if match is None:
        return None
    before, after = text[max(0, match.start() - 12): match.start()], text[match.end(): match.end() + 12]
    # Each pattern reads the words before and after as one string, with the number's place marked
    # by the string's end (before) or start (after).
    for role, pattern in _ROLES:
        if any(pattern.search(side) for side in (before, after)) and (role != "day" or len(number) <= 2):
            return role
    if re.search(r"[A-Z][a-z]+\.?,\s$", before) and after[:1] == ",":  # "Comeaux Jr., 49, escaped"
        return "age"
    if YEAR.fullmatch(match.group("number")) and not match.group("currency") and not _COUNTED_AFTER.match(after):
        return "year"
    return None


_COUNTED_AFTER = re.compile(r"\s(?:people|men|women|children|[a-z]+s)\b")  # "2000 people" is no year


def _number_kind(text: str, number: str) -> tuple[str, bool]:
    """What a number of numbers() is, as the text first writes it: its currency, and whether it is
    a percentage. "$35,000" and a phone line's "3855" are no two values of one slot."""
    match = _first_written(text, number)
    return (match.group("currency"), bool(match.group("percent"))) if match else ("", False)


def _first_written(text: str, number: str) -> re.Match | None:
    """Where the text first writes a number of numbers() ("35000" is written "35,000")."""
    return next((m for m in _KIND.finditer(text) if plain(m.group("number")) == number), None)


def states_numbers(claim: str, text: str, wanted: set[str] | None = None) -> bool:
    """Whether ``text`` states every number of the claim (or those ``wanted``), each as the claim
    states it."""
    wanted = numbers(claim) if wanted is None else wanted
    return len(_stated_numbers(claim, text, wanted & numbers(text, as_in=claim))) == len(wanted)


def _stated_numbers(claim: str, sentence: str, shared: set[str]) -> set[str]:
    """The shared numbers that the sentence states as the claim does: "2 percent" is not stated
    by "March 2", nor "$5" by "5%". (A currency written in one text only may be said in words.)"""
    stated = set()
    for number in shared:
        (mine, my_percent), (theirs, their_percent) = _number_kind(claim, number), _number_kind(sentence, number)
        if my_percent == their_percent and (mine == theirs or not mine or not theirs):
            stated.add(number)
    return stated


def _told_alike(claim: str, mine: str, sentence: str, theirs: str) -> bool:
    """Whether two numbers may be two values of one thing, as they are told: both what came or
    both what is expected ("reported revenue of $6.12 billion" against "expects revenue of $6.3
    billion"), both of a year told or neither ("killed 31 people" against "In 2007, a quake killed
    500")."""
    from pipeline.verify.figure_check import dated, expected_in

    year = YEAR.fullmatch(mine) or YEAR.fullmatch(theirs)  # a time itself: "Born in 1920", "Born in 1923"
    told = []
    for text, number in ((claim, mine), (sentence, theirs)):
        span = _number_at(text, number)
        if span is None:
            return True
        clause, in_sentence, at = _said_in(text, span)
        told.append((expected_in(clause), not year and dated(in_sentence, at, at + span[1] - span[0])))
    return told[0] == told[1]


# What makes an amount a rate, never a total: "$1.91 a share", "$80 a barrel", "$15 an hour"
_PER_UNIT = re.compile(r"(?:\s?(?:thousand|million|billion|bn|mn))?\s+(?:a|an|per|each)\s+(?:diluted\s+)?"
                       r"(?:share|hour|ounce|barrel|day|week|month|year|night|head|person|ton|tonne|gallon|litre)\b",
                       re.IGNORECASE)


def _per_unit(text: str, number: str) -> bool:
    span = _number_at(text, number)
    return bool(span and _PER_UNIT.match(text, span[1]))


def _said_in(text: str, span: tuple[int, int]) -> tuple[str, str, int]:
    """The clause and the sentence the words at ``span`` are said in, and where in the sentence."""
    ends = list(_SENTENCE_END.finditer(text))
    start = max([0] + [end.end() for end in ends if end.end() <= span[0]])
    sentence = text[start:next((end.start() for end in ends if end.start() >= span[1]), len(text))]
    at = span[0] - start
    cuts = list(_CLAUSE.finditer(sentence))
    clause_start = max([0] + [cut.end() for cut in cuts if cut.end() <= at])
    clause = sentence[clause_start:next((cut.start() for cut in cuts if cut.start() >= at), len(sentence))]
    return clause, sentence, at


def _of_two_owners(claim: str, mine: str, sentence: str, theirs: str, where=None) -> bool:
    """Whether two values (numbers, or words found by ``where``) belong to two named others, as
    their clauses tell: "Jones scored in the 3rd minute" and "Smith scored in the 73rd minute" are
    two goals, "Reform's share fell" and "EKRE's share rose" two moves; "Police said 15 people
    died" and "20 people died" one count (parsed only for values already in one slot)."""
    from pipeline.verify.figure_check import same_entity

    found = [(where or _number_at)(text, value) for text, value in ((claim, mine), (sentence, theirs))]
    if None in found:
        return False
    owners = [syntax.owners_at(text, *span) for text, span in zip((claim, sentence), found)]
    if not all(owners) or any(same_entity(a, b) for a in owners[0] for b in owners[1]):
        return False
    # an owner the other's sentence names too may be the parse's slip ("its Kestrel rocket placed
    # 22 satellites": its owner read as the company "its" stands for)
    said = [_said_in(text, span)[1] for text, span in zip((claim, sentence), found)]
    return not any(names_in(said[1], name) for name in owners[0]) \
        and not any(names_in(said[0], name) for name in owners[1])


def _of_two_metrics(claim: str, mine: str, sentence: str, theirs: str) -> bool:
    """Whether the two numbers measure two named things, as the figures table reads them: "profit
    rose 8%" and "revenue rose 12%", "18 households" and "12 buses", "15 people were injured" and
    "20,000 people marched" (what befell a count only where a verb tells it: not "households
    without water"). Not two words of one meaning ("revenue", "sales"), nor a count of people or
    workers against one of some of them ("30 people", "45 protesters"; "nurses", "workers")."""
    from pipeline.verify.figure_check import same_metric

    found = [_figure_at(text, number) for text, number in ((claim, mine), (sentence, theirs))]
    if None in found or not all(f.metric for f in found) or same_metric(*found, verb_fates=True):
        return False
    words = [f.metric.split() for f in found]
    things = {words[0][0], words[1][0]}
    if found[0].unit == found[1].unit == "count" and len(things) == 2 and things & _WHOEVER:
        return False  # two things counted, one of which may be the other (two fates of one thing stay two)
    return not any(_meanings(key(a)) & _meanings(key(b)) for a in words[0] for b in words[1])


# Counted nouns any counted people may be: "30 people" may be "45 protesters" or "passengers"
_WHOEVER = frozenset({"people", "persons"}) | lexicon.WORKFORCE


def _figure_at(text: str, number: str):
    """The figure (unparsed: its values and metric) a text's first writing of ``number`` is in."""
    span = _number_at(text, number)
    return next((f for f in figures_in(text, owners=False) if span and f.start <= span[0] < f.end), None)


def names_in(text: str, name: str, spelt_alike: bool = False) -> bool:
    """Whether the text names a capitalised word of ``name`` ("Kestrel" of "Kestrel rocket");
    with ``spelt_alike``, in a spelling nearly the same too ("Labor" for "Labour", "Mohamed" for
    "Mohammed"; see _found_in)."""
    words, stems = _capitalised_stems(name), _name_stems(text)
    return bool(words & stems) or (spelt_alike and any(_found_in(word, stems) for word in words))


def _capitalised_stems(name: str) -> set[str]:
    return {stem(w) for w in content_words(name) if w[0].isupper()}


def _number_at(text: str, number: str) -> tuple[int, int] | None:
    """Where the text first writes a number of numbers()."""
    match = _first_written(text, number)
    return (match.start("number"), match.end("number")) if match else None


def _word_at(text: str, word: str) -> tuple[int, int] | None:
    """Where the text first writes ``word`` as a word."""
    found = re.search(rf"\b{re.escape(word)}\b", text)
    return found.span() if found else None


def _within_bound(mine: str, theirs: str, claim: str, sentence: str) -> bool:
    """Whether one number is a bound the other keeps: "a value of more than the $21 million"
    allows $23 million, "up to 40 seats" allows 35; "at least 21 people" allows "at least 12"
    (tried: two bounds the same way as rivals; "for more than 25 years" is true of "more than 30")."""
    for number, text, other in ((theirs, sentence, mine), (mine, claim, theirs)):
        low, high = _bounds(text).get(number, (math.inf, -math.inf))  # a number no bound: it allows nothing else
        if re.fullmatch(r"\d+(?:\.\d+)?", other) and low <= float(other) <= high:  # not a time ("5:30"), nor "08.07.2012"
            return True
    return False


@lru_cache(maxsize=1 << 14)
def _bounds(text: str) -> dict[str, tuple[float, float]]:
    """The numbers of a text that an approximator makes bounds ("more than the $21 million"), as
    numbers() writes them, with the values they allow."""
    from pipeline.verify.figure_check import bounded

    found = {}
    for match in _bound_pattern().finditer(text):
        number = match.group("number").replace(",", "")
        found[number] = bounded(match.group("bound").lower(), float(number))
    for match in _RANGE.finditer(text):  # "between 300 and 500 people": either end allows 400
        low, high = ((match.group(1) or match.group(2)).replace(",", ""), match.group(3).replace(",", ""))
        if float(low) < float(high):
            found[low] = found[high] = (float(low), float(high))
    return found


_NUMBER = r"[$€£]?(\d[\d,]*(?:\.\d+)?)"
# "between 300 and 500", "300 to 500", "300-500" (not a record's "45-7-2", nor "in 2001 and 2005"),
# joined as the figures join a range's ends
_RANGE = re.compile(rf"(?:\bbetween\s+{_NUMBER}\s+and\s+|\b{_NUMBER}{RANGE_JOINT}){_NUMBER}\b(?![-–]\d)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _bound_pattern() -> re.Pattern:
    """A bound word of figure_check's, then the number it bounds (a determiner may come between)."""
    from pipeline.verify.figure_check import AT_LEAST, AT_MOST

    bound_words = "|".join(sorted(AT_LEAST | AT_MOST, key=len, reverse=True))
    return re.compile(rf"\b(?P<bound>{bound_words})\s+(?:the\s+)?[$€£]?(?P<number>\d+(?:[.,]\d+)*)",
                      re.IGNORECASE)


def _numbers_in_slot(claim: str, sentence: str, claim_numbers: set[str], sentence_numbers: set[str]) -> list[tuple[str, str]]:
    """(the claim's number, the sentence's) for each number of the claim that the sentence lacks,
    giving another number in its slot: a value changed."""
    unmatched, extra = claim_numbers - sentence_numbers, sentence_numbers - claim_numbers
    # the cheap checks first: the claim stated but for the number is an alignment, the owners a parse
    return [(m, t) for m in sorted(unmatched) for t in sorted(extra)
            if _number_kind(claim, m) == _number_kind(sentence, t)
            and _number_role(claim, m) == _number_role(sentence, t)
            and _per_unit(claim, m) == _per_unit(sentence, t)
            and not _within_bound(m, t, claim, sentence) and _told_alike(claim, m, sentence, t)
            and (same_slot(claim, m, sentence, t) or _stated_but_for(claim, m, sentence, t))
            and not _of_two_owners(claim, m, sentence, t) and not _of_two_metrics(claim, m, sentence, t)]


ANOTHER_NAME = "another name in the same slot"
_NAME_RUN = re.compile(r"(?:[A-Z]\.){2,}|\b[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|de|van|von|al))*(?<!\s(?:of|de|an|on|al))")


@lru_cache(maxsize=1 << 14)
def name_runs(text: str) -> tuple[tuple[str, int, int], ...]:
    """The names of a text, as runs of capitalised words ("Tony Reagins", "Bank of America"),
    without titles and roles ("Chief Executive", "Governor"), function words ("The") and dates
    ("Friday", checked as dates).
    A single capitalised word that opens the text, or what follows a colon, may be any word
    ("Police said", "Tom: Sure, Rosa will", "Fleet Tracker: Keeping track of vans"): not a name."""
    runs = []
    for match in _NAME_RUN.finditer(text):
        words = [w for w in match.group(0).split()
                 if w.lower() not in STOPWORDS and key(w) not in lexicon.TITLES and not _closed_class(key(w))
                 and sum(c.isalpha() for c in w) >= 2]  # "E!" is a show's name as often as a letter
        if not words or (_opens(text, match.start()) and len(match.group(0).split()) == 1):
            continue
        runs.append((" ".join(words), match.start(), match.end()))
    return tuple(runs)


def _opens(text: str, at: int) -> bool:
    """Whether ``at`` is where the text begins, or what follows a label's colon (a speaker, a
    heading: a line that starts with a few words and a colon): a capital there is the sentence's,
    not a name's. After "the committee named the winner:" a name is a name."""
    before = text[:at].rstrip()
    if not before.endswith(":"):
        return not before
    label = _SENTENCE_END.split(before[:-1].split("\n")[-1])[-1]
    return len(label.split()) <= LABEL_WORDS


LABEL_WORDS = 4  # "Ann:", "PhD F:", "Social Media Performance Tracker:"


def _name_swaps(claim: str, sentence: str, whole_claim: str, whole_sentences: bool = True
                ) -> list[tuple[str, str, str | None]]:
    """A name of the claim that the sentence lacks, where the sentence has, in the same slot, a
    name the claim lacks: "Mike Lowell confirmed he made an offer" against "Tony Reagins confirmed
    he made an offer" (a named counterpart is a closed-class value: the two cannot both be right).
    A name said another way ("U.K."/"Britain") or in part ("Reid"/"Tara Reid") is the same name.
    (claim's name, sentence's name, what casts doubt on the swap or None): names that are not
    alike (see _swap_doubt), or outlets a statement was told to, make the sentence no confirmation, but
    no sure conflict."""
    claim_words, sentence_words = _name_stems(whole_claim), _name_stems(sentence)
    lacking = [r for r in name_runs(claim) if not _name_stems(r[0]) & sentence_words]
    extra = [r for r in name_runs(sentence) if not _name_stems(r[0]) & claim_words]
    slot = lambda text, run: f"{text[:run[1]]} NAMESLOT {text[run[2]:]}"  # noqa: E731  the name as one word
    return [(mine[0], theirs[0], _swap_doubt(claim, mine, sentence, theirs, whole_sentences))
            for mine in lacking for theirs in extra
            if same_slot(slot(claim, mine), "NAMESLOT", slot(sentence, theirs), "NAMESLOT")
            and not _an_acronym_of(mine[0], theirs[0]) and not _an_acronym_of(theirs[0], mine[0])
            and not _a_time_or_amount(claim, mine) and not _a_time_or_amount(sentence, theirs)]


def replaced_in(claim: str, sentence: str) -> list[tuple[str, str]]:
    """(the claim's value, the sentence's) for each name or number of the claim that the sentence
    lacks, giving another certainly in its place: a name swapped in its slot (see _name_swaps), a
    number changed in its slot."""
    names = [(mine, theirs) for mine, theirs, doubt in _name_swaps(claim, sentence, claim, whole_sentences=False)
             if doubt is None]
    return names + _numbers_in_slot(claim, sentence, numbers(claim), numbers(sentence, as_in=claim))


def writes(text: str, value: str, claim: str) -> bool:
    """Whether the text writes a value of replaced_in(claim, ...): the number as the claim reads
    it, or every capitalised word of the name ("the Academy of Motion Picture Arts" does not
    write "Academy Awards")."""
    if value in numbers(text, as_in=claim):
        return True
    words = _capitalised_stems(value)
    return bool(words) and words <= _name_stems(text)


def _swap_doubt(claim: str, mine: tuple[str, int, int], sentence: str, theirs: tuple[str, int, int],
                whole_sentences: bool = True) -> str | None:
    """What makes two names in one slot no sure conflict, or None when nothing does. Names NER
    reads as two kinds of thing name two things ("The Blue Anchor in Marston is a lost venue"
    against "the next venue that one Gordon misses is the Blue Anchor"), and so, most often, do a
    team and its city, or a name NER does not read at all. Two places may be one within the other
    ("in Hollywood" and "in Los Angeles", "a Fulton County judge" and "a Georgia judge" place one
    event), unless both are cities far apart (pipeline.text.places)."""
    kinds = syntax.kind_of_name(claim, mine[1], mine[2]), syntax.kind_of_name(sentence, theirs[1], theirs[2])
    if kinds == ("place", "place") and not places.far_apart(mine[0], theirs[0]):
        return "two places, one of which may lie within the other"
    if kinds[0] is None or kinds[0] != kinds[1]:
        return "not two names of one kind of thing"
    if _a_source(claim, mine) or _a_source(sentence, theirs):
        return "where it was reported, not what"
    # Who speaks is read from whole sentences only: a clause cut at a comma ("Lead author Tapsell
    # said the insects") loses what it reports.
    if whole_sentences and syntax.speaks(claim, mine[1], mine[2]) != syntax.speaks(sentence, theirs[1], theirs[2]):
        return "one tells what the other did"  # "Reid checked in", "her publicist Ketsoyan said she had"
    if whole_sentences and _one_did_what_the_other_is_named_beside(claim, mine, sentence, theirs):
        return "one did it, the other is named beside what was done"
    return None


def _one_did_what_the_other_is_named_beside(claim: str, mine: tuple[str, int, int], sentence: str,
                                            theirs: tuple[str, int, int]) -> bool:
    """"Sentencing for Sam Bankman-Fried was set for March 28" against "Judge Lewis Kaplan set
    sentencing for March 28": one name did what the other's sentence says, in the passive, was
    done, and the other is only named beside that (the same verb both ways)."""
    for (text, run), (other_text, other_run) in (((claim, mine), (sentence, theirs)), ((sentence, theirs), (claim, mine))):
        done = syntax.named_beside_the_done(text, run[1], run[2])
        doer = done and syntax.doer_of(other_text, other_run[1], other_run[2])
        if doer and (is_form(doer, done) or is_form(done, doer)):  # "was chosen", "chose"
            return True
    return False


def _an_acronym_of(short: str, name: str) -> bool:
    """"THR" is "The Hollywood Reporter", "NYDN" the "New York Daily News": the initials of its
    words; and "Tenn" is "Tennessee", "Calif" "California", "Fed" the "Federal Reserve": the first
    letters of a word of it."""
    if len(short) >= 3 and " " not in short \
            and any(word.lower().startswith(short.lower().rstrip(".")) for word in name.split()):
        return True
    initials = "".join(w[0] for w in name.split() if w[:1].isupper() and w != "The")
    return short.isupper() and len(short) >= 2 and short in (initials, f"T{initials}")  # with or without "The"


def _a_time_or_amount(text: str, run: tuple[str, int, int]) -> bool:
    """"Christmas" of "a Christmas party" is a date, checked as one, not a name (parsed only for a
    swap in the same slot: it is rare, and NER is not cheap)."""
    return syntax.reads_as_a_time_or_amount(text, run[1], run[2])


def _a_source(text: str, run: tuple[str, int, int]) -> bool:
    """"told People.com" against "told UsMagazine.com": where a fact was reported is no value of it
    (parsed only for a swap in the same slot, as above)."""
    return syntax.names_a_source(text, run[1], run[2])


@lru_cache(maxsize=1 << 14)
def _name_stems(text: str) -> frozenset[str]:
    """A text's words, each with the other ways of naming the same place (lexicon.SAME_AS)."""
    words = [w.strip("'’") for w in _WORD.findall(text)]  # "Taradise''" is Taradise
    # A hyphenated word also names its parts: "the Dutch-based operator" names Dutch; and an
    # acronym's plural names the acronym: "between PhDs" names PhD, "the CEOs" CEO.
    stems = {stem(part) for w in words for part in {w, *w.split("-"), _acronym_singular(w)} if part}
    return frozenset(stems.union(*(lexicon.SAME_AS.get(s, set()) for s in stems)))


def _acronym_singular(word: str) -> str | None:
    """"CEOs" is CEO, "PhDs" PhD; "iOs" and "News" are left alone."""
    return word[:-1] if len(word) > 2 and word.endswith("s") and word[-2].isupper() else None


SLOT_WORDS = 4       # content words each side of a value that say what it is the value of
SAME_SLOT = 0.5      # share of the sparser side's slot words the two sides must share
SAME_SLOT_OPEN = 0.75  # the same for words of an open class (opposites, colours): a closer match
_VALUE_TURNS = (OTHER_FIGURES, "one word for another")  # what values swapped in a slot are said as


def same_slot(text: str, word: str, other_text: str, other_word: str, threshold: float = SAME_SLOT) -> bool:
    """Whether ``word`` in ``text`` and ``other_word`` in ``other_text`` fill the same slot: the
    words around them agree. "a party Friday, killing one man" and "killed one man at a party on
    Saturday" is one slot; "opened fire Friday" and "was charged Saturday" are two facts."""
    mine, theirs = _slot(text, key(word)), _slot(other_text, key(other_word))
    if not mine or not theirs:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= threshold


@lru_cache(maxsize=1 << 14)
def _slot(text: str, wanted: str) -> frozenset[str]:
    """The content words around ``wanted`` in its sentence: a window may join two sentences, and
    the words that end one ("outside the embassy") are no slot of a word that starts the next."""
    for sentence in _SENTENCE_END.split(unspaced(text)):
        words = _WORD.findall(sentence)
        at = next((i for i, w in enumerate(words) if _writes(w, wanted)), None)
        if at is not None:
            break
    else:
        return frozenset()
    content = lambda ws: [stem(w) for w in ws if not _of_a_value(w) and not _closed_class(w)]  # noqa: E731
    return frozenset(content(words[:at])[-SLOT_WORDS:] + content(words[at + 1:])[:SLOT_WORDS])


def _of_a_value(word: str) -> bool:
    """A word that says nothing of what a value is of: a stopword, a number, or a value's own
    word ("billion", "percent")."""
    return word.lower() in STOPWORDS or word[0].isdigit() or word.lower() in _VALUE_WORDS


def _writes(word: str, wanted: str) -> bool:
    """Whether a word of the text is ``wanted``, a word's key or a number of numbers() ("35,000"
    is 35000, "40%" is 40)."""
    return key(word) == wanted or plain(word.removesuffix("%")) == wanted or lexicon.CASED_MONTHS.get(word) == wanted


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"]))\s+(?=[“\"]?[A-Z])")


# Words of a value itself ("350 million euros"), which any two amounts share: not what they are of.
_VALUE_WORDS = frozenset(SCALES) | {form for word in CURRENCY_WORDS for form in (word, word + "s")} \
    | {"pound", "pounds", "sterling", "percent", "cent", "per", "points"}


def _closed_class(word: str) -> bool:
    """A number or date word ("third", "Friday", "six-month"): a swap of one is a fact changed."""
    return any(m in lexicon.CLOSED_MEANINGS for part in _parts(word) for m in lexicon.MEANINGS.get(part, ()))


def _stated_but_for(claim: str, mine: str, sentence: str, theirs: str) -> bool:
    """Whether the sentence states the claim but for one number: with ``theirs`` written for
    ``mine``, the claim is stated and nothing turned; the numbers are told alike (the same word
    before them, the same word after them where both clauses go on); the sentence has the words
    around the claim's number (what it is the number of), and the two share a word around them.
    Word order varies more than a fixed window of slot words allows: "agreed to buy Crestline for
    $2.1 billion in cash" against "would buy regional bakery chain Crestline for $1.2 billion in
    cash" (not against "...whose owners had sought $1.6 billion in cash", nor "would take on $1.6
    billion in debt"; and "Adele, who is 35, is set to play ten shows" counts nothing with its 35).

    Tried for two days or months as well: it caught more swapped days, and raised a false
    conflict in a brief of an untouched story (eval/conflicts.py, held-out half)."""
    span, written = _number_at(claim, mine), _first_written(sentence, theirs)
    if span is None or written is None or not _told_around_alike(claim, span, sentence, written.span("number")):
        return False
    around, present = _slot(claim, mine), content_stems(sentence)
    stated_around = sum(_found_in(w, present) for w in around)
    if not around & _slot(sentence, theirs) or stated_around < SAME_SLOT_OPEN * len(around):
        return False
    stated = claim[:span[0]] + written.group("number") + claim[span[1]:]
    if not states_numbers(stated, sentence):  # checked first: no number left to try again, no recursion
        return False
    alignment = _align(stated, sentence, None)
    return alignment.score >= SUPPORTED and not alignment.turns


def _told_around_alike(claim: str, span: tuple[int, int], sentence: str, other: tuple[int, int]) -> bool:
    """The same word right before both numbers ("for $2.1 billion", not "had sought $1.2
    billion"), and the same first content word after them ("in cash", not "in debt"), in their
    clauses: where a clause starts or ends at its number ("Twelve jurors"), that side is told
    alike."""
    before = [_word_before(text, at) for text, at in ((claim, span[0]), (sentence, other[0]))]
    after = [_content_after(text, at) for text, at in ((claim, span[1]), (sentence, other[1]))]
    return all(None in pair or pair[0] == pair[1] for pair in (before, after))


def _word_before(text: str, at: int) -> str | None:
    """The key of the word right before ``at`` in its clause; None where the clause starts there."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, max(at - 60, 0), at)), default=max(at - 60, 0))
    words = _WORD.findall(text[start:at])
    return key(words[-1]) if words else None


_CLAUSE_END = re.compile(r"[,;:.!?()\[\]“”\"]")


def _content_after(text: str, at: int) -> str | None:
    """The key of the first content word after ``at`` in its clause, past the value's own words
    ("billion", "percent"); None where the clause ends first."""
    end = _CLAUSE_END.search(text, at)
    return next((key(w) for w in _WORD.findall(text[at:end.start() if end else len(text)]) if not _of_a_value(w)),
                None)


STRONG_NEGATION = "strong"


def _negation_turns(claim: str, window: str) -> str | None:
    """Whether the clauses of claim and window that share the most words (two at least) disagree
    on negation: "although no one was hurt" negates nothing a claim says about the building the
    fire broke out in, and "No one was injured, but people were inside" agrees with "No one was
    injured". Strong when what the negation negates is what the other clause states ("Ross is not
    signed" against "Ross signed"), not something the other clause never mentions ("showed no
    emotion at the trial for the murder" against "he murdered the deputy"). When that pair agrees,
    a negated clause elsewhere may still deny what the other states (_negated_elsewhere)."""
    (mine, my_words), (theirs, their_words) = max(
        ((m, t) for m in _clause_stems(claim) for t in _clause_stems(window)),
        key=lambda pair: len(pair[0][1] & pair[1][1]))
    shared = len(my_words & their_words)
    if _negated(mine) == _negated(theirs) or shared < 2:
        return _negated_elsewhere(claim, window) or _negated_elsewhere(window, claim)
    negated, other, other_sentence = (mine, theirs, window) if _negated(mine) else (theirs, mine, claim)
    negating = claim if negated is mine else window
    if _supposed(negated, negating):
        return _negated_elsewhere(claim, window) or _negated_elsewhere(window, claim) or "weak"
    if _denies_having(negated) and not _HAVING.search(other_sentence):
        return "weak"  # "we don't have the traffic model yet" denies nothing of "the need for a traffic model"
    if _denies_a_thing(negated) and _DEPRIVED.search(other):
        return "weak"  # "homes lost water" says what "households without water" says
    head = _negated_word(negated, negating)
    if head and _declined(other_sentence, head):  # "would not reveal" and "declined to reveal" say one thing
        return _negated_elsewhere(claim, window) or _negated_elsewhere(window, claim)
    if head and _only_sought(other_sentence, head):  # "failed to save it" against "battled to save it": tried
        return _negated_elsewhere(claim, window) or _negated_elsewhere(window, claim) or "weak"
    if _states(other, head):
        negation_names, stated_names = _subject_names(negated, other, head)
        strong = not (negation_names and stated_names and not negation_names & stated_names)
    # Commas may cut the clause that states it off from its subject ("Esther Williams, the swimming
    # champion turned actress who starred in ..., has died"): then the other sentence must state it
    # of a name the negation is about.
    elif not _clauses_stating(other_sentence, head):
        return "weak"
    else:
        negation_names, stated_names = _subject_names(negated, other_sentence, head)
        strong = bool(negation_names & stated_names)
    # the parse last: it is the costliest check
    return STRONG_NEGATION if strong and _about_the_same(negated, negating, other_sentence, head) else "weak"


# Words that say something is not had, as a negation does: what they state, "without" or "no" denies
_DEPRIVED = re.compile(r"\b(?:los(?:e|es|t|ing)|lack(?:s|ed|ing)?|miss(?:es|ed|ing)?|deprived|stripped|short of)\b",
                       re.IGNORECASE)


def _only_sought(text: str, head: str) -> bool:
    """Whether the text says ``head`` only as what was sought or talked of: "tried to reach",
    "aimed at reaching", "urged the minister to resign", "negotiating about returning" state no
    reaching, no resigning, no return."""
    said = [m for m in _WORD.finditer(text) if is_form(m.group(0), head)]
    return bool(said) and all(_SOUGHT_BEFORE.search(text[:m.start()]) for m in said)


# (not "were to play": what is to be done is a plan, which "were not to play" denies)
_SOUGHT_BEFORE = re.compile(r"(?:(?<!\bwas )(?<!\bwere )(?<!\bis )(?<!\bare )(?<!\bbe )\bto|\bat|\bof|\babout)\s+$",
                            re.IGNORECASE)


def _deprives(text: str, head: str) -> bool:
    """Whether a clause of the text that states ``head`` says it is lost or lacking."""
    return any(_has_form(clause, head) and _DEPRIVED.search(clause) for clause, _ in _clause_stems(text))


def _denies_a_thing(clause: str) -> bool:
    """Whether the clause's negation says a thing is not had ("without water", "no water"), as
    "lost" and "lacks" do; "did not lose" denies the losing."""
    cue = _negation_cue(clause)
    return bool(cue) and cue.group(0).lower() in ("without", "no")


def _negated_elsewhere(negating: str, stating: str) -> str | None:
    """A negated clause that is not the pair sharing the most words, when the other text states
    what it negates: "Esther Williams, swimmer and actress, has not died" against "the actress and
    swimmer, Esther Williams, died on Friday" shares most with the name, and the clause that
    negates is "has not died"; "suffered a heart attack and never regained consciousness" against
    "suffered a heart attack and regained consciousness". Strong when a clause of the other states
    its head, of the same name (the names before the negation and before the head meet), or, in
    a clause that shares two words with it, of no other name."""
    at = 0
    for clause, words in _clause_stems(negating):
        at = negating.find(clause, at)
        if not _negated(clause) or _supposed(clause, negating) or _denies_having(clause) \
                or not (head := _negated_word(clause, negating)):
            continue
        stated = _clauses_stating(stating, head)
        if not stated or _declined(stating, head) or _only_sought(stating, head) \
                or (_denies_a_thing(clause) and _deprives(stating, head)):
            continue
        if _OTHERS.search(clause[:_form_at(clause, head)]):
            continue  # "None of the other detainees has been released" denies nothing of those named
        negation_names, stated_names = _subject_names(clause, stating, head)
        if not negation_names:  # "..., has not died": the subject is before the commas, in its sentence
            negation_names = _named(_SENTENCE_END.split(negating[:at])[-1])
        if (negation_names & stated_names or (any(len(words & theirs) >= 2 for theirs in stated)
                                              and not (negation_names and stated_names))
                or (_NO_ONE.search(clause) and _counts_who(stating, head, words))) \
                and _about_the_same(clause, negating, stating, head):
            return STRONG_NEGATION
    return None


# A subject of these is not those the other text names: "None of the other detainees"
_OTHERS = re.compile(r"\b(?:other|others|another)\b", re.IGNORECASE)
# What denies that anyone did it: "No one died", "nobody was hurt"
_NO_ONE = re.compile(r"\b(?:no(?: |-)one|nobody|none)\b", re.IGNORECASE)
_A_COUNT = re.compile(rf"\b(?:\d[\d,]*|{'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)


def _counts_who(text: str, head: str, denied: frozenset[str]) -> bool:
    """Whether a clause of the text counts who did ``head``, the count before it, and says nothing
    the denying clause (its words ``denied``) does not but the count and what it counts, while the
    text says all the denial does: "Two people have died and dozens were injured in the flooding"
    against "No one died in the flooding" (a clause cut short by "and" shares no other word with
    it); not "Two people died in a crash on the highway", nor "Two people have died" against "No
    one has died from the new strain"."""
    return denied - _DENYING_WORDS <= content_stems(text) and any(
        _has_form(clause, head) and not _negated(clause)
        and (count := _A_COUNT.search(clause)) and count.start() < _form_at(clause, head)
        and len(words - denied) <= COUNT_WORDS for clause, words in _clause_stems(text))


COUNT_WORDS = 2  # a count's number and what it counts: "two people"
_DENYING_WORDS = frozenset({"one", "nobody", "none", "no-one"})


def _form_at(text: str, head: str) -> int:
    return next((m.start() for m in _WORD.finditer(text) if is_form(m.group(0), head)), len(text))


def _clauses_stating(text: str, head: str) -> list[frozenset[str]]:
    """The word sets of the clauses of ``text`` that state ``head`` and do not negate it."""
    return [words for clause, words in _clause_stems(text) if _states(clause, head)]


def _states(clause: str, head: str) -> bool:
    """Whether the clause says ``head`` as a fact: not negated, nor supposed ("to determine if
    their activities will harm any species" says no harm is done)."""
    if not _has_form(clause, head) or _negated(clause):
        return False
    at = _form_at(clause, head)
    return not (_SUPPOSING.search(clause[:at]) and syntax.supposed_at(clause, at))


# Words whose clauses suppose what they say (syntax.supposed_at): only after one is the parse asked
_SUPPOSING = re.compile(r"\b(?:if|whether|unless)\b", re.IGNORECASE)


def _supposed(clause: str, text: str) -> bool:
    """Whether the clause's negation stands in a clause of "if", "whether" or "unless": "if the
    agencies determined that the species would not be harmed" denies no harm."""
    sentence = _sentence_holding(clause, text)
    return bool(_SUPPOSING.search(sentence)) and _negation(clause, text).supposed


# "don't have the model", "did not have a permit", "not to have loops": having, denied. Only with
# "do" or "to": after a modal, "have" is an auxiliary ("could not have won").
_DO_BEFORE = re.compile(r"\b(?:do|does|did)\s*$", re.IGNORECASE)
_HAVE_AFTER = re.compile(r"\s+(?:have|has)\b", re.IGNORECASE)
_TO_HAVE_AFTER = re.compile(r"\s+to\s+have\b", re.IGNORECASE)
_HAVING = re.compile(r"\b(?:have|has|had|having)\b", re.IGNORECASE)


def _denies_having(clause: str) -> bool:
    """Whether the clause's negation denies having something: then the word after it is what is
    not had, and only a sentence that says something is had can be denied ("did not have a permit"
    against "had a permit")."""
    cue = _negation_cue(clause)
    if not cue:
        return False
    after = clause[cue.end():]
    return bool(_TO_HAVE_AFTER.match(after) or (_DO_BEFORE.search(clause[:cue.start()]) and _HAVE_AFTER.match(after)))


def _subject_names(negated: str, other: str, head: str) -> tuple[set[str], set[str]]:
    """The names before the negation, and the names before ``head`` in the other text: "Ross is
    not signed" against "Lawrence, Hutcherson and Hemsworth are signed" negates nothing said of Ross."""
    cue = _negation_cue(negated)
    at = next((m.start() for m in _WORD.finditer(other) if is_form(m.group(0), head)), len(other))
    return (_named(negated[:cue.start()]) if cue else set()), _named(other[:at])


# Verbs that deny what follows them: "declined to reveal" does not reveal.
_DECLINED_TO = re.compile(rf"\b(?:declin(?:e|es|ed|ing|s)?|{_DENYING})\s+to\s+(\w+)", re.IGNORECASE)


def _declined(text: str, head: str) -> bool:
    """Whether ``text`` says its subject declined, refused or failed to do what ``head`` names."""
    return any(is_form(found.group(1), head) for found in _DECLINED_TO.finditer(text))


def _about_the_same(negated: str, negating: str, other: str, head: str) -> bool:
    """Whether the negated statement and one of the other text's statements of its word may be
    about the same parties, as the parse reads them: "prosecutors have not approved that
    facility" denies nothing of "until a judge approves her placement" (two approvers), nor "No
    decision has been reached" of "King reached a deal" (the thing denied is not the thing
    stated). What is done to whom is left to the words: "is not writing the screenplay" denies "is
    writing the picture". What something is not ("was not the main role") is denied only of what
    it is said to be ("was the main role", "Smith, the main role,"), not of what it does ("got a
    role")."""
    if not _negated(negated):
        return True
    negation = _negation(negated, negating)
    stated = syntax.statements_of(other, lambda word: is_form(word, head))
    return not stated or any(
        _may_be_one(negation.actors, said.actors) and _may_be_one(negation.denied, said.parties)
        and (said.described or not negation.described) for said in stated)


def _may_be_one(mine, theirs) -> bool:
    """Whether two sets of parties may hold one party. Only names against names, and common nouns
    against common nouns, are told apart: "the actress" may be "Lohan"; "prosecutors" are not "a
    judge", nor "a decision" "King" and "a deal"."""
    if not mine or not theirs or {stem(p.word) for p in mine} & {stem(p.word) for p in theirs}:
        return True
    return not {p.name for p in mine} & {p.name for p in theirs}


def _named(text: str) -> set[str]:
    """The capitalised content words of a text, but dates: "December" is no subject."""
    return {stem(w) for w in content_words(text) if w[0].isupper() and not _closed_class(key(w))}


@lru_cache(maxsize=1 << 12)
def _negated_word(clause: str, text: str) -> str | None:
    """What the clause's negation negates, as the parse reads it ("has not been officially
    sanctioned": sanctioned); else the first content word after the negation ("not signed", "no
    emotion", "never recovered"). ``text`` holds the clause. A negation the parse puts on a
    preposition or an adverb negates a circumstance, no statement ("Never before in NBA history
    have coaches fallen so early", "coaches not in the upper stratosphere"): it has no word."""
    cue = _negation_cue(clause)
    if not cue:
        return None
    negation = _negation(clause, text)
    if negation.circumstance and negation.word.lower() not in _NOT_HEADS:
        return None
    parsed = negation.word
    if parsed and parsed.lower() not in STOPWORDS and parsed.lower() not in _NOT_HEADS:
        return parsed.lower()
    after = [w for w in content_words(clause[cue.end():]) if w.lower() not in _NOT_HEADS]
    return after[0].lower() if after else None


@lru_cache(maxsize=1 << 12)  # asked of each negated clause by _supposed, _negated_word and _about_the_same
def _negation(clause: str, text: str) -> syntax.Negation:
    """The parse's reading of a negated clause's negation, in the sentence of ``text`` that holds
    the clause: cut off from its verb by dashes or commas, a clause parses with none ("None of the
    other teams in the sweepstakes -- the Red Sox, the Orioles and the Nationals -- has been
    reported to have offered more": reported, not teams)."""
    sentence = _sentence_holding(clause, text)
    at = sentence.index(clause) + _negation_cue(clause).end() - 1  # the last letter: "cannot" parses as "can" "not"
    return syntax.negation_at(sentence, at)


def _sentence_holding(clause: str, text: str) -> str:
    return next((part for part in _SENTENCE_END.split(text) if clause in part), clause)


def is_form(word: str, head: str) -> bool:
    """Whether ``word`` says the negated ``head``: the same stem, or, written in lower case (no
    name: "Rose Patel" is no "rise"), a past form of the verb ("failed to concede" against
    "conceded", "did not win" against "won", "was not stolen" against "stole"; lexicon.verb_forms)."""
    return stem(word) == stem(head) or (word.islower() and word in verb_forms(head))


def _has_form(clause: str, head: str | None) -> bool:
    """Whether a content word of the clause says ``head`` (is_form); no word says no head."""
    return head is not None and any(is_form(word, head) for word in content_words(clause))


_NOT_HEADS = frozenset("yet only even also just ever".split())  # "not yet signed": the head is "signed"


# Negation words that negate nothing: "not only X but Y" states X, "I cannot help but notice" notices.
_NOT_NEGATING = re.compile(r"\b(?:not only|not just|no doubt|none more so|nothing but|no matter|no less than|"
                           r"next to nothing|for nothing|from nothing|nothing short of|nothing less than|"
                           r"nothing if not|at nothing|nobody but|a nobody|out of nowhere|"
                           r"(?:cannot|can't|can not|couldn't|could not) help but)\b",
                           re.IGNORECASE)


@lru_cache(maxsize=1 << 14)  # asked of each clause of each window of each claim
def _negation_cue(clause: str) -> re.Match | None:
    """The clause's negation word, with offsets into the clause itself: what negates nothing
    ("not only") is blanked out letter for letter, so positions after it stay where they were."""
    return _NEGATION.search(_NOT_NEGATING.sub(lambda m: " " * len(m.group(0)), clause))


def _negated(clause: str) -> bool:
    return _negation_cue(clause) is not None


# Claims meet the same evidence sentences again and again: their word sets are worked out once.
@lru_cache(maxsize=1 << 14)
def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


def anchored(claim: str) -> bool:
    """Whether the claim names something (its first word too: "Alibaba, with its ecosystem, ...")
    or gives a number. A claim with neither is stated by its other words alone."""
    return bool(numbers(claim)) or any(w[0].isupper() for w in content_words(claim))


@lru_cache(maxsize=1 << 14)
def _names(claim: str) -> frozenset[str]:
    """The claim's capitalised words, not counting the capital that starts it."""
    return frozenset(stem(w) for w in content_words(claim)[1:] if w[0].isupper())


@lru_cache(maxsize=1 << 14)
def _keys(text: str) -> frozenset[str]:
    return frozenset(_key_at(text, match) for match in _WORD.finditer(text))


def _only_in_names(text: str, wanted: str) -> bool:
    """Whether the text writes the word (a key) only capitalised within a sentence, as part of a
    name: the "Open" of "the Dutch Open" is no opposite of "a closing 66"."""
    writings = [m for m in _WORD.finditer(text) if _key_at(text, m) == wanted]
    within = [m.group(0)[0].isupper() and text[:m.start()].rstrip()[-1:] not in _OPENED_AFTER for m in writings]
    return bool(within) and all(within)


_OPENED_AFTER = ("", ".", "!", "?", '"', "“", ":")  # what a capital follows at a sentence's start


def _key_at(text: str, match: re.Match) -> str:
    """A word's key, where "May" and "March" that read as months have their own."""
    return lexicon.month_key(text, match.start(), match.end()) or key(match.group(0))


def _in_digits(text: str) -> frozenset[str]:
    """The words of the small numbers a score or a record writes in digits: "2-1" says "two" and
    "one", as "two-one" does (not the 2 of "June 2", which says no "two-year")."""
    return frozenset(_SMALL_NUMBERS[n] for pair in re.findall(r"(?<![\w.])(\d+)[-–](\d+)(?![\w.])", text)
                     for n in pair if n in _SMALL_NUMBERS)


_SMALL_NUMBERS = {str(n): key(w) for w, n in (NUMBER_WORDS | {"one": 1}).items()}


@lru_cache(maxsize=1 << 14)
def _clause_stems(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Every clause of every sentence, short ones too ("although no one was hurt"), with its words."""
    from pipeline.text.sentences import split_sentences

    sentences = [s.text for s in split_sentences(text)] or [text]  # an empty text is one empty clause
    return tuple((part, content_stems(part)) for sentence in sentences for part in _CLAUSE.split(sentence))


def forget_word_sets() -> None:
    """Empty the caches, after a change to the word lists (the eval's --ablate makes them)."""
    for cached in (content_stems, _names, _keys, _clause_stems, _meanings, _moves, _slot):
        cached.cache_clear()


@lru_cache(maxsize=1 << 16)
def _meanings(word: str) -> frozenset[str]:
    """The contrast-set meanings of a word and of the parts of a hyphenated one ("one-month" says
    "month"). A word may have several: "yellow" is a colour, and a coward."""
    return frozenset(m for part in _parts(word) for m in lexicon.MEANINGS.get(part, ()))


_UNITS = frozenset(key(unit) for unit in lexicon.TIME_UNITS)


def _counted_alike(claim: str, word: str, sentence: str, other: str) -> bool:
    """A unit of time is a changed fact only with the same count: "a two-week delay" against "a
    two-month delay"; "earlier this month" against "an eight-year contract", or "the 11th hour"
    against "last-minute", measure two things."""
    units = [next((p for p in _parts(w) if p in _UNITS), None) for w in (word, other)]
    if None in units:
        return True
    counts = [_count_before(text, unit) for text, unit in ((claim, units[0]), (sentence, units[1]))]
    return counts[0] is not None and counts[0] == counts[1]


_DATE_WORDS = frozenset(key(word) for word in lexicon.WEEKDAYS + lexicon.MONTHS) | set(lexicon.CASED_MONTHS.values())
_ORDINALS = frozenset(key(word) for word in ORDINALS)


def _rank_alike(claim: str, word: str, sentence: str, other: str) -> bool:
    """Two ordinals are one rank changed only when they rank one thing, as the parse reads them:
    "the third quarter" against "the fourth quarter", not "a fifth straight victory" against
    "climbed to third" (parsed only for ordinals swapped in one slot)."""
    if word not in _ORDINALS or other not in _ORDINALS:
        return True
    ranked = [syntax.noun_ranked(text, *found.span()) if (found := _written_at(text, wanted)) else None
              for text, wanted in ((claim, word), (sentence, other))]
    ranked = [None if noun in _PLACINGS else noun for noun in ranked]  # "finished second", "in third place"
    return ranked[0] == ranked[1]


_PLACINGS = frozenset({"place", "position", "spot", "finish"})


def _one_verb(claim: str, word: str, sentence: str, other: str) -> bool:
    """Whether two counts or ranks are said with one verb, as the parse reads them (or either's
    verb is unknown): "at least the last five decades" of a life that "is known" and "the last
    two decades" in which she "refused" to be photographed are two facts, as figures said with two
    verbs are (pipeline.verify.figures). Not asked of a day or a month: what happened on a day is
    told with many verbs ("checked into", "entered"), nor of an open-class word, which may be a
    verb itself ("pink" for "yellow" is one fact however it is told)."""
    if word in _DATE_WORDS or other in _DATE_WORDS or not (_closed_class(word) and _closed_class(other)):
        return True
    verbs = [_verb_saying(text, wanted) for text, wanted in ((claim, word), (sentence, other))]
    return None in verbs or verbs[0] == verbs[1]


def _verb_saying(text: str, wanted: str) -> str | None:
    """The key of the verb the text says its first ``wanted`` word with (see _writes)."""
    found = _written_at(text, wanted)
    verb = syntax.verb_at(text, found.start(), found.end()) if found else None
    return stem(verb) if verb else None


def _written_at(text: str, wanted: str) -> re.Match | None:
    """The text's first word that writes ``wanted`` (see _writes)."""
    return next((m for m in _WORD.finditer(text) if _writes(m.group(0), wanted)), None)


_WORD_THEN_WORD = re.compile(r"(?<![\w.,])(?=([\w.,]+)[\s-]+(\w+))")


def _count_before(text: str, unit: str) -> str | None:
    """The number said right before a unit: "two" of "two weeks" and of "a two-week delay"."""
    for found in _WORD_THEN_WORD.finditer(text):  # every pair: a lookahead, so words overlap
        if key(found.group(2)) == unit:
            count = found.group(1).lower()
            return count if count[0].isdigit() or count in lexicon.MEANINGS else None
    return None


def _parts(word: str) -> tuple[str, ...]:
    return (word, *(key(part) for part in word.split("-") if part and part != word))


def _swaps(claim_keys: frozenset[str], sentence_keys: frozenset[str],
           whole_keys: frozenset[str], in_digits: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Claim words the sentence replaces by a word of the same set with another meaning ("pink"
    for "yellow", "three-month" for "six-month"). A claim word (or part) that some sentence word
    means too is stated, not swapped, as is a number the sentence writes in digits (``in_digits``);
    a meaning the whole claim also has is no rival."""
    stated = {m for o in sentence_keys | in_digits for m in _meanings(o)}
    claimed = {m for w in whole_keys for m in _meanings(w)}
    swaps: list[tuple[str, str]] = []
    for word in sorted(claim_keys - sentence_keys):
        for part in _parts(word):
            mine = lexicon.MEANINGS.get(part, frozenset())
            if not mine or mine & stated:
                continue
            rivals = set().union(*(lexicon.CONTRASTS.get(m, ()) for m in mine)) & stated - claimed
            swaps += [(word, other) for other in sorted(sentence_keys - whole_keys)
                      if _meanings(other) & rivals and (word, other) not in swaps]
    return swaps


def _direction_turns(claim: str, sentence: str) -> tuple[list[str], list[str]]:
    """A quantity the claim moves one way ("increasing net debt") that the sentence moves the
    other way ("net debt to fall"), and never the claim's way. Two moves are of the same thing
    when they share two content words ("net debt", "dividend ... $0.13"): one ("shares") is
    too little to tell "shares rose" from "losing market share". Returns the turns, and apart the
    moves one side negates ("did not fall" against "rose": the same move)."""
    theirs = _moves(sentence)
    turned, negated = [], []
    for way, word, things in _moves(claim):
        same = [(their_way, their_word, their_things) for their_way, their_word, their_things in theirs
                if len(things & their_things) >= 2]
        # A move of the claim's own figure is its quantity: "the euro rose 0.4%" turns "the euro
        # fell 0.4%", beside "the dollar fell" in the same window
        figured = [move for move in same if move[2] & _figures_among(things)]
        same = [(their_way, their_word) for their_way, their_word, _ in figured or same]
        if same and way not in {their_way for their_way, _ in same} \
                and not _of_two_owners(claim, word, sentence, same[0][1], _word_at):
            one_side = _negated_on_one_side(claim, key(word), sentence, key(same[0][1]))
            (negated if one_side else turned).append(f"{word}/{same[0][1]}")
    return ([f"moves the other way: {', '.join(turned)}"] if turned else []), negated


def _figures_among(words: set[str]) -> set[str]:
    return {w for w in words if w[:1].isdigit()}


@lru_cache(maxsize=1 << 14)
def _moves(text: str) -> list[tuple[str, str, set[str]]]:
    """Each direction word, its direction and what it moves: the content words around it (two
    before, for "net income fell"; a few after, for "cut its net debt"). Then the moves that a
    comparison of two figures implies ("$94.8 million, that compares to $106.6 million")."""
    moves = []
    for sentence in _SENTENCE_END.split(text):  # what a word moves is in its own sentence
        # "up" and "down" are stopwords, and direction words all the same
        words = [w for w in _WORD.findall(sentence) if w.lower() not in STOPWORDS or lexicon.direction(w)]
        for i, word in enumerate(words):
            way = lexicon.direction(word)
            if way is not None:
                near = words[max(0, i - 2):i] + words[i + 1:i + 1 + DIRECTION_REACH]
                moves.append((way, word, {stem(w) for w in near if lexicon.direction(w) is None}))
    return moves + _compared_moves(text)


_COMPARED = re.compile(r"\b(?:compares? to|compared (?:to|with)|versus|vs\.?|up from|down from)\s", re.IGNORECASE)
_FIGURE = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)")
COMPARED_SUBJECT_WORDS = 8  # content words before the first figure that say what it measures


def _compared_moves(text: str) -> list[tuple[str, str, set[str]]]:
    """"Net income was $94.8 million, compared to $106.6 million a year ago" says net income fell,
    without a direction word: the sentence's first figure against the one after "compared to"."""
    from pipeline.text.sentences import split_sentences

    moves = []
    for sentence in split_sentences(text):
        for keyword in _COMPARED.finditer(sentence.text):
            before, after = sentence.text[:keyword.start()], sentence.text[keyword.end():]
            now, then = _FIGURE.search(before), _FIGURE.match(after.lstrip())
            if not (now and then):
                continue
            now_value, then_value = (float(m.group(1).replace(",", "")) for m in (now, then))
            subject = [w for w in _WORD.findall(before[:now.start()]) if w.lower() not in STOPWORDS]
            if now_value != then_value and subject:
                moves.append(("up" if now_value > then_value else "down", f"{now.group(0)} against {then.group(0)}",
                              {stem(w) for w in subject[-COMPARED_SUBJECT_WORDS:] if lexicon.direction(w) is None}))
    return moves


def clauses(text: str, subjects: bool = False) -> list[str]:
    """The parts of a sentence joined by commas, "and", "but": each states its own fact. Parts too
    short to state one are kept with the part before. With ``subjects``, a part of names alone
    is kept with the part after, whose subject it is: "Mayor Karen Bass | and Governor Gavin
    Newsom toured the area"; "Paris, which hosted ..., | and Los Angeles, which will host ..."."""
    parts: list[str] = []
    carried = ""
    for piece in _CLAUSE.split(text):
        words = content_words(piece)
        if subjects and words and all(w[0].isupper() for w in words):
            carried += piece + " "
            continue
        piece, carried = carried + piece, ""
        if parts and len(content_words(piece)) < MIN_CLAUSE_WORDS:
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts + [carried.strip()] * bool(carried)
