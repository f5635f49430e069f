"""Story clustering: which articles are about the same real-world event.

The number of stories is not given. Two articles are compared by the names, years and figures
they share (TF-IDF over those terms, the title counted twice), which tells apart two events of
the same kind (two earthquakes, two rehab check-ins) far better than topic similarity does. The
embedder vetoes pairs whose meaning is unrelated however many names they share, and dates, when
both are known, must fall within a window.

Outlets frame one event differently, and past the lead they bring in different background; the
lead (the first few hundred characters: who did what, when, in the inverted pyramid) is where
they agree, so its terms count once more, as the headline's count twice. The dates a text states
("July 7, 2012") are terms too, so two events of one kind months apart part; clock times
("8: 24am") are left out of the figures, being stamps of the page and not facts of the event.

Measured on ecbplus_dev (eval/clustering.py): wordllama embeddings alone reach ARI 0.72 with
the threshold cross-validated by topic. Names, years and figures alone reached 0.89 at 0.2
(chosen on those rows) and 0.82 cross-validated; with the lead and the dates, 0.89 at 0.2 with a
400-character lead (both chosen on those rows) and 0.86 with lead and threshold chosen together
inside the cross-validation by topic.

Batches are clustered with average-link; later articles join the story whose members they
are most similar to on average (the same criterion), or start a new one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

SIMILARITY_THRESHOLD = 0.2   # average-link cut; chosen with LEAD_CHARS on ECB+ dev (eval/clustering.py)
LEAD_CHARS = 400             # the lead whose terms count once more; one of LEAD_CHOICES, chosen on ECB+ dev
LEAD_CHOICES = (0, 200, 400, 600)  # set before scoring: none, a sentence, two or three, a paragraph
# Embedding cosine below this: not the same story, however many names are shared. On ECB+ no
# same-story pair is below 0.19, and about 85% of different-story pairs are.
EMBEDDING_VETO = 0.15
WINDOW_DAYS = 14
SIMILARITY_ROWS = 256       # rows of the similarity matrix computed at a time
BATCH_LIMIT = 3000           # above this, average-link's n x n matrix is too big: assign one by one
CANDIDATE_TERMS = 8          # one by one: stories sharing one of an article's 8 most distinctive terms
POSTINGS_KEPT = 64           # ... among the latest 64 stories that used the term

_NAME = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w.])")
_CLOCK = re.compile(r"\b\d{1,2}\s?:\s?\d\d(?:\s?[ap]\.?\s?m\b\.?)?", re.IGNORECASE)
_MONTH = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Matched on the few characters before a year, not over the whole text: the month alternation
# tried at every word took longer than the rest of the terms together.
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)$", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+((?:19|20)\d\d)$", re.IGNORECASE)
_BEFORE_YEAR = 24  # "September 30th, " is 16 characters; white space may double a few
_MONTH_NUMBER = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_NOT_NAMES = frozenset(
    """The A An In On At By As But And Or However He She They We It I You This That These Those His Her Their
    Its Our For With From After Before When While If Mr Mrs Ms Dr According Also There Here What Who Why How
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec""".split()
)


@dataclass
class StoryInput:
    id: str
    title: str | None
    text: str
    published: datetime | None = None


def story_terms(title: str | None, text: str, lead_chars: int = LEAD_CHARS) -> list[str]:
    """Names (words and whole phrases), years, figures and dates; a headline's count twice, and
    the lead's (the text's first ``lead_chars`` characters) once more."""
    title, text = _CLOCK.sub(" ", headline(title, text)), _CLOCK.sub(" ", text)
    terms = stated_dates(f"{title}\n{text}")  # each once: not weighed again as headline or lead
    for part, weight in ((title, 2), (text[:lead_chars], 1), (text, 1)):
        terms.extend(_terms(part) * weight)
    return terms


TITLE_FROM_TEXT_WITHIN = 300  # characters of the text a title read off it may start within (after a dateline)


def headline(title: str | None, text: str) -> str:
    """The title when it is a headline of its own; '' when ingest read it off the text's first
    sentence (a text with no headline): counted again, the lead would weigh three times as much
    as the rest and pull unrelated leads together."""
    if not title:
        return ""
    words = title.removesuffix("…")
    return "" if words in text[: len(words) + TITLE_FROM_TEXT_WITHIN] else title


def _terms(text: str) -> list[str]:
    out = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w not in _NOT_NAMES]
        out.extend(w.lower() for w in words)
        if len(words) > 1:
            out.append(" ".join(words).lower())
    out.extend(m.group(1) for m in _YEAR.finditer(text))
    out.extend("#" + m.group(0) for m in _NUMBER.finditer(text) if not _YEAR.fullmatch(m.group(0)))
    return out


def stated_dates(text: str) -> list[str]:
    """The dates a text states with day, month and year, each as a day term and a month term
    ("@2012-07-07", "@2012-07"): two reports of one event share them, as they share names."""
    found = []
    for year in _YEAR.finditer(text):
        before = text[max(year.start() - _BEFORE_YEAR, 0) : year.end()]
        if m := _MONTH_DAY_YEAR.search(before):
            found.append((m.group(3), m.group(1), m.group(2)))
        elif m := _DAY_MONTH_YEAR.search(before):
            found.append((m.group(3), m.group(2), m.group(1)))
    out = []
    for year, month, day in found:
        month_number = _MONTH_NUMBER[month[:3].lower()]
        out += [f"@{year}-{month_number:02d}", f"@{year}-{month_number:02d}-{int(day):02d}"]
    return out


def tfidf(term_lists: list[list[str]]):
    """L2-normalised sublinear TF-IDF rows (scipy CSR), idf smoothed as in scikit-learn."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, terms in enumerate(term_lists):
        for term, count in Counter(terms).items():
            rows.append(row)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(1.0 + math.log(count))
    matrix = csr_matrix((values, (rows, cols)), shape=(len(term_lists), max(len(vocabulary), 1)))
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1 + len(term_lists)) / (1 + df)) + 1
    matrix = matrix.multiply(idf).tocsr()
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1
    return csr_matrix(matrix.multiply(1 / norms[:, None]))


def within_window(a: datetime | None, b: datetime | None, days: int = WINDOW_DAYS) -> bool:
    if a is None or b is None:
        return True
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs((a - b).total_seconds()) <= days * 86400


class StoryClusterer:
    """Assigns story ids to articles: to existing stories when similar enough, else new ones."""

    def __init__(self, embed=None, threshold: float = SIMILARITY_THRESHOLD, veto: float | None = EMBEDDING_VETO,
                 lead_chars: int = LEAD_CHARS):
        self.embed = embed  # a callable list[str] -> normalised rows, or None to skip the veto
        self.threshold = threshold
        self.veto = veto
        self.lead_chars = lead_chars

    def assign(self, existing: dict[str, str], articles: list[StoryInput]) -> dict[str, str]:
        """Story ids for the articles not in ``existing`` (article id -> story id).

        ``articles`` holds the existing ones too (their text is the stories' profile). A new
        story takes the id of its earliest article.
        """
        new = [a for a in articles if a.id not in existing]
        if not new:
            return {}
        vectors, meaning = self._profiles(articles)
        index = {a.id: i for i, a in enumerate(articles)}
        assigned = self._join_existing(existing, articles, new, vectors, meaning, index)
        rest = [a for a in new if a.id not in assigned]
        if len(rest) <= BATCH_LIMIT:
            labels = self._average_link([index[a.id] for a in rest], articles, vectors, meaning)
        else:
            labels = self._one_by_one([index[a.id] for a in rest], vectors)
        for group in _groups(labels, rest).values():
            for article in group:
                assigned[article.id] = group[0].id  # articles come in time order: the earliest
        return assigned

    def batch_similarities(self, articles: list[StoryInput]) -> np.ndarray:
        """The pairwise similarities average-link cuts for a batch with no stories yet (veto and
        window applied): the eval cuts them at many thresholds without redoing them."""
        vectors, meaning = self._profiles(articles)
        everyone = list(range(len(articles)))
        return self._similarities(everyone, everyone, articles, vectors, meaning)

    def _profiles(self, articles: list[StoryInput]):
        """Each article's term vector, and its meaning (the embedding) when the veto is on."""
        vectors = tfidf([story_terms(a.title, a.text, self.lead_chars) for a in articles])
        meaning = self.embed([_lead(a) for a in articles]) if self.embed and self.veto is not None else None
        return vectors, meaning

    def _similarities(self, rows: list[int], cols: list[int], articles, vectors, meaning) -> np.ndarray:
        # Single precision: for 2,000 articles the matrix is 16 MB, not 32, at the end of grouping,
        # an ingest's peak; the clustering eval's stories are the same, digit for digit.
        sims = np.empty((len(rows), len(cols)), dtype=np.float32)
        theirs, their_meaning = vectors[cols].T, (meaning[cols].T if meaning is not None else None)
        # A block of rows at a time: the whole sparse product, its dense copy and the veto's
        # matrix at once were the peak of an ingest's memory (about 50 MB for 1,400 articles).
        for start in range(0, len(rows), SIMILARITY_ROWS):
            block, mine = rows[start : start + SIMILARITY_ROWS], sims[start : start + SIMILARITY_ROWS]
            mine[:] = (vectors[block] @ theirs).toarray()
            if meaning is not None:
                mine[(meaning[block] @ their_meaning) < self.veto] = 0.0
        # Only pairs with both dates can fall outside the window: the rest are not looked at (an
        # n x n loop in Python took 1.0 of 8.9 s of grouping 2,000 undated texts).
        dated_cols = [(j, articles[c].published) for j, c in enumerate(cols) if articles[c].published]
        for i, r in enumerate(rows):
            if published := articles[r].published:
                for j, other in dated_cols:
                    if not within_window(published, other):
                        sims[i, j] = 0.0
        return sims

    def _join_existing(self, existing, articles, new, vectors, meaning, index) -> dict[str, str]:
        stories: dict[str, list[int]] = {}
        for article_id, story_id in existing.items():
            if article_id in index:
                stories.setdefault(story_id, []).append(index[article_id])
        if not stories:
            return {}
        members = [i for rows in stories.values() for i in rows]
        owner = [s for s, rows in stories.items() for _ in rows]
        sims = self._similarities([index[a.id] for a in new], members, articles, vectors, meaning)
        joined = {}
        for row, article in enumerate(new):
            by_story: dict[str, list[float]] = {}
            for col, story_id in enumerate(owner):
                by_story.setdefault(story_id, []).append(sims[row, col])
            story_id, score = max(((s, float(np.mean(v))) for s, v in by_story.items()), key=lambda x: x[1])
            if score >= self.threshold:
                joined[article.id] = story_id
        return joined

    def _average_link(self, rows: list[int], articles, vectors, meaning) -> list[int]:
        if len(rows) <= 1:  # nothing left (all joined existing stories), or one story of one
            return [0] * len(rows)
        from pipeline.grouping.linkage import average_link_clusters

        return average_link_clusters(self._similarities(rows, rows, articles, vectors, meaning), 1.0 - self.threshold)

    def _one_by_one(self, rows: list[int], vectors) -> list[int]:
        """Each article joins the story it is most similar to on average, or starts one.

        x . (sum of a story's vectors) / its size is the average-link similarity, so this is the
        same criterion as the batch method, in one pass. Candidate stories come from an inverted
        index over each story's most distinctive terms, so the cost grows with the articles, not
        with articles x stories. (No veto or window here: for batches this large those would
        cost a pass of their own.)
        """
        sums: list[dict[int, float]] = []
        counts: list[int] = []
        postings: dict[int, list[int]] = {}
        labels = []
        for row in rows:
            start, end = vectors.indptr[row], vectors.indptr[row + 1]
            terms, weights = vectors.indices[start:end], vectors.data[start:end]
            top = terms[np.argsort(weights)[-CANDIDATE_TERMS:]]
            candidates = {story for term in top for story in postings.get(int(term), ())}
            best, best_score = -1, self.threshold
            for story in sorted(candidates):  # sorted: ties go to the earliest story, every run
                centroid = sums[story]
                score = sum(w * centroid.get(int(t), 0.0) for t, w in zip(terms, weights)) / counts[story]
                if score >= best_score:
                    best, best_score = story, score
            if best < 0:
                best = len(counts)
                sums.append({})
                counts.append(0)
            for term, weight in zip(terms, weights):
                sums[best][int(term)] = sums[best].get(int(term), 0.0) + float(weight)
            counts[best] += 1
            for term in top:
                listed = postings.setdefault(int(term), [])
                if best not in listed[-POSTINGS_KEPT:]:
                    listed.append(best)
            labels.append(best)
        return labels


def _lead(article: StoryInput) -> str:
    return f"{headline(article.title, article.text)}\n{article.text[:2000]}"


def _groups(labels: list[int], articles: list[StoryInput]) -> dict[int, list[StoryInput]]:
    out: dict[int, list[StoryInput]] = {}
    for label, article in zip(labels, articles):
        out.setdefault(label, []).append(article)
    return out
