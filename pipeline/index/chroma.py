"""The vector index: article chunks and their embeddings in Chroma.

- Embedded ``PersistentClient`` under the data directory by default; ``NEWSBRIEF_CHROMA_URL``
  points at a ``chroma run`` server instead (embedded Chroma is not safe across processes).
- The collection name carries the embedder and a hash of the chunking settings, so changing
  either starts a new collection instead of mixing vectors of different shapes or cuts.
- Embeddings are always computed here and passed in. Chroma's default embedding function
  downloads a model at run time (even ``query_texts`` on a collection created without one tries
  to), so texts are never handed to Chroma to embed.
- Re-indexing an article deletes its chunks and writes them again: never duplicates.
- A row is an id and a vector, nothing else. The id says where the chunk stands,
  ``ARTICLE:START:END``, and the text is the article's, in the article store, sliced from it
  (``with_passages``). Storing the text, the outlet and the groups made Chroma's writes 3.5 times
  slower and its files 3 times larger, and nothing read them; the three metadata keys left after
  that were still 45% of a write (6,260 chunks: 3.1 s with them, 1.7 s without), since Chroma keeps
  a row per key. A search within some articles asks for their chunks' ids, which their texts give
  (the chunking is deterministic), and was twice as fast as a metadata filter.
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
# In the collection's name: a collection of an earlier row layout (ids ARTICLE:INDEX, the span in
# metadata) is left alone, and the next ingest indexes the store into a new one.
ROW_LAYOUT = "r2"


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
    return re.sub(r"[^a-zA-Z0-9._-]", "-", f"newsbrief-{embedder_name}-{chunking}-{ROW_LAYOUT}")[:512]


# Whether this process has opened a Chroma client: a fork of it would inherit the client's
# runtime, locks and caches, and must not use Chroma (pipeline/index/beside.py).
client_opened = False


def open_client(settings: Settings):
    global client_opened
    import chromadb  # heavy: only the commands that index or search import it

    client_opened = True
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
        ids, texts = [], []
        for article in articles:
            for chunk in self.chunks(article):
                ids.append(chunk_id(article.id, chunk.start, chunk.end))
                texts.append(chunk.text)
        batches = [slice(start, start + EMBED_BATCH) for start in range(0, len(ids), EMBED_BATCH)]
        # Embed the next batch while Chroma writes this one. The tokenizer and numpy release the
        # GIL; Chroma's add mostly holds it (pipeline/index/beside.py), so the overlap is partial.
        with ThreadPoolExecutor(1) as ahead:
            pending = ahead.submit(self.embedder.embed, texts[batches[0]]) if batches else None
            for number, batch in enumerate(batches):
                embeddings = pending.result()
                if number + 1 < len(batches):
                    pending = ahead.submit(self.embedder.embed, texts[batches[number + 1]])
                # An upsert: an article indexed before has these very ids. A delete before each add
                # instead was a write of its own, some 0.5 s for the 6,260 chunks of a fresh index.
                self.collection.upsert(ids=ids[batch], embeddings=embeddings)
        return len(ids)

    def chunks(self, article: Article):
        return chunk_text(article.text, self.settings.chunking.max_chars, self.settings.chunking.overlap_sentences)

    def remove(self, article_ids: list[str]) -> None:
        """Drop these articles' chunks (by the ids they hold: the articles may be gone from the store)."""
        if not article_ids:
            return
        wanted = set(article_ids)
        doomed = [i for i in self._all_ids() if parse_chunk_id(i)[0] in wanted]
        if doomed:
            self.collection.delete(ids=doomed)

    def count(self) -> int:
        return self.collection.count()

    def indexed_article_ids(self) -> set[str]:
        return {parse_chunk_id(i)[0] for i in self._all_ids()}

    def _all_ids(self) -> list[str]:
        return self.collection.get(include=[])["ids"]

    def search(self, query: str, k: int = 5, within: list[Article] | None = None) -> list[Hit]:
        """The k chunks nearest the query, optionally among some articles' chunks only."""
        ids = None
        if within is not None:
            # Only the ids the collection holds: Chroma fails a query that names one it does not
            # ("Error finding id"), and a story's duplicates, or articles not indexed yet, have none.
            wanted = [chunk_id(a.id, c.start, c.end) for a in within for c in self.chunks(a)]
            ids = self.collection.get(ids=wanted, include=[])["ids"] if wanted else []
            if not ids:
                return []
        result = self.collection.query(query_embeddings=self.embedder.embed([query]), n_results=k, ids=ids,
                                       include=["distances"])
        return [Hit(found, *parse_chunk_id(found), round(1.0 - distance, 4))
                for found, distance in zip(result["ids"][0], result["distances"][0])]


def chunk_id(article_id: str, start: int, end: int) -> str:
    """A chunk's id, which is all a row keeps besides its vector: the chunk is ``article.text[start:end]``."""
    return f"{article_id}:{start}:{end}"


def parse_chunk_id(found: str) -> tuple[str, int, int]:
    article_id, start, end = found.rsplit(":", 2)
    return article_id, int(start), int(end)


def with_passages(hits: list[Hit], articles: Mapping[str, Article]) -> list[Hit]:
    """The hits with their text and outlet, from the articles they point into (by id). A hit
    whose article is gone from the store (removed since it was indexed) is dropped."""
    return [replace(hit, text=article.text[hit.start : hit.end], outlet=article.outlet)
            for hit in hits if (article := articles.get(hit.article_id))]
