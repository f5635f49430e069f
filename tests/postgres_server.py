"""A real PostgreSQL server for the tests, from Debian's packages (`make services` installs them).

initdb and the server run in a fresh folder on a free loopback port. PostgreSQL refuses to run
as root, and the tests run as root on the project's machines: then the server runs as the
`postgres` system user that the Debian package creates, in a folder it owns. Each test gets a
database of its own, upgraded to the newest schema by the store's migrations.

Import the fixtures into a test module: ``from postgres_server import postgres_server, postgres_url``.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "newsbrief"  # the server's superuser, trusted on loopback only
_numbers = itertools.count(1)


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run `make services` (apt-get install postgresql) first")
    return Path(found[-1]).parent  # the newest version


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresServer:
    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="newsbrief-pg-"))  # not under pytest's root-only tmp
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str) -> None:
        subprocess.run(_as_server_user([str(self.bin / command[0]), *command[1:]]), check=True, capture_output=True,
                       timeout=120, cwd=self.folder)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
        # Loopback only, the socket in our folder, no fsync: a test server holds nothing worth a sync.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"test_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new database on the test server, with the store's schema."""
    from store.database import upgrade

    url = postgres_server.new_database()
    upgrade(url)
    return url
