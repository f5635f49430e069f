"""Language detection with py3langid's model mapped from an unpacked copy in the user's cache."""

from __future__ import annotations

import json
from array import array

import pytest

from conftest import FIXTURES, SEED_FILES
from pipeline.ingest import language

TEXTS = [
    *(path.read_text() for path in SEED_FILES),
    *(json.loads(line)["text"] for path in sorted((FIXTURES / "stories").glob("*.jsonl"))
      for line in path.read_text().splitlines()),
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites.",
    "Die Regierung hat am Dienstag eine neue Rentenreform angekündigt.",
    "El gobierno anunció el martes una nueva reforma de las pensiones.",
    "政府は火曜日、新たな年金改革を発表した。",
    "12,500",
]


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """No model loaded in this process, and an empty cache folder."""
    import py3langid.langid

    monkeypatch.setattr(py3langid.langid, "IDENTIFIER", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_mapped_model_classifies_as_py3langid_itself(fresh):
    from py3langid.langid import _load_identifier

    shipped = _load_identifier()
    mapped = language._mapped_identifier()
    assert [mapped.classify(text) for text in TEXTS] == [shipped.classify(text) for text in TEXTS]
    assert [language.detect_language(text) for text in TEXTS[-5:-1]] == ["fr", "de", "es", "ja"]


def test_the_model_is_unpacked_once_and_mapped_after(fresh, monkeypatch):
    import py3langid.langid

    unpacked = []
    real = language._unpack
    monkeypatch.setattr(language, "_unpack", lambda folder: unpacked.append(folder) or real(folder))
    language.load_language_model()
    monkeypatch.setattr(py3langid.langid, "IDENTIFIER", None)  # as a new process would start
    language.load_language_model()
    assert unpacked == [language.cache_folder()]
    assert [p.name for p in fresh.joinpath("newsbrief").iterdir()] == [language.cache_folder().name]  # no staging left
    assert language.detect_language(TEXTS[0]) == "en"


def test_without_a_writable_cache_the_model_loads_as_py3langid_loads_it(fresh):
    import py3langid.langid

    fresh.write_text("a file where the cache folder would be")
    language.load_language_model()
    assert isinstance(py3langid.langid.IDENTIFIER.tk_nextmove, array)  # py3langid's own arrays
    assert language.detect_language(TEXTS[0]) == "en"


def test_a_damaged_cache_falls_back_to_py3langid_itself(fresh):
    import py3langid.langid

    language.load_language_model()
    (language.cache_folder() / "ptc.npy").write_bytes(b"\x93NUMPY cut short")
    py3langid.langid.IDENTIFIER = None
    language.load_language_model()
    assert isinstance(py3langid.langid.IDENTIFIER.tk_nextmove, array)
    assert language.detect_language(TEXTS[0]) == "en"
