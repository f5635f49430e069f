"""The vector index: article chunks and their embeddings in Chroma.

- Embedded ``PersistentClient`` under the data directory by default; ``NEWSBRIEF_CHROMA_URL``
  points at a ``chroma run`` server instead (embedded Chroma is not safe across processes).
- The collection name carries the embedder and a hash of the chunking settings, so changing
  either starts a new collection instead of mixing vectors of different shapes or cuts.
- Embeddings are always computed here and passed in. Chroma's default embedding function
  downloads a model at run time (even ``query_texts`` on a collection created without one tries
  to), so texts are never handed to Chroma to embed.
- Re-indexing an article deletes its chunks and writes them again: never duplicates.
- A row is an id, a vector and where the chunk stands: article id, start, end. The text is the
  article's, in the article store, and is sliced from it (``with_passages``); storing it again,
  with the outlet and the groups (which change as stories grow), made Chroma's writes 3.5 times
  slower and its files 3 times larger, and nothing read them.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from pipeline.index.chunk import chunk_text, chunking_hash
from pipeline.index.embed import Embedder, get_embedder
from pipeline.errors import NewsbriefError
from pipeline.models import Article
from pipeline.settings import Settings

EMBED_BATCH = 1024  # Chroma writes large batches faster; measured better than 256 and 512


@dataclass
class Hit:
    """One chunk found by a search, with where it stands in its article; ``text`` and
    ``outlet`` are filled from the articles by ``with_passages``."""

    chunk_id: str
    article_id: str
    start: int
    end: int
    score: float
    text: str = ""
    outlet: str | None = None


def collection_name(embedder_name: str, settings: Settings) -> str:
    """3-512 characters of [a-zA-Z0-9._-], naming the embedder and the chunking."""
    chunking = chunking_hash(settings.chunking.max_chars, settings.chunking.overlap_sentences)
    return re.sub(r"[^a-zA-Z0-9._-]", "-", f"newsbrief-{embedder_name}-{chunking}")[:512]


def open_client(settings: Settings):
    import chromadb  # heavy: only the commands that index or search import it

    options = chromadb.Settings(anonymized_telemetry=False)  # no telemetry calls home
    if settings.chroma_url:
        parts = urlsplit(settings.chroma_url)
        if not parts.hostname:
            raise NewsbriefError(f"NEWSBRIEF_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        try:
            return chromadb.HttpClient(host=parts.hostname, port=parts.port or 8000,
                                       ssl=parts.scheme == "https", settings=options)
        except Exception as exc:  # noqa: BLE001 - chromadb raises bare exceptions for a dead server
            raise NewsbriefError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}; "
                                 "start it with `chroma run --path DIR --port PORT`, or unset "
                                 "NEWSBRIEF_CHROMA_URL to use the embedded store") from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=options)


class VectorIndex:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, client=None):
        self.settings = settings
        self.embedder = embedder or get_embedder(settings.embedder, settings)
        self.client = client or open_client(settings)
        self.name = collection_name(self.embedder.name, settings)
        self.collection = self.client.get_or_create_collection(
            self.name, embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedder": self.embedder.name,
                      "max_chars": settings.chunking.max_chars,
                      "overlap_sentences": settings.chunking.overlap_sentences},
        )

    def add(self, articles: list[Article]) -> int:
        """(Re)index articles. Returns the number of chunks written."""
        ids, texts, rows = [], [], []
        for article in articles:
            for chunk in chunk_text(article.text, self.settings.chunking.max_chars,
                                    self.settings.chunking.overlap_sentences):
                ids.append(f"{article.id}:{chunk.index}")
                texts.append(chunk.text)
                rows.append(slim_row(article.id, chunk.start, chunk.end))
        if articles:
            self.collection.delete(where={"article_id": {"$in": [a.id for a in articles]}})
        batches = [slice(start, start + EMBED_BATCH) for start in range(0, len(ids), EMBED_BATCH)]
        # Embed the next batch while Chroma writes this one: its write releases the GIL.
        with ThreadPoolExecutor(1) as ahead:
            pending = ahead.submit(self.embedder.embed, texts[batches[0]]) if batches else None
            for number, batch in enumerate(batches):
                embeddings = pending.result()
                if number + 1 < len(batches):
                    pending = ahead.submit(self.embedder.embed, texts[batches[number + 1]])
                self.collection.add(ids=ids[batch], metadatas=rows[batch], embeddings=embeddings)
        return len(ids)

    def remove(self, article_ids: list[str]) -> None:
        if article_ids:
            self.collection.delete(where={"article_id": {"$in": article_ids}})

    def count(self) -> int:
        return self.collection.count()

    def indexed_article_ids(self) -> set[str]:
        found = self.collection.get(include=["metadatas"])
        return {m["article_id"] for m in found["metadatas"]}

    def search(self, query: str, k: int = 5, article_ids: list[str] | None = None) -> list[Hit]:
        """The k chunks nearest the query, optionally among some articles only."""
        if article_ids is not None and not article_ids:
            return []
        where = {"article_id": {"$in": list(article_ids)}} if article_ids else None
        result = self.collection.query(query_embeddings=self.embedder.embed([query]), n_results=k, where=where,
                                       include=["metadatas", "distances"])
        return [Hit(chunk_id, meta["article_id"], meta["start"], meta["end"], round(1.0 - distance, 4))
                for chunk_id, meta, distance in zip(result["ids"][0], result["metadatas"][0], result["distances"][0])]


def slim_row(article_id: str, start: int, end: int) -> dict:
    """All a row keeps besides its vector: the chunk is ``article.text[start:end]``."""
    return {"article_id": article_id, "start": start, "end": end}


def with_passages(hits: list[Hit], articles: Mapping[str, Article]) -> list[Hit]:
    """The hits with their text and outlet, from the articles they point into (by id). A hit
    whose article is gone from the store (removed since it was indexed) is dropped."""
    return [replace(hit, text=article.text[hit.start : hit.end], outlet=article.outlet)
            for hit in hits if (article := articles.get(hit.article_id))]
