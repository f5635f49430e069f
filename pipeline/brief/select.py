"""Which facts the offline brief states, and in which order.

Check-worthy sentences are grouped into facts: a sentence joins the fact whose lead it is close
to, when one also states the other and they come from different families.

The first point is the story's news. Reporters write the inverted pyramid: the headline names the
news and the first sentences state it. So the lead fact is the one that best covers the
headlines' words, that the families open with, and that the most families report; each of the
three counts from 0 to 1, and they are added unweighted. Only a sentence that stands alone may
lead: not one that begins by pointing back ("This", "The other"), and not a quotation. The
outlets should agree on the lead: of the likeliest few, the first that the verifier finds another
family stating leads (``pipeline.brief.compose`` checks; the likeliest when none is).

The other points are ranked by MMR: facts several families report first, then how central a fact
is to the story, minus what it repeats of the facts chosen. A sentence that leans on the one
before it, or a quotation, ranks below the facts that stand alone. The brief stops at
``MAX_POINTS``, or at the word budget once it has ``MIN_POINTS``: about what a person reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.grouping.stories import headline
from pipeline.text.lexical import STOPWORDS
from pipeline.text.lexicon import stem
from pipeline.verify.align import align

MAX_POINTS = 6
MIN_POINTS = 4
WORD_BUDGET = 90           # words in the points once MIN_POINTS are chosen
SAME_FACT_COSINE = 0.8     # embedding cosine from which two sentences may be one fact ...
SAME_FACT_ALIGNMENT = 0.6  # ... when one also states the other (pipeline.verify.align)
MMR_LAMBDA = 0.7
LEAD_POSITIONS = 2         # an article's first two check-worthy sentences are its lead
LEANING_PENALTY = 0.5      # a sentence that needs the one before it, in families' worth
LEAD_CANDIDATES = 3        # the likeliest news facts tried, in order, for one that another family confirms

_WORD = re.compile(r"[A-Za-z0-9]+")
# Words that point back to something said before: the sentence cannot open a brief.
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|it|its|they|their|them|he|she|his|her|such|the other|the others|"
    r"the two|both|another|also|and|but|so|yet|still|then|however|meanwhile|instead|moreover|"
    r"furthermore|likewise|similarly|as a result|in addition)\b", re.IGNORECASE)
_QUOTE_MARKS = ("\"", "“", "”", "„", "«", "»", "``", "''")  # `` and '' : the ASCII convention of typeset text
_QUOTED = re.compile(r"(?:[\"“„«]|``)(?:(?!'')[^\"“”„«»]){3,}(?:[\"”»]|'')")


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    article: object
    family_id: str
    position: int  # among the article's check-worthy sentences; 0 is its first


def group_facts(sentences: list[Sentence], vectors: np.ndarray) -> list[list[int]]:
    """Greedy grouping: a sentence joins the fact whose lead it is closest to, if it is close
    enough and one states the other; else it starts a fact of its own."""
    facts: list[list[int]] = []
    for i, sentence in enumerate(sentences):
        best, best_score = None, 0.0
        for fact in facts:
            lead = sentences[fact[0]]
            if lead.family_id == sentence.family_id:
                continue  # one family's repetition is not another source
            cosine = float(vectors[i] @ vectors[fact[0]])
            score = max(cosine, _alignment(sentence.text, lead.text))
            if score > best_score and (cosine >= SAME_FACT_COSINE or _states(sentence.text, lead.text)):
                best, best_score = fact, score
        if best is None:
            facts.append([i])
        else:
            best.append(i)
    return facts


def _alignment(a: str, b: str) -> float:
    return max(align(a, b).score, align(b, a).score)


def _states(a: str, b: str) -> bool:
    return _alignment(a, b) >= SAME_FACT_ALIGNMENT and not align(a, b).turns


# --- what the news is --------------------------------------------------------------------------


def content_words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2}


def headlines(story) -> list[set[str]]:
    """The content words of each distinct headline. A title the cleaner took from the article's
    own first sentence is not a headline: it would only vote for that sentence."""
    seen, found = set(), []
    for article in story.articles:
        title = headline(article.title, article.text).strip()
        if not title or title.lower() in seen:
            continue
        seen.add(title.lower())
        if words := content_words(title):
            found.append(words)
    return found


def headline_cover(text: str, heads: list[set[str]]) -> float:
    """The mean share of each headline's words that the sentence states."""
    if not heads:
        return 0.0
    words = content_words(text)
    return sum(len(words & head) / len(head) for head in heads) / len(heads)


def stands_alone(text: str) -> bool:
    """Not pointing back to a sentence before it, and not a quotation."""
    return not _POINTS_BACK.match(text) and not _is_quotation(text)


def _is_quotation(text: str) -> bool:
    quoted = sum(len(m.group(0)) for m in _QUOTED.finditer(text))
    return text.lstrip().startswith(_QUOTE_MARKS) or quoted >= len(text) / 2


def news_scores(facts: list[list[int]], sentences: list[Sentence], heads: list[set[str]]) -> np.ndarray:
    """Headline cover + the share of families that open with the fact + the share that report it."""
    families = {s.family_id for s in sentences}
    scores = []
    for fact in facts:
        members = [sentences[i] for i in fact]
        cover = max(headline_cover(m.text, heads) for m in members)
        opening = len({m.family_id for m in members if m.position < LEAD_POSITIONS}) / len(families)
        reporting = len({m.family_id for m in members}) / len(families)
        standalone = any(stands_alone(m.text) for m in members)
        scores.append(cover + opening + reporting if standalone else -np.inf)
    return np.array(scores)


def fact_lead(fact: list[int], sentences: list[Sentence], vectors: np.ndarray, heads: list[set[str]]) -> Sentence:
    """The sentence that states a fact: standing alone, the closest to the others (and to the
    headlines, for the news: pass no headlines for the other points), the shorter on a tie."""
    members = [sentences[i] for i in fact]
    sims = vectors[fact] @ vectors[fact].T
    score = [sims[k].mean() + headline_cover(m.text, heads) - 0.001 * len(m.text)
             - (0 if stands_alone(m.text) else LEANING_PENALTY) for k, m in enumerate(members)]
    return members[int(np.argmax(score))]


# --- the order of the points -------------------------------------------------------------------


def news_candidates(facts: list[list[int]], sentences: list[Sentence], vectors: np.ndarray,
                    story) -> list[tuple[int, Sentence]]:
    """The facts that may lead, the likeliest news first, each with the sentence that states it."""
    heads = headlines(story)
    news = news_scores(facts, sentences, heads)
    order = [int(i) for i in np.argsort(-news, kind="stable") if np.isfinite(news[i])][:LEAD_CANDIDATES]
    return [(i, fact_lead(facts[i], sentences, vectors, heads)) for i in order]


def rank_facts(facts: list[list[int]], sentences: list[Sentence], vectors: np.ndarray,
               lead: tuple[int, Sentence] | None) -> list[tuple[int, Sentence]]:
    """The points after the lead, in order, each with the sentence that states it: MMR (see the
    module's doc), within the word budget the lead counts toward."""
    if not facts:
        return []
    chosen, stated = ([lead[0]], [lead[1]]) if lead else ([], [])
    leads = _fact_vectors(facts, vectors)
    relevance = _relevance(facts, sentences, vectors, leads)
    shared = np.array([len({sentences[i].family_id for i in f}) >= 2 for f in facts])
    while len(chosen) < min(MAX_POINTS, len(facts)):
        # Facts several families report come first; single-source ones only fill up to MIN_POINTS.
        pool = shared if shared[[i for i in range(len(facts)) if i not in chosen]].any() else ~shared
        if not shared[pool].all() and len(chosen) >= MIN_POINTS:
            break
        redundancy = (leads @ leads[chosen].T).max(axis=1) if chosen else np.zeros(len(facts))
        scores = MMR_LAMBDA * relevance - (1 - MMR_LAMBDA) * redundancy * relevance.max()
        scores[chosen] = -np.inf
        scores[~pool] = -np.inf
        best = int(np.argmax(scores))
        sentence = fact_lead(facts[best], sentences, vectors, [])
        if len(chosen) >= MIN_POINTS and sum(len(s.text.split()) for s in stated + [sentence]) > WORD_BUDGET:
            break
        chosen.append(best)
        stated.append(sentence)
    return list(zip(chosen, stated))[1 if lead else 0:]


def _fact_vectors(facts: list[list[int]], vectors: np.ndarray) -> np.ndarray:
    leads = np.vstack([vectors[f].mean(axis=0) for f in facts])
    return leads / (np.linalg.norm(leads, axis=1, keepdims=True) + 1e-9)


def _relevance(facts, sentences, vectors, leads) -> np.ndarray:
    """Families that report the fact, plus half its centrality, less a penalty when none of its
    sentences stands alone."""
    centre = vectors.mean(axis=0)
    centrality = leads @ (centre / (np.linalg.norm(centre) + 1e-9))
    families = np.array([len({sentences[i].family_id for i in f}) for f in facts], dtype=float)
    leaning = np.array([not any(stands_alone(sentences[i].text) for i in f) for f in facts], dtype=float)
    return families + 0.5 * centrality - LEANING_PENALTY * leaning
