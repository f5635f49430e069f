"""The deterministic verifier: does an evidence sentence state what a claim says?

It aligns the claim with each evidence sentence on what a fact check turns on:
- how many of the claim's content words the sentence covers (stems, and near spellings:
  "Deepseek" is "DeepSeek");
- whether the claim's names are there;
- whether the figures agree;
- whether a negation or an antonym turns the sentence against the claim.

A claim is ``confirmed`` when a sentence of another source family covers it and nothing turns;
``conflicting`` when a sentence covers it but negates it, flips its direction, or states another
figure; ``single_source`` when only its own family says it; ``unsupported`` when no source does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from dataclasses import dataclass, field

from pipeline.lexical import STOPWORDS, numbers
from pipeline.lexicon import CONTRASTS, MEANING, OPPOSITES, SAME_AS, direction, key, stem
from pipeline.retrieve import Evidence, evidence_for

SUPPORTED = 0.6      # alignment score from which a sentence states the claim
RELATED = 0.45       # from which a contradiction in it is a conflict, not noise
FUZZY_WORD = 88      # rapidfuzz ratio for two spellings of one word

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z][\w'’-]*|\d+(?:[.,]\d+)*%?")  # U.S. is one word
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|without|n't|cannot|neither|excluding|except)\b|n't\b",
                       re.IGNORECASE)
_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:and|but|while|whereas)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])|\n+")
NEGATED = "one negates what the other states"
MIN_CLAUSE_WORDS = 3
DIRECTION_REACH = 4  # content words after a direction word that it may move ("cut its net debt")


@dataclass
class Alignment:
    score: float
    coverage: float
    names: float
    figures: float
    turns: list[str] = field(default_factory=list)  # what turns the sentence against the claim


@dataclass
class ClaimVerdict:
    claim: str
    verdict: str
    supported: bool
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    confirming_families: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS]


def align(claim: str, sentence: str, whole_claim: str | None = None) -> Alignment:
    """How well ``sentence`` states ``claim``, and what in it turns against the claim.
    ``whole_claim`` is the sentence a claim part comes from: a word the sentence uses is no
    swap for another word of the same claim."""
    from rapidfuzz import fuzz, process

    wanted, present = _content_stems(claim), _content_stems(sentence)
    if not wanted:
        return Alignment(0.0, 0.0, 0.0, 1.0)

    def found(word: str) -> bool:
        return word in present or (len(word) >= 5 and process.extractOne(
            word, present, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD) is not None)

    coverage = sum(map(found, wanted)) / len(wanted)
    names = {stem(w) for w in content_words(claim)[1:] if w[0].isupper()}  # not the capital of a sentence start
    name_cover = sum(map(found, names)) / len(names) if names else 1.0
    claim_numbers, sentence_numbers = numbers(claim), numbers(sentence)
    figures = len(claim_numbers & sentence_numbers) / len(claim_numbers) if claim_numbers else 1.0
    score = 0.6 * coverage + 0.25 * name_cover + 0.15 * figures
    turns = _turns(claim, sentence, claim_numbers, sentence_numbers, whole_claim or claim)
    if score < SUPPORTED:  # a "no one was hurt" only turns a sentence that states the claim otherwise
        turns = [t for t in turns if t != NEGATED]
    return Alignment(round(score, 4), coverage, name_cover, figures, turns)


def _turns(claim: str, sentence: str, claim_numbers: set[str], sentence_numbers: set[str],
           whole_claim: str) -> list[str]:
    turns = []
    if _negation_turns(claim, sentence):
        turns.append(NEGATED)
    claim_stems, whole_stems, sentence_stems = _keys(claim), _keys(whole_claim), _keys(sentence)
    # Direction words (rose/fell) are left to _direction_turns, which checks they move the same
    # thing: "cutting net debt" is not turned by "raising the dividend" in the same sentence.
    flipped = sorted(f"{w}/{o}" for w in claim_stems - sentence_stems
                     for o in OPPOSITES.get(w, set()) & sentence_stems - whole_stems
                     if not (direction(w) and direction(o)))
    if flipped:
        turns.append(f"opposite words: {', '.join(flipped)}")
    claim_meanings, sentence_meanings = _meanings(claim_stems), _meanings(sentence_stems)
    swapped = sorted(f"{_word(m)}/{_word(o)}" for m in claim_meanings - sentence_meanings
                     for o in CONTRASTS[m] & sentence_meanings - _meanings(whole_stems))
    if swapped:
        turns.append(f"one word for another: {', '.join(swapped)}")
    if claim_numbers and sentence_numbers and not claim_numbers & sentence_numbers:
        turns.append(f"other figures: {', '.join(sorted(claim_numbers))} against {', '.join(sorted(sentence_numbers))}")
    return turns + _direction_turns(claim, sentence)


def _negation_turns(claim: str, window: str) -> bool:
    """Whether the clauses of claim and window that share the most words (two at least) disagree
    on negation: "although no one was hurt" negates
    nothing a claim says about the building the fire broke out in, and "No one was injured, but
    people were inside" agrees with "No one was injured"."""
    (mine, my_words), (theirs, their_words) = max(
        ((m, t) for m in _clause_stems(claim, merge=False) for t in _clause_stems(window, merge=False)),
        key=lambda pair: len(pair[0][1] & pair[1][1]))
    return _negated(mine) != _negated(theirs) and len(my_words & their_words) >= 2


# Negation words that negate nothing: "not only X but Y" states X.
_NOT_NEGATING = re.compile(r"\b(?:not only|not just|no doubt|none more so|nothing but|no matter|no less than)\b",
                           re.IGNORECASE)


def _negated(clause: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATING.sub(" ", clause)))


# Claims meet the same evidence sentences again and again: their word sets are worked out once.
@lru_cache(maxsize=1 << 14)
def _content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


@lru_cache(maxsize=1 << 14)
def _keys(text: str) -> frozenset[str]:
    return frozenset(key(w) for w in _WORD.findall(text))


@lru_cache(maxsize=1 << 14)
def _clause_stems(text: str, merge: bool = True) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((part, _content_stems(part)) for sentence in _SENTENCE_END.split(text)
                 for part in (clauses(sentence) if merge else _CLAUSE.split(sentence)))


def forget_word_sets() -> None:
    """Empty the caches, after a change to the word lists (the eval's --ablate makes them)."""
    for cached in (_content_stems, _keys, _clause_stems, _meanings, _moves):
        cached.cache_clear()


def _word(meaning: str) -> str:
    return meaning.split("/")[0]


@lru_cache(maxsize=1 << 14)
def _meanings(stems: frozenset[str]) -> frozenset[str]:
    """The contrast-set meanings of these words and of the parts of hyphenated ones
    ("one-month" says "month")."""
    parts = stems | {key(part) for word in stems for part in word.split("-") if part}
    return frozenset(MEANING[p] for p in parts if p in MEANING)


def _direction_turns(claim: str, sentence: str) -> list[str]:
    """A quantity the claim moves one way ("increasing net debt") that the sentence moves the
    other way ("net debt to fall"), and never the claim's way. Two moves are of the same thing
    when they share two content words ("net debt", "dividend ... $0.13"): one ("shares") is
    too little to tell "shares rose" from "losing market share"."""
    theirs = _moves(sentence)
    turned = []
    for way, word, things in _moves(claim):
        same = [(their_way, their_word) for their_way, their_word, their_things in theirs
                if len(things & their_things) >= 2]
        if same and way not in {their_way for their_way, _ in same}:
            turned.append(f"{word}/{same[0][1]}")
    return [f"moves the other way: {', '.join(turned)}"] if turned else []


@lru_cache(maxsize=1 << 14)
def _moves(text: str) -> list[tuple[str, str, set[str]]]:
    """Each direction word, its direction and what it moves: the content words around it (two
    before, for "net income fell"; a few after, for "cut its net debt"). Then the moves that a
    comparison of two figures implies ("$94.8 million, that compares to $106.6 million")."""
    words = [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS or direction(w)]  # "up" is a stopword
    moves = []
    for i, word in enumerate(words):
        way = direction(word)
        if way is not None:
            near = words[max(0, i - 2):i] + words[i + 1:i + 1 + DIRECTION_REACH]
            moves.append((way, word, {stem(w) for w in near if direction(w) is None}))
    return moves + _compared_moves(text)


_COMPARED = re.compile(r"\b(?:compares? to|compared (?:to|with)|versus|vs\.?|up from|down from)\s", re.IGNORECASE)
_FIGURE = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)")
COMPARED_SUBJECT_WORDS = 8  # content words before the first figure that say what it measures


def _compared_moves(text: str) -> list[tuple[str, str, set[str]]]:
    """"Net income was $94.8 million, compared to $106.6 million a year ago" says net income fell,
    without a direction word: the sentence's first figure against the one after "compared to"."""
    from pipeline.sentences import split_sentences

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
                              {stem(w) for w in subject[-COMPARED_SUBJECT_WORDS:] if direction(w) is None}))
    return moves


def clauses(text: str) -> list[str]:
    """The parts of a sentence joined by commas, "and", "but": each states its own fact. Parts too
    short to state one are kept with the part before."""
    parts: list[str] = []
    for piece in _CLAUSE.split(text):
        if parts and len(content_words(piece)) < MIN_CLAUSE_WORDS:
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts


def judge(claim: str, evidence: list[Evidence]) -> tuple[str, float, list[str], list[Evidence]]:
    """(verdict among confirmed/conflicting/unsupported, score, reasons, the evidence used).
    This is the deterministic judge; an LLM judge (pipeline.judge) has the same signature."""
    scored = sorted(((align(claim, e.quote), e) for e in evidence), key=lambda pair: -pair[0].score)
    turned_parts = _clause_turns(claim, evidence)
    supporting = [(a, e) for a, e in scored if a.score >= SUPPORTED and not a.turns]
    outdone = bool(supporting) and scored[0][0].turns and scored[0][0].score > supporting[0][0].score
    if supporting and not turned_parts and not outdone:  # the sentence that states it best turns it
        best, _ = supporting[0]
        return "confirmed", best.score, [f"states it (alignment {best.score:.2f})"], [e for _, e in supporting]
    turning = [(a, e) for a, e in scored if a.score >= RELATED and a.turns] + turned_parts
    if turning:
        best, _ = turning[0]
        return "conflicting", best.score, [f"{t} (alignment {best.score:.2f})" for t in best.turns], [e for _, e in turning]
    top = scored[0][0].score if scored else 0.0
    return "unsupported", top, [f"no sentence states it (best alignment {top:.2f})"], []


def _clause_turns(claim: str, evidence: list[Evidence]) -> list[tuple[Alignment, Evidence]]:
    """Each part of a claim that joins several facts, against the window that states that part
    best: "raising the dividend and cutting net debt" can be right on one and turned on the other."""
    parts = clauses(claim)
    if len(parts) < 2 or not evidence:
        return []
    turned = []
    for part in parts:
        alignment, window = max(((align(part, e.quote, claim), e) for e in evidence), key=lambda pair: pair[0].score)
        if alignment.score >= SUPPORTED and alignment.turns:  # the part is stated, but turned
            turned.append((alignment, window))
    return turned


def with_next_sentences(evidence: list[Evidence], articles) -> list[Evidence]:
    """Each sentence, and each sentence with the one after it: a fact is often told in two."""
    from pipeline.sentences import split_sentences

    by_id = {a.id: a for a in articles}
    windows = list(evidence)
    for item in evidence:
        text = by_id[item.article_id].text
        following = next((s for s in split_sentences(text[item.end:]) if s.text), None)
        if following:
            end = item.end + following.end
            windows.append(Evidence(item.article_id, item.outlet, item.start, end, text[item.start:end],
                                    item.score, item.vector, item.lexical, item.figures))
    return windows


# (claim, evidence windows) -> (verdict, score, reasons, evidence used): judge() or an LLM judge.
Judge = Callable[[str, list[Evidence]], tuple[str, float, list[str], list[Evidence]]]


def judge_against(claim: str, articles, embedder, index=None, k: int = 8, judge: Judge = judge):
    """``judge`` over the best evidence sentences of ``articles``, each also with the one after it."""
    return judge(claim, with_next_sentences(evidence_for(claim, articles, embedder, index, k=k), articles))


def verify_claim(claim: str, families, own_family: str | None, embedder, index=None,
                 judge: Judge = judge) -> ClaimVerdict:
    """Check a claim against every source family but its own."""
    others = [a for f in families if f.id != own_family for a in f.articles]
    family_of = {a.id: f.id for f in families for a in f.articles}
    verdict, score, reasons, used = judge_against(claim, others, embedder, index, judge=judge)
    novel = novel_words(claim, [a for f in families for a in f.articles])
    if verdict == "confirmed" and novel:
        verdict, used = "unsupported", []
        reasons = [f"no source in the story says {', '.join(novel)}"]
    if verdict == "unsupported" and own_family is not None and not novel:
        verdict, reasons = "single_source", ["only its own source family states it"] + reasons
    confirming = sorted({family_of[e.article_id] for e in used}) if verdict == "confirmed" else []
    return ClaimVerdict(claim, verdict, verdict == "confirmed", round(score, 4), used, confirming, reasons)


def novel_words(claim: str, articles) -> list[str]:
    """The claim's content words that no article of the story uses, even spelt a little
    differently: what a generated claim adds that nobody reported."""
    from rapidfuzz import fuzz, process

    vocabulary = {stem(w) for a in articles for w in content_words(a.text)}
    novel = []
    for word in content_words(claim):
        word_stem = stem(word)
        if (len(word) < 4 and not word.isupper()) or word_stem in vocabulary or SAME_AS.get(word_stem, set()) & vocabulary \
                or word_stem.replace(".", "").replace(",", "").isdigit():
            continue
        if process.extractOne(word_stem, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD) is None:
            novel.append(word)
    return novel


def families_of(articles) -> list:
    """Articles grouped into source families (duplicates and shared wire copy), so that a
    reprint never counts as a second source."""
    from pipeline.dedup import Deduper
    from pipeline.lineage import describe_family

    deduper = Deduper()
    for position, article in enumerate(articles):
        deduper.add(article.id, article.text, position)
    members: dict[str, list] = {}
    for article in articles:
        members.setdefault(deduper.family_of(article.id), []).append(article)
    return [describe_family(family_id, group) for family_id, group in members.items()]


def verify_against_sources(claim: str, articles, embedder, families=None, judge: Judge = judge) -> ClaimVerdict:
    """A claim from outside (an editor's, a model's) against a set of articles; figures are
    checked as figures."""
    result = verify_claim(claim, families or families_of(articles), None, embedder, judge=judge)
    return _with_figures(result, articles)


def verify(claims_or_text: str | list[str], sources, embedder=None, judge: Judge = judge) -> list[ClaimVerdict]:
    """Check claims (a list, or a text cut into claims) against source articles. Claims that
    are opinions or speculation come back ``not_checked``."""
    from pipeline.claims import extract_claims
    from pipeline.embed import get_embedder

    embedder = embedder or get_embedder()
    if isinstance(claims_or_text, str):
        claims = extract_claims(claims_or_text)
        texts = [(c.text, c.why_not) for c in claims]
    else:
        texts = [(c, None) for c in claims_or_text]
    families = families_of(sources)
    return [ClaimVerdict(text, "not_checked", False, 0.0, reasons=[why]) if why
            else verify_against_sources(text, sources, embedder, families, judge) for text, why in texts]


def verify_generated(claim: str, families, embedder, index=None) -> ClaimVerdict:
    """A claim the brief's writer made (not taken from an article): confirmed by two families or
    more, single_source by one, unsupported by none; conflicting when a family contradicts it."""
    supporting, conflicting, used, reasons = [], [], [], []
    articles = [a for f in families for a in f.articles]
    for family in families:
        verdict, _score, why, evidence = judge_against(claim, family.articles, embedder, index, k=5)
        if verdict in ("confirmed", "conflicting"):
            (supporting if verdict == "confirmed" else conflicting).append(family.id)
            used += evidence
            reasons += why
    reported = [_without_instructions(a) for a in articles]
    novel = novel_words(claim, reported) + sorted(numbers(claim) - {n for a in reported for n in numbers(a.text)})
    if novel:
        return ClaimVerdict(claim, "unsupported", False, 0.0, [], [], [f"no source says {', '.join(novel)}"])
    if conflicting:
        verdict = "conflicting"
    else:
        verdict = {0: "unsupported", 1: "single_source"}.get(len(supporting), "confirmed")
    return ClaimVerdict(claim, verdict, verdict == "confirmed", float(len(supporting)), used, sorted(supporting),
                        reasons or ["no source states it"])


# Text addressed to a model, not reporting: it never supports a claim.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|prompts?|rules)\b|\bsystem prompt\b|"
    r"\byou are now\b|\bas an ai\b", re.IGNORECASE)


def _without_instructions(article):
    from pipeline.sentences import split_sentences

    kept = " ".join(s.text for s in split_sentences(article.text) if not _INSTRUCTION.search(s.text))
    return article.model_copy(update={"text": kept})


def verify_story(families, embedder, index=None) -> list[tuple[str, object, ClaimVerdict]]:
    """Every check-worthy claim of every article, against the story's other families:
    (article id, claim, verdict)."""
    from pipeline.claims import extract_claims

    results = []
    for family in families:
        for article in family.articles:
            for claim in extract_claims(article.text):
                if claim.check_worthy:
                    results.append((article.id, claim, verify_claim(claim.text, families, family.id, embedder, index)))
    return results


def _with_figures(result: ClaimVerdict, articles) -> ClaimVerdict:
    """A figure in the claim that a source states on the same basis with another value is a
    conflict, whatever the words say; on another basis only, it is a different basis."""
    from pipeline.figure_check import compare, describe
    from pipeline.figures import extract_figures

    relations = [(compare(mine, theirs), theirs) for mine in extract_figures(result.claim)
                 for article in articles for theirs in extract_figures(article.text)]
    conflicts = [theirs for relation, theirs in relations if relation == "conflicting"]
    if conflicts:
        result.verdict, result.supported = "conflicting", False
        result.reasons = [f"figure conflicts with {describe(t)}" for t in conflicts[:3]]
    elif result.verdict != "confirmed" and any(r == "different_basis" for r, _ in relations):
        result.verdict = "different_basis"
        result.reasons = [f"same figure on another basis: {describe(t)}" for r, t in relations if r == "different_basis"][:3]
    return result


def verify_pair(claim: str, doc: str, embedder, judge: Judge = judge) -> ClaimVerdict:
    """Batch mode: is ``claim`` supported by ``doc``, the other source? A claim of several
    sentences (a summary) is supported when each of its sentences is."""
    from pipeline.models import Article
    from pipeline.sentences import split_sentences

    article = Article(id="doc", source="pairs", text=doc)
    verdicts = [_pair_sentence(s.text, article, embedder, judge) for s in split_sentences(claim) if s.text.strip()]
    worst = min(verdicts, key=lambda v: (_PAIR_ORDER[v.verdict], v.score))
    reasons = [reason for v in verdicts if v.verdict == worst.verdict for reason in v.reasons]
    evidence = [e for v in verdicts for e in v.evidence] if worst.verdict == "confirmed" else worst.evidence
    return ClaimVerdict(claim, worst.verdict, worst.verdict == "confirmed", worst.score, evidence, [], reasons)


_PAIR_ORDER = {"conflicting": 0, "unsupported": 1, "confirmed": 2}


def _pair_sentence(sentence: str, article, embedder, judge: Judge) -> ClaimVerdict:
    verdict, score, reasons, used = judge_against(sentence, [article], embedder, judge=judge)
    specific = [w for w in novel_words(sentence, [article]) if w[0].isupper() or w[0].isdigit()]
    if verdict == "confirmed" and specific:
        verdict, used, reasons = "unsupported", [], [f"the source does not name {', '.join(specific)}"]
    figures = sorted(numbers(sentence) - numbers(article.text))
    if verdict == "confirmed" and figures:
        verdict, used, reasons = "unsupported", [], [f"the source does not state {', '.join(figures)}"]
    return ClaimVerdict(sentence, verdict, verdict == "confirmed", round(score, 4), used, [], reasons)
