"""The LLM judge: do the evidence passages state a claim? Asked of the configured chat model.

It has the deterministic judge's signature (``pipeline.verify.verifier.judge``), so the verifier takes
either. The model reads the claim and the numbered passages, each inside tags (they are data, not
instructions), and answers supported, contradicted or not_enough_info, quoting the passages.
Every quote is looked up again in the passages: the verdict rests only on the quotes found there,
and a verdict that rests on none is downgraded to unsupported. When the model gives no usable
reply, the deterministic judge decides and the reasons say so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

import prompts
from pipeline.llm import locate_quote, model_name, run_llm, tagged
from pipeline.index.retrieve import Evidence
from pipeline.settings import Settings
from pipeline.verify.verifier import judge as deterministic_judge

PROMPT = "judge.v1"
VERDICTS = {"supported": "confirmed", "contradicted": "conflicting", "not_enough_info": "unsupported"}
# Calls in a row that got no reply (server down, or refusing the request's format) after which the
# rest of a batch is not sent: each would wait out its timeout and retries to fail the same way.
MAX_FAILED_CALLS = 3
# A quote shorter than this shows nothing, though a passage holds it: "Apple" or "..." is in many.
MIN_QUOTE_WORDS = 3

Judgement = tuple[str, float, list[str], list[Evidence]]  # what pipeline.verify.verifier.Judge returns


class LLMJudgement(BaseModel):
    what: ClassVar[str] = "a judgement"

    verdict: Literal["supported", "contradicted", "not_enough_info"]
    quotes: list[str] = Field(default_factory=list)
    reason: str = ""


def judge_messages(claim: str, passages: list[Evidence]) -> list[tuple[str, str]]:
    numbered = "\n\n".join(tagged("passage", p.quote, n=number, source=p.outlet or p.article_id)
                           for number, p in enumerate(passages, start=1))
    user = prompts.render(f"{PROMPT}.user", claim=tagged("claim", claim), passages=numbered)
    return [("system", prompts.render(f"{PROMPT}.system")), ("user", user)]


class LLMJudge:
    """A judge backed by a chat model. It counts which engine decided each call and what became
    of the model's quotes, so that an output never says an LLM judged when the deterministic
    judge stood in, and a run can say how often the model quoted what the sources do not say."""

    def __init__(self, chat_model, settings: Settings):
        self.chat_model, self.settings = chat_model, settings
        self.model = model_name(chat_model)
        self.engine = f"LLM judge (model {self.model}, prompt {PROMPT})"
        self.decided: Counter[str] = Counter()  # "llm" or "deterministic", one a call
        self.quotes: Counter[str] = Counter()   # "found", "hallucinated" or "too short"
        self.failures: list[str] = []           # why the model gave no usable reply
        self.failed_calls = 0                   # in a row, with no reply at all
        self.input_tokens = self.output_tokens = 0  # of every call, for a cost estimate

    def __call__(self, claim: str, evidence: list[Evidence]) -> Judgement:
        if not evidence:  # nothing to read: no call, and no LLM claimed to have judged
            self.decided["deterministic"] += 1
            return "unsupported", 0.0, ["no evidence passage to judge the claim against"], []
        if self.failed_calls >= MAX_FAILED_CALLS:
            return self._fallback(claim, evidence, f"not asked after {self.failed_calls} failed calls in a row")
        passages = outermost(evidence)
        run = run_llm(self.chat_model, judge_messages(claim, passages), self.settings, LLMJudgement)
        self.input_tokens += run.input_tokens
        self.output_tokens += run.output_tokens
        self.failed_calls = 0 if run.raw_replies else self.failed_calls + 1
        if run.parsed is None:
            return self._fallback(claim, evidence, run.error)
        self.decided["llm"] += 1
        return self._checked(run.parsed, passages)

    def _checked(self, judgement: LLMJudgement, passages: list[Evidence]) -> Judgement:
        """The model's verdict, resting only on the quotes that the passages really contain."""
        short = [quote for quote in judgement.quotes if len(quote.split()) < MIN_QUOTE_WORDS]
        located = [(quote, locate_in(quote, passages)) for quote in judgement.quotes if quote not in short]
        found = list({(e.article_id, e.start, e.end): e for _, e in located if e}.values())
        missing = [quote for quote, e in located if e is None]
        self.quotes.update({"found": len(located) - len(missing), "hallucinated": len(missing), "too short": len(short)})
        verdict = VERDICTS[judgement.verdict]
        reasons = [f"{self.engine}: {judgement.verdict}" + (f": {judgement.reason}" if judgement.reason else "")]
        reasons += [f"quote not in the sources: {quote[:100]!r}" for quote in missing]
        reasons += [f"quote too short to show anything: {quote!r}" for quote in short]
        if verdict == "unsupported":
            return verdict, 0.0, reasons, []
        if not found:
            downgraded = f"downgraded from {verdict} to unsupported: no quote of the judge shows it in the sources"
            return "unsupported", 0.0, [*reasons, downgraded], []
        return verdict, round((len(located) - len(missing)) / len(judgement.quotes), 4), reasons, found

    def _fallback(self, claim: str, evidence: list[Evidence], error: str | None) -> Judgement:
        self.decided["deterministic"] += 1
        self.failures.append(error or "no reply")
        verdict, score, reasons, used = deterministic_judge(claim, evidence)
        return verdict, score, [f"{self.engine} failed: {error}; the deterministic judge decided"] + reasons, used


def make_llm_judge(chat_model, settings: Settings) -> LLMJudge:
    """A judge for ``pipeline.verify.verifier``'s ``judge=`` parameter, backed by ``chat_model``."""
    return LLMJudge(chat_model, settings)


def outermost(evidence: list[Evidence]) -> list[Evidence]:
    """The passages worth showing: the verifier passes each sentence alone and again with the
    next one, so a passage inside another of the same article is left out and read only once."""
    unique = list({(e.article_id, e.start, e.end): e for e in evidence}.values())
    return [e for e in unique if not any(
        other is not e and other.article_id == e.article_id and other.start <= e.start and e.end <= other.end
        for other in unique)]


def locate_in(quote: str, passages: list[Evidence]) -> Evidence | None:
    """The quote as evidence of its own, with the exact span and text of the passage that holds it."""
    for passage in passages:
        if span := locate_quote(passage.quote, quote):
            start, end = span
            return replace(passage, start=passage.start + start, end=passage.start + end,
                           quote=passage.quote[start:end])
    return None
