"""One settings object for the whole library, read from ``NEWSBRIEF_*`` variables and a file.

Nested sections use a double underscore: ``NEWSBRIEF_FETCH__TIMEOUT_S=5``. Beneath the
variables, a TOML file with the same names (``[fetch]`` / ``timeout_s = 5``): ``newsbrief.toml``
in the data directory, or the one ``config_file`` names. A variable always wins over the file.
Secrets (API keys) come only from the environment, never from files: no field holds one, so a
key written into the file is refused as an unknown setting.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from pipeline.errors import NewsbriefError

SETTINGS_FILE = "newsbrief.toml"
ENV_PREFIX = "NEWSBRIEF_"
# The secrets, read from the environment only (pipeline.llm.api_key); `newsbrief config` masks them.
SECRET_VARIABLES = ("NEWSBRIEF_LLM_API_KEY", "OPENAI_API_KEY", "NEWSBRIEF_SMTP_PASSWORD")


class SettingsFileError(NewsbriefError):
    """The settings file is missing (when named), not TOML, or sets what it may not."""


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
    # A lead or a wire flash is one sentence: an article is told by its prose, not its length.
    min_full_sentences: int = Field(
        1, ge=0, description="Cleaned text with fewer full sentences than this is reported as 'no article found' "
        "(a menu, a list of links, a cookie wall, an error page). A full sentence has min_sentence_words words, some "
        "in lower case, and ends with '.', '!' or '?' (a paragraph that is the whole text, or longer than a headline's "
        "20 words, needs no full stop); cookie, browser, error-page and paywall notices do not count.")
    min_sentence_words: int = Field(
        6, ge=1, description="Words a full sentence has at least: 'Fed raises rates by a quarter point.' has seven; "
        "a page's stock phrases ('Page not found.', 'All rights reserved.') have fewer.")
    feed_full_text_chars: int = Field(
        200, ge=0, description="A feed entry's content shorter than this is taken for a teaser, and the page it "
        "links to is read instead; an entry with no link keeps its content when that is prose.")
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


class ApiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_body_bytes: int = Field(5_000_000, gt=0, description="Largest request body `newsbrief serve` accepts, bytes (413 above).")
    rate_per_minute: int = Field(120, gt=0, description="Requests one token may make a minute (429 with Retry-After above).")
    job_threads: int = Field(2, gt=0, description="Worker threads that run brief jobs inside the server.")


class SmtpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str | None = Field(None, description="The SMTP server digests are e-mailed through (`newsbrief digest --email`).")
    port: int = Field(587, gt=0, lt=65536, description="Its port: 587 for STARTTLS, 465 for TLS, 25 for neither.")
    security: Literal["starttls", "tls", "none"] = Field("starttls", description="STARTTLS, TLS from the start, or "
                                                         "none (a local relay only).")
    user: str | None = Field(None, description="The login; the password comes from NEWSBRIEF_SMTP_PASSWORD only.")
    sender: str = Field("newsbrief@localhost", description="The From address.")
    timeout_s: float = Field(30.0, gt=0, description="Time allowed for each SMTP step, seconds.")


class SlackSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_url: str = Field("https://slack.com/api/", description="Slack's Web API base URL (a local fake in tests); "
                         "the tokens come from SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN only.")
    job_timeout_s: float = Field(600.0, gt=0, description="How long the Slack door waits for a brief job, seconds.")


class CelerySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    broker_url: str | None = Field(None, description="A Redis broker, e.g. redis://127.0.0.1:6379/0: jobs and "
                                   "`digest --distributed` run as Celery tasks on `newsbrief worker`s; unset, in-process.")
    result_backend: str | None = Field(None, description="Where task results are kept; unset, the broker's Redis.")
    task_time_limit_s: float = Field(600.0, gt=0, description="A task still running after this is killed (its "
                                     "message is given back to the queue); the soft limit is 90% of it.")
    visibility_timeout_s: float = Field(900.0, gt=0, description="A message taken by a worker that died is handed "
                                        "out again after this; longer than the longest task, or tasks run twice.")
    domain_interval_s: float = Field(1.0, ge=0, description="Least time between two fetches of one domain's "
                                     "feed or page across all workers, seconds.")
    max_retries: int = Field(3, ge=0, description="Retries of a source that could not be fetched.")
    retry_backoff_s: float = Field(5.0, ge=0, description="First wait before a retry, doubled each time.")
    wait_timeout_s: float = Field(3600.0, gt=0, description="How long `digest --distributed` waits for its tasks.")


class Settings(BaseSettings):
    """Everything configurable, with a description on every field."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the article store lives.")
    config_file: Path | None = Field(None, description="A TOML settings file, read beneath the NEWSBRIEF_* variables "
                                     "(they win); unset, newsbrief.toml in the data directory when there is one.")
    fetch: FetchSettings = Field(default_factory=FetchSettings, description="Fetching URLs and feeds.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="Input limits.")
    grouping: GroupingSettings = Field(default_factory=GroupingSettings, description="Duplicates, families, stories.")
    chunking: ChunkSettings = Field(default_factory=ChunkSettings, description="How articles are cut for the index.")
    embedder: str = Field("wordllama", description="Embedder: 'wordllama' (default, offline), 'minilm' (the "
                          "[minilm] extra) or 'openai' (needs OPENAI_API_KEY).")
    database_url: str | None = Field(None, description="The article store's database, e.g. "
                                     "postgresql://user:password@host/newsbrief (run `newsbrief db upgrade` once); "
                                     "unset, a SQLite file under the data directory.")
    chroma_url: str | None = Field(None, description="A `chroma run` server, e.g. http://127.0.0.1:8000; "
                                   "unset, an embedded store under the data directory is used.")
    openai: OpenAISettings = Field(default_factory=OpenAISettings, description="OpenAI-compatible endpoint.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The LLM that writes briefs, if any.")
    api: ApiSettings = Field(default_factory=ApiSettings, description="The HTTP API and web page (`newsbrief serve`).")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings, description="E-mailing digests.")
    slack: SlackSettings = Field(default_factory=SlackSettings, description="The Slack bot (`newsbrief serve`, `slack`).")
    celery: CelerySettings = Field(default_factory=CelerySettings, description="Celery workers on Redis (scale-out).")
    workers: int = Field(
        0, ge=0, description="Processes that extract and clean in parallel; 0 means one per CPU core, 1 means none."
    )

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then the environment, then the settings file; no .env or secrets folder."""
        return init_settings, env_settings, _file_source(settings_cls, {**env_settings(), **init_settings()})

    @property
    def settings_file(self) -> Path:
        return self.config_file or self.data_dir / SETTINGS_FILE

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
        # Where data lives, how many processes, and how the server serves change no brief.
        payload = self.model_dump_json(exclude={"data_dir", "config_file", "workers", "database_url", "chroma_url", "api", "smtp", "slack",
                                                    "celery"})
        return hashlib.md5(payload.encode()).hexdigest()[:12]


def _file_source(settings_cls: type[BaseSettings], given: dict[str, Any]) -> TomlConfigSettingsSource:
    """The settings file as a source: the one named, which must exist, else the data directory's."""
    named = given.get("config_file")
    path = Path(named) if named else Path(given.get("data_dir") or default_data_dir()) / SETTINGS_FILE
    if named and not path.is_file():
        raise SettingsFileError(f"settings file {path} not found")
    try:
        source = TomlConfigSettingsSource(settings_cls, toml_file=path)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise SettingsFileError(f"settings file {path}: {exc}") from None
    if not named and "data_dir" in source.toml_data:
        raise SettingsFileError(f"settings file {path}: data_dir cannot be set in the data directory's own file; "
                                "set NEWSBRIEF_DATA_DIR, or name a settings file elsewhere with --config FILE")
    return source


# --- the effective settings, for `newsbrief config` -------------------------------------------------


@dataclass
class SettingRow:
    name: str      # dotted: llm.model
    variable: str  # NEWSBRIEF_LLM__MODEL
    value: Any     # masked when it carries a secret
    origin: str    # "argument", "environment", "file" or "default"


def effective_settings(settings: Settings, arguments: set[str] = frozenset()) -> list[SettingRow]:
    """Every setting with its value and where it came from. ``arguments`` names the fields given
    as arguments (the CLI's --data-dir and --config)."""
    in_file = set(_leaves(_read_toml(settings.settings_file)))
    rows = []
    for path, value in _leaves(settings.model_dump(mode="json")).items():
        variable = ENV_PREFIX + "__".join(path).upper()
        origin = ("argument" if path[0] in arguments else "environment" if variable in os.environ
                  else "file" if path in in_file else "default")
        rows.append(SettingRow(".".join(path), variable, mask_credentials(value), origin))
    return rows


def secrets_set() -> dict[str, str | None]:
    """Each secret variable, masked: '********' when it is set, None when not."""
    return {name: "********" if os.environ.get(name) else None for name in SECRET_VARIABLES}


def mask_credentials(value: Any) -> Any:
    """A URL's password (http://user:secret@host) masked; anything else as it is."""
    if not isinstance(value, str) or "@" not in value:
        return value
    parts = urlsplit(value)
    if not parts.password:
        return value
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":********@")).geturl()


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _leaves(tree: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    leaves = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            leaves |= _leaves(value, prefix + (key,))
        else:
            leaves[prefix + (key,)] = value
    return leaves
