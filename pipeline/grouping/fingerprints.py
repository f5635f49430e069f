"""Text fingerprints for duplicate detection: word shingles, MinHash signatures, paragraphs.

Hashing is done with numpy over whole documents at once: datasketch's own ``update`` hashes
each shingle with SHA-1 in Python, which is about 50x slower and would not reach 100,000
articles a minute. Signatures are indexed by ``BandedLSH`` below, the banding datasketch's
MinHashLSH does, without importing it and scipy's integration that picks its bands.

Words are hashed with BLAKE2b (Python's ``hash`` would change between runs, and so would the
results), each distinct word once per process.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 64
LSH_THRESHOLD = 0.3  # low on purpose: a copy with 30% trimmed is still a dedup candidate
PARAGRAPH_MIN_WORDS = 12
_TOKEN = re.compile(r"\w+")
_MERSENNE = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20250211)  # fixed: stored signatures must stay comparable
_PERM_A = _rng.integers(1, 1 << 61, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 1 << 61, NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5],
                dtype=np.uint64)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


_word_hashes: dict[str, int] = {}
_WORD_CACHE_LIMIT = 2_000_000


def token_hashes(words: list[str]) -> np.ndarray:
    """A stable 64-bit hash per word."""
    cache = _word_hashes
    missing = [w for w in set(words) if w not in cache]
    if len(cache) + len(missing) > _WORD_CACHE_LIMIT:
        cache.clear()
        missing = list(set(words))
    for word in missing:
        cache[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(word_hashes: np.ndarray, n: int = SHINGLE_WORDS) -> np.ndarray:
    """Hashes of every run of n consecutive words, as a set (unique values)."""
    if len(word_hashes) < n:
        n = max(len(word_hashes), 1)
    if len(word_hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(_runs(word_hashes, n))


def _runs(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """The hash of the n words starting at each position (len(word_hashes) >= n)."""
    count = len(word_hashes) - n + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(n):  # uint64 arrays wrap around silently: the wrap is the hash
        combined ^= word_hashes[offset : offset + count] * _MIX[offset % len(_MIX)]
        combined = (combined << np.uint64(7)) | (combined >> np.uint64(57))
    return combined


def minhash(shingles: np.ndarray) -> np.ndarray:
    """A MinHash signature of NUM_PERM values from a set of shingle hashes."""
    if len(shingles) == 0:
        return np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    permuted = (_PERM_A[:, None] * shingles[None, :] + _PERM_B[:, None]) >> np.uint64(3)
    return permuted.min(axis=1)


@dataclass
class Paragraph:
    start: int
    end: int
    text: str


def paragraphs(text: str, min_words: int = PARAGRAPH_MIN_WORDS) -> list[Paragraph]:
    """Paragraphs of canonical text with their character spans; short ones are skipped."""
    found = []
    for match in re.finditer(r"[^\n]+", text):
        if len(match.group(0).split()) >= min_words:
            found.append(Paragraph(match.start(), match.end(), match.group(0)))
    return found


PARAGRAPH_SHINGLE_WORDS = 6


def paragraph_fingerprints(pars: list[str], every: int = 2) -> list[set[int]]:
    """For each paragraph, a sample of its 6-word shingles: enough to find a shared paragraph, few
    enough to index millions. Sampling by value (not position) keeps two copies' samples equal.

    An article's paragraphs are hashed in one pass over all their words, and the runs that cross
    from one paragraph into the next are left out: a pass for each paragraph was a third of
    deduplication's time, in numpy's per-call overhead on short arrays."""
    n = PARAGRAPH_SHINGLE_WORDS
    words = [tokens(par) for par in pars]
    runs = _runs(token_hashes([w for ws in words for w in ws]), n) if sum(map(len, words)) >= n else None
    found, start = [], 0
    for paragraph_words in words:
        if len(paragraph_words) >= n:
            hashes = np.unique(runs[start : start + len(paragraph_words) - n + 1])
        else:  # fewer words than a shingle: the one run of them all, as shingle_hashes takes it
            hashes = shingle_hashes(token_hashes(paragraph_words), n)
        found.append(set(hashes[hashes % np.uint64(every) == 0].tolist()))
        start += len(paragraph_words)
    return found


class BandedLSH:
    """Candidates for a MinHash signature: keys whose signature equals it in at least one band.

    21 bands of 3 values are what datasketch's MinHashLSH picks for LSH_THRESHOLD over NUM_PERM
    values (the least weighted false positives and negatives), so the candidates are the ones it
    found; the 64th value is unused there too.
    """

    BANDS, ROWS = 21, 3

    def __init__(self) -> None:
        assert self.BANDS * self.ROWS <= NUM_PERM
        self.tables: list[dict[bytes, list[str]]] = [defaultdict(list) for _ in range(self.BANDS)]

    def _bands(self, signature: np.ndarray) -> list[bytes]:
        return [signature[b * self.ROWS : (b + 1) * self.ROWS].tobytes() for b in range(self.BANDS)]

    def insert(self, key: str, signature: np.ndarray) -> None:
        for table, band in zip(self.tables, self._bands(signature)):
            table[band].append(key)

    def query(self, signature: np.ndarray) -> set[str]:
        return {key for table, band in zip(self.tables, self._bands(signature)) for key in table.get(band, ())}
