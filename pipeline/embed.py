"""The embedder seam. ``wordllama`` is the default: its weights ship inside its wheel, it needs
no torch, and nothing is downloaded. Never Chroma's default embedding function: it downloads
a model at run time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text."""


class WordLlamaEmbedder:
    name = "wordllama"

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        # The plain offline load looks in the wrong folder: the weights are in the package.
        self.model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return np.asarray(self.model.embed(texts, norm=True), dtype=np.float32)


EMBEDDERS = {"wordllama": WordLlamaEmbedder}


@lru_cache(maxsize=4)
def get_embedder(name: str = "wordllama") -> Embedder:
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}") from None
