"""The brief: what a story's sources say, each claim cited and checked.

This module holds the Brief model and the offline extractive engine, which writes a brief with
no LLM: sentences that several independent source families state are grouped into facts, the
story's news leads and the other facts follow (``pipeline.brief.select`` says how); each point
is the clearest sentence of its fact, citing every family that the verifier finds stating it.
Whatever engine wrote it, every claim then goes through the verifier.
"""

from __future__ import annotations

import hashlib
import re
import time

import numpy as np
from pydantic import BaseModel, Field

from pipeline.brief.select import Sentence, group_facts, news_candidates, rank_facts, stands_alone
from pipeline.verify.claims import extract_claims
from pipeline.verify.figure_check import VERDICT_ORDER, check_story_figures, describe, figure_value
from pipeline.verify.verifier import figure_doubt, verify_claim

ALTERNATIVE_PHRASINGS = 2  # other families' sentences of a fact tried when its lead is not confirmed


class Citation(BaseModel):
    article_id: str
    outlet: str | None
    family_id: str
    start: int
    end: int
    quote: str = Field(description="article.text[start:end], exactly")


class Override(BaseModel):
    """An editor's verdict on a claim, beside the machine's (which stays in ``BriefClaim.verdict``)."""

    verdict: str
    reason: str
    who: str = Field(description="The name of the API token that made it")
    at: str
    machine_verdict: str = Field(description="The machine's verdict when the editor overrode it")


class BriefClaim(BaseModel):
    id: str = Field(description="Stable: the same for the same claim of the same story in every brief of it")
    text: str
    verdict: str = Field(description="The machine's verdict")
    confirming_families: int
    reasons: list[str]
    citations: list[Citation]
    override: Override | None = Field(None, description="The editor's verdict in force, if any")


class KeyPoint(BaseModel):
    id: str = Field(description="Stable: the same for the same point of the same story in every brief of it")
    text: str
    families: int = Field(description="Independent source families that report it")
    single_source: bool
    claims: list[BriefClaim]


class FigureRow(BaseModel):
    entity: str | None
    metric: str | None
    figure: str  # whole: "Apple share price -3.2%", for a line of its own (Slack, changes)
    basis: str | None
    outlet: str | None
    family_id: str
    verdict: str
    reasons: list[str]
    citation: Citation
    # Every outlet and family that reports this figure: a figure two families state is one row.
    outlets: list[str] = Field(default_factory=list)
    families: list[str] = Field(default_factory=list)
    value: str = ""  # the figure alone, "-3.2%", for a table that has entity and metric columns


class ConflictSide(BaseModel):
    figure: str
    outlet: str | None
    family_id: str
    sentence: str = Field(description="The sentence that states the figure")
    citation: Citation = Field(description="The figure as written in its article")


class ConflictPair(BaseModel):
    """Two families' clashing figures on the same basis, each with its own quote."""

    text: str = Field(description="The line of ``Brief.conflicts`` it is")
    sides: list[ConflictSide]


class FamilyOut(BaseModel):
    id: str
    origin: str | None
    origin_basis: str
    outlets: list[str]
    articles: list[dict]


class BriefMeta(BaseModel):
    engine: str = Field(description="'llm' or 'extractive': which engine wrote the points")
    model: str | None = Field(None, description="The LLM that wrote the points; None when none did")
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    config_hash: str
    seconds: float
    input_tokens: int | None = Field(None, description="Of the LLM's calls: the brief's and the judge's")
    output_tokens: int | None = Field(None, description="Of the LLM's calls: the brief's and the judge's")
    cost_usd: float | None = Field(None, description="Estimated from the tokens and the configured prices")
    raw_replies: list[str] = Field(default_factory=list, description="The LLM's replies, as they came")
    note: str | None = None
    judge: str = Field("the deterministic verifier", description="What checked the points against the sources")


class Brief(BaseModel):
    story_id: str
    headline: str
    conflicts: list[str]
    conflict_pairs: list[ConflictPair] = Field(default_factory=list, description="The figure conflicts, side by side")
    points: list[KeyPoint]
    figures: list[FigureRow]
    sources: list[FamilyOut]
    meta: BriefMeta


def extractive_brief(story, embedder, config_hash: str, index=None) -> Brief:
    """The offline brief of a story (see ``pipeline.grouping.load_story``)."""
    started = time.perf_counter()
    sentences = [Sentence(c.text, c.start, c.end, a, f.id, position) for f in story.families for a in f.articles
                 for position, c in enumerate(c for c in extract_claims(a.text) if c.check_worthy)]
    vectors = embedder.embed([s.text for s in sentences]) if sentences else np.zeros((0, 1))
    facts = group_facts(sentences, vectors)

    def point(i: int, lead: Sentence, rephrase: bool = True) -> KeyPoint:
        return _point(facts[i], lead, sentences, story, embedder, index, rephrase)

    lead, first = _news_point(news_candidates(facts, sentences, vectors, story), point)
    points = ([first] if first else []) + [point(i, s) for i, s in rank_facts(facts, sentences, vectors, lead)]
    return _assemble(story, story.title or "(untitled story)", points, started,
                     engine="extractive", config_hash=config_hash)


def _assemble(story, headline: str, points: list[KeyPoint], started: float, **meta) -> Brief:
    """What every brief has whatever engine wrote its points: figures (conflicts first), the
    conflicts section, the sources by family, and the metadata with the time taken."""
    verdicts = check_story_figures(story.families)
    figures = sorted((_figure_row(group) for group in _same_figures(verdicts)),
                     key=lambda r: VERDICT_ORDER.index(r.verdict))
    pairs = _conflict_pairs(verdicts, story)
    return Brief(story_id=story.id, headline=headline, conflicts=_conflict_lines(pairs, points), conflict_pairs=pairs,
                 points=points, figures=figures, sources=[_family_out(f) for f in story.families],
                 meta=BriefMeta(seconds=round(time.perf_counter() - started, 3), **meta))


def _conflict_lines(pairs: list[ConflictPair], points: list[KeyPoint]) -> list[str]:
    """One line per disagreement: the figure pairs, then each conflicting claim, but not a claim
    whose conflict is a figure pair already listed (the point "stock ended 2.9% lower" and the
    pair 2.9% against 3.2% are one disagreement)."""
    listed = [[side.figure for side in pair.sides] for pair in pairs]
    claims = [f"{c.text}: {c.reasons[0]}" for p in points for c in p.claims if c.verdict == "conflicting"
              and not any(all(figure in c.reasons[0] for figure in figures) for figures in listed)]
    return list(dict.fromkeys([pair.text for pair in pairs] + claims))


def _news_point(candidates: list[tuple[int, Sentence]], point) -> tuple[tuple[int, Sentence] | None, KeyPoint | None]:
    """The first candidate another family confirms, else the likeliest: the lead fact and its point."""
    likeliest = None
    for candidate in candidates:
        stated = point(*candidate, rephrase=False)
        if _confirmed_by_another(stated):
            return candidate, stated
        likeliest = likeliest or (candidate, stated)
    return likeliest or (None, None)


def _confirmed_by_another(point: KeyPoint) -> bool:
    return point.families >= 2 and point.claims[0].verdict == "confirmed"


def _point(fact: list[int], lead: Sentence, sentences, story, embedder, index, rephrase: bool = True) -> KeyPoint:
    """The fact stated by its lead sentence; when the verifier finds no other family stating
    that, by another family's sentence of it that it does (one outlet's wording may carry a
    detail the others lack, another's not). The news lead is not rephrased: its sentence was
    chosen for stating the headlines' news, and other news facts are tried instead."""
    members = [sentences[i] for i in fact]
    first = None
    for sentence in _phrasings(lead, members) if rephrase else [lead]:
        verdict = verify_claim(sentence.text, story.families, sentence.family_id, embedder, index)
        citations = _citations(sentence, members, verdict, story)
        claim = _claim(story, sentence.text, verdict, citations, verdict.reasons)
        point = _key_point(story, sentence.text, claim, len({c.family_id for c in citations}))
        if _confirmed_by_another(point):
            return point
        first = first or point
    return first


def _phrasings(lead: Sentence, members: list[Sentence]) -> list[Sentence]:
    """The lead, then the first sentence of each other family in the fact that stands alone."""
    others = {}
    for member in members:
        if member.family_id != lead.family_id and stands_alone(member.text):
            others.setdefault(member.family_id, member)
    return [lead, *list(others.values())[:ALTERNATIVE_PHRASINGS]]


def _citations(lead: Sentence, members: list[Sentence], verdict, story) -> list[Citation]:
    """The lead's own sentence, and one for each family the verifier found stating it: a point
    cites the families its verdict counts, no more (a similar sentence is not a confirmation)."""
    family_of = {a.id: f.id for f in story.families for a in f.articles}
    cited = {lead.family_id: _citation(lead)}
    for family_id in verdict.confirming_families:
        member = next((m for m in members if m.family_id == family_id), None)
        evidence = next((e for e in verdict.evidence if family_of.get(e.article_id) == family_id), None)
        if member is not None:
            cited[family_id] = _citation(member)
        elif evidence is not None:
            cited[family_id] = Citation(article_id=evidence.article_id, outlet=evidence.outlet, family_id=family_id,
                                        start=evidence.start, end=evidence.end, quote=evidence.quote)
    return list(cited.values())


def _citation(sentence: Sentence) -> Citation:
    return Citation(article_id=sentence.article.id, outlet=sentence.article.outlet, family_id=sentence.family_id,
                    start=sentence.start, end=sentence.end, quote=sentence.text)


def _same_figures(verdicts) -> list[list]:
    """The figure verdicts grouped by the figure they report: a reprint's copy of a figure, and
    another family's figure that confirms it, join its group (connected through "confirmed")."""
    from pipeline.grouping.dedup import UnionFind

    same = UnionFind({i: (i,) for i in range(len(verdicts))})
    position = {(v.article_id, v.figure.start): i for i, v in enumerate(verdicts)}
    by_family_and_text: dict[tuple, int] = {}
    for i, v in enumerate(verdicts):
        same.union(by_family_and_text.setdefault((v.family_id, describe(v.figure)), i), i)
        for _family, article_id, other, relation in v.evidence:
            j = position.get((article_id, other.start))
            if relation == "confirmed" and j is not None:
                same.union(i, j)
    groups: dict[int, list] = {}
    for i, v in enumerate(verdicts):
        groups.setdefault(same.find(i), []).append(v)
    return list(groups.values())


def _figure_row(group: list) -> FigureRow:
    """One row for a figure: the words and citation of its first report that names whose figure
    it is ("? share price -3.2%" says little; the choice is stable from one version of a brief to
    the next), the worst verdict of any report with its reasons (a conflict shows), and every
    outlet and family that reports it."""
    first = next((v for v in group if v.figure.entity), group[0])
    worst = min(group, key=lambda v: VERDICT_ORDER.index(v.verdict))
    figure = first.figure
    citation = Citation(article_id=first.article_id, outlet=first.outlet, family_id=first.family_id,
                        start=figure.start, end=figure.end, quote=figure.quote)
    return FigureRow(entity=figure.entity, metric=figure.metric, figure=describe(figure, with_basis=False),
                     value=figure_value(figure), basis=figure.basis, outlet=first.outlet, family_id=first.family_id,
                     verdict=worst.verdict, reasons=worst.reasons, citation=citation,
                     outlets=sorted({v.outlet for v in group if v.outlet}),
                     families=sorted({v.family_id for v in group}))


def _conflict_pairs(verdicts, story) -> list[ConflictPair]:
    """One pair a disagreement between two families, whichever reprint says it: both figures,
    both outlets, both quotes. A clash that something casts doubt on (``figure_doubt``) does not
    lead the brief."""
    articles = {a.id: a for a in story.articles}
    found: dict[frozenset, ConflictPair] = {}
    for v in verdicts:
        for other_family, other_article, other, relation in v.evidence:
            pair = frozenset({(v.family_id, describe(v.figure)), (other_family, describe(other))})
            if relation == "conflicting" and pair not in found and figure_doubt(v.figure, other) is None:
                sides = [_side(v.figure, articles[v.article_id], v.family_id),
                         _side(other, articles[other_article], other_family)]
                found[pair] = ConflictPair(text=" against ".join(_said(s) for s in sides), sides=sides)
    return list(found.values())


def _side(figure, article, family_id: str) -> ConflictSide:
    citation = Citation(article_id=article.id, outlet=article.outlet, family_id=family_id,
                        start=figure.start, end=figure.end, quote=figure.quote)
    return ConflictSide(figure=describe(figure), outlet=article.outlet, family_id=family_id,
                        sentence=figure.sentence.strip(), citation=citation)


def _said(side: ConflictSide) -> str:
    return f"{side.figure} ({side.outlet or 'family ' + side.family_id[:8]}: “{side.sentence}”)"


def stable_id(kind: str, story_id: str, text: str) -> str:
    """An id for a point or claim that a re-verification keeps: from the story and the text
    (case and spacing folded), never from the verdict or the position."""
    folded = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(f"{kind}\0{story_id}\0{folded}".encode()).hexdigest()[:12]


def _claim(story, text: str, verdict, citations: list[Citation], reasons: list[str]) -> BriefClaim:
    return BriefClaim(id=stable_id("claim", story.id, text), text=text, verdict=verdict.verdict,
                      confirming_families=len(verdict.confirming_families), reasons=reasons, citations=citations)


def _key_point(story, text: str, claim: BriefClaim, families: int) -> KeyPoint:
    return KeyPoint(id=stable_id("point", story.id, text), text=text, families=families,
                    single_source=families <= 1, claims=[claim])


def _family_out(family) -> FamilyOut:
    return FamilyOut(id=family.id, origin=family.origin, origin_basis=family.origin_basis, outlets=family.outlets,
                     articles=[{"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url} for a in family.articles])


# --- the LLM engine's brief -------------------------------------------------------------------


def write_brief(story, settings, embedder, index=None, chat_model=None) -> Brief:
    """The LLM engine when one is configured (or given), else the extractive one."""
    if chat_model is None and not settings.llm.model:
        return extractive_brief(story, embedder, settings.config_hash(), index)
    from pipeline.llm import PROMPT_VERSIONS, brief_messages, cached_chat_model, model_name, run_llm

    started = time.perf_counter()
    chat_model = chat_model or cached_chat_model(settings)
    articles = [a for f in story.families for a in f.articles]
    run = run_llm(chat_model, brief_messages(story.title or "", articles, settings), settings)
    model = model_name(chat_model)
    if run.parsed is None:
        brief = extractive_brief(story, embedder, settings.config_hash(), index)
        why = f"the LLM ({model}) gave no usable brief after {len(run.raw_replies)} replies: {run.error}" \
            if run.raw_replies else run.error  # no reply at all: the call's own error says it all
        brief.meta = brief.meta.model_copy(update=_usage(settings, run) | {
            "note": f"{why}; wrote the brief with the extractive engine"})
        return brief
    judge, versions = _points_judge(chat_model, settings)
    points = [_llm_point(p, story, embedder, index, judge) for p in run.parsed.points]
    return _assemble(story, run.parsed.headline, points, started, engine="llm", model=model,
                     prompt_versions=PROMPT_VERSIONS | versions, config_hash=settings.config_hash(),
                     judge=_judged_by(judge), **_usage(settings, run, judge))


def _usage(settings, run, judge=None) -> dict:
    """Tokens and estimated cost of the brief's call and of the judge's calls on its points."""
    input_tokens = run.input_tokens + getattr(judge, "input_tokens", 0)
    output_tokens = run.output_tokens + getattr(judge, "output_tokens", 0)
    cost = (input_tokens * settings.llm.usd_per_1k_input_tokens
            + output_tokens * settings.llm.usd_per_1k_output_tokens) / 1000
    return {"input_tokens": input_tokens, "output_tokens": output_tokens, "cost_usd": round(cost, 6),
            "raw_replies": run.raw_replies}


def _points_judge(chat_model, settings):
    """The judge of an LLM brief's points, and the prompt it adds: the LLM judge unless
    ``llm.judge_brief`` is off."""
    from pipeline.verify.verifier import judge

    if not settings.llm.judge_brief:
        return judge, {}
    from pipeline.verify.llm_judge import PROMPT, make_llm_judge

    return make_llm_judge(chat_model, settings), {"judge": PROMPT}


def _judged_by(judge) -> str:
    """Which judge checked the points, counting the checks the deterministic one stood in for."""
    from pipeline.verify.model import judged_by

    decided = getattr(judge, "decided", None)
    if decided is None:
        return judged_by()
    return (f"{judge.engine}: {decided['llm']} of {decided.total()} checks; the deterministic verifier "
            f"the rest (no passage to read, or no usable reply)")


def _llm_point(point, story, embedder, index, judge) -> KeyPoint:
    """Quotes are looked up in their articles; one an article does not contain is dropped."""
    from pipeline.llm import locate_quote
    from pipeline.verify.verifier import verify_generated

    family_of = {a.id: f.id for f in story.families for a in f.articles}
    articles = {a.id: a for f in story.families for a in f.articles}
    citations, problems = [], []
    for source in point.sources:
        article = articles.get(source.article_id)
        span = locate_quote(article.text, source.quote) if article else None
        if span is None:
            problems.append(f"quote not found in article {source.article_id}: {source.quote[:60]!r}")
            continue
        start, end = span  # the article's own text is the quote: a model copies a line break as a space
        citations.append(Citation(article_id=article.id, outlet=article.outlet, family_id=family_of[article.id],
                                  start=start, end=end, quote=article.text[start:end]))
    verdict = verify_generated(point.text, story.families, embedder, index, judge=judge)
    claim = _claim(story, point.text, verdict, citations, problems + verdict.reasons)
    return _key_point(story, point.text, claim, len({c.family_id for c in citations} | set(verdict.confirming_families)))
