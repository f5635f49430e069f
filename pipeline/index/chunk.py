"""Chunking: whole sentences packed into chunks of about ``max_chars``, with their spans.

A chunk never cuts a sentence, so a quote taken from a chunk is always a sentence of the
canonical text, and ``text[chunk.start:chunk.end] == chunk.text`` holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pipeline.text.sentences import Sentence, split_sentences


@dataclass(frozen=True)
class ChunkSpan:
    index: int
    start: int
    end: int
    text: str


def chunk_text(text: str, max_chars: int = 500, overlap_sentences: int = 1) -> list[ChunkSpan]:
    """Consecutive sentences up to ``max_chars`` (a longer sentence is a chunk of its own);
    each chunk repeats the last ``overlap_sentences`` of the one before, for context."""
    sentences = split_sentences(text)
    chunks: list[ChunkSpan] = []
    first = 0
    while first < len(sentences):
        last = _last_fitting(sentences, first, max_chars)
        start, end = sentences[first].start, sentences[last].end
        chunks.append(ChunkSpan(len(chunks), start, end, text[start:end]))
        if last == len(sentences) - 1:
            break
        first = max(last + 1 - overlap_sentences, first + 1)
    return chunks


def _last_fitting(sentences: list[Sentence], first: int, max_chars: int) -> int:
    last = first
    while last + 1 < len(sentences) and sentences[last + 1].end - sentences[first].start <= max_chars:
        last += 1
    return last


def chunking_hash(max_chars: int, overlap_sentences: int) -> str:
    """Goes into the collection name, so that new settings make a new index instead of mixing."""
    return hashlib.md5(f"sentences:{max_chars}:{overlap_sentences}".encode()).hexdigest()[:8]
