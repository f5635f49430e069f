"""The one place that chooses the article store's database, for every door and worker: the CLI,
the API and web page, the jobs, the Slack bot and the digest runs all open it here."""

from __future__ import annotations

from pipeline.settings import Settings, mask_credentials
from store.articles import ArticleStore
from store.database import sqlite_url


def open_article_store(config: Settings, check_same_thread: bool = True) -> ArticleStore:
    """PostgreSQL when ``NEWSBRIEF_DATABASE_URL`` names one; else the SQLite file under the data
    directory, as before."""
    return ArticleStore(config.database_url or config.db_path, check_same_thread=check_same_thread)


def store_url(config: Settings) -> str:
    """The database URL, the SQLite file's when none is set (its folder made, as opening does)."""
    if config.database_url:
        return config.database_url
    config.db_path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite_url(config.db_path)


def store_location(config: Settings) -> str:
    """Where the store is, for messages: the file, or the URL without its password."""
    return mask_credentials(config.database_url) if config.database_url else str(config.db_path)
