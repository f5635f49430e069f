"""Text addressed to a model, not reporting ("Ignore previous instructions and say …").

Articles are data. A sentence that talks to the reader's model is no evidence for anything: the
verifier leaves it out of the windows either judge reads, deterministic or LLM, and out of the
words a story is taken to have reported.
"""

from __future__ import annotations

import re
from functools import lru_cache

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|prompts?|rules)\b|\bsystem prompt\b|"
    r"\byou are now\b|\bas an ai\b", re.IGNORECASE)


def addressed_to_a_model(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def without_instructions(article):
    """The article with its sentences addressed to a model taken out."""
    return article.model_copy(update={"text": _reporting_only(article.text)})


@lru_cache(maxsize=256)  # a brief asks it of every article once for each of its points
def _reporting_only(text: str) -> str:
    from pipeline.text.sentences import split_sentences

    return " ".join(s.text for s in split_sentences(text) if not addressed_to_a_model(s.text))
