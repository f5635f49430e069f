"""One settings object for the whole library, read from ``NEWSBRIEF_*`` variables.

Nested sections use a double underscore: ``NEWSBRIEF_FETCH__TIMEOUT_S=5``.
Secrets (API keys, in later stages) come only from the environment, never from files.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """A per-user folder, following XDG on Linux."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "newsbrief"


class FetchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: float = Field(15.0, gt=0, description="Connect and read timeout per request, seconds.")
    max_bytes: int = Field(5_000_000, gt=0, description="Largest response body accepted, bytes.")
    max_redirects: int = Field(5, ge=0, description="Redirects followed; each hop is re-checked.")
    allow_private_hosts: bool = Field(
        False,
        description="Allow URLs that resolve to private, loopback or link-local addresses. "
        "Off by default so that a pasted URL cannot probe the newsroom's internal network.",
    )
    user_agent: str = Field("newsbrief/0.1 (+https://example.invalid/newsbrief)", description="HTTP User-Agent.")


class LimitSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_file_bytes: int = Field(20_000_000, gt=0, description="Largest local input file read, bytes.")
    min_article_chars: int = Field(
        200, ge=0, description="Cleaned text shorter than this is reported as 'no article found'."
    )
    max_feed_entries: int = Field(200, gt=0, description="Entries taken from one RSS/Atom feed.")


class GroupingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(
        30, gt=0, description="Articles ingested this many days back are compared with new ones for "
        "duplicates, families and stories; older ones are left as they are.")
    embedding_veto: bool = Field(True, description="Let the embedder veto story merges of unrelated articles.")


class ChunkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_chars: int = Field(500, ge=50, description="Sentences are packed into chunks of at most this many characters.")
    overlap_sentences: int = Field(1, ge=0, description="Sentences a chunk repeats from the one before.")


class OpenAISettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(None, description="An OpenAI-compatible endpoint; None for OpenAI itself.")
    embedding_model: str = Field("text-embedding-3-small", description="Model for the 'openai' embedder.")


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(None, description="Chat model name; unset, the offline extractive engine writes briefs.")
    base_url: str | None = Field(None, description="Any OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama...); "
                                 "unset, OpenAI. The key comes from NEWSBRIEF_LLM_API_KEY or OPENAI_API_KEY.")
    structured_output: Literal["json_schema", "function_calling", "json_mode"] = Field(
        "json_mode", description="How the reply's JSON is asked for; servers differ in what they accept.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    timeout_s: float = Field(120.0, gt=0, description="Time allowed for one LLM call, seconds.")
    max_output_tokens: int = Field(2048, gt=0, description="Tokens one reply may have: a model that rambles or loops "
                                   "is cut off (and its reply repaired) instead of running to the timeout.")
    max_retries: int = Field(2, ge=0, description="Retries of a failed HTTP call.")
    repair_attempts: int = Field(1, ge=0, description="Times a reply that is not valid JSON is sent back to be fixed.")
    max_article_chars: int = Field(6000, gt=0, description="Characters of each article put in the prompt.")
    judge_brief: bool = Field(True, description="Check each point of an LLM's brief with the LLM judge (a call per "
                              "point and source family); false, the deterministic verifier checks them.")
    usd_per_1k_input_tokens: float = Field(0.0, ge=0, description="For the cost estimate in the brief's metadata.")
    usd_per_1k_output_tokens: float = Field(0.0, ge=0, description="For the cost estimate in the brief's metadata.")


class Settings(BaseSettings):
    """Everything configurable, with a description on every field."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBRIEF_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the article store lives.")
    fetch: FetchSettings = Field(default_factory=FetchSettings, description="Fetching URLs and feeds.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="Input limits.")
    grouping: GroupingSettings = Field(default_factory=GroupingSettings, description="Duplicates, families, stories.")
    chunking: ChunkSettings = Field(default_factory=ChunkSettings, description="How articles are cut for the index.")
    embedder: str = Field("wordllama", description="Embedder: 'wordllama' (default, offline), 'minilm' (the "
                          "[minilm] extra) or 'openai' (needs OPENAI_API_KEY).")
    chroma_url: str | None = Field(None, description="A `chroma run` server, e.g. http://127.0.0.1:8000; "
                                   "unset, an embedded store under the data directory is used.")
    openai: OpenAISettings = Field(default_factory=OpenAISettings, description="OpenAI-compatible endpoint.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The LLM that writes briefs, if any.")
    workers: int = Field(
        0, ge=0, description="Processes that extract and clean in parallel; 0 means one per CPU core, 1 means none."
    )

    @property
    def effective_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def db_path(self) -> Path:
        return self.data_dir / "articles.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    def config_hash(self) -> str:
        """Short hash of the configuration, for output metadata and index names."""
        payload = self.model_dump_json(exclude={"data_dir", "workers", "chroma_url"})
        return hashlib.md5(payload.encode()).hexdigest()[:12]
