"""The CLI as a newcomer meets it: flags, exit codes, messages and listings (issue 20)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_STORY, _free_port
from pipeline.apps.cli import app

runner = CliRunner()


def cli(*args: str, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


def test_an_unreachable_llm_is_named_on_stderr_and_the_brief_still_written(monkeypatch):
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "qwen2.5")
    monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", url)
    monkeypatch.setenv("NEWSBRIEF_LLM__MAX_RETRIES", "0")
    result = cli("brief", str(EXAMPLE_STORY), "--format", "json")
    assert result.exit_code == 0
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == f"warning: LLM at {url}: connection refused; wrote the brief with the extractive engine"
    assert json.loads(result.stdout)["meta"]["engine"] == "extractive"
