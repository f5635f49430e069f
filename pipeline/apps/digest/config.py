"""feeds.yaml: what a digest reads, how often it runs, and where it goes.

The file is validated by pydantic models in the style of ``pipeline.settings`` (unknown keys
refused, a description on every field), and an error names the key and the line of the file::

    name: Morning brief
    schedule: "0 7 * * *"          # crontab line
    top: 10
    feeds:
      - url: https://example.com/rss     # or  path: feeds/local.xml
        outlet: Example Times
        topics: [markets, china]         # optional filter
    email: {to: [desk@example.com]}      # optional
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.errors import NewsbriefError


class DigestConfigError(NewsbriefError):
    """feeds.yaml is missing, not YAML, or not a digest's configuration."""


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, pattern=r"^https?://", description="An RSS or Atom feed's URL.")
    path: Path | None = Field(None, description="A local RSS or Atom file; relative to feeds.yaml's folder.")
    outlet: str | None = Field(None, max_length=200, description="The outlet of every entry; unset, the feed's title.")
    topics: list[str] = Field(default_factory=list, description="Keep only this feed's articles that mention one of "
                              "these words (in the title or text, a plural too); empty keeps them all.")

    @model_validator(mode="after")
    def _one_place(self) -> FeedConfig:
        if (self.url is None) == (self.path is None):
            raise ValueError("give a feed either 'url' or 'path', not both or neither")
        return self

    @property
    def source(self) -> str:
        return self.url or str(self.path)


class EmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(min_length=1, description="Recipients; each one's failure is reported, the rest still sent.")
    subject: str | None = Field(None, description="The subject; unset, the digest's name and date.")

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if "@" not in a or any(c.isspace() for c in a)]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)}")
        return value


class DigestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="The digest's name; its runs are compared by it.")
    schedule: str | None = Field(None, description="A crontab line (minute hour day month weekday), for `newsbrief schedule`.")
    top: int = Field(10, ge=1, le=100, description="Stories briefed and shown, the best ranked first.")
    since: str = Field("24h", description="Stories with news in this window: an age (24h, 7d) or an ISO date.")
    half_life_hours: float = Field(24.0, gt=0, description="Recency in the ranking: a story's weight halves every so many hours.")
    feeds: list[FeedConfig] = Field(min_length=1, description="The feeds read.")
    email: EmailConfig | None = Field(None, description="Where `--email` sends it.")

    @field_validator("since")
    @classmethod
    def _window(cls, value: str) -> str:
        from datetime import datetime, timezone

        from pipeline.apps.digest.run import since_time

        try:
            since_time(value, datetime.now(timezone.utc))
        except ValueError:
            raise ValueError(f"not an age (24h, 7d, 2w) or an ISO date: {value!r}") from None
        return value

    @field_validator("schedule")
    @classmethod
    def _crontab(cls, value: str | None) -> str | None:
        from croniter import croniter

        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"not a crontab line: {value!r} (five fields: minute hour day month weekday, e.g. '0 7 * * *')")
        return value


def load_digest_config(path: Path) -> DigestConfig:
    """feeds.yaml read and checked; a feed's path is relative to the file's folder."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise DigestConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise DigestConfigError(f"{path} is not YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DigestConfigError(f"{path}: expected a mapping with name, feeds, ... (see examples/feeds.yaml)")
    try:
        config = DigestConfig.model_validate(data)
    except ValidationError as exc:
        raise DigestConfigError(f"{path}: {_problems(exc)}") from None
    for feed in config.feeds:
        if feed.path is not None and not feed.path.is_absolute():
            feed.path = path.parent / feed.path
    return config


def _problems(exc: ValidationError) -> str:
    """Each problem as 'feeds.1.url: ...', one a line."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        lines.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)
