"""The index brought up to date in a process of its own while this one groups the articles.

``IndexingBeside``: ``add`` the new originals as deduplication finds them, then ask for the
``result`` once the groups are saved. The process indexes the articles in batches as they come;
at the end it runs ``index_pending`` on the store (duplicates out, an interrupted run's originals
in), so what it was sent is an early start, never the whole truth.

- A thread would not do: Chroma's writes and the validation before them hold the GIL (a busy
  thread beside a write ran at 4% of its speed), so grouping and writing took turns on one core.
- The process is forked: it shares the loaded embedder and starts at once. It reads pickled
  batches from a pipe, written by a thread here (a pipe's write blocks while the reader is busy,
  and deduplication must not wait for it).
- It starts as grouping does, so that it opens the index while grouping reads the articles and
  deduplication runs, and the originals go to it BATCH at a time.
- Only a process that has opened no Chroma client forks (importing chromadb is safe). The fork
  of one that has used it inherits its Rust runtime's locks and hangs in its first write, and an
  embedded client it holds would not see what another process wrote ("Error finding id").
  There (a test run, a server) ``add`` keeps nothing and ``result`` is None: the caller indexes
  after grouping, in its own process, as before. A fresh ``python -m`` child instead was about
  2 s slower to start than the work it had to overlap, and ``multiprocessing``'s spawn runs the
  caller's main script again unless it is guarded.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import queue
import threading
from collections.abc import Callable
from typing import BinaryIO

from pipeline.errors import NewsbriefError
from pipeline.index import chroma
from pipeline.index.sync import index_pending
from pipeline.settings import Settings

BATCH = 100  # originals sent at a time: the first batch starts indexing early, and Chroma writes larger ones faster


class IndexingBeside:
    def __init__(self, settings: Settings, store_url: str) -> None:
        self.settings = settings
        self.store_url = store_url
        self.forks = not chroma.client_opened  # see the module's docstring
        self.sent = 0
        self._batch: list = []
        self._process = None

    def start(self) -> None:
        """Fork the process now, so that it opens the index while grouping reads the articles
        (``add`` and ``result`` start it otherwise)."""
        if self.forks and self._process is None:
            self._start()

    def add(self, article) -> None:
        if not self.forks:
            return
        self.start()
        self._batch.append(article)
        if len(self._batch) >= BATCH:
            self._flush()

    def result(self, on_progress: Callable[[str, int, int], None] | None = None) -> int | None:
        """The chunks written, once the index holds every original; None when the process died
        (the caller then indexes what is missing itself). Raises NewsbriefError for its errors.
        ``on_progress(step, done, total)`` hears of the articles indexed."""
        if not self.forks:
            return None
        self._flush()
        self.start()
        self._outbox.put(None)  # the groups are saved: sync with the store
        answer: dict = {}
        for line in self._answers:  # {"indexed": n[, "of": total]} lines, then the answer
            answer = json.loads(line)
            if "indexed" in answer and on_progress:
                on_progress("articles", answer["indexed"], answer.get("of", self.sent))
        self._answers.close()
        self._feeder.join()
        self._process.join()
        gc.unfreeze()  # the child is gone: this heap's objects are collected again
        if self._process.exitcode or not ("written" in answer or "error" in answer):
            return None
        if "error" in answer:
            raise NewsbriefError(answer["error"])
        return answer["written"]

    def _flush(self) -> None:
        if not self._batch:  # a batch is only kept once add has started the process
            return
        self._outbox.put(self._batch)
        self.sent += len(self._batch)
        self._batch = []

    def _start(self) -> None:
        import multiprocessing

        (their_inbox, inbox), (self._answers, their_answers) = _pipe(), _pipe()
        gc.freeze()  # the child's collections leave the objects it inherits (and their pages) alone
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve_forked, args=(their_inbox, their_answers, inbox, self._answers),
            name="newsbrief-indexing", daemon=True)
        self._process.start()
        their_inbox.close()
        their_answers.close()
        self._outbox: queue.Queue = queue.Queue()
        self._outbox.put((self.settings, self.store_url))
        self._feeder = threading.Thread(target=_feed, args=(self._outbox, inbox), name="newsbrief-indexing-feeder",
                                        daemon=True)
        self._feeder.start()


def _pipe() -> tuple[BinaryIO, BinaryIO]:
    read, write = os.pipe()
    return os.fdopen(read, "rb"), os.fdopen(write, "wb")


def _feed(outbox: queue.Queue, inbox: BinaryIO) -> None:
    try:
        while True:
            item = outbox.get()
            pickle.dump(item, inbox)
            inbox.flush()
            if item is None:
                break
    except OSError:  # the process died: result() says so
        pass
    finally:
        inbox.close()


def _serve_forked(inbox: BinaryIO, answers: BinaryIO, parents_inbox: BinaryIO, parents_answers: BinaryIO) -> None:
    """Index what comes on ``inbox`` (the settings and the store's URL, batches of articles, None
    at the end), then sync with the store; say how far it is, then the answer, on ``answers``."""
    from pipeline.index.chroma import VectorIndex
    from pipeline.ingest.workers import dies_with_parent
    from store.articles import ArticleStore

    def say(message: dict) -> None:
        answers.write(json.dumps(message).encode() + b"\n")
        answers.flush()

    parents_inbox.close()  # the parent's ends, copied by the fork: or the pipes would never end
    parents_answers.close()
    dies_with_parent()
    settings, store_url = pickle.load(inbox)
    try:
        index = VectorIndex(settings)
        written = indexed = 0
        while (articles := pickle.load(inbox)) is not None:
            written += index.add(articles)
            indexed += len(articles)
            say({"indexed": indexed})
        with ArticleStore(store_url) as store:
            written += index_pending(store, settings, index, on_progress=lambda _step, done, total: say(
                {"indexed": indexed + done, "of": indexed + total}))
        say({"written": written})
    except NewsbriefError as exc:
        say({"error": str(exc)})
    except Exception as exc:  # noqa: BLE001 - said by the parent, which exits with it
        say({"error": f"indexing failed: {type(exc).__name__}: {exc}"})
