"""The store's database: SQLite (the embedded default) or PostgreSQL, through SQLAlchemy Core.

Every table store (articles, groups, briefs, jobs, ...) writes its SQL once, with named
parameters, in the subset both engines speak (``INSERT ... ON CONFLICT``, ``RETURNING``). What
differs between them is said here only: the current time as text, the column that gives the
insertion order, and how a transaction takes the lock that serialises it.

The schema belongs to the Alembic migrations in ``store/migrations``. A SQLite file is upgraded
when it is opened (``make demo`` needs no extra step, and a file written before the migrations
is brought up to date the same way); PostgreSQL is upgraded by ``newsbrief db upgrade``, once per
deployment, and a store opened before that says so.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0001"  # the newest migration's revision; a test holds it equal to Alembic's head
# An ISO-8601 UTC time to the millisecond, as every stored time has been since the first release.
NOW = {"sqlite": "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
       "postgresql": "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"}


class StoreNotReady(RuntimeError):
    """A PostgreSQL store whose schema is behind this version's: `newsbrief db upgrade` first."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def postgres_driver(url: str) -> str:
    """``postgresql://`` as people write it, with psycopg 3 as the driver (SQLAlchemy's default
    for that scheme is psycopg2, which is not installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


_engines: dict[tuple[str, bool], Engine] = {}
_ready: set[str] = set()
_lock = threading.Lock()


def engine_for(url: str, check_same_thread: bool = True) -> Engine:
    """One engine per database and process. SQLite opens a connection per store (NullPool: a
    file's connections are cheap, and pooling them would keep files of finished tests open);
    PostgreSQL pools them."""
    key = (url, check_same_thread)
    with _lock:
        if key not in _engines:
            _engines[key] = _new_engine(url, check_same_thread)
        return _engines[key]


def _new_engine(url: str, check_same_thread: bool) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(postgres_driver(url), pool_pre_ping=True)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30, "check_same_thread": check_same_thread})

    @event.listens_for(engine, "connect")
    def wal_mode(dbapi_connection, _record):
        # WAL lets the API, the Slack bot and workers read while one process writes.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return engine


def _forget_engines_after_fork() -> None:
    """A forked worker must not share its parent's pooled PostgreSQL connections."""
    for engine in _engines.values():
        engine.dispose(close=False)
    _engines.clear()


os.register_at_fork(after_in_child=_forget_engines_after_fork)


def upgrade(url: str, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (`newsbrief db upgrade`)."""
    from alembic import command

    command.upgrade(_alembic_config(url), revision)
    _ready.add(url)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("")).get_current_head()


def ensure_schema(url: str) -> None:
    """Once per process and database: SQLite is upgraded in place; PostgreSQL must be current.
    A store already at HEAD is told by one query, without loading Alembic (a CLI command opens
    the store once, and Alembic's scripts cost it about 0.3 s)."""
    if url in _ready:
        return
    current = _stamped_revision(url)
    if current != HEAD and make_url(url).get_backend_name() == "sqlite":
        upgrade(url)
        return
    if current != HEAD:
        raise StoreNotReady(f"the PostgreSQL store is at schema revision {current or 'none'}, this version needs "
                            f"{HEAD}: run `newsbrief db upgrade` once")
    _ready.add(url)


def _stamped_revision(url: str) -> str | None:
    with engine_for(url).connect() as connection:
        if not connection.dialect.has_table(connection, "alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


class Rows:
    """A statement's result, read to the end before the connection moves on."""

    def __init__(self, result):
        self.rowcount = result.rowcount
        self._rows = result.all() if result.returns_rows else []

    def __iter__(self):
        return iter(self._rows)

    def fetchall(self) -> list:
        return list(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def scalar(self):
        return self._rows[0][0] if self._rows else None


@lru_cache(maxsize=1024)
def _statement(sql: str):
    """The parsed statement. Parsing its named parameters took about a third of storing an
    article; a statement is immutable (``bindparams`` returns a new one), so one parse is shared."""
    return text(sql)


class Database:
    """One connection, used as the table stores used sqlite3's: ``execute`` outside a ``with``
    block commits at once; ``with db:`` is one transaction, committed at its end or rolled back
    on an exception."""

    def __init__(self, url: str, check_same_thread: bool = True):
        ensure_schema(url)
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self.now = NOW[self.dialect]
        # The order articles and sightings were stored in: SQLite's rowid, PostgreSQL's identity column.
        self.insertion_order = "rowid" if self.dialect == "sqlite" else "seq"
        self.connection = engine_for(url, check_same_thread).connect()
        self._depth = 0

    def execute(self, sql: str, params: dict | list[dict] | None = None) -> Rows:
        """``sql`` with named parameters (``:name``); a list given for one (``IN :ids``) is
        expanded to one parameter per item."""
        statement = _statement(sql)
        if isinstance(params, dict):
            lists = [bindparam(name, expanding=True) for name, value in params.items() if isinstance(value, list)]
            statement = statement.bindparams(*lists)
        try:
            rows = Rows(self.connection.execute(statement, params or {}))
        except Exception:
            if not self._depth:  # a failed statement on its own leaves the connection clean
                self.connection.rollback()
            raise
        if not self._depth:
            self.connection.commit()
        return rows

    def lock(self, name: str) -> None:
        """Inside ``with db:``, serialise this transaction with every other that locks ``name``
        (two identical requests at once must not both create a job)."""
        if self.dialect == "sqlite":
            self.execute("BEGIN IMMEDIATE")  # the whole file: SQLite has one writer anyway
        else:
            self.execute("SELECT pg_advisory_xact_lock(hashtext(:name))", {"name": name})

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        self._depth += 1
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._depth -= 1
        if self._depth:
            return
        if exc_type is None:
            self.connection.commit()
        else:
            self.connection.rollback()
