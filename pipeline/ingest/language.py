"""The language of an article, by py3langid, with its model mapped from an unpacked copy.

py3langid ships its model LZMA-compressed. Unpacking it took 0.5 s of CPU in every ingest, on
the path to the extraction workers' fork, and left 68 MB in memory. The first load here writes
the unpacked arrays to the user's cache folder, as ``.npy`` files; every later load maps them
(a few milliseconds). Mapped pages are read only when a text walks through them, and every
process shares them through the page cache, so the workers need no copy of their own. When the
cache cannot be written (a read-only home), the model loads as py3langid loads it.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
import threading
from pathlib import Path

LANGUAGE_CHARS = 800
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_LOADING = threading.Lock()


def detect_language(text: str) -> str | None:
    import py3langid

    load_language_model()
    # The opening decides as well as the whole text does, at a fraction of the time (py3langid
    # walks it byte by byte in Python: 1,500 characters were 40% of a JSONL text's extraction).
    # 800 characters gave the language 1,500 gave on all 3,788 texts of ../shared/data's
    # extraction, ECB+ and SummEdits training files (20 of them not English), as did 600.
    return py3langid.classify(text[:LANGUAGE_CHARS])[0] if text else None


def load_language_model() -> None:
    """py3langid's model, once. ``newsbrief ingest`` starts this in a thread while it opens the
    store; the lock makes a second caller wait for that load rather than make a second copy."""
    import py3langid.langid

    if py3langid.langid.IDENTIFIER is not None:  # asked for every document: loaded, it costs nothing
        return
    with _LOADING:
        if py3langid.langid.IDENTIFIER is None:
            py3langid.langid.IDENTIFIER = _mapped_identifier() or py3langid.langid._load_identifier()


def cache_folder() -> Path:
    """Where the unpacked model lives: one folder per py3langid version and model file."""
    import py3langid.langid

    packed = py3langid.langid.MODEL_DIR / py3langid.langid.MODEL_FILE
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsbrief" / f"langid-{importlib.metadata.version('py3langid')}-{packed.stat().st_size}"


def _mapped_identifier():
    """A LanguageIdentifier over the mapped arrays, or None when they cannot be written."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    folder = cache_folder()
    try:
        if not folder.is_dir():
            _unpack(folder)
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    except (OSError, ValueError):  # unwritable, or a file of the folder removed or cut short by hand
        return None
    # memoryviews, not numpy arrays: the byte walk indexes them once per byte, and a view gives
    # a plain int at the speed of the array.array py3langid builds (a numpy index is ~5x slower).
    return LanguageIdentifier(arrays["ptc"], np.array(arrays["pc"]), arrays["classes"].tolist(),
                              memoryview(arrays["nextmove"]), memoryview(arrays["out_feat"]),
                              tk_row=memoryview(arrays["nextmove_row"]))


def _unpack(folder: Path) -> None:
    """The model's arrays as they are in its file, written whole into ``folder`` or not at all."""
    import io
    import lzma

    import numpy as np
    import py3langid.langid

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        # unpacked in memory once: an npz is a zip, read from its end, and a seek back in an LZMA
        # stream starts the decompression again
        packed = lzma.decompress((py3langid.langid.MODEL_DIR / py3langid.langid.MODEL_FILE).read_bytes())
        with np.load(io.BytesIO(packed), allow_pickle=False) as model:
            for name in _ARRAYS:
                np.save(staging / f"{name}.npy", model[name], allow_pickle=False)
        os.rename(staging, folder)  # atomic: a concurrent load sees the whole folder or none
    except OSError:
        if not folder.is_dir():  # another process won the rename: theirs is as good
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
