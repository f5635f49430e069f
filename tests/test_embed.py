"""The wordllama embedder averages real tokens only: the same vectors as wordllama's padded batches."""

from __future__ import annotations

import numpy as np

from conftest import SEED_FILES
from pipeline.index.chunk import chunk_text
from pipeline.index.embed import WordLlamaEmbedder, get_embedder, load_wordllama


def padded(texts: list[str]) -> np.ndarray:
    """wordllama's own embed: batches of 64 padded to their longest text."""
    rows = load_wordllama().embed(texts, norm=True)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_unpadded_vectors_equal_the_padded_ones():
    embedder = get_embedder()
    text = SEED_FILES[0].read_text()
    # Short chunks beside whole articles in one batch: the case where padding cost the most.
    texts = [c.text for c in chunk_text(text, max_chars=300)] + [text, text[:40], "Baidu", text * 3]
    ours = embedder.embed(texts)
    assert ours.shape == (len(texts), embedder.dimensions) and ours.dtype == np.float32
    assert np.abs(ours - padded(texts)).max() < 1e-6


def test_groups_of_texts_do_not_change_a_vector(monkeypatch):
    embedder = get_embedder()
    texts = [path.read_text() for path in SEED_FILES] + ["Alibaba shares rose.", "Baidu fell 4.5% pre-market."]
    whole = embedder.embed(texts)
    monkeypatch.setattr(WordLlamaEmbedder, "TEXTS_PER_CALL", 3)  # tokenized 3 at a time
    assert np.abs(embedder.embed(texts) - whole).max() < 1e-6
    assert np.abs(embedder.embed(texts[2:3])[0] - whole[2]).max() < 1e-6


def test_a_text_without_tokens_gets_a_zero_row_and_leaves_its_neighbours_alone():
    embedder = get_embedder()
    rows = embedder.embed(["Apple rose 2%.", "", "Apple fell 1%."])
    assert not rows[1].any() and np.isfinite(rows).all()
    assert np.abs(rows[[0, 2]] - embedder.embed(["Apple rose 2%.", "Apple fell 1%."])).max() < 1e-6
    assert embedder.embed([]).shape == (0, embedder.dimensions)
