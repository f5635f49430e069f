"""`newsbrief --help` must stay fast: it may not import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["trafilatura", "chromadb", "langchain", "langchain_core", "openai", "httpx", "feedparser",
         "py3langid", "lxml", "wordllama", "pydantic_settings"]

PROBE = """
import sys
from pipeline.apps.cli import app
try:
    app(["--help"])
except SystemExit:
    pass
print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_help_imports_no_heavy_library():
    result = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY)], capture_output=True, text=True, check=True)
    assert "ingest" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "loaded:"


def test_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "pipeline.apps.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "extract" in result.stdout
