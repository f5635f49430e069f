"""A real ingest process, killed or interrupted mid-batch, resumes with no duplicates or gaps."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_news_pages

PAGES = 60


@pytest.fixture(params=["folder", "jsonl"])
def page_folder(tmp_path, request) -> Path:
    """The pages as a folder of files, or as the records of one JSONL file (extracted in
    parallel too)."""
    folder = tmp_path / "pages"
    pages = write_news_pages(folder, PAGES)
    if request.param == "folder":
        return folder
    batch = tmp_path / "pages.jsonl"
    batch.write_text("\n".join(json.dumps({"html": page.read_text()}) for page in pages))
    return batch


def start_ingest(folder: Path, data_dir: Path) -> subprocess.Popen:
    env = os.environ | {"NEWSBRIEF_DATA_DIR": str(data_dir), "NEWSBRIEF_WORKERS": "2"}
    return subprocess.Popen([sys.executable, "-m", "pipeline.apps.cli", "ingest", "--json", str(folder)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)


def _ctrl_c_as_in_a_terminal() -> None:
    """A shell starts background jobs with SIGINT ignored, and Python then never raises
    KeyboardInterrupt: give the child the terminal's default, whoever started the tests."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stored(data_dir: Path) -> list[str]:
    db = sqlite3.connect(data_dir / "articles.sqlite3", timeout=10)
    try:
        return [row[0] for row in db.execute("SELECT id FROM articles")]
    except sqlite3.OperationalError:  # the file exists, its schema not yet: the process just started
        return []
    finally:
        db.close()


def wait_for_some_rows(process: subprocess.Popen, data_dir: Path, at_least: int = 5) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (data_dir / "articles.sqlite3").exists() and len(stored(data_dir)) >= at_least:
            return
        assert process.poll() is None, "ingest finished before it could be interrupted"
        time.sleep(0.05)
    pytest.fail("ingest stored nothing in 60 s")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_interrupted_batch_resumes(page_folder, data_dir, how):
    process = start_ingest(page_folder, data_dir)
    wait_for_some_rows(process, data_dir)
    process.send_signal(how)
    process.wait(timeout=30)  # Ctrl-C must not leave the worker pool hanging
    partial = len(stored(data_dir))
    assert 5 <= partial < PAGES

    assert not _orphans()  # its workers died with it, SIGKILL or not

    rerun = start_ingest(page_folder, data_dir)
    out, _ = rerun.communicate(timeout=120)
    ids = stored(data_dir)
    assert len(ids) == len(set(ids))
    assert out.count('"status": "unchanged"') >= partial
    assert len(ids) == out.count('"status": "added"') + out.count('"status": "unchanged"')


def _orphans(wait: float = 5.0) -> list[int]:
    """Worker processes still alive from a parent that is gone (they are re-parented)."""
    deadline = time.monotonic() + wait
    while True:
        pids = [int(proc.name) for proc in Path("/proc").iterdir() if proc.name.isdigit() and _is_ingest(proc)]
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.2)


def _is_ingest(proc: Path) -> bool:
    try:
        return b"pipeline.apps.cli\x00ingest\x00--json" in (proc / "cmdline").read_bytes()
    except OSError:  # the process ended while we looked
        return False
