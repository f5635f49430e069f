"""Loading the later stages' libraries in a thread while a core would otherwise wait.

An ingest imports about 2 s of libraries after extraction: scipy.sparse and rapidfuzz for grouping,
and the embedder. Loaded one after the other they run on one core while the other idles; loaded
in a thread while the extraction workers run, they share the cores with them instead. Python's
import system lets the stage that needs a module wait for the thread's import of it, so nothing
waits for more than it needs. chromadb is not among them: the indexing process forked at the
start of grouping imports it (pipeline/index/beside.py), on the core deduplication leaves idle;
loaded here, it took CPU from the extraction workers (2,000 JSONL texts: extraction 4.5 → 6.0 s,
medians of 3 in two benchmark runs). In a thread during grouping it had measured slower still:
grouping is Python too, and an import in a thread takes the GIL from it.

A forked process must not start while the thread is inside an import: the child would inherit
that module's import lock held by a thread it does not have, and hang if it imported the module.
The workers fork before the first result arrives, which is when ingest starts the thread; should
a worker die and its pool be forked anew, the fork waits for the thread to finish.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.settings import Settings

_threads: list[threading.Thread] = []
_lock = threading.Lock()


def start(*loaders: Callable[[], object]) -> None:
    """Run ``loaders`` one after another in a background thread."""
    with _lock:
        if not _threads:
            os.register_at_fork(before=wait)
        thread = threading.Thread(target=_run, args=loaders, name="newsbrief-preload", daemon=True)
        _threads.append(thread)
    thread.start()


def wait() -> None:
    """Until every started loader has finished (before a fork, and in tests)."""
    for thread in list(_threads):
        if thread is not threading.current_thread() and thread.ident is not None:
            thread.join()


def _run(*loaders: Callable[[], object]) -> None:
    for load in loaders:
        try:
            load()
        except Exception:  # noqa: BLE001 - the stage that needs it loads it again and reports the error
            continue


def grouping_libraries() -> None:
    import rapidfuzz.process  # noqa: F401
    import scipy.sparse  # noqa: F401


def embedder(settings: Settings) -> None:
    from pipeline.index.embed import get_embedder

    get_embedder(settings.embedder, settings)
